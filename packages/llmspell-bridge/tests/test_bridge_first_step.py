"""A call's first step runs inline as a parked spare task: what that must keep true.

A call that finishes at once makes no task. A call that suspends is carried on by the very
task it ran as, so a timeout armed in the first step, ``current_task()``, context variables
and cancellation all behave as if a task had been created for it from the start. Spells see
the same: a Lua or JS call with a short tool timeout that suspends still times out.
"""

from __future__ import annotations

import asyncio
import contextvars
import subprocess
import sys
from collections.abc import Coroutine, Iterator
from typing import Any

import pytest

from llmspell_bridge import ScriptRuntime
from llmspell_bridge.loop import LoopThread
from llmspell_core.errors import CancelledError, LLMSpellError
from llmspell_core.registry import registry
from llmspell_core.script_api import ApiFunction, ApiGlobal, GlobalContext

MARK: contextvars.ContextVar[str] = contextvars.ContextVar("mark", default="unset")


@pytest.fixture
def baton() -> Iterator[tuple[LoopThread, asyncio.AbstractEventLoop]]:
    thread = LoopThread("test-first-step")
    loop = thread.acquire()
    assert loop is not None
    try:
        yield thread, loop
    finally:
        thread.release()
        thread.close()


def first(
    thread: LoopThread, coro: Coroutine[Any, Any, Any]
) -> tuple[asyncio.Task[Any] | None, Any, BaseException | None]:
    # The very first call on a loop captures the ready queue with a full iteration; a second
    # one is the inline path under test, so warm up first.
    async def nothing() -> None:
        return None

    thread.first_step(nothing())
    return thread.first_step(coro)


def test_a_call_that_finishes_makes_no_task(
    baton: tuple[LoopThread, asyncio.AbstractEventLoop],
) -> None:
    thread, loop = baton
    seen: list[asyncio.Task[Any] | None] = []

    async def quick() -> int:
        seen.append(asyncio.current_task())
        return 7

    task, value, error = first(thread, quick())
    assert (task, value, error) == (None, 7, None)
    assert seen[0] is not None  # asyncio.timeout & co. find a current task
    before = len(asyncio.all_tasks(loop))
    for _ in range(5):
        assert first(thread, quick())[1] == 7
    assert len(asyncio.all_tasks(loop)) == before  # the spare is reused, nothing piles up
    assert len({id(t) for t in seen}) == 1


def test_an_error_in_the_first_step_is_returned_not_raised(
    baton: tuple[LoopThread, asyncio.AbstractEventLoop],
) -> None:
    thread, _loop = baton

    async def broken() -> None:
        raise ValueError("bad input")

    task, _value, error = first(thread, broken())
    assert task is None
    assert isinstance(error, ValueError)
    assert str(error) == "bad input"


def test_a_suspended_call_is_carried_by_the_task_it_ran_as(
    baton: tuple[LoopThread, asyncio.AbstractEventLoop],
) -> None:
    thread, loop = baton

    async def waits() -> tuple[bool, str]:
        before = asyncio.current_task()
        MARK.set("first step")
        await asyncio.sleep(0.01)
        return asyncio.current_task() is before, MARK.get()

    task, _value, _error = first(thread, waits())
    assert task is not None
    same_task, mark = loop.run_until_complete(task)
    assert same_task
    assert mark == "first step"  # the first step's context goes on with the call
    assert MARK.get() == "unset"  # and never leaks into the caller's


def test_a_timeout_armed_in_the_first_step_fires_on_the_carrying_task(
    baton: tuple[LoopThread, asyncio.AbstractEventLoop],
) -> None:
    thread, loop = baton

    async def slow() -> str:
        try:
            async with asyncio.timeout(0.02):
                await asyncio.sleep(5)
        except TimeoutError:
            return "timed out"
        return "not timed out"

    task, _value, _error = first(thread, slow())
    assert task is not None
    assert loop.run_until_complete(asyncio.wait_for(task, 2)) == "timed out"

    async def ok() -> str:
        return "ok"

    # the next call gets a fresh spare: the adopted one is spent
    again, value, _error = first(thread, ok())
    assert (again, value) == (None, "ok")


def test_cancelling_a_suspended_call_reaches_the_call(
    baton: tuple[LoopThread, asyncio.AbstractEventLoop],
) -> None:
    thread, loop = baton
    cleaned: list[str] = []

    async def waits() -> None:
        try:
            await asyncio.sleep(5)
        finally:
            cleaned.append("finally ran")

    task, _value, _error = first(thread, waits())
    assert task is not None
    loop.run_until_complete(asyncio.sleep(0.01))
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        loop.run_until_complete(task)
    assert cleaned == ["finally ran"]


@pytest.fixture
def probe() -> Iterator[None]:
    def factory(_ctx: GlobalContext) -> ApiGlobal:
        async def short_timeout() -> str:
            async with asyncio.timeout(0.05):
                await asyncio.sleep(5)
            return "not reached"

        async def cancel_self() -> None:
            raise asyncio.CancelledError

        return ApiGlobal(
            "Probe",
            functions={
                "short_timeout": ApiFunction("short_timeout", short_timeout, is_async=True),
                "cancel_self": ApiFunction("cancel_self", cancel_self, is_async=True),
            },
        )

    with registry.override("llmspell.globals", "Probe", factory):
        yield


@pytest.mark.parametrize(
    ("engine", "source", "chunk"),
    [
        ("lua", "Probe.short_timeout()", "t.lua"),
        ("javascript", "await Probe.short_timeout();", "t.js"),
    ],
)
@pytest.mark.usefixtures("probe")
def test_spells_see_a_suspended_call_time_out(engine: str, source: str, chunk: str) -> None:
    with (
        ScriptRuntime(engine=engine, timeout_seconds=10) as runtime,
        pytest.raises(LLMSpellError) as caught,
    ):
        runtime.run_source(source, chunk)
    assert "Probe.short_timeout" in str(caught.value)


@pytest.mark.parametrize(
    ("engine", "source", "chunk"),
    [
        ("lua", "Probe.cancel_self()", "c.lua"),
        ("javascript", "await Probe.cancel_self();", "c.js"),
    ],
)
@pytest.mark.usefixtures("probe")
def test_a_call_cancelled_in_its_first_step_is_a_cancelled_error(
    engine: str, source: str, chunk: str
) -> None:
    with (
        ScriptRuntime(engine=engine, timeout_seconds=10) as runtime,
        pytest.raises(CancelledError, match="the call was cancelled"),
    ):
        runtime.run_source(source, chunk)


def test_a_loop_dropped_unclosed_does_not_warn_about_its_spare() -> None:
    script = (
        "from llmspell_bridge.loop import LoopThread\n"
        "thread = LoopThread()\n"
        "thread.acquire()\n"
        "async def quick():\n"
        "    return 1\n"
        "thread.first_step(quick())\n"
        "thread.first_step(quick())\n"
        "thread.release()\n"
        "del thread\n"
        "import gc; gc.collect()\n"
        "print('done')\n"
    )
    ran = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == "done"
    assert "Task was destroyed" not in ran.stderr
