"""The built-in llmspell tool library."""

from llmspell_core.versioning import lazy_version

__version__: str  # read from the distribution metadata on first access (see __getattr__)

__all__ = ["__version__"]


__getattr__ = lazy_version(__name__, "llmspell-tools")
