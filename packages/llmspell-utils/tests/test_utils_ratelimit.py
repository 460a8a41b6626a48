"""TokenBucket driven by a fake clock whose sleep advances time."""

from __future__ import annotations

import asyncio

import pytest

from llmspell_utils import TokenBucket


class FakeTime:
    """A clock that only moves when someone sleeps on it."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


def make(rate: float, capacity: float) -> tuple[TokenBucket, FakeTime]:
    fake = FakeTime()
    return TokenBucket(rate, capacity, clock=fake.clock, sleep=fake.sleep), fake


async def test_burst_then_steady_rate() -> None:
    bucket, fake = make(rate=10, capacity=5)
    for _ in range(5):
        await bucket.acquire()
    assert fake.sleeps == []  # the burst fits the capacity
    for _ in range(20):
        await bucket.acquire()
    # 20 more tokens at 10/s take 2 seconds of (fake) time, and no more
    assert fake.now - 1000.0 == pytest.approx(2.0)
    assert all(s == pytest.approx(0.1) for s in fake.sleeps)


async def test_try_acquire_never_waits() -> None:
    bucket, fake = make(rate=2, capacity=3)
    assert [bucket.try_acquire() for _ in range(4)] == [True, True, True, False]
    fake.now += 0.4  # 0.8 tokens: still not enough
    assert not bucket.try_acquire()
    fake.now += 0.1
    assert bucket.try_acquire()
    assert fake.sleeps == []


async def test_refill_is_capped_by_capacity() -> None:
    bucket, fake = make(rate=100, capacity=4)
    assert bucket.try_acquire(4)
    fake.now += 3600
    assert bucket.available == 4
    assert bucket.try_acquire(4)
    assert not bucket.try_acquire()


async def test_multi_token_acquire_waits_for_the_shortfall() -> None:
    bucket, fake = make(rate=4, capacity=8)
    await bucket.acquire(6)
    assert bucket.wait_time(5) == pytest.approx(0.75)
    await bucket.acquire(5)
    assert fake.sleeps == [pytest.approx(0.75)]


async def test_waiters_are_served_in_order_and_try_acquire_does_not_jump_the_queue() -> None:
    bucket, fake = make(rate=1, capacity=1)
    await bucket.acquire()
    order: list[str] = []

    async def take(name: str) -> None:
        await bucket.acquire()
        order.append(name)

    first = asyncio.create_task(take("first"))
    await asyncio.sleep(0)  # "first" is now queued and sleeping
    fake.now += 5  # plenty of tokens would be there, but "first" is ahead
    assert not bucket.try_acquire()
    second = asyncio.create_task(take("second"))
    await asyncio.gather(first, second)
    assert order == ["first", "second"]


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="rate"):
        TokenBucket(0, 1)
    with pytest.raises(ValueError, match="capacity"):
        TokenBucket(1, 0)
    bucket = TokenBucket(1, 2)
    with pytest.raises(ValueError, match="at most 2"):
        bucket.try_acquire(3)
    with pytest.raises(ValueError, match="cannot take 0"):
        bucket.try_acquire(0)


async def test_acquire_more_than_capacity_fails_instead_of_waiting_forever() -> None:
    bucket, _ = make(rate=1, capacity=2)
    with pytest.raises(ValueError, match="at most 2"):
        await bucket.acquire(3)
