"""Anthropic through its official SDK (``AsyncAnthropic``).

The SDK is imported when the provider is built (``pip install
'llmspell-providers[anthropic]'``), never at module import.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from types import ModuleType
from typing import Any, ClassVar

from llmspell_core.errors import ProviderUnavailableError
from llmspell_core.extras import import_optional
from llmspell_core.messages import Message
from llmspell_core.provider import (
    CompletionChunk,
    CompletionRequest,
    CompletionResponse,
    ProviderCapabilities,
)
from llmspell_providers.anthropic_format import (
    AnthropicStreamState,
    content_of,
    request_params,
    usage_of,
)
from llmspell_providers.base import BaseProvider, LoopBoundClient
from llmspell_providers.error_mapping import bad_response
from llmspell_providers.model_info import ModelInfo, capabilities_for

__all__ = ["AnthropicProvider"]

ANTHROPIC_BASE_URL = "https://api.anthropic.com"


class AnthropicProvider(BaseProvider):
    provider_type: ClassVar[str] = "anthropic"
    default_api_key_env: ClassVar[str | None] = "ANTHROPIC_API_KEY"
    default_base_url_env: ClassVar[str | None] = "ANTHROPIC_BASE_URL"
    requires_api_key: ClassVar[bool] = True
    default_model_info: ClassVar[ModelInfo] = ModelInfo(200_000, tools=True, vision=True)
    official_models: ClassVar[list[str]] = [
        "claude-sonnet-4-6",
        "claude-opus-4-6",
        "claude-haiku-4-5",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: LoopBoundClient[Any] = LoopBoundClient()

    def _load_sdk(self) -> ModuleType:
        return import_optional(
            "anthropic",
            what=f"provider '{self.settings.name}'",
            distribution="llmspell-providers",
            extra="anthropic",
        )

    def _make_client(self) -> Any:
        assert self.sdk is not None
        key = self.settings.api_key.get_secret_value() if self.settings.api_key else None
        return self.sdk.AsyncAnthropic(
            api_key=key or "llmspell-no-key",
            base_url=self.settings.base_url or ANTHROPIC_BASE_URL,
            max_retries=0,  # one retry policy: ours
            # a margin over our own per-request timeout, which then reports it precisely
            timeout=self.settings.timeout_seconds + 5.0,
        )

    @property
    def client(self) -> Any:
        return self._clients.get(self._make_client)

    def capabilities(self, model: str | None = None) -> ProviderCapabilities:
        models = list(self.official_models)
        default = self.settings.default_model
        if default:
            if default in models:
                models.remove(default)
            models.insert(0, default)
        return capabilities_for(
            "anthropic",
            model,
            default=self.default_model_info,
            available_models=models,
            supports_embeddings=False,
        )

    async def _complete(self, request: CompletionRequest) -> CompletionResponse:
        raw: Any = await self.client.messages.create(**request_params(request, self.name))
        if isinstance(raw, str | bytes) or not hasattr(raw, "content"):
            preview = raw[:120] if isinstance(raw, str | bytes) else type(raw).__name__
            raise bad_response(self.error_context, f"got {preview!r}")
        text, calls = content_of(raw.content)
        return CompletionResponse(
            message=Message.assistant(text, calls),
            usage=usage_of(getattr(raw, "usage", None)),
            model=str(getattr(raw, "model", "") or request.model),
            finish_reason=getattr(raw, "stop_reason", None),
        )

    async def _stream(self, request: CompletionRequest) -> AsyncIterator[CompletionChunk]:
        raw: Any = await self.client.messages.create(
            **request_params(request, self.name), stream=True
        )
        if isinstance(raw, str | bytes):
            raise bad_response(self.error_context, f"got {raw[:120]!r} instead of a stream")
        state = AnthropicStreamState()
        try:
            async for event in raw:
                chunk = state.feed(event)
                if chunk is not None:
                    yield chunk
        finally:
            await raw.close()
        if state.events == 0:
            raise bad_response(self.error_context, "the stream held no events")
        if not state.stopped:
            raise ProviderUnavailableError(
                f"provider '{self.name}' ended the stream before the model finished",
                code="STREAM_INCOMPLETE",
            )
        yield state.final()

    async def aclose(self) -> None:
        await self._clients.aclose()
