"""Running one step: condition, input interpolation, timeout, retries, error strategy.

Each step kind (tool, agent, nested workflow, function) turns into the same result table
(spell-api §4: ``success``, ``text``, ``result``, ``metadata``, ``error?``) so later steps can
reference any of them the same way.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import pydantic

from llmspell_core.agent import BaseAgent
from llmspell_core.agent_io import AgentInput
from llmspell_core.catalog import suggest
from llmspell_core.errors import LLMSpellError, NotFoundError, ValidationError
from llmspell_core.tool import Tool
from llmspell_core.workflow import Workflow
from llmspell_utils import dumps_json, retry_async, to_jsonable, with_timeout
from llmspell_workflows.conditions import evaluate
from llmspell_workflows.errors import StepFailedError, error_info, is_retryable, step_error
from llmspell_workflows.execution import Execution, Frame
from llmspell_workflows.interpolation import interpolate
from llmspell_workflows.items import collect_items
from llmspell_workflows.spec import AgentStep, FunctionStep, Step, ToolStep, WorkflowStep

__all__ = [
    "MAX_NESTING",
    "SequenceOutcome",
    "function_result",
    "resolve_agent",
    "resolve_tool",
    "resolve_workflow",
    "run_sequence",
    "run_step",
    "text_of",
    "value_of",
]

#: Nested workflow depth at which a run stops (a workflow that contains itself by name).
MAX_NESTING = 32
_DEPTH_KEY = "llmspell_workflows.depth"


def text_of(value: Any) -> str:
    """A value as text: strings as is, None as empty, the rest as JSON."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    try:
        return dumps_json(value)
    except LLMSpellError:
        return str(value)


def value_of(result: Mapping[str, Any] | None) -> Any:
    """A step result's payload: ``result`` when there is one, else its ``text``."""
    if result is None:
        return None
    payload: object = result.get("result")
    if isinstance(payload, Mapping):
        nested = cast("Mapping[str, Any]", payload)
        if "final" in nested and "steps" in nested:
            return value_of(cast("Mapping[str, Any] | None", nested["final"]))
    return cast("object", payload) if payload is not None else result.get("text", "")


def function_result(value: Any) -> dict[str, Any]:
    """Normalise what a function returned; ``{success, text|result|output, error?}`` passes."""
    if isinstance(value, Mapping):
        mapping = cast("Mapping[str, Any]", value)
        if "success" in mapping and any(
            k in mapping for k in ("text", "result", "output", "error")
        ):
            payload = mapping.get("result", mapping.get("output"))
            text = mapping.get("text")
            out: dict[str, Any] = {
                "success": mapping["success"] is not False and mapping["success"] is not None,
                "text": text if isinstance(text, str) else text_of(payload),
                "result": payload,
                "metadata": dict(cast("Mapping[str, Any]", mapping.get("metadata") or {})),
            }
            error = mapping.get("error")
            if isinstance(error, Mapping):
                info = cast("Mapping[str, Any]", error)
                out["error"] = {
                    "message": str(info.get("message", "failed")),
                    "code": str(info.get("code", "FUNCTION_FAILED")),
                }
            elif error is not None:
                out["error"] = {"message": str(error), "code": "FUNCTION_FAILED"}
            return out
    return {"success": True, "text": text_of(value), "result": value, "metadata": {}}


# -- resolving components ------------------------------------------------------------------------
def resolve_tool(ex: Execution, step: ToolStep) -> Tool:
    if isinstance(step.tool, Tool):
        return step.tool
    return ex.services_or_error().get_tool(step.tool)


def resolve_agent(ex: Execution, step: AgentStep) -> BaseAgent:
    if isinstance(step.agent, BaseAgent):
        return step.agent
    services = ex.services_or_error()
    agent = services.get_agent(step.agent)
    if agent is None:
        known = sorted(a.metadata.name for a in services.list_agents())
        raise NotFoundError(
            f"unknown agent '{step.agent}'{suggest(step.agent, known)}; "
            f"known agents: {', '.join(known) or 'none (create one with Agent.builder())'}",
            details={"name": step.agent},
        )
    return agent


def resolve_workflow(ex: Execution, step: WorkflowStep) -> Workflow:
    if isinstance(step.workflow, Workflow):
        return step.workflow
    if not isinstance(step.workflow, str):
        raise ValidationError(
            f"step '{step.name}': the nested workflow spec was not built; "
            "create the workflow through its kind's factory"
        )
    services = ex.services_or_error()
    workflow = services.get_workflow(step.workflow)
    if workflow is None:
        known = sorted({w.metadata.name for w in services.list_workflows()})
        raise NotFoundError(
            f"unknown workflow '{step.workflow}'{suggest(step.workflow, known)}; "
            f"known workflows: {', '.join(known) or 'none'}",
            details={"name": step.workflow},
        )
    return workflow


# -- invoking one attempt -----------------------------------------------------------------------
def _previous_text(ex: Execution, previous: Mapping[str, Any] | None) -> str:
    if previous is not None:
        return text_of(previous.get("text"))
    for key in ("text", "prompt", "input", "query"):
        value = ex.input.get(key)
        if isinstance(value, str):
            return value
    return ""


def agent_input(step_name: str, value: Any) -> AgentInput:
    if isinstance(value, AgentInput):
        return value
    if isinstance(value, Mapping):
        try:
            return AgentInput.model_validate(dict(cast("Mapping[str, Any]", value)))
        except pydantic.ValidationError as error:
            problem = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'input'}: {e['msg']}"
                for e in error.errors()
            )
            raise ValidationError(
                f"step '{step_name}': invalid agent input: {problem}",
                details={"step": step_name, "field": "input"},
            ) from None
    return AgentInput(text=text_of(value))


async def _invoke_tool(
    ex: Execution, step: ToolStep, params: Any, previous: Mapping[str, Any] | None
) -> dict[str, Any]:
    tool = resolve_tool(ex, step)
    if params is None:
        params = {}
    if not isinstance(params, Mapping):
        raise ValidationError(
            f"step '{step.name}': a tool step's input must be a table of parameters for "
            f"'{tool.name}', got {type(params).__name__}",
            details={"step": step.name, "field": "input"},
        )
    call = tool.execute(dict(cast("Mapping[str, Any]", params)), ex.ctx)
    if step.timeout_ms is None:  # the tool's own limit; a step limit wraps the whole attempt
        output = await with_timeout(call, tool.timeout_seconds, f"tool '{tool.name}'")
    else:
        output = await call
    result = output.to_script()
    result["metadata"] = {
        **result["metadata"],
        "tool": step.tool if isinstance(step.tool, str) else tool.name,
    }
    return result


async def _invoke_agent(
    ex: Execution, step: AgentStep, value: Any, previous: Mapping[str, Any] | None
) -> dict[str, Any]:
    agent = resolve_agent(ex, step)
    request = agent_input(step.name, value if value is not None else _previous_text(ex, previous))
    output = await agent.execute(request, ex.ctx)
    result: dict[str, Any] = {
        "success": output.success,
        "text": output.text,
        "result": output.data if output.data is not None else output.text,
        "metadata": {
            **output.metadata,
            "agent": agent.metadata.name,
            "input_tokens": output.usage.input_tokens,
            "output_tokens": output.usage.output_tokens,
        },
    }
    if output.data is not None:
        result["data"] = output.data
    if output.tool_calls:
        result["tool_calls"] = [call.model_dump() for call in output.tool_calls]
    if output.error is not None:
        result["error"] = output.error.model_dump()
    return result


async def _invoke_workflow(
    ex: Execution, step: WorkflowStep, value: Any, previous: Mapping[str, Any] | None
) -> dict[str, Any]:
    workflow = resolve_workflow(ex, step)
    depth = int(ex.ctx.extras.get(_DEPTH_KEY, 0)) + 1
    if depth > MAX_NESTING:
        raise ValidationError(
            f"step '{step.name}': workflows nested more than {MAX_NESTING} deep; "
            f"does workflow '{workflow.metadata.name}' contain itself?",
            details={"step": step.name},
        )
    if value is None:
        nested_input: dict[str, Any] = dict(ex.input)
    elif isinstance(value, Mapping):
        nested_input = dict(cast("Mapping[str, Any]", value))
    else:
        nested_input = {"text": text_of(value), "item": value}
    child = ex.ctx.child(extras={**ex.ctx.extras, _DEPTH_KEY: depth})
    outcome = await workflow.execute(nested_input, child)
    result = outcome.model_dump()
    if result.get("error") is None:
        result.pop("error", None)
    return result


async def _invoke_function(
    ex: Execution, step: FunctionStep, value: Any, previous: Mapping[str, Any] | None, frame: Frame
) -> dict[str, Any]:
    argument = value
    if argument is None:
        argument = dict(previous) if previous is not None else ex.input
    context = ex.context_table(frame, step.name)
    if step.fn.is_script:
        argument, context = to_jsonable(argument), to_jsonable(context)
    # a generator or script iterator outside a streaming workflow: its items are the result
    return function_result(await collect_items(await step.fn(argument, context)))


async def invoke(
    ex: Execution, step: Step, value: Any, previous: Mapping[str, Any] | None, frame: Frame
) -> dict[str, Any]:
    """Run one attempt of ``step`` with its already-interpolated input."""
    if isinstance(step, ToolStep):
        return await _invoke_tool(ex, step, value, previous)
    if isinstance(step, AgentStep):
        return await _invoke_agent(ex, step, value, previous)
    if isinstance(step, WorkflowStep):
        return await _invoke_workflow(ex, step, value, previous)
    return await _invoke_function(ex, step, value, previous, frame)


def own_timeout(step: Step) -> float | None:
    """The step's own limit in seconds (a tool step without one gets the tool's limit)."""
    return step.timeout_ms / 1000 if step.timeout_ms is not None else None


@dataclass
class _Attempts:
    count: int = 0


async def _run_attempts(
    ex: Execution,
    step: Step,
    value: Any,
    previous: Mapping[str, Any] | None,
    frame: Frame,
    tries: _Attempts,
) -> dict[str, Any]:
    async def attempt() -> dict[str, Any]:
        tries.count += 1
        timeout = own_timeout(step)
        result = await with_timeout(
            invoke(ex, step, value, previous, frame), timeout, f"step '{step.name}'"
        )
        if not result.get("success", True):
            info: dict[str, Any] = result.get("error") or {}
            failure = StepFailedError(
                str(info.get("message") or f"step '{step.name}' returned success=false"),
                code=str(info.get("code") or StepFailedError.default_code),
            )
            failure.details["result"] = result
            raise failure
        return result

    retries = ex.policy.retries_for(step.retry_count)
    if retries == 0:
        return await attempt()
    backoff = (
        step.retry_backoff_ms if step.retry_backoff_ms is not None else ex.policy.retry_backoff_ms
    )
    return await retry_async(
        attempt,
        retry_on=lambda error: (
            is_retryable(error) and not ex.ctx.expired() and not ex.ctx.cancellation.cancelled
        ),
        attempts=retries + 1,
        base_delay=backoff / 1000,
        max_delay=max(backoff / 1000, 5.0),
        jitter="full",
        retry_after=None,
    )


def _failed_result(step: Step, error: BaseException) -> dict[str, Any]:
    if isinstance(error, StepFailedError) and isinstance(error.details.get("result"), dict):
        result = dict(cast("dict[str, Any]", error.details["result"]))
        result.setdefault("error", error_info(error))
        result["success"] = False
        result.setdefault("metadata", {})
        return result
    return {
        "success": False,
        "text": "",
        "result": None,
        "metadata": {},
        "error": error_info(error),
    }


async def run_step(
    ex: Execution, step: Step, frame: Frame, previous: Mapping[str, Any] | None = None
) -> dict[str, Any] | None:
    """Run ``step``; return its result, or None when its condition skipped it.

    A failure is recorded; under ``fail_fast``/``retry`` it is then raised naming the step,
    under ``continue`` the run goes on. Cancellation and the run's deadline always propagate.
    """
    ex.ctx.check(f"workflow '{ex.workflow_name}'")
    if step.condition is not None and not await evaluate(step.condition, ex, frame, step=step.name):
        skipped: dict[str, Any] = {
            "success": True,
            "skipped": True,
            "text": "",
            "result": None,
            "metadata": {"step_type": step.type},
        }
        await ex.record(step.name, skipped, outcome="skipped")
        await ex.emit("step_skipped", step.name)
        return None
    started = time.perf_counter()
    tries = _Attempts()
    ex.running.add(step.name)
    await ex.emit("step_started", step.name)
    try:
        try:
            value = (
                interpolate(step.input, ex.variables(frame), step=step.name)
                if step.input is not None
                else None
            )
        except ValidationError as error:
            raise ValidationError(
                f"workflow '{ex.workflow_name}': {error.message}", details=error.details
            ) from None
        result = await _run_attempts(ex, step, value, previous, frame, tries)
        outcome = "success"
        failure: BaseException | None = None
    except Exception as error:
        if ex.ctx.cancellation.cancelled or ex.ctx.expired():
            raise
        result = _failed_result(step, error)
        outcome = "failed"
        failure = error
    # a cancelled step stays in ``running`` so the cancellation message can name it
    ex.running.discard(step.name)
    metadata = dict(cast("Mapping[str, Any]", result.get("metadata") or {}))
    metadata.update(
        step_type=step.type,
        duration_ms=round((time.perf_counter() - started) * 1000, 3),
        attempts=tries.count,
    )
    result["metadata"] = metadata
    await ex.record(step.name, result, outcome=outcome)
    await ex.emit("step_finished", step.name, {"success": outcome == "success"})
    if failure is not None and ex.policy.strategy != "continue":
        if isinstance(failure, ValidationError) and failure.message.startswith("workflow '"):
            raise failure
        raise step_error(ex.workflow_name, step.name, failure) from failure
    return result


@dataclass
class SequenceOutcome:
    """The last result a list of steps produced and how many of them failed."""

    last: dict[str, Any] | None
    failed: int
    results: dict[str, dict[str, Any]]


async def run_sequence(
    ex: Execution, steps: Sequence[Step], frame: Frame, previous: Mapping[str, Any] | None = None
) -> SequenceOutcome:
    """Run steps in order, each defaulting its input to the previous step's output."""
    last: dict[str, Any] | None = dict(previous) if previous is not None else None
    produced: dict[str, dict[str, Any]] = {}
    failed = 0
    for step in steps:
        result = await run_step(ex, step, frame, last)
        if result is None:
            continue
        produced[step.name] = result
        if not result.get("success", True):
            failed += 1
        last = result
    return SequenceOutcome(last=last if produced else None, failed=failed, results=produced)
