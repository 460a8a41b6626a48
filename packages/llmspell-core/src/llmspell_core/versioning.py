"""``__version__`` read lazily, shared by every llmspell package's ``__init__``.

importlib.metadata costs ~15 ms to import; start-up should not pay that for a version string
that is rarely read, so each package exposes it through a PEP 562 module ``__getattr__``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

__all__ = ["lazy_version"]


def lazy_version(module: str, distribution: str) -> Callable[[str], Any]:
    """A module ``__getattr__`` answering ``__version__`` from ``distribution``'s metadata."""

    def __getattr__(name: str) -> Any:  # noqa: N807 - the PEP 562 hook it becomes
        if name == "__version__":
            from importlib.metadata import version

            value = version(distribution)
            sys.modules[module].__dict__["__version__"] = value
            return value
        raise AttributeError(f"module {module!r} has no attribute {name!r}")

    return __getattr__
