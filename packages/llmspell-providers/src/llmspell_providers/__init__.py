"""LLM providers for llmspell: OpenAI, Anthropic, OpenAI-compatible servers and an offline provider.

Each provider registers under the ``llmspell.providers`` entry-point group and is built by the
core ``Catalog`` from resolved settings; the SDKs are imported only when a provider is built.
"""

from llmspell_core.versioning import lazy_version
from llmspell_providers.anthropic_provider import AnthropicProvider
from llmspell_providers.base import BaseProvider
from llmspell_providers.error_mapping import map_provider_error, parse_retry_after
from llmspell_providers.hash_embeddings import hash_embedding
from llmspell_providers.local_provider import OFFLINE_NOTICE, LocalProvider
from llmspell_providers.model_info import ModelInfo, lookup
from llmspell_providers.ollama_provider import OllamaProvider
from llmspell_providers.openai_provider import OpenAIProvider, is_local_url
from llmspell_providers.policy import AttemptScope, RequestPolicy, is_retryable
from llmspell_providers.recording import (
    RECORD_ENV,
    REPLAY_ENV,
    Tape,
    active_tape,
    request_fingerprint,
    reset_tapes,
)
from llmspell_providers.schema_example import example_for

__version__: str  # read from the distribution metadata on first access (see __getattr__)

__all__ = [
    "OFFLINE_NOTICE",
    "RECORD_ENV",
    "REPLAY_ENV",
    "AnthropicProvider",
    "AttemptScope",
    "BaseProvider",
    "LocalProvider",
    "ModelInfo",
    "OllamaProvider",
    "OpenAIProvider",
    "RequestPolicy",
    "Tape",
    "__version__",
    "active_tape",
    "example_for",
    "hash_embedding",
    "is_local_url",
    "is_retryable",
    "lookup",
    "map_provider_error",
    "parse_retry_after",
    "request_fingerprint",
    "reset_tapes",
]


__getattr__ = lazy_version(__name__, "llmspell-providers")
