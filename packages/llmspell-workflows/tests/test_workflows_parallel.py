from __future__ import annotations

import time
from typing import Any

import pytest
from workflows_testkit import Kit

from llmspell_core.errors import ToolError
from llmspell_workflows import ParallelWorkflow


def _sleeper(label: str, seconds: float, **extra: Any) -> dict[str, Any]:
    return {
        "name": label,
        "tool": "wf-sleep",
        "input": {"label": label, "seconds": seconds, **extra},
    }


async def test_steps_overlap(kit: Kit) -> None:
    wf = kit.catalog.create_workflow(
        "parallel", {"name": "fan", "steps": [_sleeper(f"s{i}", 0.3) for i in range(5)]}
    )
    started = time.perf_counter()
    result = await wf.execute({}, kit.ctx)
    elapsed = time.perf_counter() - started
    assert kit.sleep.max_in_flight == 5
    assert elapsed < 5 * 0.3 * 0.6  # far below the 1.5 s a sequential run needs
    assert result.success
    assert [r["text"] for r in result.result["final"]] == ["s0", "s1", "s2", "s3", "s4"]
    assert result.text == "s0\ns1\ns2\ns3\ns4"
    assert result.metadata["total_steps"] == 5


async def test_max_concurrency_is_honoured(kit: Kit) -> None:
    wf = ParallelWorkflow(
        {
            "name": "limited",
            "max_concurrency": 2,
            "steps": [_sleeper(f"s{i}", 0.05) for i in range(6)],
        },
        kit.catalog,
    )
    result = await wf.execute({}, kit.ctx)
    assert kit.sleep.max_in_flight == 2
    assert sorted(kit.sleep.finished) == [f"s{i}" for i in range(6)]
    assert result.metadata["max_concurrency"] == 2


async def test_fail_fast_cancels_the_others_and_names_the_step(kit: Kit) -> None:
    wf = ParallelWorkflow(
        {
            "name": "ff",
            "steps": [_sleeper("slow1", 5), _sleeper("bad", 0.02, fail=True), _sleeper("slow2", 5)],
        },
        kit.catalog,
    )
    started = time.perf_counter()
    with pytest.raises(ToolError) as caught:
        await wf.execute({}, kit.ctx)
    assert time.perf_counter() - started < 2
    assert str(caught.value) == "workflow 'ff': step 'bad' failed: sleeper 'bad' was told to fail"
    assert caught.value.details["step"] == "bad"
    assert kit.sleep.cancelled == 2
    assert kit.sleep.in_flight == 0


async def test_continue_collects_every_branch(kit: Kit) -> None:
    wf = ParallelWorkflow(
        {
            "name": "all",
            "error_strategy": "continue",
            "steps": [_sleeper("a", 0.05), _sleeper("bad", 0.01, fail=True), _sleeper("c", 0.05)],
        },
        kit.catalog,
    )
    result = await wf.execute({}, kit.ctx)
    assert not result.success
    assert result.metadata["failed_steps"] == 1
    assert result.metadata["successful_steps"] == 2
    assert result.error is not None
    assert result.error["failed_steps"] == ["bad"]
    assert result.result["branches"]["bad"]["success"] is False
    assert result.result["steps"]["bad"]["error"]["code"] == "TOOL_ERROR"
    assert sorted(kit.sleep.finished) == ["a", "c"]


async def test_multi_step_branches_run_in_order_inside_and_together_outside(kit: Kit) -> None:
    wf = ParallelWorkflow(
        {
            "name": "branches",
            "branches": [
                {
                    "name": "left",
                    "steps": [
                        _sleeper("l1", 0.1),
                        {
                            "name": "l2",
                            "tool": "wf-upper",
                            "input": {"text": "{{steps.l1.text}} done"},
                        },
                    ],
                },
                {"name": "right", "steps": [_sleeper("r1", 0.1)]},
            ],
        },
        kit.catalog,
    )
    result = await wf.execute({}, kit.ctx)
    assert kit.sleep.max_in_flight == 2
    assert result.result["branches"]["left"]["text"] == "L1 DONE"
    assert result.result["branches"]["right"]["final"]["text"] == "r1"
    assert result.metadata["branches"] == 2


async def test_parallel_agent_steps(kit: Kit) -> None:
    for i in range(4):
        kit.agent(
            f"agent{i}", lambda request: f"answer to {request.messages[-1].content}", latency=0.2
        )
    wf = ParallelWorkflow(
        {
            "name": "agents",
            "steps": [
                {"name": f"ask{i}", "agent": f"agent{i}", "input": f"q{i}"} for i in range(4)
            ],
        },
        kit.catalog,
    )
    started = time.perf_counter()
    result = await wf.execute({}, kit.ctx)
    assert time.perf_counter() - started < 0.2 * 4 * 0.6
    assert [r["text"] for r in result.result["final"]] == [f"answer to q{i}" for i in range(4)]
