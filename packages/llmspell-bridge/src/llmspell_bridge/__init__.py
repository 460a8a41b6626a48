"""The llmspell script runtime: the language-neutral API layer with Lua and JavaScript engines."""

from importlib.metadata import version as _version

__version__ = _version("llmspell-bridge")

__all__ = ["__version__"]
