"""Retry an async operation with exponential backoff and jitter.

Only errors the caller declares retryable are retried, so a bad request or a wrong API key fails
at once instead of being hammered; a server's retry-after hint wins over the computed backoff.
"""

from __future__ import annotations

import asyncio
import builtins
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal, TypeVar, cast

from pydantic import BaseModel, ConfigDict, Field

from llmspell_core.errors import ProviderUnavailableError, RateLimitError

__all__ = [
    "Jitter",
    "RetryEvent",
    "RetryOn",
    "RetryPolicy",
    "backoff_delay",
    "is_transient_error",
    "rate_limit_retry_after",
    "retry_async",
]

T = TypeVar("T")

Jitter = Literal["none", "full", "decorrelated"]
"""``full``: uniform in [0, exponential]; ``decorrelated``: uniform in [base, 3 * previous]."""

RetryOn = Callable[[BaseException], bool] | type[BaseException] | tuple[type[BaseException], ...]
"""Which errors may be retried: a predicate, an exception type, or a tuple of types."""

_MAX_EXPONENT = 1000  # 2.0 ** 1024 overflows; the delay is capped long before that anyway


@dataclass(frozen=True, slots=True)
class RetryEvent:
    """What ``on_retry`` hears before each wait: which attempt failed, why, and the wait."""

    attempt: int
    attempts: int
    error: BaseException
    delay: float


def rate_limit_retry_after(error: BaseException) -> float | None:
    """The provider's retry-after hint carried by a :class:`RateLimitError`, if any."""
    if isinstance(error, RateLimitError):
        return error.retry_after
    return None


def is_transient_error(error: BaseException) -> bool:
    """Rate limits, unreachable/5xx providers and timeouts: the errors worth trying again."""
    return isinstance(error, RateLimitError | ProviderUnavailableError | builtins.TimeoutError)


def backoff_delay(
    attempt: int,
    *,
    base_delay: float,
    max_delay: float,
    jitter: Jitter = "full",
    previous: float | None = None,
    rng: random.Random | None = None,
) -> float:
    """Seconds to wait after failed ``attempt`` (1-based); never more than ``max_delay``.

    ``previous`` is the last wait, used by decorrelated jitter (defaults to ``base_delay``).
    """
    uniform = rng.uniform if rng is not None else random.uniform
    if jitter == "decorrelated":
        last = base_delay if previous is None else previous
        return min(max_delay, uniform(base_delay, max(base_delay, last * 3)))
    exponential = min(max_delay, base_delay * 2.0 ** min(attempt - 1, _MAX_EXPONENT))
    if jitter == "full":
        return uniform(0.0, exponential)
    return exponential


def _retry_predicate(retry_on: RetryOn) -> Callable[[BaseException], bool]:
    if isinstance(retry_on, type):
        single: type[BaseException] = retry_on
        return lambda error: isinstance(error, single)
    if not isinstance(retry_on, tuple):
        return retry_on
    several = cast("tuple[type[BaseException], ...]", retry_on)
    return lambda error: isinstance(error, several)


async def retry_async(
    fn: Callable[[], Awaitable[T]],
    *,
    retry_on: RetryOn,
    attempts: int = 3,
    base_delay: float = 0.5,
    max_delay: float = 30.0,
    jitter: Jitter = "full",
    retry_after: Callable[[BaseException], float | None] | None = rate_limit_retry_after,
    on_retry: Callable[[RetryEvent], object] | None = None,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    rng: random.Random | None = None,
) -> T:
    """Call ``fn`` until it succeeds, at most ``attempts`` times; re-raise the last error.

    An error is retried only if ``retry_on`` accepts it (cancellation and other
    non-``Exception`` errors never are). ``retry_after`` reads a server hint from the error
    (default: ``RateLimitError.retry_after``; ``None`` ignores hints); a hint replaces the
    computed backoff but is still capped by ``max_delay``.
    """
    if attempts < 1:
        raise ValueError(f"attempts must be at least 1, got {attempts}")
    if base_delay < 0 or max_delay < 0:
        raise ValueError(f"delays must not be negative (base={base_delay}, max={max_delay})")
    should_retry = _retry_predicate(retry_on)
    previous: float | None = None
    for attempt in range(1, attempts + 1):
        try:
            return await fn()
        except Exception as error:
            if not should_retry(error):
                raise
            if attempt == attempts:
                if attempts > 1:
                    error.add_note(f"gave up after {attempts} attempts")
                raise
            hint = retry_after(error) if retry_after is not None else None
            if hint is not None:
                delay = min(max_delay, max(0.0, hint))
            else:
                delay = backoff_delay(
                    attempt,
                    base_delay=base_delay,
                    max_delay=max_delay,
                    jitter=jitter,
                    previous=previous,
                    rng=rng,
                )
            previous = delay
            if on_retry is not None:
                on_retry(RetryEvent(attempt=attempt, attempts=attempts, error=error, delay=delay))
            await sleep(delay)
    raise AssertionError("unreachable: the last attempt either returns or raises")


class RetryPolicy(BaseModel):
    """Retry settings as they come from config (e.g. ``[providers.<name>] max_retries``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    attempts: int = Field(default=3, ge=1, description="Total tries, the first one included.")
    base_delay: float = Field(default=0.5, ge=0, description="Seconds before the first retry.")
    max_delay: float = Field(default=30.0, ge=0, description="Cap on any single wait.")
    jitter: Jitter = "full"

    async def run(
        self,
        fn: Callable[[], Awaitable[T]],
        *,
        retry_on: RetryOn,
        retry_after: Callable[[BaseException], float | None] | None = rate_limit_retry_after,
        on_retry: Callable[[RetryEvent], object] | None = None,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> T:
        """:func:`retry_async` with this policy's numbers."""
        return await retry_async(
            fn,
            retry_on=retry_on,
            attempts=self.attempts,
            base_delay=self.base_delay,
            max_delay=self.max_delay,
            jitter=self.jitter,
            retry_after=retry_after,
            on_retry=on_retry,
            sleep=sleep,
            rng=rng,
        )
