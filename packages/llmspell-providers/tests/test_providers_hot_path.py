"""What the per-call fast paths skip must not change what comes out: models built without
validation, replies read from their JSON, one token callback for every attempt."""

from __future__ import annotations

import asyncio
import gc
import json
import threading
import weakref
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from llmspell_core.cancellation import CancellationToken
from llmspell_core.catalog import Catalog
from llmspell_core.context import ExecutionContext
from llmspell_core.errors import CancelledError, ProviderError
from llmspell_core.messages import Message
from llmspell_core.provider import CompletionRequest, CompletionResponse
from llmspell_core.usage import Usage
from llmspell_providers.openai_format import response_of
from llmspell_providers.policy import AttemptScope
from llmspell_providers.token_watch import token_watch

MakeCatalog = Callable[..., Catalog]


def chat_body(**message: Any) -> dict[str, Any]:
    return {
        "id": "chatcmpl-1",
        "model": "gpt-4o-mini",
        "choices": [
            {"index": 0, "message": {"role": "assistant", **message}, "finish_reason": "stop"}
        ],
        "usage": {"prompt_tokens": 7, "completion_tokens": 2, "total_tokens": 9},
    }


def test_a_plain_reply_is_read_from_its_json() -> None:
    response = response_of(chat_body(content="hello there"), "asked-model")
    assert response == CompletionResponse(
        message=Message.assistant("hello there"),
        usage=Usage(input_tokens=7, output_tokens=2),
        model="gpt-4o-mini",
        finish_reason="stop",
    )


def test_missing_parts_of_a_reply_take_their_defaults() -> None:
    body = {"choices": [{"message": {"content": None}}]}
    response = response_of(body, "asked-model")
    assert response is not None
    assert (response.message.content, response.model, response.finish_reason) == (
        "",
        "asked-model",
        None,
    )
    assert response.usage == Usage()


def test_odd_values_go_through_validation() -> None:
    body = chat_body(content="ok")
    body["model"] = 4
    response = response_of(body, "asked-model")
    assert response is not None
    assert response.model == "4"
    with pytest.raises(ValueError, match="content"):
        response_of(chat_body(content=["not", "text"]), "asked-model")


def test_tool_calls_are_read_from_the_json() -> None:
    body = chat_body(
        content=None,
        tool_calls=[
            {"id": "c1", "type": "function", "function": {"name": "add", "arguments": '{"a": 1}'}},
            {"id": "c2", "type": "function", "function": {"name": "echo", "arguments": "oops"}},
            {"id": "c3", "type": "custom"},  # not a function call: left out
        ],
    )
    response = response_of(body, "m")
    assert response is not None
    calls = [(c.id, c.name, c.arguments) for c in response.message.tool_calls]
    assert calls == [("c1", "add", {"a": 1}), ("c2", "echo", {"_raw": "oops"})]


@pytest.mark.parametrize(
    "body",
    ["<html>bad gateway</html>", b"raw", None, [], {}, {"choices": []}, {"choices": ["x"]}],
)
def test_a_body_that_is_not_a_completion_is_none(body: Any) -> None:
    assert response_of(body, "m") is None


async def test_one_token_callback_serves_every_attempt() -> None:
    ctx = ExecutionContext()
    token = ctx.cancellation
    watch = token_watch(token)
    assert token_watch(token) is watch
    outcomes: list[str] = []

    async def attempt(name: str) -> None:
        try:
            with AttemptScope(ctx, name, budget=30.0):
                await asyncio.sleep(5.0)
        except CancelledError as exc:
            outcomes.append(exc.message)

    tasks = [asyncio.create_task(attempt(f"attempt {n}")) for n in range(3)]
    await asyncio.sleep(0.05)
    assert len(watch) == 3
    threading.Thread(target=token.cancel, args=("user stop",)).start()  # another thread
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=5.0)
    assert sorted(outcomes) == [f"attempt {n} cancelled: user stop" for n in range(3)]
    assert len(watch) == 0


async def test_attempts_that_finish_leave_their_token_watch() -> None:
    ctx = ExecutionContext()
    for _ in range(20):
        with AttemptScope(ctx, "quick", budget=30.0):
            await asyncio.sleep(0)
    assert len(token_watch(ctx.cancellation)) == 0


def test_a_token_watch_keeps_neither_its_token_nor_itself_alive() -> None:
    token = CancellationToken()
    watch = weakref.ref(token_watch(token))
    token_gone = weakref.ref(token)
    del token
    token_watch(CancellationToken())  # another token becomes the most recent one
    gc.collect()
    assert token_gone() is None
    assert watch() is None


class _OtherJson(BaseHTTPRequestHandler):
    """Answers POSTs with 200 and JSON that is not a chat completion, or that is not JSON."""

    bodies: list[bytes] = [
        json.dumps({"error": {"message": "quota used up"}}).encode(),
        b'{"choices": [{"message": {"content": "cut sh',
    ]

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", "0")))
        body = self.bodies[0] if "first" in self.path else self.bodies[1]
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return


async def test_json_that_is_not_a_completion_is_a_bad_response_showing_it(
    make_catalog: MakeCatalog, ctx: ExecutionContext
) -> None:
    with ThreadingHTTPServer(("127.0.0.1", 0), _OtherJson) as http:
        threading.Thread(target=http.serve_forever, daemon=True).start()
        try:
            port = http.server_address[1]
            request = CompletionRequest(model="gpt-4o-mini", messages=[Message.user("hi")])
            messages: list[str] = []
            for route in ("first", "second"):
                base_url = f"http://127.0.0.1:{port}/{route}"
                catalog = make_catalog(providers={"openai": {"base_url": base_url}})
                provider = catalog.resolve_model("openai/gpt-4o-mini").provider
                with pytest.raises(ProviderError) as info:
                    await provider.complete(request, ctx)
                assert info.value.code == "BAD_RESPONSE"
                messages.append(info.value.message)
        finally:
            http.shutdown()
    assert "quota used up" in messages[0]
    assert "cut sh" in messages[1]  # says JSON, does not parse: shown as the text it is
