"""One loop timer serves every attempt in flight: each still expires at its own budget."""

from __future__ import annotations

import asyncio
import gc
import weakref

import pytest

from llmspell_core.context import ExecutionContext
from llmspell_core.errors import CancelledError
from llmspell_providers.deadlines import DeadlineWatch, deadline_watch
from llmspell_providers.policy import AttemptScope


class Attempt:
    def __init__(self, name: str, log: list[str]) -> None:
        self.name = name
        self.log = log

    def expire(self) -> None:
        self.log.append(self.name)


async def test_each_attempt_expires_at_its_own_deadline_in_order() -> None:
    loop = asyncio.get_running_loop()
    watch = DeadlineWatch(loop)
    log: list[str] = []
    now = loop.time()
    late, early, done = Attempt("late", log), Attempt("early", log), Attempt("done", log)
    watch.add(late, now + 0.30)
    watch.add(early, now + 0.05)  # earlier than the armed time: the watch re-arms for it
    watch.add(done, now + 0.02)
    watch.discard(done)  # finished first: never expires
    await asyncio.sleep(0.15)
    assert log == ["early"]
    assert len(watch) == 1
    await asyncio.sleep(0.30)
    assert log == ["early", "late"]
    assert len(watch) == 0


async def test_attempts_that_finish_leave_nothing_behind() -> None:
    loop = asyncio.get_running_loop()
    watch = deadline_watch(loop)
    assert deadline_watch(loop) is watch  # one per loop
    ctx = ExecutionContext()
    for _ in range(50):
        with AttemptScope(ctx, "quick", budget=30.0):
            await asyncio.sleep(0)
    assert len(watch) == 0


async def test_concurrent_attempts_time_out_separately() -> None:
    ctx = ExecutionContext()
    finished: list[str] = []

    async def attempt(name: str, budget: float, work: float) -> None:
        try:
            with AttemptScope(ctx, name, budget=budget):
                await asyncio.sleep(work)
            finished.append(f"{name} done")
        except TimeoutError:
            finished.append(f"{name} timed out")

    await asyncio.gather(
        attempt("slow", budget=0.05, work=5.0),
        attempt("fast", budget=5.0, work=0.1),
        attempt("roomy", budget=0.5, work=5.0),
    )
    assert finished == ["slow timed out", "fast done", "roomy timed out"]


async def test_a_token_cancelled_before_the_attempt_still_stops_it() -> None:
    ctx = ExecutionContext()
    ctx.cancellation.cancel("stop")
    with pytest.raises(CancelledError, match="stop"), AttemptScope(ctx, "late", budget=30.0):
        await asyncio.sleep(5.0)


def test_a_finished_loop_is_not_kept_alive_by_its_watch() -> None:
    async def one_attempt() -> None:
        with AttemptScope(ExecutionContext(), "brief", budget=30.0):
            await asyncio.sleep(0)

    loop = asyncio.new_event_loop()
    loop.run_until_complete(one_attempt())
    loop.close()
    gone = weakref.ref(loop)
    del loop
    asyncio.run(one_attempt())  # another loop becomes the most recent one
    gc.collect()
    assert gone() is None
