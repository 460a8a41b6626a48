"""OpenAI through its official SDK (``AsyncOpenAI``), and every OpenAI-compatible server.

``[providers.groq] provider_type = "openai"`` with a ``base_url`` makes Groq (or vLLM,
llama.cpp, LM Studio, ...) this provider under its own name. The SDK is imported when the
provider is built (``pip install 'llmspell-providers[openai]'``), never at module import.
"""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator
from typing import Any, ClassVar
from urllib.parse import urlsplit

from llmspell_core.provider import (
    CompletionChunk,
    CompletionRequest,
    CompletionResponse,
    ProviderCapabilities,
)
from llmspell_providers.error_mapping import bad_response
from llmspell_providers.model_info import ModelInfo, capabilities_for
from llmspell_providers.openai_format import OpenAIStreamState, request_params, response_of
from llmspell_providers.sdk_provider import SDKProvider
from llmspell_providers.wire import json_body

__all__ = ["OpenAIProvider", "is_local_url"]

OPENAI_BASE_URL = "https://api.openai.com/v1"


def is_local_url(url: str | None) -> bool:
    """Whether ``url`` points at this machine (a local server may need no API key)."""
    if not url:
        return False
    host = (urlsplit(url).hostname or "").lower()
    if host in ("localhost", "localhost.localdomain") or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class OpenAIProvider(SDKProvider):
    provider_type: ClassVar[str] = "openai"
    default_api_key_env: ClassVar[str | None] = "OPENAI_API_KEY"
    default_base_url_env: ClassVar[str | None] = "OPENAI_BASE_URL"
    default_base_url: ClassVar[str | None] = None
    requires_api_key: ClassVar[bool] = True
    sdk_name: ClassVar[str] = "openai"
    client_class: ClassVar[str] = "AsyncOpenAI"
    official_base_url: ClassVar[str] = OPENAI_BASE_URL
    default_model_info: ClassVar[ModelInfo] = ModelInfo(None, tools=True, vision=True)
    #: Listed for the official API; a compatible server lists its configured default model.
    official_models: ClassVar[list[str]] = [
        "gpt-4o-mini",
        "gpt-4o",
        "gpt-4.1",
        "gpt-4.1-mini",
        "o4-mini",
        "text-embedding-3-small",
    ]
    default_embedding_model: ClassVar[str] = "text-embedding-3-small"

    @classmethod
    def needs_api_key(cls, base_url: str | None) -> bool:
        return cls.requires_api_key and not is_local_url(base_url)

    def capabilities(self, model: str | None = None) -> ProviderCapabilities:
        official = self.settings.name == "openai" or self.settings.base_url in (
            None,
            OPENAI_BASE_URL,
        )
        return capabilities_for(
            "openai",
            model,
            default=self.default_model_info,
            available_models=self._listed_models(official),
            supports_embeddings=True,
        )

    async def _complete(self, request: CompletionRequest) -> CompletionResponse:
        # the loop's client straight from its holder: this runs on every agent call
        client: Any = self._clients.get()
        params = request_params(request, self.settings.name)
        # The reply's JSON is read here rather than as the SDK's typed ChatCompletion, which
        # would be read once and dropped: building it is near a tenth of the whole call. The
        # request, its checks and the errors for failed statuses are the SDK's all the same.
        raw: Any = await client.chat.completions.with_raw_response.create(**params)
        body = json_body(raw.http_response)
        response = response_of(body, request.model)
        if response is None:
            raise self._unexpected(body)
        return response

    async def _stream(self, request: CompletionRequest) -> AsyncIterator[CompletionChunk]:
        raw: Any = await self.client.chat.completions.create(
            **request_params(request, self.name),
            stream=True,
            stream_options={"include_usage": True},
        )
        self._not_a_stream(raw)
        async for chunk in self._relay(raw, OpenAIStreamState()):
            yield chunk

    async def _embed(self, texts: list[str], model: str | None) -> list[list[float]]:
        chosen = model or str(self.settings.options.get("embedding_model") or "")
        raw: Any = await self.client.embeddings.create(
            model=chosen or self.default_embedding_model, input=texts, encoding_format="float"
        )
        data: Any = getattr(raw, "data", None)
        if isinstance(raw, (str, bytes)) or data is None:
            raise bad_response(self.error_context, "embeddings response without data")
        ordered = sorted(data, key=lambda item: int(getattr(item, "index", 0)))
        return [[float(x) for x in item.embedding] for item in ordered]
