"""A token bucket: allow bursts up to ``capacity``, and ``rate`` tokens per second after that.

Used per tool and per host to keep spells polite. The clock and sleep are injectable so tests
can drive time by hand instead of waiting for it.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable

__all__ = ["TokenBucket"]

# Refill arithmetic is floating point: after sleeping exactly the computed shortfall the bucket
# may hold 0.9999999999 tokens, and the next wait would be too small to move the clock at all.
_EPSILON = 1e-9


class TokenBucket:
    """Starts full. ``acquire`` waits its turn (first come, first served); ``try_acquire``
    never waits."""

    def __init__(
        self,
        rate: float,
        capacity: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        if not (rate > 0 and math.isfinite(rate)):
            raise ValueError(f"rate must be a positive number of tokens per second, got {rate}")
        if not (capacity >= 1 and math.isfinite(capacity)):
            raise ValueError(f"capacity must be at least 1 token, got {capacity}")
        self.rate = rate
        self.capacity = capacity
        self._clock = clock
        self._sleep = sleep
        self._tokens = capacity
        self._updated = clock()
        self._queue = asyncio.Lock()

    def _refill(self) -> None:
        now = self._clock()
        elapsed = max(0.0, now - self._updated)
        self._tokens = min(self.capacity, self._tokens + elapsed * self.rate)
        self._updated = now

    def _check(self, tokens: float) -> None:
        if not 0 < tokens <= self.capacity:
            raise ValueError(
                f"cannot take {tokens} tokens from a bucket that holds at most {self.capacity}"
            )

    @property
    def available(self) -> float:
        """Tokens that could be taken right now."""
        self._refill()
        return self._tokens

    def wait_time(self, tokens: float = 1) -> float:
        """Seconds until ``tokens`` would be available, ignoring anyone already waiting."""
        self._check(tokens)
        self._refill()
        return max(0.0, (tokens - self._tokens) / self.rate)

    def try_acquire(self, tokens: float = 1) -> bool:
        """Take ``tokens`` if they are there now and nobody is queued ahead; never waits."""
        self._check(tokens)
        if self._queue.locked():
            return False
        self._refill()
        if self._tokens + _EPSILON >= tokens:
            self._tokens -= tokens
            return True
        return False

    async def acquire(self, tokens: float = 1) -> None:
        """Wait until ``tokens`` are available, then take them."""
        self._check(tokens)
        async with self._queue:
            while True:
                self._refill()
                if self._tokens + _EPSILON >= tokens:
                    self._tokens -= tokens
                    return
                await self._sleep((tokens - self._tokens) / self.rate)
