"""with_timeout and deadline helpers."""

from __future__ import annotations

import asyncio
import builtins

import pytest

from llmspell_core.errors import TimeoutError
from llmspell_utils import deadline_after, deadline_expired, deadline_remaining, with_timeout


async def test_result_passes_through_when_in_time() -> None:
    async def quick() -> int:
        await asyncio.sleep(0)
        return 42

    assert await with_timeout(quick(), 5, "quick work") == 42
    assert await with_timeout(quick(), None, "unlimited work") == 42


async def test_timeout_raises_llmspell_error_naming_what_and_seconds() -> None:
    cancelled = asyncio.Event()

    async def slow() -> None:
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    with pytest.raises(TimeoutError) as caught:
        await with_timeout(slow(), 0.05, "agent 'writer' completion")
    error = caught.value
    assert "agent 'writer' completion" in str(error)
    assert "0.05 seconds" in str(error)
    assert error.code == "TIMEOUT"
    assert error.exit_code == 124
    assert error.details == {"what": "agent 'writer' completion", "seconds": 0.05}
    assert cancelled.is_set(), "the slow work must be cancelled, not left running"


async def test_zero_seconds_times_out_at_first_suspension() -> None:
    with pytest.raises(TimeoutError, match="instant timed out after 0 seconds"):
        await with_timeout(asyncio.sleep(1), 0, "instant")


async def test_inner_timeout_error_is_not_relabelled() -> None:
    async def inner() -> None:
        await asyncio.sleep(0)
        raise builtins.TimeoutError("socket read timed out")

    with pytest.raises(builtins.TimeoutError, match="socket read") as caught:
        await with_timeout(inner(), 10, "outer call")
    assert not isinstance(caught.value, TimeoutError)


async def test_outer_cancellation_is_not_turned_into_timeout() -> None:
    task = asyncio.create_task(with_timeout(asyncio.sleep(30), 60, "long call"))
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_nan_seconds_refused() -> None:
    coro = asyncio.sleep(0)
    with pytest.raises(ValueError, match="NaN"):
        await with_timeout(coro, float("nan"), "x")
    coro.close()


def test_deadline_helpers_with_fake_clock() -> None:
    now = [100.0]

    def clock() -> float:
        return now[0]

    deadline = deadline_after(5, clock=clock)
    assert deadline == 105.0
    assert deadline_remaining(deadline, clock=clock) == 5.0
    assert not deadline_expired(deadline, clock=clock)
    now[0] = 103.5
    assert deadline_remaining(deadline, clock=clock) == 1.5
    now[0] = 110.0
    assert deadline_remaining(deadline, clock=clock) == 0.0  # never negative
    assert deadline_expired(deadline, clock=clock)
    assert deadline_remaining(None) is None
    assert not deadline_expired(None)


async def test_remaining_deadline_feeds_with_timeout() -> None:
    deadline = deadline_after(0.05)
    with pytest.raises(TimeoutError, match="nested step"):
        await with_timeout(asyncio.sleep(30), deadline_remaining(deadline), "nested step")
