"""Tool calls from Lua and JavaScript against the same call made directly from Python.

architecture.md §7: a trivial tool call from a spell costs at most 20 µs more than, and at most
3 times as much as, calling the tool from Python. Measured for ``calculator`` (evaluate) and
``hash-calculator`` (sha256 of a short text), both found through the Catalog like any tool.

- Python: ``await tool.execute(params, ctx)`` on a running event loop, timed inside the loop
  (the best a Python caller can do; the tool's own validation, timeout scope and result are
  included on both sides).
- Lua / JS: a spell calls ``Tool.execute(name, params)`` N times in a loop; the per-call cost is
  ``(time(N calls) - time(0 calls)) / N`` so runtime start-up is not counted. Each call goes
  script thread → runtime loop thread → back, with the params and result converted.
- For attribution (no budget): the same loop calling an async global that does nothing but
  return a result table of the same shape — the runtime's own cost of one async call.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from typing import Any

from benchkit import Bench, Timing

from llmspell_bridge import ScriptRuntime
from llmspell_core.catalog import Catalog
from llmspell_core.context import ExecutionContext
from llmspell_core.registry import Registry
from llmspell_core.script_api import ApiFunction, ApiGlobal, GlobalContext

CALLS = 2000
REPEAT = 5
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


def python_call(name: str, params: dict[str, Any]) -> Timing:
    catalog = Catalog()
    tool = catalog.get_tool(name)
    ctx = ExecutionContext(services=catalog, state=catalog.state)

    async def measure() -> list[float]:
        for _ in range(200):  # warm up
            await tool.execute(dict(params), ctx)
        samples: list[float] = []
        for _ in range(REPEAT):
            started = time.perf_counter()
            for _ in range(CALLS):
                await tool.execute(dict(params), ctx)
            samples.append((time.perf_counter() - started) / CALLS)
        return samples

    samples = asyncio.run(measure())
    return Timing(f"{name} from Python", min(samples), statistics.median(samples), CALLS * REPEAT)


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


def spell_call(engine: str, name: str, params: dict[str, Any], *, target: str = "Tool") -> Timing:
    template, literal = (LUA, lua_table(params)) if engine == "lua" else (JS, js_object(params))
    template = template.replace("Tool.execute", f"{target}.execute")
    chunk = "bench.lua" if engine == "lua" else "bench.js"

    def source(n: int) -> str:
        return template.format(lua=literal, js=literal, n=n, name=name)

    plugins = Registry()
    samples: list[float] = []
    with (
        plugins.override("llmspell.globals", "Noop", noop_global),
        ScriptRuntime(engine=engine, timeout_seconds=0, plugins=plugins) as runtime,
    ):
        runtime.run_source(source(200), chunk)  # warm up: loop thread, catalog, tool imports
        for _ in range(REPEAT):
            started = time.perf_counter()
            runtime.run_source(source(0), chunk)
            empty = time.perf_counter() - started
            started = time.perf_counter()
            runtime.run_source(source(CALLS), chunk)
            full = time.perf_counter() - started
            samples.append((full - empty) / CALLS)
    label = f"{name} from {engine}" if target == "Tool" else f"no-op async global from {engine}"
    return Timing(label, min(samples), statistics.median(samples), CALLS * REPEAT)


def main() -> int:
    bench = Bench("tool calls: Lua / JavaScript vs direct Python")
    for engine in ("lua", "javascript"):
        bench.timing(spell_call(engine, "calculator", CASES["calculator"], target="Noop"))
    for name, params in CASES.items():
        direct = bench.timing(python_call(name, params))
        for engine in ("lua", "javascript"):
            measured = bench.timing(spell_call(engine, name, params))
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
