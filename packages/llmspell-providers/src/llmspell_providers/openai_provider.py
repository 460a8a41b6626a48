"""OpenAI through its official SDK (``AsyncOpenAI``), and every OpenAI-compatible server.

``[providers.groq] provider_type = "openai"`` with a ``base_url`` makes Groq (or vLLM,
llama.cpp, LM Studio, ...) this provider under its own name. The SDK is imported when the
provider is built (``pip install 'llmspell-providers[openai]'``), never at module import.
"""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator
from types import ModuleType
from typing import Any, ClassVar
from urllib.parse import urlsplit

from llmspell_core.errors import ProviderUnavailableError
from llmspell_core.extras import import_optional
from llmspell_core.messages import Message, ToolCall
from llmspell_core.provider import (
    CompletionChunk,
    CompletionRequest,
    CompletionResponse,
    ProviderCapabilities,
)
from llmspell_providers.base import BaseProvider, LoopBoundClient
from llmspell_providers.error_mapping import bad_response
from llmspell_providers.model_info import ModelInfo, capabilities_for
from llmspell_providers.openai_format import (
    OpenAIStreamState,
    parse_tool_arguments,
    request_params,
    usage_of,
)

__all__ = ["OpenAIProvider", "is_local_url"]

OPENAI_BASE_URL = "https://api.openai.com/v1"
_PLACEHOLDER_KEY = "llmspell-no-key"


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


class OpenAIProvider(BaseProvider):
    provider_type: ClassVar[str] = "openai"
    default_api_key_env: ClassVar[str | None] = "OPENAI_API_KEY"
    default_base_url_env: ClassVar[str | None] = "OPENAI_BASE_URL"
    default_base_url: ClassVar[str | None] = None
    requires_api_key: ClassVar[bool] = True
    #: What a model not in the table is assumed to do (the server decides in the end).
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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: LoopBoundClient[Any] = LoopBoundClient()

    def _load_sdk(self) -> ModuleType:
        return import_optional(
            "openai",
            what=f"provider '{self.settings.name}'",
            distribution="llmspell-providers",
            extra="openai",
        )

    @property
    def base_url(self) -> str:
        return self.settings.base_url or OPENAI_BASE_URL

    def _make_client(self) -> Any:
        assert self.sdk is not None
        key = self.settings.api_key.get_secret_value() if self.settings.api_key else None
        return self.sdk.AsyncOpenAI(
            api_key=key or _PLACEHOLDER_KEY,
            base_url=self.base_url,
            max_retries=0,  # one retry policy: ours
            # a margin over our own per-request timeout, which then reports it precisely
            timeout=self.settings.timeout_seconds + 5.0,
        )

    @property
    def client(self) -> Any:
        """The SDK client for the running event loop."""
        return self._clients.get(self._make_client)

    def capabilities(self, model: str | None = None) -> ProviderCapabilities:
        official = self.settings.name == "openai" or self.settings.base_url in (
            None,
            OPENAI_BASE_URL,
        )
        models = list(self.official_models) if official else []
        default = self.settings.default_model
        if default and default not in models:
            models.insert(0, default)
        elif default:
            models.remove(default)
            models.insert(0, default)
        return capabilities_for(
            "openai",
            model,
            default=self.default_model_info,
            available_models=models,
            supports_embeddings=True,
        )

    async def _complete(self, request: CompletionRequest) -> CompletionResponse:
        raw: Any = await self.client.chat.completions.create(**request_params(request, self.name))
        choices: Any = getattr(raw, "choices", None)
        if isinstance(raw, str | bytes) or not choices:
            preview = raw[:120] if isinstance(raw, str | bytes) else type(raw).__name__
            raise bad_response(self.error_context, f"got {preview!r}")
        choice = choices[0]
        message = choice.message
        raw_calls: list[Any] = list(message.tool_calls or [])
        calls = [
            ToolCall(
                id=call.id,
                name=call.function.name,
                arguments=parse_tool_arguments(call.function.arguments),
            )
            for call in raw_calls
            if getattr(call, "function", None) is not None
        ]
        return CompletionResponse(
            message=Message.assistant(message.content or "", calls),
            usage=usage_of(getattr(raw, "usage", None)),
            model=str(getattr(raw, "model", "") or request.model),
            finish_reason=choice.finish_reason,
        )

    async def _stream(self, request: CompletionRequest) -> AsyncIterator[CompletionChunk]:
        params = request_params(request, self.name)
        raw: Any = await self.client.chat.completions.create(
            **params, stream=True, stream_options={"include_usage": True}
        )
        if isinstance(raw, str | bytes):
            raise bad_response(self.error_context, f"got {raw[:120]!r} instead of a stream")
        state = OpenAIStreamState()
        try:
            async for event in raw:
                chunk = state.feed(event)
                if chunk is not None:
                    yield chunk
        finally:
            await raw.close()
        if state.events == 0:
            raise bad_response(self.error_context, "the stream held no events")
        if state.finish_reason is None:
            raise ProviderUnavailableError(
                f"provider '{self.name}' ended the stream before the model finished",
                code="STREAM_INCOMPLETE",
            )
        yield state.final()

    async def _embed(self, texts: list[str], model: str | None) -> list[list[float]]:
        chosen = model or str(self.settings.options.get("embedding_model") or "")
        raw: Any = await self.client.embeddings.create(
            model=chosen or self.default_embedding_model, input=texts, encoding_format="float"
        )
        data: Any = getattr(raw, "data", None)
        if isinstance(raw, str | bytes) or data is None:
            raise bad_response(self.error_context, "embeddings response without data")
        ordered = sorted(data, key=lambda item: int(getattr(item, "index", 0)))
        return [[float(x) for x in item.embedding] for item in ordered]

    async def aclose(self) -> None:
        await self._clients.aclose()
