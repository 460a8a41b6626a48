"""``llmspell run --stream``: show agent replies token by token while the spell waits.

A spell's ``agent:execute(...)`` asks its provider for a whole completion. With ``--stream``
the CLI hands the runtime a registry whose provider classes answer ``complete`` by streaming
and writing each text delta to the terminal as it arrives; the spell still receives the
whole reply, so spells need no change. Spells that stream on their own (``agent:stream``)
are left alone, as are structured-output requests (half a JSON document helps no one) and
record/replay sessions (a recording holds whole completions).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Generator
from contextlib import contextmanager
from typing import Any, cast

from llmspell_core.context import ExecutionContext
from llmspell_core.messages import Message, ToolCall
from llmspell_core.provider import CompletionRequest, CompletionResponse, Provider
from llmspell_core.registry import PluginInfo, Registry
from llmspell_core.usage import Usage

__all__ = ["PROVIDERS_GROUP", "StreamingRegistry", "TextSink", "streaming_provider_class"]

PROVIDERS_GROUP = "llmspell.providers"


class TextSink:
    """Where streamed text goes: ``write(delta)`` as it comes, ``end()`` after each reply."""

    def __init__(self, write: Callable[[str], None]) -> None:
        self._write = write
        self._open = False

    def write(self, text: str) -> None:
        if text:
            self._write(text)
            self._open = not text.endswith("\n")

    def end(self) -> None:
        if self._open:
            self._write("\n")
            self._open = False


def streaming_provider_class(cls: type[Provider], sink: TextSink) -> type[Provider]:
    """A subclass of ``cls`` whose ``complete`` streams into ``sink``.

    Classes that do not stream natively (their ``stream`` is the base one, built on
    ``complete``) are returned unchanged.
    """
    if cls.stream is Provider.stream:
        return cls

    class StreamingProvider(cls):  # type: ignore[misc, valid-type]
        async def complete(
            self, request: CompletionRequest, ctx: ExecutionContext
        ) -> CompletionResponse:
            if request.response_format is not None or _taping():
                whole: Any = super()
                return await whole.complete(request, ctx)
            parts: list[str] = []
            calls: list[ToolCall] = []
            usage: Usage | None = None
            finish: str | None = None
            try:
                async for chunk in self.stream(request, ctx):
                    if chunk.text:
                        parts.append(chunk.text)
                        sink.write(chunk.text)
                    calls.extend(chunk.tool_calls)
                    usage = chunk.usage or usage
                    finish = chunk.finish_reason or finish
            finally:
                sink.end()
            return CompletionResponse(
                message=Message.assistant("".join(parts), calls),
                usage=usage or Usage(),
                model=request.model,
                finish_reason=finish,
            )

    StreamingProvider.__name__ = cls.__name__
    StreamingProvider.__qualname__ = cls.__qualname__
    StreamingProvider.__doc__ = cls.__doc__
    return cast(type[Provider], StreamingProvider)


def _is_provider_class(obj: object) -> bool:
    return isinstance(obj, type) and issubclass(obj, Provider)


def _taping() -> bool:
    return bool(os.environ.get("LLMSPELL_RECORD") or os.environ.get("LLMSPELL_REPLAY"))


class StreamingRegistry(Registry):
    """The process registry, with provider classes swapped for streaming ones on load."""

    def __init__(self, inner: Registry, sink: TextSink) -> None:
        super().__init__()
        self.inner = inner
        self.sink = sink
        self._wrapped: dict[str, Any] = {}

    def names(self, group: str) -> list[str]:
        return self.inner.names(group)

    def has(self, group: str, name: str) -> bool:
        return self.inner.has(group, name)

    def plugins(self, group: str | None = None) -> list[PluginInfo]:
        return self.inner.plugins(group)

    def clear_cache(self) -> None:
        self.inner.clear_cache()
        self._wrapped.clear()

    def load(self, group: str, name: str) -> Any:
        loaded: Any = self.inner.load(group, name)
        if group != PROVIDERS_GROUP or not _is_provider_class(loaded):
            return loaded
        cached: Any = self._wrapped.get(name)
        if cached is None:
            cached = streaming_provider_class(cast(type[Provider], loaded), self.sink)
            self._wrapped[name] = cached
        return cached

    @contextmanager
    def override(self, group: str, name: str, obj: Any) -> Generator[None]:
        with self.inner.override(group, name, obj):
            self._wrapped.pop(name, None)
            yield
