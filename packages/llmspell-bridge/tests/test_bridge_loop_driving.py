"""The runtime loop runs on whichever thread waits: what that must not change.

A call that finishes at once never leaves the script thread; work still in flight keeps moving
while the script computes (the background thread takes the loop over); callbacks, nested
blocking calls, cancellation and deadlines behave as with a loop on its own thread; and a
spell run from inside someone else's event loop still works.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from llmspell_bridge import ScriptRuntime
from llmspell_core.errors import CancelledError, LLMSpellError, TimeoutError
from llmspell_core.registry import registry
from llmspell_core.script_api import ApiFunction, ApiGlobal, GlobalContext, ScriptFunction


class Record:
    """What the test global saw: when calls finished, which threads ran them."""

    def __init__(self) -> None:
        self.finished: dict[str, float] = {}
        self.threads: set[int] = set()


@pytest.fixture
def record() -> Iterator[Record]:
    seen = Record()

    def factory(_ctx: GlobalContext) -> ApiGlobal:
        async def quick(value: Any) -> Any:
            seen.threads.add(threading.get_ident())
            return value

        async def sleep(seconds: float, label: str) -> str:
            await asyncio.sleep(seconds)
            seen.finished[label] = time.monotonic()
            return label

        async def each(fn: ScriptFunction, items: list[Any]) -> list[Any]:
            return [await fn.call(item) for item in items]

        async def call_sync_in_loop(fn: ScriptFunction) -> Any:
            return fn.call_sync(1)  # wrong: blocks the loop; must be refused, not hang

        def now() -> float:
            return time.monotonic()

        return ApiGlobal(
            "Probe",
            functions={
                "quick": ApiFunction("quick", quick, is_async=True),
                "sleep": ApiFunction("sleep", sleep, is_async=True),
                "each": ApiFunction("each", each, is_async=True),
                "call_sync_in_loop": ApiFunction(
                    "call_sync_in_loop", call_sync_in_loop, is_async=True
                ),
                "now": ApiFunction("now", now),
            },
        )

    with registry.override("llmspell.globals", "Probe", factory):
        yield seen


@pytest.fixture
def runtime() -> Iterator[ScriptRuntime]:
    with ScriptRuntime(timeout_seconds=20, stdout=lambda _: None) as rt:
        yield rt


def _loop_threads() -> set[str]:
    return {t.name for t in threading.enumerate() if t.name.startswith("llmspell-loop")}


@pytest.mark.parametrize(
    ("engine", "source"),
    [
        ("lua", "local n = 0\nfor i = 1, 200 do n = n + Probe.quick(1) end\nreturn n"),
        (
            "javascript",
            "let n = 0\nfor (let i = 0; i < 200; i++) n += await Probe.quick(1)\nreturn n",
        ),
    ],
)
def test_calls_that_finish_at_once_stay_on_the_script_thread(
    record: Record, runtime: ScriptRuntime, engine: str, source: str
) -> None:
    before = _loop_threads()
    assert runtime.run_source(source, "quick", engine) == 200
    assert record.threads == {threading.get_ident()}
    assert _loop_threads() == before  # no background thread was needed


def test_js_calls_in_flight_move_while_the_spell_computes(
    record: Record, runtime: ScriptRuntime
) -> None:
    source = """
    const pending = Probe.sleep(0.05, "slow")
    const start = Probe.now()
    while (Probe.now() - start < 1.0) {}   // busy: the script never waits here
    const busyUntil = Probe.now()
    await pending
    return busyUntil
    """
    busy_until = runtime.run_source(source, "busy.js")
    # the sleep finished during the busy loop, not after it: the loop kept running
    assert record.finished["slow"] < busy_until - 0.5


def test_lua_callback_runs_while_parallel_work_moves(
    record: Record, runtime: ScriptRuntime
) -> None:
    # the callback computes for 1 s; the three sleeps started before it finish meanwhile
    source = """
    local started = Probe.now()
    local out = Probe.each(function(x)
      if x == 0 then
        local t = Probe.now()
        while Probe.now() - t < 1.0 do end
        return Probe.now()
      end
      return x
    end, {1, 0})
    return out[2]
    """

    def factory(_ctx: GlobalContext) -> ApiGlobal:
        async def each_with_background(fn: ScriptFunction, items: list[Any]) -> list[Any]:
            background = [asyncio.ensure_future(asyncio.sleep(0.05 * (i + 1))) for i in range(3)]

            def finished(_: object) -> None:
                record.finished.setdefault("background", time.monotonic())

            background[-1].add_done_callback(finished)
            results = [await fn.call(item) for item in items]
            await asyncio.gather(*background)
            return results

        return ApiGlobal(
            "Probe2", {"each": ApiFunction("each", each_with_background, is_async=True)}
        )

    with registry.override("llmspell.globals", "Probe2", factory):
        busy_done = runtime.run_source(source.replace("Probe.each", "Probe2.each"), "cb.lua")
    assert record.finished["background"] < busy_done - 0.5


@pytest.mark.parametrize(
    ("engine", "source"),
    [
        (
            "lua",
            "return Probe.each(function(x) return Probe.sleep(0.01, 'v' .. x) end, {1, 2, 3})",
        ),
        (
            "javascript",
            "return await Probe.each(async (x) => await Probe.sleep(0.01, 'v' + x), [1, 2, 3])",
        ),
    ],
)
def test_a_callback_may_make_calls_of_its_own(
    record: Record, runtime: ScriptRuntime, engine: str, source: str
) -> None:
    assert runtime.run_source(source, "nested", engine) == ["v1", "v2", "v3"]


def test_call_sync_inside_the_loop_is_refused(record: Record, runtime: ScriptRuntime) -> None:
    source = (
        "local ok, err = pcall(Probe.call_sync_in_loop, function(x) return x end)\nreturn err.code"
    )
    assert runtime.run_source(source, "deadlock.lua") == "DEADLOCK"


def test_cancel_ends_a_wait_promptly(record: Record, runtime: ScriptRuntime) -> None:
    timer = threading.Timer(0.2, runtime.cancel, ("stop",))
    timer.start()
    started = time.monotonic()
    with pytest.raises(CancelledError):
        runtime.run_source("return Probe.sleep(10, 'never')", "cancel.lua")
    assert time.monotonic() - started < 3
    timer.cancel()


def test_the_deadline_ends_a_wait(record: Record) -> None:
    with ScriptRuntime(timeout_seconds=0.3, stdout=lambda _: None) as rt:
        started = time.monotonic()
        with pytest.raises(TimeoutError):
            rt.run_source("return Probe.sleep(10, 'never')", "slow.lua")
        assert time.monotonic() - started < 3


def test_two_threads_share_one_runtime_loop(record: Record, runtime: ScriptRuntime) -> None:
    results: list[Any] = []
    errors: list[BaseException] = []

    def spell(label: str) -> None:
        try:
            results.append(runtime.run_source(f"return Probe.sleep(0.5, '{label}')", "t.lua"))
        except BaseException as exc:  # reported below
            errors.append(exc)

    started = time.monotonic()
    threads = [threading.Thread(target=spell, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert not errors
    assert sorted(results) == ["a", "b"]
    assert time.monotonic() - started < 0.9  # they overlapped (one after the other: 1 s)


@pytest.mark.parametrize("engine", ["lua", "javascript"])
def test_a_spell_run_from_inside_another_event_loop(
    record: Record, runtime: ScriptRuntime, engine: str
) -> None:
    source = {
        "lua": "return {Probe.sleep(0.01, 'a'), Probe.each(function(x) return x + 1 end, {1})}",
        "javascript": (
            "return [await Probe.sleep(0.01, 'a'), await Probe.each((x) => x + 1, [1])]"
        ),
    }[engine]

    async def caller() -> Any:
        return runtime.run_source(source, "inside", engine)  # blocks this loop, on purpose

    assert asyncio.run(caller()) == ["a", [2]]


def test_runtime_close_after_calls_left_running(record: Record) -> None:
    rt = ScriptRuntime(timeout_seconds=20, stdout=lambda _: None)
    source = "Probe.sleep(5, 'left'); return 1"
    assert rt.run_source(source, "left.js") == 1  # the Promise is never awaited
    started = time.monotonic()
    rt.close()
    assert time.monotonic() - started < 3
    assert "left" not in record.finished
    with pytest.raises(LLMSpellError):
        rt.run_source("return 1", "closed.lua")
