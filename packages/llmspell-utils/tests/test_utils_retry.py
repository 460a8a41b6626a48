"""retry_async: what is retried, how long it waits, and what finally surfaces."""

from __future__ import annotations

import asyncio
import random

import pytest
from pydantic import ValidationError as PydanticValidationError

from llmspell_core.errors import (
    AuthError,
    ProviderUnavailableError,
    RateLimitError,
    TimeoutError,
)
from llmspell_utils import (
    RetryEvent,
    RetryPolicy,
    backoff_delay,
    is_transient_error,
    retry_async,
)


class FakeSleep:
    """Records requested waits instead of waiting."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


class Flaky:
    """Raises the given errors in turn, then returns ``"ok"``."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    async def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "ok"


async def test_succeeds_after_transient_failures() -> None:
    fn = Flaky(ProviderUnavailableError("502"), ProviderUnavailableError("503"))
    sleep = FakeSleep()
    result = await retry_async(
        fn, retry_on=is_transient_error, attempts=3, base_delay=1, jitter="none", sleep=sleep
    )
    assert result == "ok"
    assert fn.calls == 3
    assert sleep.delays == [1, 2]  # exponential: base, 2 * base


async def test_non_retryable_error_is_not_retried() -> None:
    fn = Flaky(AuthError("bad key"))
    sleep = FakeSleep()
    with pytest.raises(AuthError, match="bad key"):
        await retry_async(fn, retry_on=is_transient_error, attempts=5, sleep=sleep)
    assert fn.calls == 1
    assert sleep.delays == []


async def test_retry_on_accepts_exception_types() -> None:
    fn = Flaky(ConnectionResetError(), KeyError("x"))
    sleep = FakeSleep()
    with pytest.raises(KeyError):
        await retry_async(fn, retry_on=(ConnectionError,), attempts=5, sleep=sleep)
    assert fn.calls == 2

    fn = Flaky(ConnectionResetError())
    assert await retry_async(fn, retry_on=ConnectionError, sleep=FakeSleep()) == "ok"


async def test_attempts_exhausted_reraises_last_error() -> None:
    errors = [ProviderUnavailableError(f"down {i}") for i in range(3)]
    fn = Flaky(*errors)
    sleep = FakeSleep()
    with pytest.raises(ProviderUnavailableError) as caught:
        await retry_async(fn, retry_on=is_transient_error, attempts=3, sleep=sleep)
    assert caught.value is errors[2]
    assert "gave up after 3 attempts" in (caught.value.__notes__ or [])
    assert fn.calls == 3
    assert len(sleep.delays) == 2


async def test_retry_after_hint_is_honoured_and_capped() -> None:
    fn = Flaky(
        RateLimitError("slow down", retry_after=7.0),
        RateLimitError("slow down more", retry_after=120.0),
        RateLimitError("no hint"),
    )
    sleep = FakeSleep()
    await retry_async(
        fn,
        retry_on=is_transient_error,
        attempts=4,
        base_delay=0.5,
        max_delay=30,
        jitter="none",
        sleep=sleep,
    )
    # the hint replaces backoff, is capped by max_delay, and backoff resumes without a hint
    assert sleep.delays == [7.0, 30.0, 2.0]


async def test_retry_after_none_ignores_hints() -> None:
    fn = Flaky(RateLimitError("slow down", retry_after=7.0))
    sleep = FakeSleep()
    await retry_async(
        fn, retry_on=RateLimitError, base_delay=0.25, jitter="none", retry_after=None, sleep=sleep
    )
    assert sleep.delays == [0.25]


async def test_custom_retry_after_reader() -> None:
    class ThrottledError(Exception):
        def __init__(self, wait: float) -> None:
            super().__init__("throttled")
            self.wait = wait

    def hint(error: BaseException) -> float | None:
        return error.wait if isinstance(error, ThrottledError) else None

    sleep = FakeSleep()
    await retry_async(
        Flaky(ThrottledError(3.5)), retry_on=ThrottledError, retry_after=hint, sleep=sleep
    )
    assert sleep.delays == [3.5]


async def test_on_retry_hears_each_wait() -> None:
    events: list[RetryEvent] = []
    first, second = TimeoutError("t1"), TimeoutError("t2")
    await retry_async(
        Flaky(first, second),
        retry_on=is_transient_error,
        attempts=3,
        base_delay=1,
        jitter="none",
        on_retry=events.append,
        sleep=FakeSleep(),
    )
    assert [(e.attempt, e.attempts, e.error, e.delay) for e in events] == [
        (1, 3, first, 1),
        (2, 3, second, 2),
    ]


async def test_cancellation_is_never_retried() -> None:
    calls = 0

    async def cancelled() -> None:
        nonlocal calls
        calls += 1
        raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        await retry_async(cancelled, retry_on=lambda _e: True, attempts=5, sleep=FakeSleep())
    assert calls == 1


async def test_single_attempt_reraises_without_note() -> None:
    error = ProviderUnavailableError("down")
    with pytest.raises(ProviderUnavailableError) as caught:
        await retry_async(Flaky(error), retry_on=is_transient_error, attempts=1)
    assert not getattr(caught.value, "__notes__", None)


async def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="attempts"):
        await retry_async(Flaky(), retry_on=Exception, attempts=0)
    with pytest.raises(ValueError, match="negative"):
        await retry_async(Flaky(), retry_on=Exception, base_delay=-1)


def test_full_jitter_stays_within_exponential_envelope() -> None:
    rng = random.Random(42)
    for attempt in range(1, 12):
        envelope = min(10.0, 0.5 * 2 ** (attempt - 1))
        for _ in range(50):
            delay = backoff_delay(attempt, base_delay=0.5, max_delay=10, jitter="full", rng=rng)
            assert 0 <= delay <= envelope


def test_decorrelated_jitter_grows_from_previous_and_is_capped() -> None:
    rng = random.Random(7)
    previous = 1.0
    for attempt in range(1, 30):
        delay = backoff_delay(
            attempt, base_delay=1, max_delay=20, jitter="decorrelated", previous=previous, rng=rng
        )
        assert 1 <= delay <= min(20, previous * 3)
        previous = delay


def test_huge_attempt_numbers_do_not_overflow() -> None:
    assert backoff_delay(5000, base_delay=1, max_delay=60, jitter="none") == 60


async def test_policy_runs_with_its_numbers() -> None:
    policy = RetryPolicy(attempts=2, base_delay=0.1, max_delay=1, jitter="none")
    fn = Flaky(TimeoutError("t"), TimeoutError("t"))
    sleep = FakeSleep()
    with pytest.raises(TimeoutError):
        await policy.run(fn, retry_on=is_transient_error, sleep=sleep)
    assert fn.calls == 2
    assert sleep.delays == [0.1]


def test_policy_validates_config() -> None:
    with pytest.raises(PydanticValidationError):
        RetryPolicy(attempts=0)
    with pytest.raises(PydanticValidationError):
        RetryPolicy.model_validate({"attempts": 3, "jitter": "sometimes"})
    with pytest.raises(PydanticValidationError):
        RetryPolicy.model_validate({"max_retries": 3})  # unknown keys are typos, not ignored
