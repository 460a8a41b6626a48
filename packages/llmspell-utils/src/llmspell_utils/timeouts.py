"""Deadlines that fail with llmspell's own :class:`TimeoutError` (exit code 124).

The message names what timed out and after how long, so a user knows which limit to raise.
"""

from __future__ import annotations

import asyncio
import builtins
import math
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar, overload

from llmspell_core.errors import TimeoutError

__all__ = ["deadline_after", "deadline_expired", "deadline_remaining", "with_timeout"]

T = TypeVar("T")


def _format_seconds(seconds: float) -> str:
    return "1 second" if seconds == 1 else f"{seconds:g} seconds"


async def with_timeout(awaitable: Awaitable[T], seconds: float | None, what: str) -> T:
    """Await ``awaitable``; once ``seconds`` pass, cancel it and raise :class:`TimeoutError`.

    ``seconds=None`` means no limit. A ``TimeoutError`` raised by the awaitable itself passes
    through unchanged: only our own deadline is reported as ours.
    """
    if seconds is None:
        return await awaitable
    if math.isnan(seconds):
        raise ValueError(f"timeout for {what} must be a number of seconds, got NaN")
    scope = asyncio.timeout(max(0.0, seconds))
    try:
        async with scope:
            return await awaitable
    except builtins.TimeoutError as error:
        if not scope.expired():
            raise
        raise TimeoutError(
            f"{what} timed out after {_format_seconds(seconds)}",
            details={"what": what, "seconds": seconds},
        ) from error


def deadline_after(seconds: float, *, clock: Callable[[], float] = time.monotonic) -> float:
    """The ``time.monotonic()`` instant ``seconds`` from now, for passing down a call chain."""
    return clock() + seconds


@overload
def deadline_remaining(
    deadline: float, *, clock: Callable[[], float] = time.monotonic
) -> float: ...
@overload
def deadline_remaining(deadline: None, *, clock: Callable[[], float] = time.monotonic) -> None: ...
@overload
def deadline_remaining(
    deadline: float | None, *, clock: Callable[[], float] = time.monotonic
) -> float | None: ...
def deadline_remaining(
    deadline: float | None, *, clock: Callable[[], float] = time.monotonic
) -> float | None:
    """Seconds left until ``deadline`` (never negative); ``None`` when there is no deadline.

    The result fits straight into :func:`with_timeout`, so a nested call inherits what is left.
    """
    if deadline is None:
        return None
    return max(0.0, deadline - clock())


def deadline_expired(
    deadline: float | None, *, clock: Callable[[], float] = time.monotonic
) -> bool:
    """Whether ``deadline`` has passed; a missing deadline never expires."""
    return deadline is not None and clock() >= deadline
