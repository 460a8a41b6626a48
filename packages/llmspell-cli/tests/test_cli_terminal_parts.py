"""The pieces behind the terminal display: the --stream provider tee and the stderr spinner."""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import AsyncIterator
from typing import ClassVar

from llmspell_cli.activity import Activity
from llmspell_cli.stream_tee import StreamingRegistry, TextSink, streaming_provider_class
from llmspell_core.context import ExecutionContext
from llmspell_core.messages import Message, ToolCall
from llmspell_core.provider import (
    CompletionChunk,
    CompletionRequest,
    CompletionResponse,
    Provider,
    ProviderCapabilities,
    ProviderSettings,
)
from llmspell_core.registry import Registry
from llmspell_core.testing.fakes import EchoProvider
from llmspell_core.usage import Usage


class ChunkyProvider(Provider):
    """Streams three words natively; ``complete`` says it was not streamed."""

    provider_type: ClassVar[str] = "chunky"
    requires_api_key: ClassVar[bool] = False

    def capabilities(self, model: str | None = None) -> ProviderCapabilities:
        return ProviderCapabilities(available_models=["m"])

    async def complete(
        self, request: CompletionRequest, ctx: ExecutionContext
    ) -> CompletionResponse:
        return CompletionResponse(message=Message.assistant("whole"), model=request.model)

    async def stream(
        self, request: CompletionRequest, ctx: ExecutionContext
    ) -> AsyncIterator[CompletionChunk]:
        for word in ("one ", "two ", "three"):
            yield CompletionChunk(text=word)
        yield CompletionChunk(
            tool_calls=[ToolCall(id="c1", name="calc", arguments={"x": 1})],
            usage=Usage(input_tokens=2, output_tokens=3),
            finish_reason="stop",
            done=True,
        )


def settings() -> ProviderSettings:
    return ProviderSettings(name="chunky", provider_type="chunky")


def request(response_format: dict[str, object] | None = None) -> CompletionRequest:
    return CompletionRequest(
        model="m", messages=[Message.user("hi")], response_format=response_format
    )


def test_complete_streams_into_the_sink_and_returns_the_whole_reply() -> None:
    written: list[str] = []
    cls = streaming_provider_class(ChunkyProvider, TextSink(written.append))
    assert issubclass(cls, ChunkyProvider)
    assert cls.__name__ == "ChunkyProvider"
    response = asyncio.run(cls(settings()).complete(request(), ExecutionContext()))
    assert written == ["one ", "two ", "three", "\n"]
    assert response.message.content == "one two three"
    assert [call.name for call in response.message.tool_calls] == ["calc"]
    assert response.usage.output_tokens == 3
    assert response.finish_reason == "stop"


def test_structured_output_is_not_streamed() -> None:
    written: list[str] = []
    cls = streaming_provider_class(ChunkyProvider, TextSink(written.append))
    schema: dict[str, object] = {"type": "object"}
    response = asyncio.run(
        cls(settings()).complete(request(response_format=schema), ExecutionContext())
    )
    assert response.message.content == "whole"
    assert written == []


def test_providers_without_native_streaming_are_left_alone() -> None:
    assert streaming_provider_class(EchoProvider, TextSink(print)) is EchoProvider


def test_the_registry_wraps_only_providers_and_delegates_the_rest() -> None:
    inner = Registry()
    written: list[str] = []
    wrapper = StreamingRegistry(inner, TextSink(written.append))
    marker = object()
    with (
        inner.override("llmspell.providers", "chunky", ChunkyProvider),
        inner.override("llmspell.tools", "pack", marker),
    ):
        loaded = wrapper.load("llmspell.providers", "chunky")
        assert loaded is not ChunkyProvider
        assert issubclass(loaded, ChunkyProvider)
        assert wrapper.load("llmspell.providers", "chunky") is loaded  # cached
        assert wrapper.load("llmspell.tools", "pack") is marker
        assert "chunky" in wrapper.names("llmspell.providers")
        assert wrapper.has("llmspell.tools", "pack")


def test_text_sink_ends_an_open_line_once() -> None:
    written: list[str] = []
    sink = TextSink(written.append)
    sink.end()
    sink.write("")
    sink.write("partial")
    sink.end()
    sink.end()
    sink.write("full line\n")
    sink.end()
    assert written == ["partial", "\n", "full line\n"]


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_spinner_appears_after_the_delay_and_steps_aside_for_output() -> None:
    terminal = FakeTerminal()
    printed: list[str] = []
    with Activity("running x.lua", stream=terminal, delay=0.1, quiet=0.1) as activity:
        write = activity.wrap(printed.append)
        deadline = time.monotonic() + 5
        while "running x.lua" not in terminal.getvalue() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert "running x.lua" in terminal.getvalue()
        write("hello")
        assert printed == ["hello"]
        assert not activity._showing  # cleared before the output was written
    assert terminal.getvalue().endswith("\x1b[2K")  # and erased at the end


def test_no_spinner_and_untouched_writers_off_a_terminal() -> None:
    pipe = io.StringIO()
    printed: list[str] = []
    with Activity("running x.lua", stream=pipe, delay=0.0) as activity:
        assert activity.enabled is False
        assert activity.wrap(printed.append) == printed.append
        time.sleep(0.3)
    assert pipe.getvalue() == ""
