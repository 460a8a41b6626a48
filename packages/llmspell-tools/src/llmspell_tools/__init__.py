"""The built-in llmspell tool library."""

from importlib.metadata import version as _version

__version__ = _version("llmspell-tools")

__all__ = ["__version__"]
