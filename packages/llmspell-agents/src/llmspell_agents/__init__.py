"""LLM agents for llmspell: conversation, tool loop, structured output, streaming."""

from importlib.metadata import version as _version

__version__ = _version("llmspell-agents")

__all__ = ["__version__"]
