"""The fake LLM server speaks both wire formats and injects faults (stdlib client only)."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from typing import Any

import pytest

from llmspell_core.testing import FakeLLMServer, FakeReply, FakeToolCall, Fault


@pytest.fixture
def server() -> Iterator[FakeLLMServer]:
    with FakeLLMServer() as fake:
        yield fake


def post(
    server: FakeLLMServer, path: str, body: dict[str, Any]
) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.request("POST", path, json.dumps(body), {"Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def sse_data(raw: bytes) -> list[Any]:
    events = [line[6:] for line in raw.decode().splitlines() if line.startswith("data: ")]
    return [e if e == "[DONE]" else json.loads(e) for e in events]


def test_openai_json_reply_with_usage_and_tool_calls(server: FakeLLMServer) -> None:
    server.reply(FakeReply(text="hi", tool_calls=[FakeToolCall("calc", {"x": 1}, id="c1")]))
    status, _, raw = post(
        server,
        "/v1/chat/completions",
        {"model": "m", "messages": [{"role": "user", "content": "a b"}]},
    )
    body = json.loads(raw)
    assert status == 200
    assert body["choices"][0]["message"]["tool_calls"][0]["function"] == {
        "name": "calc",
        "arguments": '{"x": 1}',
    }
    assert body["choices"][0]["finish_reason"] == "tool_calls"
    assert body["usage"]["prompt_tokens"] == 2
    assert server.requests[-1].last_user_text == "a b"


def test_openai_sse_stream(server: FakeLLMServer) -> None:
    body = {
        "model": "m",
        "stream": True,
        "stream_options": {"include_usage": True},
        "messages": [{"role": "user", "content": "x y"}],
    }
    status, headers, raw = post(server, "/v1/chat/completions", body)
    assert status == 200
    assert headers["content-type"] == "text/event-stream"
    events = sse_data(raw)
    assert events[-1] == "[DONE]"
    text = "".join(
        e["choices"][0]["delta"].get("content") or "" for e in events[:-1] if e["choices"]
    )
    assert text == "echo: x y"
    assert events[-2]["usage"]["completion_tokens"] == 3
    assert len(server.requests[-1].chunk_sent_at) == len(events)


def test_anthropic_json_and_stream(server: FakeLLMServer) -> None:
    body = {
        "model": "c",
        "max_tokens": 5,
        "system": "s",
        "messages": [{"role": "user", "content": [{"type": "text", "text": "yo"}]}],
    }
    _, _, raw = post(server, "/v1/messages", body)
    message = json.loads(raw)
    assert message["content"] == [{"type": "text", "text": "echo: yo"}]
    assert message["stop_reason"] == "end_turn"
    _, _, raw = post(server, "/v1/messages", {**body, "stream": True})
    kinds = [e["type"] for e in sse_data(raw)]
    assert kinds[0] == "message_start"
    assert kinds[-2:] == ["message_delta", "message_stop"]


def test_faults_in_order(server: FakeLLMServer) -> None:
    server.fault(Fault.rate_limited(times=2, retry_after=1.5), Fault.non_json())
    body = {"model": "m", "messages": [{"role": "user", "content": "x"}]}
    for _ in range(2):
        status, headers, raw = post(server, "/v1/chat/completions", body)
        assert status == 429
        assert headers["retry-after"] == "1.5"
        assert json.loads(raw)["error"]["type"] == "rate_limit_exceeded"
    status, headers, raw = post(server, "/v1/chat/completions", body)
    assert status == 200
    assert headers["content-type"] == "text/html"
    status, _, _ = post(server, "/v1/chat/completions", body)
    assert status == 200
    assert len(server.chat_requests()) == 4


def test_anthropic_error_body_and_unknown_route(server: FakeLLMServer) -> None:
    server.fault(Fault.server_error(times=1, status=529))
    status, _, raw = post(server, "/v1/messages", {"model": "c", "messages": []})
    assert status == 529
    assert json.loads(raw) == {
        "type": "error",
        "error": {"type": "overloaded_error", "message": "fake server error 529"},
    }
    status, _, _ = post(server, "/v1/nowhere", {})
    assert status == 404


def test_cut_and_dropped_connections(server: FakeLLMServer) -> None:
    server.fault(Fault.cut_stream(after_chunks=2), Fault.drop())
    body = {"model": "m", "stream": True, "messages": [{"role": "user", "content": "a b c d"}]}
    with pytest.raises(http.client.IncompleteRead):
        post(server, "/v1/chat/completions", body)
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        post(server, "/v1/chat/completions", body)


def test_embeddings_and_models(server: FakeLLMServer) -> None:
    _, _, raw = post(server, "/v1/embeddings", {"model": "e", "input": ["a", "b"], "dimensions": 4})
    data = json.loads(raw)["data"]
    assert [len(d["embedding"]) for d in data] == [4, 4]
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.request("GET", "/v1/models")
    models = json.loads(conn.getresponse().read())
    conn.close()
    assert "gpt-4o-mini" in [m["id"] for m in models["data"]]


def test_responder_sees_the_request(server: FakeLLMServer) -> None:
    server.responder = lambda request: FakeReply(text=f"{request.model}:{len(request.messages)}")
    _, _, raw = post(
        server,
        "/v1/chat/completions",
        {"model": "m2", "messages": [{"role": "user", "content": "x"}] * 3},
    )
    assert json.loads(raw)["choices"][0]["message"]["content"] == "m2:3"
