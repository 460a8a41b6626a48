"""Ctrl-C while a spell (or a REPL line) runs: the first cancels it, a second ends the process.

The first Ctrl-C asks the runtime to stop, which works even inside ``pcall`` and while a
provider call is waiting; a spell stuck in a C call that ignores it can still be ended with a
second Ctrl-C (exit 130).
"""

from __future__ import annotations

import os
import signal
import threading
from typing import Any, Protocol

__all__ = ["CancelOnCtrlC"]

INTERRUPTED_EXIT = 130


class Cancellable(Protocol):
    def cancel(self, reason: str = ...) -> None: ...


class CancelOnCtrlC:
    """``with CancelOnCtrlC(runtime_or_session): ...`` (a no-op off the main thread)."""

    def __init__(self, target: Cancellable) -> None:
        self._target = target
        self._previous: Any = None
        self._hits = 0

    def _handle(self, signum: int, frame: object) -> None:
        self._hits += 1
        if self._hits > 1:
            os._exit(INTERRUPTED_EXIT)
        self._target.cancel("interrupted (Ctrl-C)")

    def __enter__(self) -> None:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handle)

    def __exit__(self, *exc: object) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
