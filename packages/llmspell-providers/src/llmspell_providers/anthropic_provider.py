"""Anthropic through its official SDK (``AsyncAnthropic``).

The SDK is imported when the provider is built (``pip install
'llmspell-providers[anthropic]'``), never at module import.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, ClassVar

from llmspell_core.provider import (
    CompletionChunk,
    CompletionRequest,
    CompletionResponse,
    ProviderCapabilities,
)
from llmspell_providers.anthropic_format import AnthropicStreamState, request_params, response_of
from llmspell_providers.model_info import ModelInfo, capabilities_for
from llmspell_providers.sdk_provider import SDKProvider

__all__ = ["AnthropicProvider"]

ANTHROPIC_BASE_URL = "https://api.anthropic.com"


class AnthropicProvider(SDKProvider):
    provider_type: ClassVar[str] = "anthropic"
    default_api_key_env: ClassVar[str | None] = "ANTHROPIC_API_KEY"
    default_base_url_env: ClassVar[str | None] = "ANTHROPIC_BASE_URL"
    requires_api_key: ClassVar[bool] = True
    sdk_name: ClassVar[str] = "anthropic"
    client_class: ClassVar[str] = "AsyncAnthropic"
    official_base_url: ClassVar[str] = ANTHROPIC_BASE_URL
    default_model_info: ClassVar[ModelInfo] = ModelInfo(200_000, tools=True, vision=True)
    official_models: ClassVar[list[str]] = [
        "claude-sonnet-4-6",
        "claude-opus-4-6",
        "claude-haiku-4-5",
    ]

    def capabilities(self, model: str | None = None) -> ProviderCapabilities:
        return capabilities_for(
            "anthropic",
            model,
            default=self.default_model_info,
            available_models=self._listed_models(official=True),
            supports_embeddings=False,
        )

    async def _complete(self, request: CompletionRequest) -> CompletionResponse:
        raw: Any = await self.client.messages.create(**request_params(request, self.name))
        response = response_of(raw, request.model)
        if response is None:
            raise self._unexpected(raw)
        return response

    async def _stream(self, request: CompletionRequest) -> AsyncIterator[CompletionChunk]:
        raw: Any = await self.client.messages.create(
            **request_params(request, self.name), stream=True
        )
        self._not_a_stream(raw)
        async for chunk in self._relay(raw, AnthropicStreamState()):
            yield chunk
