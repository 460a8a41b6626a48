"""Error strategies, per-step timeouts and retries, deadlines and cancellation."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from workflows_testkit import Kit

from llmspell_core.errors import CancelledError, LLMSpellError, TimeoutError, ToolError
from llmspell_workflows import ParallelWorkflow, SequentialWorkflow


async def test_fail_fast_raises_naming_the_step_and_keeps_the_code(kit: Kit) -> None:
    wf = SequentialWorkflow(
        {
            "name": "ff",
            "steps": [
                {"name": "ok", "tool": "wf-upper", "input": {"text": "a"}},
                {"name": "explode", "tool": "wf-fail", "input": {"message": "kaboom"}},
                {"name": "never", "tool": "wf-upper", "input": {"text": "b"}},
            ],
        },
        kit.catalog,
    )
    with pytest.raises(ToolError) as caught:
        await wf.execute({}, kit.ctx)
    error = caught.value
    assert str(error) == "workflow 'ff': step 'explode' failed: kaboom"
    assert error.code == "WF_TEST_BOOM"
    assert error.details == {"workflow": "ff", "step": "explode"}
    assert len(kit.upper.calls) == 1  # 'never' did not run


async def test_continue_records_failures_and_goes_on(kit: Kit) -> None:
    wf = SequentialWorkflow(
        {
            "name": "cont",
            "error_strategy": "continue",
            "steps": [
                {"name": "explode", "tool": "wf-fail"},
                {"name": "soft", "tool": "wf-soft-fail"},
                {"name": "after", "tool": "wf-upper", "input": {"text": "still here"}},
            ],
        },
        kit.catalog,
    )
    result = await wf.execute({}, kit.ctx)
    assert not result.success
    assert result.text == "STILL HERE"
    steps = result.result["steps"]
    assert steps["explode"]["success"] is False
    assert steps["explode"]["error"] == {"message": "boom", "code": "WF_TEST_BOOM"}
    # a soft failure keeps the tool's own result table
    assert steps["soft"]["text"] == "could not do it"
    assert steps["soft"]["error"] == {"message": "soft failure", "code": "WF_SOFT"}
    assert result.metadata["failed_steps"] == 2
    assert result.error == {
        "message": "2 step(s) of workflow 'cont' failed: explode, soft",
        "code": "WORKFLOW_STEPS_FAILED",
        "failed_steps": ["explode", "soft"],
    }


async def test_soft_failure_under_fail_fast_raises(kit: Kit) -> None:
    wf = SequentialWorkflow(
        {"name": "s", "steps": [{"name": "soft", "tool": "wf-soft-fail"}]}, kit.catalog
    )
    with pytest.raises(LLMSpellError, match="step 'soft' failed: soft failure") as caught:
        await wf.execute({}, kit.ctx)
    assert caught.value.code == "WF_SOFT"


async def test_retry_strategy_retries_transient_failures(kit: Kit) -> None:
    wf = SequentialWorkflow(
        {
            "name": "retry",
            "error_strategy": "retry",
            "retry_backoff_ms": 1,
            "steps": [{"name": "flaky", "tool": "wf-flaky"}],
        },
        kit.catalog,
    )
    result = await wf.execute({}, kit.ctx)
    assert result.text == "recovered"
    assert result.result["steps"]["flaky"]["metadata"]["attempts"] == 3
    assert len(kit.flaky.calls) == 3


async def test_retries_run_out(kit: Kit) -> None:
    kit.flaky.failures = 10
    wf = SequentialWorkflow(
        {
            "name": "retry",
            "error_strategy": {"type": "retry", "max_attempts": 2, "backoff_ms": 1},
            "steps": [{"name": "flaky", "tool": "wf-flaky"}],
        },
        kit.catalog,
    )
    with pytest.raises(LLMSpellError, match="step 'flaky' failed: flaky failure #2") as caught:
        await wf.execute({}, kit.ctx)
    assert caught.value.code == "PROVIDER_UNAVAILABLE"
    assert len(kit.flaky.calls) == 2


async def test_step_retry_count_works_under_any_strategy_but_not_for_permanent_errors(
    kit: Kit,
) -> None:
    wf = SequentialWorkflow(
        {
            "name": "r",
            "error_strategy": "continue",
            "steps": [
                {"name": "flaky", "tool": "wf-flaky", "retry_count": 2, "retry_backoff_ms": 1},
                {"name": "missing", "tool": "wf-nope", "retry_count": 5, "retry_backoff_ms": 1},
            ],
        },
        kit.catalog,
    )
    result = await wf.execute({}, kit.ctx)
    assert result.result["steps"]["flaky"]["success"] is True
    missing = result.result["steps"]["missing"]
    assert missing["metadata"]["attempts"] == 1  # an unknown tool is not worth retrying
    assert missing["error"]["code"] == "NOT_FOUND"


async def test_step_timeout(kit: Kit) -> None:
    wf = SequentialWorkflow(
        {
            "name": "t",
            "steps": [
                {"name": "nap", "tool": "wf-sleep", "timeout_ms": 50, "input": {"seconds": 5}}
            ],
        },
        kit.catalog,
    )
    started = time.perf_counter()
    with pytest.raises(
        TimeoutError, match=r"step 'nap' failed: step 'nap' timed out after 0.05 seconds"
    ):
        await wf.execute({}, kit.ctx)
    assert time.perf_counter() - started < 2
    assert kit.sleep.cancelled == 1


async def test_deadline_cancels_in_flight_parallel_steps(kit: Kit) -> None:
    wf = ParallelWorkflow(
        {
            "name": "late",
            "error_strategy": "continue",
            "steps": [
                {"name": f"s{i}", "tool": "wf-sleep", "input": {"seconds": 10}} for i in range(3)
            ],
        },
        kit.catalog,
    )
    started = time.perf_counter()
    with pytest.raises(TimeoutError) as caught:
        await wf.execute({}, kit.context(timeout=0.2))
    assert time.perf_counter() - started < 2
    assert str(caught.value) == (
        "workflow 'late' stopped while running steps 's0', 's1', 's2': the time limit was reached"
    )
    assert caught.value.exit_code == 124
    assert kit.sleep.cancelled == 3


async def test_workflow_timeout_ms(kit: Kit) -> None:
    wf = SequentialWorkflow(
        {
            "name": "own",
            "timeout_ms": 100,
            "steps": [{"name": "nap", "tool": "wf-sleep", "input": {"seconds": 10}}],
        },
        kit.catalog,
    )
    with pytest.raises(
        TimeoutError,
        match=r"workflow 'own' stopped while running step 'nap': its timeout_ms=100 was reached",
    ):
        await wf.execute({}, kit.ctx)


async def test_expired_deadline_stops_before_starting(kit: Kit) -> None:
    wf = SequentialWorkflow(
        {"name": "w", "steps": [{"name": "a", "tool": "wf-upper"}]}, kit.catalog
    )
    ctx = kit.context(timeout=0)
    with pytest.raises(TimeoutError):
        await wf.execute({}, ctx)
    assert kit.upper.calls == []


async def test_cancellation_from_another_thread_stops_in_flight_steps(kit: Kit) -> None:
    wf = SequentialWorkflow(
        {"name": "stop", "steps": [{"name": "nap", "tool": "wf-sleep", "input": {"seconds": 10}}]},
        kit.catalog,
    )
    ctx = kit.context()
    threading.Timer(0.1, ctx.cancellation.cancel, args=("Ctrl-C",)).start()
    started = time.perf_counter()
    with pytest.raises(
        CancelledError, match=r"workflow 'stop' cancelled while running step 'nap': Ctrl-C"
    ):
        await wf.execute({}, ctx)
    assert time.perf_counter() - started < 2
    assert kit.sleep.cancelled == 1


async def test_outer_task_cancellation_is_not_swallowed(kit: Kit) -> None:
    wf = SequentialWorkflow(
        {"name": "w", "steps": [{"name": "nap", "tool": "wf-sleep", "input": {"seconds": 10}}]},
        kit.catalog,
    )
    task = asyncio.create_task(wf.execute({}, kit.ctx))
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert kit.sleep.cancelled == 1
