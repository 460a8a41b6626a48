"""The built-in llmspell tool library."""

from typing import Any

__version__: str  # read from the distribution metadata on first access (see __getattr__)

__all__ = ["__version__"]


def __getattr__(name: str) -> Any:
    # importlib.metadata costs ~15 ms to import: not worth paying on every start-up for a
    # version string that is rarely read.
    if name == "__version__":
        from importlib.metadata import version

        value = version("llmspell-tools")
        globals()["__version__"] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
