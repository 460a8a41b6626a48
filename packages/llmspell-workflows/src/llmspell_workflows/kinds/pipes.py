"""The plumbing of a streaming pipeline: bounded channels with their statistics, forwarding
under a time limit that excludes waiting for room, and the real error out of a task group.
"""

from __future__ import annotations

import asyncio
import builtins
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, cast

from llmspell_core.errors import TimeoutError
from llmspell_workflows.errors import error_info

__all__ = ["Channel", "StageStats", "count_error", "forward", "raise_first"]


@dataclass
class StageStats:
    """What went through one stage, and how full its outgoing queue got."""

    name: str
    items_in: int = 0
    items_out: int = 0
    errors: int = 0
    first_error: dict[str, Any] | None = None
    queue_high_water: int = 0
    started: float = field(default_factory=time.perf_counter)


class Channel:
    """A bounded queue that counts what goes in and remembers its high-water mark."""

    def __init__(self, size: int, stats: StageStats) -> None:
        self.queue: asyncio.Queue[Any] = asyncio.Queue(maxsize=size)
        self.stats = stats

    async def send(self, item: Any) -> None:
        """Pass ``item`` on, waiting while the queue is full (this is the backpressure)."""
        self.stats.items_out += 1
        await self.queue.put(item)
        size = self.queue.qsize()
        if size > self.stats.queue_high_water:
            self.stats.queue_high_water = size


async def forward(
    texts: AsyncIterator[Any],
    send: Callable[[Any], Awaitable[None]],
    seconds: float | None,
    what: str,
) -> None:
    """Send each of ``texts`` on; ``seconds`` bounds producing them, not waiting to send."""
    loop = asyncio.get_running_loop()
    scope = asyncio.timeout(seconds)
    try:
        async with scope:
            async for text in texts:
                paused = loop.time()
                await send(text)
                when = scope.when()
                if when is not None:
                    scope.reschedule(when + (loop.time() - paused))
    except builtins.TimeoutError as error:
        if not scope.expired():
            raise
        took = "1 second" if seconds == 1 else f"{seconds:g} seconds"
        raise TimeoutError(
            f"{what} timed out after {took}", details={"what": what, "seconds": seconds}
        ) from error
    finally:
        closer = getattr(texts, "aclose", None)
        if closer is not None:
            await closer()


def count_error(stats: StageStats, error: BaseException) -> None:
    stats.errors += 1
    if stats.first_error is None:
        stats.first_error = error_info(error)


def raise_first(pipeline: asyncio.Task[None]) -> None:
    """Re-raise the pipeline's real error (not the ExceptionGroup around it)."""
    if not pipeline.done() or pipeline.cancelled():
        return
    error = pipeline.exception()
    while isinstance(error, BaseExceptionGroup):
        group = cast("BaseExceptionGroup[BaseException]", error)
        real = [e for e in group.exceptions if not isinstance(e, asyncio.CancelledError)]
        error = real[0] if real else group.exceptions[0]
    if error is not None:
        raise error
