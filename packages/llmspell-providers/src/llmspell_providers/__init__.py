"""LLM providers for llmspell: OpenAI, Anthropic, OpenAI-compatible servers and an offline provider."""

from importlib.metadata import version as _version

__version__ = _version("llmspell-providers")

__all__ = ["__version__"]
