"""llmspell: scriptable LLM agents, tools and workflows in Lua and JavaScript (meta-package)."""

from importlib.metadata import version as _version

__version__ = _version("llmspell")

__all__ = ["__version__"]
