"""The llmspell command line: ``llmspell run spell.lua`` and friends.

Commands are loaded lazily (see ``llmspell_cli.main``); other distributions add their own
through the ``llmspell.cli`` entry point group.
"""

from llmspell_core.versioning import lazy_version

__all__ = ["__version__"]

__version__: str  # read from the distribution metadata on first access


__getattr__ = lazy_version(__name__, "llmspell-cli")
