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


def _vision_models(limits: dict[str, tuple[int, int]]) -> dict[str, ModelInfo]:
    """Entries for chat models that also read images: ``name: (context, max output)``."""
    return {
        name: ModelInfo(context, vision=True, max_output=max_output)
        for name, (context, max_output) in limits.items()
    }


_EMBEDDING = ModelInfo(8_191, tools=False, embeddings=True, streaming=False)

_OPENAI: dict[str, ModelInfo] = {
    **_vision_models(
        {
            "gpt-4o-mini": (128_000, 16_384),
            "gpt-4o": (128_000, 16_384),
            "gpt-4.1-nano": (1_047_576, 32_768),
            "gpt-4.1-mini": (1_047_576, 32_768),
            "gpt-4.1": (1_047_576, 32_768),
            "gpt-4-turbo": (128_000, 4_096),
            "gpt-5": (400_000, 128_000),
            "o1": (200_000, 100_000),
            "o3": (200_000, 100_000),
            "o4-mini": (200_000, 100_000),
        }
    ),
    "gpt-4": ModelInfo(8_192, max_output=8_192),
    "gpt-3.5-turbo": ModelInfo(16_385, max_output=4_096),
    **dict.fromkeys(
        ("text-embedding-3-small", "text-embedding-3-large", "text-embedding-ada-002"), _EMBEDDING
    ),
}

_ANTHROPIC: dict[str, ModelInfo] = _vision_models(
    {
        "claude-opus-4": (200_000, 32_000),
        "claude-sonnet-4": (200_000, 64_000),
        "claude-haiku-4": (200_000, 64_000),
        "claude-3-7-sonnet": (200_000, 64_000),
        "claude-3-5-sonnet": (200_000, 8_192),
        "claude-3-5-haiku": (200_000, 8_192),
        "claude-3-opus": (200_000, 4_096),
        "claude-3-haiku": (200_000, 4_096),
    }
)

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
