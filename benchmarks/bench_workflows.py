"""Workflow orchestration: real concurrency for parallel steps, small overhead per step.

- 20 parallel agent steps against a server answering after 200 ms take about as long as one
  such step (architecture.md §7: at most 1.3 times). The agents are real ``llm`` agents (llmspell-agents)
  using the real OpenAI SDK against ``llmspell_core.testing.fake_llm_server`` on 127.0.0.1.
- A 1,000-step sequential workflow of trivial tool steps, against awaiting the same tool
  1,000 times directly: the difference is what the workflow adds per step (interpolation,
  timeout scope, State record, result table). Reported in µs/step; no budget (a ratio against
  a ~1 µs call would say nothing useful).
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

from benchkit import Bench, Timing

from llmspell_core.agent import AgentConfig
from llmspell_core.catalog import Catalog
from llmspell_core.context import ExecutionContext
from llmspell_core.testing.fake_llm_server import FakeLLMServer
from llmspell_core.tool import Tool
from llmspell_core.tool_types import ToolOutput, ToolSpec

LATENCY = 0.2
PARALLEL = 20
STEPS = 1000


class NoopTool(Tool):
    @property
    def spec(self) -> ToolSpec:
        return ToolSpec(name="bench-noop", description="returns at once")

    async def execute(self, params: dict[str, Any], ctx: ExecutionContext) -> ToolOutput:
        return ToolOutput(text="ok")


async def timed(label: str, run: Callable[[], Awaitable[object]], repeat: int) -> Timing:
    """Best and median wall time of ``repeat`` runs (after one warm-up run)."""
    await run()
    samples: list[float] = []
    for _ in range(repeat):
        started = time.perf_counter()
        await run()
        samples.append(time.perf_counter() - started)
    return Timing(label, min(samples), statistics.median(samples), repeat)


async def parallel_agents(bench: Bench) -> None:
    with FakeLLMServer(latency=LATENCY) as server:
        catalog = Catalog(environ={})
        for i in range(PARALLEL):
            catalog.create_agent(
                AgentConfig(
                    name=f"bench-agent-{i}",
                    model="openai/gpt-4o-mini",
                    base_url=server.openai_base_url,
                    api_key="sk-bench",
                    max_conversation_length=2,
                )
            )
        ctx = ExecutionContext(services=catalog, state=catalog.state)
        one = catalog.create_workflow(
            "sequential",
            {"name": "one", "steps": [{"name": "ask", "agent": "bench-agent-0", "input": "hi"}]},
        )
        many = catalog.create_workflow(
            "parallel",
            {
                "name": "many",
                "steps": [
                    {"name": f"ask{i}", "agent": f"bench-agent-{i}", "input": f"question {i}"}
                    for i in range(PARALLEL)
                ],
            },
        )
        result = await many.execute({}, ctx)
        assert result.success, result
        assert result.metadata["total_steps"] == PARALLEL, result
        single = bench.timing(
            await timed("1 agent step (200 ms server)", lambda: one.execute({}, ctx), 5)
        )
        fan = bench.timing(
            await timed(f"{PARALLEL} parallel agent steps", lambda: many.execute({}, ctx), 5)
        )
        bench.ratio(f"{PARALLEL} parallel / 1 step", fan, single, budget=1.3)
        await catalog.aclose()


async def per_step_overhead(bench: Bench) -> None:
    catalog = Catalog(environ={})
    tool = NoopTool()
    catalog.register_tool(tool)
    ctx = ExecutionContext(services=catalog, state=catalog.state)
    workflow = catalog.create_workflow(
        "sequential",
        {
            "name": "long",
            "steps": [
                {"name": f"s{i}", "tool": "bench-noop", "input": {"n": i}} for i in range(STEPS)
            ],
        },
    )

    async def direct() -> None:
        for i in range(STEPS):
            await tool.execute({"n": i}, ctx)

    async def orchestrated() -> None:
        await workflow.execute({}, ctx)

    base = bench.timing(await timed(f"{STEPS} direct tool calls", direct, 7))
    flow = bench.timing(await timed(f"{STEPS}-step sequential workflow", orchestrated, 7))
    overhead = (flow.best - base.best) / STEPS * 1e6
    median = (flow.median - base.median) / STEPS * 1e6
    print(f"   orchestration overhead: {overhead:.1f} µs/step (median {median:.1f} µs/step)")


async def main() -> int:
    bench = Bench("workflows: parallel agent steps, per-step orchestration overhead")
    await parallel_agents(bench)
    await per_step_overhead(bench)
    return bench.finish()


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
