"""The anthropic provider through the real AsyncAnthropic client against the fake server."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from llmspell_core.catalog import Catalog
from llmspell_core.context import ExecutionContext
from llmspell_core.errors import AuthError, ProviderError
from llmspell_core.media import MediaContent
from llmspell_core.messages import Message, ToolCall
from llmspell_core.provider import CompletionRequest
from llmspell_core.testing import FakeLLMServer, FakeReply, FakeToolCall, Fault
from llmspell_core.tool_types import ToolSpec

MakeCatalog = Callable[..., Catalog]
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 16
LOOKUP = ToolSpec(
    name="lookup",
    description="look a word up",
    parameters={"type": "object", "properties": {"word": {"type": "string"}}},
)


async def test_plain_completion_system_prompt_and_usage(
    make_catalog: MakeCatalog, server: FakeLLMServer, ctx: ExecutionContext
) -> None:
    provider = make_catalog().get_provider("anthropic")
    response = await provider.complete(
        CompletionRequest(
            model="claude-test",
            messages=[Message.system("be brief"), Message.user("Hi there")],
        ),
        ctx,
    )
    assert response.message.content == "echo: Hi there"
    assert response.finish_reason == "end_turn"
    assert response.usage.input_tokens == 4
    assert response.usage.output_tokens == 3
    sent = server.chat_requests()[-1]
    assert sent.path == "/v1/messages"
    auth = sent.headers.get("x-api-key") or sent.headers.get("authorization", "")
    assert auth.endswith("ak-test")
    assert sent.fields["system"] == "be brief"
    assert sent.fields["max_tokens"] == 4096
    assert sent.messages == [{"role": "user", "content": [{"type": "text", "text": "Hi there"}]}]


async def test_tool_use_and_tool_results_on_the_wire(
    make_catalog: MakeCatalog, server: FakeLLMServer, ctx: ExecutionContext
) -> None:
    provider = make_catalog().get_provider("anthropic")
    server.reply(
        FakeReply(
            text="Let me look.", tool_calls=[FakeToolCall("lookup", {"word": "x"}, id="tu_1")]
        )
    )
    response = await provider.complete(
        CompletionRequest(model="claude-test", messages=[Message.user("define x")], tools=[LOOKUP]),
        ctx,
    )
    assert response.message.content == "Let me look."
    assert response.message.tool_calls == [
        ToolCall(id="tu_1", name="lookup", arguments={"word": "x"})
    ]
    assert response.finish_reason == "tool_use"
    assert server.chat_requests()[-1].fields["tools"] == [
        {"name": "lookup", "description": "look a word up", "input_schema": LOOKUP.parameters}
    ]

    # two tool results in a row become one user turn of tool_result blocks
    call_b = ToolCall(id="tu_2", name="lookup", arguments={"word": "y"})
    await provider.complete(
        CompletionRequest(
            model="claude-test",
            messages=[
                Message.user(
                    "define x and y", media=[MediaContent(kind="image", format="jpeg", data=JPEG)]
                ),
                Message.assistant("", [response.message.tool_calls[0], call_b]),
                Message.tool("tu_1", "lookup", "x: a letter"),
                Message.tool("tu_2", "lookup", "y: another"),
            ],
            tools=[LOOKUP],
            tool_choice="required",
            temperature=1.5,
            response_format={"type": "object"},
        ),
        ctx,
    )
    body = server.chat_requests()[-1].fields
    user, assistant, results = body["messages"]
    assert user["content"][1]["source"]["media_type"] == "image/jpeg"
    assert [b["type"] for b in assistant["content"]] == ["tool_use", "tool_use"]
    assert results == {
        "role": "user",
        "content": [
            {"type": "tool_result", "tool_use_id": "tu_1", "content": "x: a letter"},
            {"type": "tool_result", "tool_use_id": "tu_2", "content": "y: another"},
        ],
    }
    assert body["tool_choice"] == {"type": "any"}
    assert body["temperature"] == 1.0  # Anthropic's range is 0..1
    assert body["output_config"] == {
        "format": {"type": "json_schema", "schema": {"type": "object"}}
    }


async def test_streaming_text_tool_use_and_usage(
    make_catalog: MakeCatalog, server: FakeLLMServer, ctx: ExecutionContext
) -> None:
    provider = make_catalog().get_provider("anthropic")
    server.reply(
        FakeReply(text="checking the word", tool_calls=[FakeToolCall("lookup", {"word": "zebra"})])
    )
    chunks = [
        c
        async for c in provider.stream(
            CompletionRequest(
                model="claude-test", messages=[Message.user("zebra?")], tools=[LOOKUP]
            ),
            ctx,
        )
    ]
    assert "".join(c.text for c in chunks) == "checking the word"
    final = chunks[-1]
    assert final.done
    assert not any(c.done for c in chunks[:-1])
    assert [(c.name, c.arguments) for c in final.tool_calls] == [("lookup", {"word": "zebra"})]
    assert final.finish_reason == "tool_use"
    assert final.usage is not None
    assert final.usage.input_tokens == 1


async def test_auth_error_and_no_embeddings(
    make_catalog: MakeCatalog, server: FakeLLMServer, ctx: ExecutionContext
) -> None:
    provider = make_catalog().get_provider("anthropic")
    server.fault(Fault.unauthorized())
    with pytest.raises(AuthError, match="ANTHROPIC_API_KEY"):
        await provider.complete(
            CompletionRequest(model="claude-test", messages=[Message.user("x")]), ctx
        )
    with pytest.raises(ProviderError) as info:
        await provider.embed(["x"], None, ctx)
    assert info.value.code == "UNSUPPORTED"


async def test_unsupported_media_is_refused_before_sending(
    make_catalog: MakeCatalog, server: FakeLLMServer, ctx: ExecutionContext
) -> None:
    provider = make_catalog().get_provider("anthropic")
    clip = MediaContent(kind="audio", format="wav", data=b"RIFF0000WAVE")
    with pytest.raises(Exception, match="cannot take audio input"):
        await provider.complete(
            CompletionRequest(model="claude-test", messages=[Message.user("hear", media=[clip])]),
            ctx,
        )
    assert server.chat_requests() == []
