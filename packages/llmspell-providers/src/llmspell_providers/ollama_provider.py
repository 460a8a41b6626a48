"""Ollama through its OpenAI-compatible endpoint: no key, ``http://localhost:11434/v1``.

``ollama/llama3.2@http://gpu-box:11434`` works too: a base URL without a path gets ``/v1``.
"""

from __future__ import annotations

from typing import ClassVar
from urllib.parse import urlsplit, urlunsplit

from llmspell_core.provider import ProviderCapabilities
from llmspell_providers.model_info import ModelInfo
from llmspell_providers.openai_provider import OpenAIProvider

__all__ = ["OllamaProvider"]

_VISION_HINTS = ("llava", "vision", "bakllava", "moondream", "gemma3", "qwen2.5vl", "minicpm-v")


def _with_v1(url: str) -> str:
    parts = urlsplit(url)
    if parts.path in ("", "/"):
        return urlunsplit((parts.scheme, parts.netloc, "/v1", parts.query, parts.fragment))
    return url


class OllamaProvider(OpenAIProvider):
    provider_type: ClassVar[str] = "ollama"
    default_api_key_env: ClassVar[str | None] = None
    default_base_url_env: ClassVar[str | None] = None
    default_base_url: ClassVar[str | None] = "http://localhost:11434/v1"
    requires_api_key: ClassVar[bool] = False
    default_model_info: ClassVar[ModelInfo] = ModelInfo(None, tools=True, vision=False)
    official_models: ClassVar[list[str]] = ["llama3.2"]
    default_embedding_model: ClassVar[str] = "nomic-embed-text"

    @property
    def base_url(self) -> str:
        return _with_v1(self.settings.base_url or str(self.default_base_url))

    def capabilities(self, model: str | None = None) -> ProviderCapabilities:
        models = [self.settings.default_model or self.official_models[0]]
        vision = bool(model) and any(h in (model or "").lower() for h in _VISION_HINTS)
        return ProviderCapabilities(
            supports_streaming=True,
            supports_tools=True,
            supports_multimodal=vision if model else True,
            supports_embeddings=True,
            max_context_tokens=None,
            available_models=models,
        )
