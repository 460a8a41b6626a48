"""Deterministic providers for tests: scripted turns and an echo."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import ClassVar

from pydantic import BaseModel, Field

from llmspell_core.context import ExecutionContext
from llmspell_core.errors import ProviderError
from llmspell_core.messages import Message, Role, ToolCall
from llmspell_core.provider import (
    CompletionRequest,
    CompletionResponse,
    Provider,
    ProviderCapabilities,
    ProviderSettings,
)
from llmspell_core.usage import Usage

__all__ = ["EchoProvider", "FunctionProvider", "ScriptedTurn"]


def _count_tokens(text: str) -> int:
    return max(1, len(text.split())) if text else 0


class ScriptedTurn(BaseModel):
    """One reply: text and/or tool calls."""

    text: str = ""
    tool_calls: list[ToolCall] = Field(default_factory=list[ToolCall])


class FunctionProvider(Provider):
    """Answers each request with the next scripted turn, or with a function of the request."""

    provider_type: ClassVar[str] = "function"
    requires_api_key: ClassVar[bool] = False

    def __init__(
        self,
        turns: Sequence[ScriptedTurn | str] | Callable[[CompletionRequest], ScriptedTurn] = (),
        settings: ProviderSettings | None = None,
    ) -> None:
        super().__init__(settings or ProviderSettings(name="function", provider_type="function"))
        self._fn = turns if callable(turns) else None
        self._turns = (
            []
            if callable(turns)
            else [t if isinstance(t, ScriptedTurn) else ScriptedTurn(text=t) for t in turns]
        )
        self.requests: list[CompletionRequest] = []

    def capabilities(self, model: str | None = None) -> ProviderCapabilities:
        return ProviderCapabilities(supports_tools=True, available_models=["scripted"])

    async def complete(
        self, request: CompletionRequest, ctx: ExecutionContext
    ) -> CompletionResponse:
        self.requests.append(request)
        if self._fn is not None:
            turn = self._fn(request)
        elif self._turns:
            turn = self._turns.pop(0)
        else:
            raise ProviderError("FunctionProvider has no scripted turns left")
        prompt = " ".join(m.content for m in request.messages)
        return CompletionResponse(
            message=Message(role=Role.ASSISTANT, content=turn.text, tool_calls=turn.tool_calls),
            usage=Usage(input_tokens=_count_tokens(prompt), output_tokens=_count_tokens(turn.text)),
            model=request.model,
            finish_reason="tool_calls" if turn.tool_calls else "stop",
        )


class EchoProvider(Provider):
    """Replies with the last user message (JSON-encoded when a schema is requested)."""

    provider_type: ClassVar[str] = "echo"
    requires_api_key: ClassVar[bool] = False

    def __init__(self, settings: ProviderSettings | None = None) -> None:
        super().__init__(settings or ProviderSettings(name="echo", provider_type="echo"))

    def capabilities(self, model: str | None = None) -> ProviderCapabilities:
        return ProviderCapabilities(available_models=["echo"])

    async def complete(
        self, request: CompletionRequest, ctx: ExecutionContext
    ) -> CompletionResponse:
        last = next((m.content for m in reversed(request.messages) if m.role == Role.USER), "")
        text = json.dumps({"echo": last}) if request.response_format else last
        return CompletionResponse(
            message=Message.assistant(text),
            usage=Usage(input_tokens=_count_tokens(last), output_tokens=_count_tokens(text)),
            model=request.model,
            finish_reason="stop",
        )
