"""The LLM provider interface, in provider-neutral requests and responses."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, Field, SecretStr

from llmspell_core.context import ExecutionContext
from llmspell_core.errors import ProviderError
from llmspell_core.messages import Message, ToolCall
from llmspell_core.tool_types import ToolSpec
from llmspell_core.usage import Usage

__all__ = [
    "CompletionChunk",
    "CompletionRequest",
    "CompletionResponse",
    "Provider",
    "ProviderCapabilities",
    "ProviderSettings",
]


class ProviderCapabilities(BaseModel):
    supports_streaming: bool = True
    supports_tools: bool = False
    supports_multimodal: bool = False
    supports_embeddings: bool = False
    max_context_tokens: int | None = None
    available_models: list[str] = Field(default_factory=list[str])


class ProviderSettings(BaseModel):
    """A provider instance's resolved settings (precedence already applied)."""

    name: str
    provider_type: str
    default_model: str | None = None
    api_key: SecretStr | None = None
    #: Where the key came from (or should come from), for error messages:
    #: ``OPENAI_API_KEY``, ``[providers.groq] api_key``, ``the agent's api_key``.
    key_source: str | None = None
    base_url: str | None = None
    timeout_seconds: float = 60.0
    max_retries: int = 3
    options: dict[str, Any] = Field(default_factory=dict[str, Any])


class CompletionRequest(BaseModel):
    model: str
    messages: list[Message]
    tools: list[ToolSpec] = Field(default_factory=list[ToolSpec])
    temperature: float | None = None
    max_tokens: int | None = None
    #: JSON Schema the reply must follow (structured output).
    response_format: dict[str, Any] | None = None
    #: ``"auto"`` (default when tools are given), ``"none"`` (tools offered but not to be
    #: called, e.g. once an agent's tool budget is spent) or ``"required"``.
    tool_choice: Literal["auto", "none", "required"] | None = None


class CompletionResponse(BaseModel):
    message: Message
    usage: Usage = Field(default_factory=Usage)
    model: str = ""
    finish_reason: str | None = None


class CompletionChunk(BaseModel):
    """A streamed delta. Tool calls arrive complete, on the chunk where they finished."""

    text: str = ""
    tool_calls: list[ToolCall] = Field(default_factory=list[ToolCall])
    usage: Usage | None = None
    finish_reason: str | None = None
    done: bool = False


class Provider(ABC):
    """One configured LLM endpoint. Built from settings by the registry-backed catalog."""

    #: The implementation name in ``llmspell.providers`` (``openai``, ``anthropic``, ``local``).
    provider_type: ClassVar[str]
    #: Environment variable holding the key when config names none (``OPENAI_API_KEY``).
    default_api_key_env: ClassVar[str | None] = None
    #: Environment variable holding the base URL when config names none.
    default_base_url_env: ClassVar[str | None] = None
    default_base_url: ClassVar[str | None] = None
    requires_api_key: ClassVar[bool] = True

    #: How it is implemented, for ``Provider.list()`` names (``sdk/openai/gpt-4o-mini``).
    implementation: ClassVar[str] = "sdk"

    def __init__(self, settings: ProviderSettings) -> None:
        self.settings = settings

    @classmethod
    def needs_api_key(cls, base_url: str | None) -> bool:
        """Whether a key must be configured for this base URL (a local server may need none)."""
        return cls.requires_api_key

    @property
    def name(self) -> str:
        return self.settings.name

    @abstractmethod
    def capabilities(self, model: str | None = None) -> ProviderCapabilities: ...

    @abstractmethod
    async def complete(
        self, request: CompletionRequest, ctx: ExecutionContext
    ) -> CompletionResponse: ...

    async def stream(
        self, request: CompletionRequest, ctx: ExecutionContext
    ) -> AsyncIterator[CompletionChunk]:
        """Providers without native streaming answer in one chunk."""
        response = await self.complete(request, ctx)
        yield CompletionChunk(
            text=response.message.content,
            tool_calls=response.message.tool_calls,
            usage=response.usage,
            finish_reason=response.finish_reason,
            done=True,
        )

    async def embed(
        self, texts: list[str], model: str | None, ctx: ExecutionContext
    ) -> list[list[float]]:
        raise ProviderError(
            f"provider '{self.name}' ({self.provider_type}) does not support embeddings",
            code="UNSUPPORTED",
        )

    async def aclose(self) -> None:  # noqa: B027 - optional hook
        """Close network clients."""
