"""Async API calls, callbacks into the script and streams, in both engines.

A test-only global (registered with ``registry.override``) provides slow calls, streams and
functions that call back into the spell from the runtime loop or from another thread.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from llmspell_bridge import ScriptRuntime
from llmspell_core.registry import registry
from llmspell_core.script_api import (
    ApiFunction,
    ApiGlobal,
    ApiStream,
    GlobalContext,
    ScriptFunction,
)


class Probe:
    """State the test global records: which threads callbacks ran on, streams closed."""

    def __init__(self) -> None:
        self.callback_threads: set[int] = set()
        self.closed = 0
        self.script_thread = threading.get_ident()


@pytest.fixture
def probe() -> Iterator[Probe]:
    state = Probe()

    def factory(ctx: GlobalContext) -> ApiGlobal:
        async def sleep(seconds: float, value: Any) -> Any:
            await asyncio.sleep(seconds)
            return value

        async def numbers(count: int) -> AsyncIterator[dict[str, int]]:
            try:
                for i in range(count):
                    await asyncio.sleep(0.001)
                    yield {"i": i}
            finally:
                state.closed += 1

        def stream(count: int) -> ApiStream:
            return ApiStream(numbers(count))

        async def each(fn: ScriptFunction, items: list[Any]) -> list[Any]:
            asyncio.get_running_loop()  # we are on the loop (run by whichever thread waits)
            return [await fn.call(item) for item in items]

        async def gather(fn: ScriptFunction, items: list[Any]) -> list[Any]:
            return list(await asyncio.gather(*(fn.call(item) for item in items)))

        async def from_worker(fn: ScriptFunction, value: Any) -> Any:
            # A worker thread (a blocking tool, say) calls back while the script waits.
            return await asyncio.to_thread(fn.call_sync, value)

        def record(*_: Any) -> None:
            state.callback_threads.add(threading.get_ident())

        return ApiGlobal(
            "Slow",
            functions={
                "sleep": ApiFunction("sleep", sleep, is_async=True),
                "stream": ApiFunction("stream", stream),
                "each": ApiFunction("each", each, is_async=True),
                "gather": ApiFunction("gather", gather, is_async=True),
                "from_worker": ApiFunction("from_worker", from_worker, is_async=True),
                "record": ApiFunction("record", record),
            },
        )

    with registry.override("llmspell.globals", "Slow", factory):
        yield state


@pytest.fixture
def runtime() -> Iterator[ScriptRuntime]:
    with ScriptRuntime(timeout_seconds=20, stdout=lambda _: None) as rt:
        yield rt


def test_promise_all_runs_async_calls_concurrently(probe: Probe, runtime: ScriptRuntime) -> None:
    source = """
    const started = Date.now()
    const values = await Promise.all([Slow.sleep(0.2, 1), Slow.sleep(0.2, 2), Slow.sleep(0.2, 3)])
    return {values, ms: Date.now() - started}
    """
    started = time.monotonic()
    result = runtime.run_source(source, "all.js")
    elapsed = time.monotonic() - started
    assert result["values"] == [1, 2, 3]
    assert elapsed < 0.5, f"three 0.2 s calls took {elapsed:.2f} s: they did not overlap"


def test_lua_async_calls_block_and_return(probe: Probe, runtime: ScriptRuntime) -> None:
    assert runtime.run_source("return {Slow.sleep(0.01, 'a'), Slow.sleep(0.01, 2)}", "s.lua") == [
        "a",
        2,
    ]


@pytest.mark.parametrize(
    ("engine", "source"),
    [
        ("lua", "return Slow.each(function(x) Slow.record() return x * 2 end, {1, 2, 3})"),
        ("javascript", "return await Slow.each((x) => { Slow.record(); return x * 2 }, [1, 2, 3])"),
        (
            "javascript",
            "return await Slow.each(async (x) => {\n"
            "  await Slow.sleep(0.01, null)\n  Slow.record()\n  return x * 2\n}, [1, 2, 3])",
        ),
        ("lua", "return Slow.gather(function(x) Slow.record() return x * 2 end, {1, 2, 3})"),
    ],
)
def test_callbacks_from_the_loop_run_on_the_script_thread(
    probe: Probe, runtime: ScriptRuntime, engine: str, source: str
) -> None:
    assert runtime.run_source(source, "cb", engine) == [2, 4, 6]
    assert probe.callback_threads == {threading.get_ident()}


@pytest.mark.parametrize(
    ("engine", "source"),
    [
        ("lua", "return Slow.from_worker(function(x) Slow.record() return x .. '!' end, 'hi')"),
        (
            "javascript",
            "return await Slow.from_worker((x) => { Slow.record(); return x + '!' }, 'hi')",
        ),
    ],
)
def test_call_sync_from_a_worker_thread_is_marshalled(
    probe: Probe, runtime: ScriptRuntime, engine: str, source: str
) -> None:
    assert runtime.run_source(source, "worker", engine) == "hi!"
    assert probe.callback_threads == {threading.get_ident()}


def test_script_errors_in_callbacks_reach_python_with_their_line(
    probe: Probe, runtime: ScriptRuntime
) -> None:
    source = "local ok, err = pcall(Slow.each, function(x)\n  error('bad ' .. x)\nend, {7})\nreturn err.message"
    assert runtime.run_source(source, "cberr.lua") == "Slow.each: cberr.lua:2: bad 7"


@pytest.mark.parametrize(
    ("engine", "source"),
    [
        (
            "lua",
            "local seen = {}\nfor item in Slow.stream(4) do seen[#seen + 1] = item.i end\nreturn seen",
        ),
        (
            "javascript",
            "const seen = []\nfor await (const item of Slow.stream(4)) seen.push(item.i)\nreturn seen",
        ),
    ],
)
def test_streams_are_pulled_item_by_item(
    probe: Probe, runtime: ScriptRuntime, engine: str, source: str
) -> None:
    assert runtime.run_source(source, "stream", engine) == [0, 1, 2, 3]
    assert probe.closed == 1


@pytest.mark.parametrize(
    ("engine", "source"),
    [
        ("lua", "for item in Slow.stream(100) do if item.i == 1 then break end end\nreturn 'done'"),
        (
            "javascript",
            "for await (const item of Slow.stream(100)) { if (item.i === 1) break }\nreturn 'done'",
        ),
    ],
)
def test_leaving_a_stream_early_closes_it(
    probe: Probe, runtime: ScriptRuntime, engine: str, source: str
) -> None:
    assert runtime.run_source(source, "early", engine) == "done"
    deadline = time.monotonic() + 2
    while probe.closed == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert probe.closed == 1


def test_js_timers(runtime: ScriptRuntime) -> None:
    source = """
    const order = []
    const cancelled = setTimeout(() => order.push("never"), 10)
    clearTimeout(cancelled)
    await new Promise((resolve) => setTimeout(() => { order.push("b"); resolve() }, 30))
    setTimeout((x) => order.push(x), 0, "a")
    await new Promise((resolve) => setTimeout(resolve, 20))
    return order
    """
    assert runtime.run_source(source, "timers.js") == ["b", "a"]
