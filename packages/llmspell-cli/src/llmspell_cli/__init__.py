"""The llmspell command line: ``llmspell run spell.lua`` and friends.

Commands are loaded lazily (see ``llmspell_cli.main``); other distributions add their own
through the ``llmspell.cli`` entry point group.
"""

from typing import Any

__all__ = ["__version__"]

__version__: str  # read from the distribution metadata on first access


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import version

        return version("llmspell-cli")
    raise AttributeError(f"module 'llmspell_cli' has no attribute {name!r}")
