"""Where llmspell's log records go during a run, set up when ``logging`` is first imported.

Spell logs (``Debug.*``) and llmspell's own go to stderr as ``[LEVEL] name: message`` from
the chosen level on. Importing ``logging`` costs a few milliseconds that most spells never
need, so when nothing has imported it yet the handler is installed by a one-shot import hook
the moment something does, and a spell that never logs never pays for it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Any

__all__ = ["configure_logging"]

_HANDLER_NAME = "llmspell-cli"


def _install(level: int) -> None:
    import logging

    root = logging.getLogger("llmspell")
    for old in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(old)
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(logging.Formatter("[%(levelname)s] %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(level)
    root.propagate = False


class _ThenConfigure:
    """Wraps the real loader of ``logging``: executes the module, then installs the handler."""

    def __init__(self, loader: Any, then: Callable[[], None]) -> None:
        self._loader = loader
        self._then = then

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        return self._loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self._loader.exec_module(module)
        self._then()


class _OnLoggingImport:
    """A one-shot ``sys.meta_path`` finder that notices the first ``import logging``."""

    def __init__(self, then: Callable[[], None]) -> None:
        self._then = then

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> ModuleSpec | None:
        if name != "logging":
            return None
        sys.meta_path.remove(self)
        from importlib.machinery import PathFinder

        spec = PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _ThenConfigure(spec.loader, self._then)  # pyright: ignore[reportAttributeAccessIssue]
        return spec


def configure_logging(level: int) -> None:
    """Send llmspell's log records from ``level`` on to stderr, now or on first import."""
    if "logging" in sys.modules:
        _install(level)
        return
    for finder in [f for f in sys.meta_path if isinstance(f, _OnLoggingImport)]:
        sys.meta_path.remove(finder)
    sys.meta_path.insert(0, _OnLoggingImport(lambda: _install(level)))
