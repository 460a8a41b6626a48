"""Sequential, parallel, conditional, loop and streaming workflows for llmspell."""

from importlib.metadata import version as _version

__version__ = _version("llmspell-workflows")

__all__ = ["__version__"]
