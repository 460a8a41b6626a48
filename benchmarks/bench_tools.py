"""Tool calls from Lua and JavaScript against the same call made directly from Python.

architecture.md §7: a trivial tool call from a spell costs at most 20 µs more than, and at most
3 times as much as, calling the tool from Python. Measured for ``calculator`` (evaluate) and
``hash-calculator`` (sha256 of a short text), both found through the Catalog like any tool.

- Python: ``await tool.execute(params, ctx)`` on a running event loop, timed inside the loop
  (the best a Python caller can do; the tool's own validation, timeout scope and result are
  included on both sides).
- Lua / JS: a spell calls ``Tool.execute(name, params)`` N times in a loop; the per-call cost is
  ``(time(N calls) - time(0 calls)) / N`` so runtime start-up is not counted. Each call
  converts the params and result and runs the tool's coroutine as a task on the runtime loop,
  which the waiting script thread runs itself (no thread switch for a call that needs no I/O).
- For attribution (no budget): the same loop calling an async global that does nothing but
  return a result table of the same shape — the runtime's own cost of one async call.

On a shared machine the speed of everything drifts, so for each tool the Python, Lua and
JavaScript samples are taken in turns (one repeat of each, ``REPEAT`` times) and compared
best against best: both sides of a ratio come from the same stretch of time.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

from benchkit import Bench, Timing

from llmspell_bridge import ScriptRuntime
from llmspell_core.catalog import Catalog
from llmspell_core.context import ExecutionContext
from llmspell_core.registry import Registry
from llmspell_core.script_api import ApiFunction, ApiGlobal, GlobalContext

CALLS = 2000
REPEAT = 7
OVERHEAD_BUDGET_US = 20.0
RATIO_BUDGET = 3.0

CASES: dict[str, dict[str, Any]] = {
    "calculator": {"expression": "2 + 3 * 4"},
    "hash-calculator": {"input": "hello", "algorithm": "sha256"},
}

LUA = """
local params = {{{lua}}}
for i = 1, {n} do
  local r = Tool.execute("{name}", params)
  if not r.success then error("call failed") end
end
"""

JS = """
const params = {js};
for (let i = 0; i < {n}; i++) {{
  const r = await Tool.execute("{name}", params);
  if (!r.success) throw new Error("call failed");
}}
"""


def lua_table(params: dict[str, Any]) -> str:
    return ", ".join(f'{k} = "{v}"' for k, v in params.items())


def js_object(params: dict[str, Any]) -> str:
    return "{" + ", ".join(f'{k}: "{v}"' for k, v in params.items()) + "}"


def python_sampler(name: str, params: dict[str, Any]) -> Callable[[], float]:
    """One sample per call: seconds per ``tool.execute`` awaited straight from Python."""
    catalog = Catalog()
    tool = catalog.get_tool(name)
    ctx = ExecutionContext(services=catalog, state=catalog.state)
    loop = asyncio.new_event_loop()

    async def measure(calls: int) -> float:
        started = time.perf_counter()
        for _ in range(calls):
            await tool.execute(dict(params), ctx)
        return (time.perf_counter() - started) / max(calls, 1)

    loop.run_until_complete(measure(200))  # warm up

    def sample() -> float:
        return loop.run_until_complete(measure(CALLS))

    return sample


RESULT: dict[str, Any] = {
    "success": True,
    "text": "14",
    "result": {"result": 14, "expression": "2 + 3 * 4", "variables": {}},
    "metadata": {"operation": "evaluate", "truncated": False, "duration_ms": 0.01},
}


def noop_global(_ctx: GlobalContext) -> ApiGlobal:
    async def execute(_name: str, _params: Any = None) -> dict[str, Any]:
        return RESULT

    return ApiGlobal("Noop", {"execute": ApiFunction("execute", execute, is_async=True)})


def spell_sampler(
    stack: ExitStack, engine: str, name: str, params: dict[str, Any], *, target: str = "Tool"
) -> Callable[[], float]:
    """One sample per call: seconds per ``<target>.execute`` from a spell, start-up excluded."""
    template, literal = (LUA, lua_table(params)) if engine == "lua" else (JS, js_object(params))
    template = template.replace("Tool.execute", f"{target}.execute")
    chunk = "bench.lua" if engine == "lua" else "bench.js"

    def source(n: int) -> str:
        return template.format(lua=literal, js=literal, n=n, name=name)

    plugins = Registry()
    stack.enter_context(plugins.override("llmspell.globals", "Noop", noop_global))
    runtime = stack.enter_context(ScriptRuntime(engine=engine, timeout_seconds=0, plugins=plugins))
    runtime.run_source(source(200), chunk)  # warm up: catalog, tool imports, the loop

    def sample() -> float:
        started = time.perf_counter()
        runtime.run_source(source(0), chunk)
        empty = time.perf_counter() - started
        started = time.perf_counter()
        runtime.run_source(source(CALLS), chunk)
        full = time.perf_counter() - started
        return (full - empty) / CALLS

    return sample


def take_turns(samplers: dict[str, Callable[[], float]]) -> Iterator[Timing]:
    """``REPEAT`` samples of each, taken in turns; one Timing per label."""
    samples: dict[str, list[float]] = {label: [] for label in samplers}
    for _ in range(REPEAT):
        for label, sample in samplers.items():
            samples[label].append(sample())
    for label, values in samples.items():
        yield Timing(label, min(values), statistics.median(values), CALLS * REPEAT)


def main() -> int:
    bench = Bench("tool calls: Lua / JavaScript vs direct Python")
    with ExitStack() as stack:
        noop = {
            f"no-op async global from {engine}": spell_sampler(
                stack, engine, "calculator", CASES["calculator"], target="Noop"
            )
            for engine in ("lua", "javascript")
        }
        for timing in take_turns(noop):
            bench.timing(timing)
    for name, params in CASES.items():
        with ExitStack() as stack:
            samplers = {f"{name} from Python": python_sampler(name, params)}
            for engine in ("lua", "javascript"):
                samplers[f"{name} from {engine}"] = spell_sampler(stack, engine, name, params)
            direct, *spells = take_turns(samplers)
        bench.timing(direct)
        for engine, measured in zip(("lua", "javascript"), spells, strict=True):
            bench.timing(measured)
            overhead_us = (measured.best - direct.best) * 1e6
            verdict = "ok" if overhead_us <= OVERHEAD_BUDGET_US else "OVER BUDGET"
            print(
                f"   {name} {engine} overhead: {overhead_us:.1f} µs/call "
                f"(budget <= {OVERHEAD_BUDGET_US:g} µs) {verdict}"
            )
            if overhead_us > OVERHEAD_BUDGET_US:
                bench.failures.append(f"{name} {engine} overhead {overhead_us:.1f} µs")
            bench.ratio(f"{name} {engine} / python", measured, direct, budget=RATIO_BUDGET)
    return bench.finish()


if __name__ == "__main__":
    sys.exit(main())
