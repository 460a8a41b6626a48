"""Fixtures for llmspell-agents tests: a scripted streaming provider and real tools.

Only llmspell-core is used (the agents package may not import providers); the provider is
registered through a registry override exactly like an installed plugin.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from typing import ClassVar

import pytest

from llmspell_core.catalog import Catalog
from llmspell_core.config import LLMSpellConfig
from llmspell_core.context import ExecutionContext
from llmspell_core.messages import Message, Role, ToolCall
from llmspell_core.provider import (
    CompletionChunk,
    CompletionRequest,
    CompletionResponse,
    Provider,
    ProviderCapabilities,
)
from llmspell_core.registry import Registry
from llmspell_core.usage import Usage

Turn = str | list[ToolCall] | tuple[str, list[ToolCall]] | Exception
Responder = Callable[[CompletionRequest], Turn]


class ScriptedProvider(Provider):
    """Answers with queued turns (text, tool calls, or an exception); streams word by word."""

    provider_type: ClassVar[str] = "scripted"
    requires_api_key: ClassVar[bool] = False
    multimodal: ClassVar[bool] = True
    turns: ClassVar[list[Turn]] = []
    responder: ClassVar[Responder | None] = None
    requests: ClassVar[list[CompletionRequest]] = []
    delay: ClassVar[float] = 0.0

    def capabilities(self, model: str | None = None) -> ProviderCapabilities:
        return ProviderCapabilities(
            supports_tools=True, supports_multimodal=self.multimodal, available_models=["m1"]
        )

    def _turn(self, request: CompletionRequest) -> tuple[str, list[ToolCall]]:
        type(self).requests.append(request)
        if self.turns:
            turn = self.turns.pop(0)
        elif type(self).responder is not None:
            responder = type(self).responder
            assert responder is not None
            turn = responder(request)
        else:
            last = next(m.content for m in reversed(request.messages) if m.role == Role.USER)
            turn = f"reply to {last}"
        if isinstance(turn, Exception):
            raise turn
        if isinstance(turn, str):
            return turn, []
        if isinstance(turn, tuple):
            return turn
        return "", turn

    async def complete(
        self, request: CompletionRequest, ctx: ExecutionContext
    ) -> CompletionResponse:
        if self.delay:
            await asyncio.sleep(self.delay)
        text, calls = self._turn(request)
        return CompletionResponse(
            message=Message.assistant(text, calls),
            usage=Usage(input_tokens=10, output_tokens=len(text.split()) + len(calls)),
            model=request.model,
            finish_reason="tool_calls" if calls else "stop",
        )

    async def stream(  # pyright: ignore[reportIncompatibleMethodOverride]
        self, request: CompletionRequest, ctx: ExecutionContext
    ) -> AsyncIterator[CompletionChunk]:
        text, calls = self._turn(request)
        words = text.split(" ") if text else []
        for i, word in enumerate(words):
            yield CompletionChunk(text=word if i == len(words) - 1 else word + " ")
        yield CompletionChunk(
            tool_calls=calls,
            usage=Usage(input_tokens=10, output_tokens=len(words) + len(calls)),
            finish_reason="tool_calls" if calls else "stop",
            done=True,
        )


@pytest.fixture
def provider() -> type[ScriptedProvider]:
    cls: type[ScriptedProvider] = type(
        "TestProvider", (ScriptedProvider,), {"turns": [], "requests": [], "responder": None}
    )
    return cls


@pytest.fixture
def catalog(provider: type[ScriptedProvider]) -> Iterator[Catalog]:
    registry = Registry()
    config = LLMSpellConfig.model_validate({"providers": {"default_provider": "scripted"}})
    with registry.override("llmspell.providers", "scripted", provider):
        yield Catalog(config, plugins=registry, environ={})


@pytest.fixture
def ctx(catalog: Catalog) -> ExecutionContext:
    return ExecutionContext.with_timeout(30, services=catalog)
