"""One loop timer for every in-flight provider attempt's time budget.

Scheduling and cancelling a loop timer per attempt (and per streamed chunk) is a measurable
part of every provider call: each one is pushed on the loop's heap (ordered by a Python-level
``__lt__``) and left there, cancelled, until the loop sweeps it. Attempts almost always finish
long before their budget, so instead each loop keeps one timer armed at the earliest budget in
flight; an attempt that ends just leaves the watch, and when the timer fires it expires what
is due and re-arms for what is left.
"""

from __future__ import annotations

import asyncio
import math
import threading
import weakref
from collections.abc import Callable
from typing import Protocol

__all__ = ["DeadlineWatch", "Expirable", "deadline_watch"]


class Expirable(Protocol):
    def expire(self) -> None:
        """The budget ran out (called on the loop)."""
        ...


class DeadlineWatch:
    """Expires watched attempts of one event loop at their deadlines (loop time).

    Nothing outside the loop keeps it alive: it holds its loop weakly, the registry below
    holds it weakly, and its armed timer lives in the loop's own schedule. So a finished loop
    is freed with its watch.
    """

    __slots__ = ("__weakref__", "_active", "_armed_at", "_handle", "loop")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        #: The loop, held weakly.
        self.loop = _reference(loop)
        self._active: dict[Expirable, float] = {}
        self._handle: asyncio.TimerHandle | None = None
        self._armed_at = math.inf

    def add(self, attempt: Expirable, deadline: float) -> None:
        """Expire ``attempt`` at ``deadline`` unless it is discarded first (loop thread only)."""
        self._active[attempt] = deadline
        if deadline < self._armed_at:
            self._arm(deadline)

    def discard(self, attempt: Expirable) -> None:
        """The attempt ended; the timer stays armed and sorts itself out when it fires."""
        self._active.pop(attempt, None)

    def __len__(self) -> int:
        return len(self._active)

    def watches(self, loop: asyncio.AbstractEventLoop) -> bool:
        return self.loop() is loop

    def _arm(self, deadline: float) -> None:
        loop = self.loop()
        if loop is None:
            return
        if self._handle is not None:
            self._handle.cancel()
        self._handle = loop.call_at(deadline, self._fire)
        self._armed_at = deadline

    def _fire(self) -> None:
        # the loop decided the armed time has come: so has every deadline up to it
        armed_at, self._armed_at, self._handle = self._armed_at, math.inf, None
        due = [attempt for attempt, deadline in self._active.items() if deadline <= armed_at]
        for attempt in due:
            del self._active[attempt]
        if self._active:
            self._arm(min(self._active.values()))
        for attempt in due:
            attempt.expire()


def _reference(loop: asyncio.AbstractEventLoop) -> Callable[[], asyncio.AbstractEventLoop | None]:
    try:
        return weakref.ref(loop)
    except TypeError:  # a loop that takes no weak references: held, with its own watch
        return lambda: loop


#: Watches by ``id(loop)``, held weakly (each checks it is still its loop's: ids are reused).
_by_loop: weakref.WeakValueDictionary[int, DeadlineWatch] = weakref.WeakValueDictionary()
_by_loop_lock = threading.Lock()
#: The watch asked for last: nearly every lookup is for the same loop again. Held strongly,
#: which keeps only that small object (not its loop) alive.
_recent: DeadlineWatch | None = None


def deadline_watch(loop: asyncio.AbstractEventLoop) -> DeadlineWatch:
    """The watch of ``loop`` (one per loop, shared by every provider on it)."""
    global _recent
    recent = _recent
    if recent is not None and recent.loop() is loop:
        return recent
    with _by_loop_lock:
        watch = _by_loop.get(id(loop))
        if watch is None or not watch.watches(loop):
            watch = _by_loop[id(loop)] = DeadlineWatch(loop)
        _recent = watch
    return watch
