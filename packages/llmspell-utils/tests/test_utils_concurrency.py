"""concurrent_map: order, the in-flight limit, fail-fast cancellation and collect-all mode."""

from __future__ import annotations

import asyncio

import pytest

from llmspell_core.errors import ToolError
from llmspell_utils import concurrent_map


class InFlight:
    """Counts how many calls are running at once."""

    def __init__(self) -> None:
        self.now = 0
        self.peak = 0

    async def double(self, item: int) -> int:
        self.now += 1
        self.peak = max(self.peak, self.now)
        try:
            # uneven sleeps so completions interleave out of order
            await asyncio.sleep(0.001 * ((item * 7) % 5))
            return item * 2
        finally:
            self.now -= 1


async def test_results_keep_input_order_and_limit_is_honoured() -> None:
    counter = InFlight()
    results = await concurrent_map(counter.double, range(40), limit=3)
    assert results == [i * 2 for i in range(40)]
    assert counter.peak == 3


async def test_limit_one_runs_sequentially() -> None:
    counter = InFlight()
    assert await concurrent_map(counter.double, [3, 1, 2], limit=1) == [6, 2, 4]
    assert counter.peak == 1


async def test_empty_input() -> None:
    counter = InFlight()
    assert await concurrent_map(counter.double, [], limit=4) == []


async def test_first_failure_cancels_the_rest_and_is_raised_as_itself() -> None:
    started: list[int] = []
    cancelled: list[int] = []
    finished: list[int] = []
    boom = ToolError("item 2 failed")

    async def work(item: int) -> int:
        started.append(item)
        try:
            if item == 2:
                await asyncio.sleep(0.01)
                raise boom
            await asyncio.sleep(5)
        except asyncio.CancelledError:
            cancelled.append(item)
            raise
        finished.append(item)
        return item

    with pytest.raises(ToolError) as caught:
        await concurrent_map(work, range(10), limit=4)
    assert caught.value is boom
    assert sorted(started) == [0, 1, 2, 3], "items beyond the limit must never start"
    assert sorted(cancelled) == [0, 1, 3]
    assert finished == []


async def test_return_exceptions_collects_every_outcome() -> None:
    async def work(item: int) -> int:
        await asyncio.sleep(0)
        if item % 3 == 0:
            raise ValueError(f"bad {item}")
        return item

    results = await concurrent_map(work, range(7), limit=2, return_exceptions=True)
    assert [r if not isinstance(r, Exception) else str(r) for r in results] == [
        "bad 0",
        1,
        2,
        "bad 3",
        4,
        5,
        "bad 6",
    ]


async def test_caller_cancellation_cancels_workers() -> None:
    cancelled: list[int] = []

    async def work(item: int) -> int:
        try:
            await asyncio.sleep(5)
        except asyncio.CancelledError:
            cancelled.append(item)
            raise
        return item

    task = asyncio.create_task(concurrent_map(work, range(5), limit=2))
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert sorted(cancelled) == [0, 1]


async def test_limit_must_be_positive() -> None:
    counter = InFlight()
    with pytest.raises(ValueError, match="limit"):
        await concurrent_map(counter.double, [1], limit=0)
