"""What known models can do: context window, tools, vision, embeddings.

Matched by name prefix, longest first, so ``gpt-4o-mini-2024-07-18`` finds ``gpt-4o-mini``.
A model not in the table (a new release, a local model behind an OpenAI-compatible server)
gets the provider's permissive defaults: the server is the judge, not a stale table.
"""

from __future__ import annotations

from dataclasses import dataclass

from llmspell_core.provider import ProviderCapabilities

__all__ = ["ModelInfo", "capabilities_for", "lookup"]


@dataclass(frozen=True)
class ModelInfo:
    context: int | None
    tools: bool = True
    vision: bool = False
    embeddings: bool = False
    streaming: bool = True
    max_output: int | None = None


_OPENAI: dict[str, ModelInfo] = {
    "gpt-4o-mini": ModelInfo(128_000, vision=True, max_output=16_384),
    "gpt-4o": ModelInfo(128_000, vision=True, max_output=16_384),
    "gpt-4.1-nano": ModelInfo(1_047_576, vision=True, max_output=32_768),
    "gpt-4.1-mini": ModelInfo(1_047_576, vision=True, max_output=32_768),
    "gpt-4.1": ModelInfo(1_047_576, vision=True, max_output=32_768),
    "gpt-4-turbo": ModelInfo(128_000, vision=True, max_output=4_096),
    "gpt-4": ModelInfo(8_192, max_output=8_192),
    "gpt-3.5-turbo": ModelInfo(16_385, max_output=4_096),
    "gpt-5": ModelInfo(400_000, vision=True, max_output=128_000),
    "o1": ModelInfo(200_000, vision=True, max_output=100_000),
    "o3": ModelInfo(200_000, vision=True, max_output=100_000),
    "o4-mini": ModelInfo(200_000, vision=True, max_output=100_000),
    "text-embedding-3-small": ModelInfo(8_191, tools=False, embeddings=True, streaming=False),
    "text-embedding-3-large": ModelInfo(8_191, tools=False, embeddings=True, streaming=False),
    "text-embedding-ada-002": ModelInfo(8_191, tools=False, embeddings=True, streaming=False),
}

_ANTHROPIC: dict[str, ModelInfo] = {
    "claude-opus-4": ModelInfo(200_000, vision=True, max_output=32_000),
    "claude-sonnet-4": ModelInfo(200_000, vision=True, max_output=64_000),
    "claude-haiku-4": ModelInfo(200_000, vision=True, max_output=64_000),
    "claude-3-7-sonnet": ModelInfo(200_000, vision=True, max_output=64_000),
    "claude-3-5-sonnet": ModelInfo(200_000, vision=True, max_output=8_192),
    "claude-3-5-haiku": ModelInfo(200_000, vision=True, max_output=8_192),
    "claude-3-opus": ModelInfo(200_000, vision=True, max_output=4_096),
    "claude-3-haiku": ModelInfo(200_000, vision=True, max_output=4_096),
}

TABLES: dict[str, dict[str, ModelInfo]] = {"openai": _OPENAI, "anthropic": _ANTHROPIC}


def lookup(family: str, model: str | None) -> ModelInfo | None:
    """The entry for ``model`` in a provider family's table, by longest matching prefix."""
    if not model:
        return None
    table = TABLES.get(family, {})
    name = model.lower()
    for prefix in sorted(table, key=len, reverse=True):
        if name.startswith(prefix):
            return table[prefix]
    return None


def capabilities_for(
    family: str,
    model: str | None,
    *,
    default: ModelInfo,
    available_models: list[str],
    supports_embeddings: bool,
) -> ProviderCapabilities:
    """Per-model capabilities; without a model, what the provider can do at best."""
    info = lookup(family, model) or default
    if model is None:
        return ProviderCapabilities(
            supports_streaming=True,
            supports_tools=True,
            supports_multimodal=default.vision
            or any(i.vision for i in TABLES.get(family, {}).values()),
            supports_embeddings=supports_embeddings,
            max_context_tokens=default.context,
            available_models=available_models,
        )
    return ProviderCapabilities(
        supports_streaming=info.streaming,
        supports_tools=info.tools,
        supports_multimodal=info.vision,
        supports_embeddings=info.embeddings or (supports_embeddings and info is default),
        max_context_tokens=info.context,
        available_models=available_models,
    )
