"""The llmspell command line."""

from importlib.metadata import version as _version

__version__ = _version("llmspell-cli")

__all__ = ["__version__"]
