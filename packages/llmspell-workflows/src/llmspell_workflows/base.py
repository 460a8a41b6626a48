"""What every workflow kind shares: spec parsing, build-time checks, the supervised run
(deadline, cancellation), the result shape of spell-api §5, event streaming and ``as_tool``.
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import time
from abc import abstractmethod
from collections.abc import AsyncIterator, Coroutine, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

import pydantic
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, model_validator

from llmspell_core.context import ExecutionContext
from llmspell_core.errors import CancelledError, LLMSpellError, TimeoutError, ValidationError
from llmspell_core.metadata import ComponentMetadata
from llmspell_core.services import Services
from llmspell_core.workflow import Workflow, WorkflowEvent, WorkflowResult
from llmspell_workflows.execution import EventSink, Execution, RunPolicy
from llmspell_workflows.interpolation import find_references
from llmspell_workflows.spec import (
    AgentStep,
    ConditionSpec,
    ErrorStrategy,
    Step,
    ToolStep,
    WorkflowStep,
)

if TYPE_CHECKING:
    from llmspell_workflows.tool import WorkflowTool

__all__ = ["BaseWorkflow", "WorkflowSpec", "parse_spec", "supervise"]

SpecT = TypeVar("SpecT", bound="WorkflowSpec")
T = TypeVar("T")

_STRATEGY_ALIASES = {
    "fail_fast": "fail_fast",
    "failfast": "fail_fast",
    "fail-fast": "fail_fast",
    "stop": "fail_fast",
    "continue": "continue",
    "continue_on_error": "continue",
    "skip": "continue",
    "retry": "retry",
}


class WorkflowSpec(BaseModel):
    """Fields every kind accepts."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True, populate_by_name=True)

    name: str | None = None
    description: str = ""
    #: The kind this spec is for; checked against the factory that receives it.
    type: str | None = Field(default=None, validation_alias=AliasChoices("type", "kind"))
    error_strategy: ErrorStrategy = "fail_fast"
    #: Retries per step under the ``retry`` strategy (when the step sets no ``retry_count``).
    max_retries: int = Field(default=2, ge=0)
    retry_backoff_ms: int = Field(default=100, ge=0)
    timeout_ms: int | None = Field(default=None, gt=0)

    @model_validator(mode="before")
    @classmethod
    def _strategy(cls, data: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        mapping = dict(cast("Mapping[str, Any]", data))
        if "fail_fast" in mapping and isinstance(mapping["fail_fast"], bool):
            flag = mapping.pop("fail_fast")
            mapping.setdefault("error_strategy", "fail_fast" if flag else "continue")
        if mapping.get("continue_on_error") is True:
            mapping.pop("continue_on_error")
            mapping.setdefault("error_strategy", "continue")
        strategy = mapping.get("error_strategy")
        if isinstance(strategy, Mapping):
            table = cast("Mapping[str, Any]", strategy)
            attempts = table.get("max_attempts")
            if isinstance(attempts, int) and attempts >= 1:
                mapping.setdefault("max_retries", attempts - 1)
            backoff = table.get("backoff_ms")
            if isinstance(backoff, int):
                mapping.setdefault("retry_backoff_ms", backoff)
            strategy = table.get("type", "retry" if attempts else None)
        if isinstance(strategy, str):
            normalised = _STRATEGY_ALIASES.get(strategy.strip().lower())
            if normalised is None:
                raise ValueError(
                    f"unknown error_strategy {strategy!r}; use 'fail_fast', 'continue' or 'retry'"
                )
            mapping["error_strategy"] = normalised
        return mapping

    def policy(self) -> RunPolicy:
        return RunPolicy(
            strategy=self.error_strategy,
            default_retries=self.max_retries,
            retry_backoff_ms=self.retry_backoff_ms,
        )


def _describe_location(loc: Sequence[int | str], raw: object) -> str:
    """``steps[2] ('fetch').tool`` from pydantic's ``('steps', 1, 'tool', 'tool')``."""
    parts: list[str] = []
    node: Any = raw
    skip_tag = False
    for item in loc:
        if skip_tag and isinstance(item, str) and item in ("tool", "agent", "workflow", "function"):
            skip_tag = False
            continue
        skip_tag = False
        if isinstance(item, int):
            label = f"[{item + 1}]"
            if isinstance(node, list | tuple) and item < len(cast("Sequence[Any]", node)):
                node = cast("Sequence[Any]", node)[item]
                if isinstance(node, Mapping) and isinstance(
                    cast("Mapping[str, Any]", node).get("name"), str
                ):
                    label += f" ('{cast('Mapping[str, Any]', node)['name']}')"
            else:
                node = None
            parts.append(label)
            skip_tag = True
        else:
            node = cast("Mapping[str, Any]", node).get(item) if isinstance(node, Mapping) else None
            parts.append(f".{item}" if parts else item)
    return "".join(parts) or "spec"


def parse_spec(model: type[SpecT], spec: Mapping[str, Any] | BaseModel, kind: str) -> SpecT:
    """Validate ``spec``; a problem becomes one ``ValidationError`` listing every field at fault."""
    if isinstance(spec, model):
        return spec
    raw: Any = spec.model_dump() if isinstance(spec, BaseModel) else dict(spec)
    try:
        return model.model_validate(raw)
    except pydantic.ValidationError as error:
        name: object = cast("dict[str, Any]", raw).get("name") if isinstance(raw, dict) else None
        label = f"{kind} workflow '{name}'" if isinstance(name, str) else f"{kind} workflow"
        problems = [
            f"{_describe_location(e['loc'], cast('object', raw))}: "
            f"{e['msg'].removeprefix('Value error, ')}"
            for e in error.errors()
        ]
        raise ValidationError(
            f"invalid {label}: " + "; ".join(problems),
            details={"kind": kind, "problems": problems},
        ) from None


def _conditions(cond: ConditionSpec | None) -> Iterator[ConditionSpec]:
    if cond is None:
        return
    yield cond
    for inner in cond.conditions:
        yield from _conditions(inner)
    yield from _conditions(cond.condition)


async def supervise(run: Coroutine[Any, Any, T], ex: Execution) -> T:
    """Run ``run`` so the context's deadline and cancellation stop it, in-flight steps included."""
    ctx = ex.ctx
    what = f"workflow '{ex.workflow_name}'"
    try:
        ctx.check(what)
    except LLMSpellError:
        run.close()
        raise
    loop = asyncio.get_running_loop()
    task = loop.create_task(run)

    def cancel_from_any_thread() -> None:
        with contextlib.suppress(RuntimeError):  # the loop is already closed
            loop.call_soon_threadsafe(task.cancel)

    unsubscribe = ctx.cancellation.on_cancel(cancel_from_any_thread)
    remaining = ctx.remaining()
    scope = asyncio.timeout(remaining) if remaining is not None else None
    running = ""
    try:
        if scope is None:
            return await task
        async with scope:
            return await task
    except asyncio.CancelledError:
        current = asyncio.current_task()
        if ctx.cancellation.cancelled and (current is None or current.cancelling() == 0):
            running = _running(ex)
            raise CancelledError(
                f"{what} cancelled{running}: {ctx.cancellation.reason or 'cancelled'}",
                details={"workflow": ex.workflow_name, "execution_id": ex.id},
            ) from None
        raise
    except builtins.TimeoutError as error:
        if scope is not None and scope.expired():
            raise TimeoutError(
                f"{what} stopped{_running(ex)}: {ex.deadline_note}",
                details={"workflow": ex.workflow_name, "execution_id": ex.id},
            ) from error
        raise
    finally:
        unsubscribe()
        if not task.done():
            task.cancel()
            with contextlib.suppress(BaseException):
                await task


def _running(ex: Execution) -> str:
    if not ex.running:
        return ""
    names = ", ".join(f"'{n}'" for n in sorted(ex.running))
    return (
        f" while running step {names}" if len(ex.running) == 1 else f" while running steps {names}"
    )


class BaseWorkflow(Workflow):
    """A workflow built from a validated spec; subclasses supply ``_run`` and their step lists."""

    kind_name: ClassVar[str]
    #: Reference roots besides ``steps`` and ``input`` that this kind's steps may use.
    extra_roots: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, spec: WorkflowSpec, services: Services | None = None) -> None:
        if spec.type is not None and spec.type != self.kind_name:
            raise ValidationError(
                f"a spec of type '{spec.type}' was given to the '{self.kind_name}' workflow "
                "factory; create it with the matching kind",
                details={"field": "type"},
            )
        self.services = services
        self._spec = spec
        #: The id of the latest finished run (its step outputs are in State ``workflow:<id>``).
        self.last_execution_id: str | None = None
        self._metadata = ComponentMetadata(name="workflow", description=spec.description)
        self._metadata.name = spec.name or f"{self.kind_name}_{self._metadata.id[:8]}"
        self._build_nested()
        self._check_static()

    # -- identity ---------------------------------------------------------------------------------
    @property
    def metadata(self) -> ComponentMetadata:
        return self._metadata

    @property
    def kind(self) -> str:
        return self.kind_name

    @property
    def name(self) -> str:
        return self._metadata.name

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, id={self._metadata.id!r})"

    # -- what subclasses provide ----------------------------------------------------------------
    @abstractmethod
    def step_groups(self) -> list[tuple[str, list[Step]]]:
        """Labelled step lists; names must be unique within each list."""

    def unique_name_groups(self) -> list[list[Step]]:
        """Step lists whose names must not repeat (default: all of them together)."""
        return [[s for _, steps in self.step_groups() for s in steps]]

    def conditions(self) -> Iterator[ConditionSpec]:
        """Every condition of the spec (for checking step references)."""
        for _, steps in self.step_groups():
            for step in steps:
                yield from _conditions(step.condition)

    @abstractmethod
    async def _run(self, ex: Execution) -> None:
        """Run the steps, leaving ``ex.final`` (and any ``ex.extra``/``ex.meta``) set."""

    # -- build-time work --------------------------------------------------------------------------
    def all_steps(self) -> Iterator[Step]:
        for _, steps in self.step_groups():
            yield from steps

    def _build_nested(self) -> None:
        for step in self.all_steps():
            if isinstance(step, WorkflowStep) and isinstance(step.workflow, dict):
                nested = dict(step.workflow)
                kind = nested.pop("type", None) or nested.pop("kind", None) or "sequential"
                if self.services is None:
                    raise ValidationError(
                        f"step '{step.name}': a nested workflow spec needs the runtime's "
                        "services to build it; pass a Workflow object instead",
                        details={"step": step.name},
                    )
                nested.setdefault("name", step.name)
                step.workflow = self.services.create_workflow(str(kind), nested)

    def _check_static(self) -> None:
        problems: list[str] = []
        label = f"{self.kind_name} workflow '{self.name}'"
        for group in self.unique_name_groups():
            seen: set[str] = set()
            for step in group:
                if step.name in seen:
                    problems.append(f"two steps are named '{step.name}'; step names must be unique")
                seen.add(step.name)
        names = {s.name for s in self.all_steps()}
        allowed = {"steps", "input", *self.extra_roots}
        for step in self.all_steps():
            try:
                references = list(find_references(step.input))
            except ValidationError as error:
                problems.append(f"step '{step.name}': {error.message}")
                continue
            for ref in references:
                if ref.root not in allowed:
                    where = {"loop": "a loop body", "stream": "a streaming workflow"}
                    problems.append(
                        f"step '{step.name}': {ref.text} can only be used in "
                        f"{where.get(ref.root, ref.root)}"
                    )
                elif ref.step is not None and ref.step not in names:
                    problems.append(
                        f"step '{step.name}': {ref.text} refers to no step of this workflow "
                        f"(steps: {', '.join(sorted(names))})"
                    )
        for cond in self.conditions():
            if cond.step is not None and cond.step not in names:
                problems.append(
                    f"a '{cond.type}' condition names step '{cond.step}', which is not a step "
                    f"of this workflow (steps: {', '.join(sorted(names))})"
                )
        if not names and not self._may_be_empty():
            problems.append("it has no steps; add at least one")
        if problems:
            raise ValidationError(
                f"invalid {label}: " + "; ".join(problems),
                details={"workflow": self.name, "problems": problems},
            )

    def _may_be_empty(self) -> bool:
        return False

    def validate(self) -> list[str]:
        """Problems that would stop a run: unknown tools, agents or workflows by name."""
        problems: list[str] = []
        services = self.services
        for step in self.all_steps():
            try:
                if isinstance(step, ToolStep) and isinstance(step.tool, str):
                    if services is None:
                        problems.append(
                            f"step '{step.name}': no services to find tool '{step.tool}'"
                        )
                    else:
                        services.get_tool(step.tool)
                elif isinstance(step, AgentStep) and isinstance(step.agent, str):
                    if services is None or services.get_agent(step.agent) is None:
                        problems.append(f"step '{step.name}': unknown agent '{step.agent}'")
                elif isinstance(step, WorkflowStep):
                    if isinstance(step.workflow, str):
                        if services is None or services.get_workflow(step.workflow) is None:
                            problems.append(
                                f"step '{step.name}': unknown workflow '{step.workflow}'"
                            )
                    elif isinstance(step.workflow, Workflow):
                        problems.extend(
                            f"step '{step.name}': {p}" for p in step.workflow.validate()
                        )
            except LLMSpellError as error:
                problems.append(f"step '{step.name}': {error}")
        return problems

    # -- running ----------------------------------------------------------------------------------
    def _execution(
        self, input: Mapping[str, Any], ctx: ExecutionContext, sink: EventSink | None
    ) -> Execution:
        run_ctx = ctx
        note = "the time limit was reached"
        if self._spec.timeout_ms is not None:
            own = self._spec.timeout_ms / 1000
            remaining = ctx.remaining()
            if remaining is None or own < remaining:
                run_ctx = ctx.child(deadline=time.monotonic() + own)
                note = f"its timeout_ms={self._spec.timeout_ms} was reached"
        return Execution(
            workflow_name=self.name,
            workflow_id=self._metadata.id,
            kind=self.kind_name,
            input=dict(input),
            ctx=run_ctx,
            services=self.services if self.services is not None else ctx.services,
            policy=self._spec.policy(),
            sink=sink,
            deadline_note=note,
        )

    async def execute(self, input: Mapping[str, Any], ctx: ExecutionContext) -> WorkflowResult:
        return await self._execute(input, ctx, None)

    async def _execute(
        self, input: Mapping[str, Any], ctx: ExecutionContext, sink: EventSink | None
    ) -> WorkflowResult:
        ex = self._execution(input, ctx, sink)
        await ex.emit("workflow_started", None, {"execution_id": ex.id, "workflow": self.name})
        try:
            await supervise(self._run(ex), ex)
        finally:
            # however it ran (execute, stream, as a step or a tool), its outputs are findable
            self.last_execution_id = ex.id
        return self.result(ex)

    def result(self, ex: Execution) -> WorkflowResult:
        """The spell-api §5 result of a finished run."""
        final = ex.final
        text: object = ex.text
        if text is None and isinstance(final, Mapping):
            text = cast("Mapping[str, Any]", final).get("text", "")
        success = ex.failed == 0
        metadata: dict[str, Any] = {
            "execution_id": ex.id,
            "workflow_id": self._metadata.id,
            "workflow_name": self.name,
            "workflow_type": self.kind_name,
            "total_steps": ex.successful + ex.failed,
            "successful_steps": ex.successful,
            "failed_steps": ex.failed,
            "skipped_steps": ex.skipped,
            "duration_ms": ex.elapsed_ms(),
            "state_scope": ex.scope,
            **ex.meta,
        }
        error = None
        if not success:
            names = ", ".join(dict.fromkeys(ex.failed_names))
            error = {
                "message": f"{ex.failed} step(s) of workflow '{self.name}' failed: {names}",
                "code": "WORKFLOW_STEPS_FAILED",
                "failed_steps": list(dict.fromkeys(ex.failed_names)),
            }
        return WorkflowResult(
            success=success,
            text=text if isinstance(text, str) else "",
            result={"steps": ex.results, "final": final, **ex.extra},
            metadata=metadata,
            error=error,
        )

    async def stream(
        self, input: Mapping[str, Any], ctx: ExecutionContext
    ) -> AsyncIterator[WorkflowEvent]:
        """Progress events as they happen, then ``completed`` with the result.

        The event queue is bounded: a consumer that stops reading pauses the workflow.
        """
        queue: asyncio.Queue[WorkflowEvent] = asyncio.Queue(maxsize=32)
        task = asyncio.create_task(self._execute(input, ctx, queue.put))
        try:
            while True:
                getter = asyncio.ensure_future(queue.get())
                await asyncio.wait({getter, task}, return_when=asyncio.FIRST_COMPLETED)
                if getter.done():
                    yield getter.result()
                    continue
                getter.cancel()
                while not queue.empty():
                    yield queue.get_nowait()
                outcome = task.result()
                yield WorkflowEvent(type="completed", data=outcome.model_dump())
                return
        finally:
            if not task.done():
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task

    # -- composition ------------------------------------------------------------------------------
    def as_tool(self, name: str | None = None, description: str | None = None) -> WorkflowTool:
        """This workflow as a core ``Tool`` (params become the workflow input)."""
        from llmspell_workflows.tool import WorkflowTool

        return WorkflowTool(self, name=name, description=description)
