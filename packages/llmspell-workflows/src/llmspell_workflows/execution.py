"""One run of a workflow: its id, the step results so far, counters and event sink.

Every kind shares this so results, State records and metadata look the same whichever kind
produced them (spell-api §5), and so nested runs stay independent of each other.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from llmspell_core.context import ExecutionContext
from llmspell_core.errors import LLMSpellError
from llmspell_core.services import Services
from llmspell_core.workflow import WorkflowEvent
from llmspell_utils import prefixed_id
from llmspell_workflows.spec import ErrorStrategy

__all__ = ["EventSink", "Execution", "Frame", "RunPolicy"]

EventSink = Callable[[WorkflowEvent], Awaitable[None]]


@dataclass(frozen=True)
class Frame:
    """Variables a step sees besides ``steps`` and ``input``: the loop or stream position."""

    loop: Mapping[str, Any] | None = None
    stream: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class RunPolicy:
    """How failures are handled: the strategy plus the retry defaults it implies."""

    strategy: ErrorStrategy = "fail_fast"
    #: Retries for a step without ``retry_count`` under the ``retry`` strategy.
    default_retries: int = 2
    retry_backoff_ms: int = 100

    def retries_for(self, retry_count: int | None) -> int:
        if retry_count is not None:
            return retry_count
        return self.default_retries if self.strategy == "retry" else 0


@dataclass
class Execution:
    """The mutable record of one ``execute`` call."""

    workflow_name: str
    workflow_id: str
    kind: str
    input: dict[str, Any]
    ctx: ExecutionContext
    services: Services | None
    policy: RunPolicy
    sink: EventSink | None = None
    id: str = field(default_factory=lambda: prefixed_id("exec"))
    results: dict[str, dict[str, Any]] = field(default_factory=dict[str, dict[str, Any]])
    successful: int = 0
    failed: int = 0
    skipped: int = 0
    failed_names: list[str] = field(default_factory=list[str])
    running: set[str] = field(default_factory=set[str])
    final: Any = None
    #: The result's ``text`` when it is not simply the final step's text.
    text: str | None = None
    #: Kind-specific additions to ``result`` (``branches``, ``iterations``, ...).
    extra: dict[str, Any] = field(default_factory=dict[str, Any])
    #: Kind-specific additions to ``metadata`` (``branch``, ``iterations_completed``, ...).
    meta: dict[str, Any] = field(default_factory=dict[str, Any])
    started: float = field(default_factory=time.perf_counter)
    #: Why the deadline exists, for the timeout message.
    deadline_note: str = "the time limit was reached"

    @property
    def scope(self) -> str:
        """The State scope holding this run's step outputs."""
        return f"workflow:{self.id}"

    def variables(self, frame: Frame) -> dict[str, Any]:
        """What ``{{...}}`` references resolve against."""
        return {
            "steps": self.results,
            "input": self.input,
            "loop": frame.loop,
            "stream": frame.stream,
        }

    def services_or_error(self) -> Services:
        if self.services is not None:
            return self.services
        if self.ctx.services is not None:
            return self.ctx.get_services()
        raise LLMSpellError(
            f"workflow '{self.workflow_name}' needs the runtime's services to find tools, "
            "agents and workflows by name; build it through Services.create_workflow or pass "
            "an ExecutionContext with services"
        )

    async def record(self, name: str, result: dict[str, Any], *, outcome: str) -> None:
        """Keep a step's result, count it, and write it to State under this run's scope."""
        self.results[name] = result
        if outcome == "success":
            self.successful += 1
        elif outcome == "failed":
            self.failed += 1
            self.failed_names.append(name)
        else:
            self.skipped += 1
        await self.ctx.state.set(self.scope, name, result)

    async def emit(self, type: str, step: str | None = None, data: Any = None) -> None:
        if self.sink is not None:
            await self.sink(WorkflowEvent(type=type, step=step, data=data))

    def elapsed_ms(self) -> float:
        return round((time.perf_counter() - self.started) * 1000, 3)

    def context_table(self, frame: Frame, step: str | None = None) -> dict[str, Any]:
        """The second argument of function steps and the argument of function conditions."""
        table: dict[str, Any] = {
            "input": self.input,
            "steps": self.results,
            "execution_id": self.id,
            "state_scope": self.scope,
            "workflow": self.workflow_name,
        }
        if step is not None:
            table["step"] = step
        if frame.loop is not None:
            table["loop"] = dict(frame.loop)
        if frame.stream is not None:
            table["stream"] = dict(frame.stream)
        return table
