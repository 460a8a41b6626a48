"""The openai provider through the real AsyncOpenAI client against the fake server."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from llmspell_core.catalog import Catalog
from llmspell_core.context import ExecutionContext
from llmspell_core.errors import AuthError, ProviderError
from llmspell_core.media import MediaContent
from llmspell_core.messages import Message, ToolCall
from llmspell_core.provider import CompletionChunk, CompletionRequest
from llmspell_core.testing import FakeLLMServer, FakeReply, FakeToolCall, Fault
from llmspell_core.tool_types import ToolSpec

MakeCatalog = Callable[..., Catalog]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
CALC = ToolSpec(
    name="calculator",
    description="evaluate arithmetic",
    parameters={"type": "object", "properties": {"expression": {"type": "string"}}},
)


def request(text: str = "Hello there", **kwargs: Any) -> CompletionRequest:
    return CompletionRequest(
        model="gpt-4o-mini", messages=[Message.system("be brief"), Message.user(text)], **kwargs
    )


async def test_plain_completion_with_usage(
    make_catalog: MakeCatalog, server: FakeLLMServer, ctx: ExecutionContext
) -> None:
    provider = make_catalog().get_provider("openai")
    response = await provider.complete(request("Hello there"), ctx)
    assert response.message.content == "echo: Hello there"
    assert response.usage.input_tokens == 4  # "be brief Hello there"
    assert response.usage.output_tokens == 3
    assert response.finish_reason == "stop"
    sent = server.chat_requests()[-1]
    assert sent.path == "/v1/chat/completions"
    assert sent.headers["authorization"] == "Bearer sk-test"
    assert sent.messages[0] == {"role": "system", "content": "be brief"}
    assert "tools" not in sent.fields


async def test_streaming_yields_deltas_then_one_done_chunk(
    make_catalog: MakeCatalog, ctx: ExecutionContext
) -> None:
    provider = make_catalog().get_provider("openai")
    chunks: list[CompletionChunk] = [
        c async for c in provider.stream(request("one two three"), ctx)
    ]
    assert "".join(c.text for c in chunks) == "echo: one two three"
    assert len(chunks) >= 4
    assert chunks[-1].done
    assert not any(c.done for c in chunks[:-1])
    assert chunks[-1].usage is not None
    assert chunks[-1].usage.output_tokens == 4
    assert chunks[-1].finish_reason == "stop"


async def test_tool_calls_plain_and_streamed(
    make_catalog: MakeCatalog, server: FakeLLMServer, ctx: ExecutionContext
) -> None:
    provider = make_catalog().get_provider("openai")
    calls = [
        FakeToolCall("calculator", {"expression": "2+2"}, id="call_a"),
        FakeToolCall("calculator", {"expression": "3*3"}, id="call_b"),
    ]
    server.reply(FakeReply(tool_calls=calls), FakeReply(text="thinking", tool_calls=calls))
    response = await provider.complete(request(tools=[CALC]), ctx)
    assert response.finish_reason == "tool_calls"
    assert response.message.tool_calls == [
        ToolCall(id="call_a", name="calculator", arguments={"expression": "2+2"}),
        ToolCall(id="call_b", name="calculator", arguments={"expression": "3*3"}),
    ]
    sent_tools = server.chat_requests()[-1].fields["tools"]
    assert sent_tools[0]["function"]["name"] == "calculator"
    assert sent_tools[0]["function"]["parameters"]["properties"]["expression"]["type"] == "string"

    chunks = [c async for c in provider.stream(request(tools=[CALC]), ctx)]
    assert "".join(c.text for c in chunks) == "thinking"
    assert [c.name for c in chunks[-1].tool_calls] == ["calculator", "calculator"]
    assert chunks[-1].tool_calls[1].arguments == {"expression": "3*3"}


async def test_tool_results_and_options_on_the_wire(
    make_catalog: MakeCatalog, server: FakeLLMServer, ctx: ExecutionContext
) -> None:
    provider = make_catalog().get_provider("openai")
    call = ToolCall(id="call_1", name="calculator", arguments={"expression": "1+1"})
    messages = [
        Message.user("add", media=[MediaContent(kind="image", format="png", data=PNG)]),
        Message.assistant("", [call]),
        Message.tool("call_1", "calculator", '{"result": 2}'),
    ]
    schema = {"title": "Sum result", "type": "object", "properties": {"n": {"type": "integer"}}}
    await provider.complete(
        CompletionRequest(
            model="gpt-4o-mini",
            messages=messages,
            tools=[CALC],
            temperature=0.5,
            max_tokens=50,
            response_format=schema,
            tool_choice="none",
        ),
        ctx,
    )
    body = server.chat_requests()[-1].fields
    user, assistant, tool = body["messages"]
    assert user["content"][0] == {"type": "text", "text": "add"}
    assert user["content"][1]["image_url"]["url"].startswith("data:image/png;base64,")
    assert assistant["tool_calls"][0]["function"] == {
        "name": "calculator",
        "arguments": json.dumps({"expression": "1+1"}),
    }
    assert tool == {"role": "tool", "tool_call_id": "call_1", "content": '{"result": 2}'}
    assert body["temperature"] == 0.5
    assert body["max_tokens"] == 50
    assert body["tool_choice"] == "none"
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["name"] == "Sum_result"
    assert body["response_format"]["json_schema"]["schema"] == schema


async def test_reasoning_models_get_max_completion_tokens(
    make_catalog: MakeCatalog, server: FakeLLMServer, ctx: ExecutionContext
) -> None:
    provider = make_catalog().get_provider("openai")
    await provider.complete(
        CompletionRequest(model="o4-mini", messages=[Message.user("x")], max_tokens=7), ctx
    )
    body = server.chat_requests()[-1].fields
    assert body["max_completion_tokens"] == 7
    assert "max_tokens" not in body


async def test_embeddings_in_input_order(
    make_catalog: MakeCatalog, server: FakeLLMServer, ctx: ExecutionContext
) -> None:
    provider = make_catalog().get_provider("openai")
    vectors = await provider.embed(["alpha", "beta"], None, ctx)
    assert len(vectors) == 2
    assert len(vectors[0]) == 8
    assert vectors[0] != vectors[1]
    assert vectors == await provider.embed(["alpha", "beta"], None, ctx)
    sent = [r for r in server.requests if r.api == "embeddings"][-1]
    assert sent.model == "text-embedding-3-small"


async def test_auth_failure_names_the_key_variable(
    make_catalog: MakeCatalog, server: FakeLLMServer, ctx: ExecutionContext
) -> None:
    server.fault(Fault.unauthorized())
    provider = make_catalog().get_provider("openai")
    with pytest.raises(AuthError) as info:
        await provider.complete(request(), ctx)
    assert "OPENAI_API_KEY" in info.value.message
    assert "HTTP 401" in info.value.message
    assert len(server.chat_requests()) == 1  # never retried


@pytest.mark.parametrize(
    ("status", "code"), [(404, "NOT_FOUND"), (400, "BAD_REQUEST"), (422, "BAD_REQUEST")]
)
async def test_client_errors_are_not_retried(
    make_catalog: MakeCatalog, server: FakeLLMServer, ctx: ExecutionContext, status: int, code: str
) -> None:
    server.fault(Fault.http_status(status, "model 'nope' does not exist"))
    provider = make_catalog().get_provider("openai")
    with pytest.raises(ProviderError) as info:
        await provider.complete(request(), ctx)
    assert info.value.code == code
    assert "model 'nope' does not exist" in info.value.message
    assert len(server.chat_requests()) == 1


async def test_custom_key_variable_is_named_in_auth_errors(
    make_catalog: MakeCatalog, server: FakeLLMServer, ctx: ExecutionContext
) -> None:
    server.fault(Fault.unauthorized())
    catalog = make_catalog(
        {"groq": {"provider_type": "openai", "base_url": server.openai_base_url}},
        env={"LLMSPELL_GROQ_API_KEY": "gk"},
    )
    provider = catalog.get_provider("groq")
    with pytest.raises(AuthError, match="LLMSPELL_GROQ_API_KEY"):
        await provider.complete(request(), ctx)
    assert server.chat_requests()[-1].headers["authorization"] == "Bearer gk"


async def test_configured_key_variable_is_named_in_auth_errors(
    make_catalog: MakeCatalog, server: FakeLLMServer, ctx: ExecutionContext
) -> None:
    server.fault(Fault.unauthorized())
    catalog = make_catalog(
        {"openai": {"api_key_env": "TEAM_OPENAI_KEY"}}, env={"TEAM_OPENAI_KEY": "tk"}
    )
    with pytest.raises(AuthError, match="check TEAM_OPENAI_KEY"):
        await catalog.get_provider("openai").complete(request(), ctx)
