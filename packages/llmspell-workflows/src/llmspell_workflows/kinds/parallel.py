"""Branches that really run at the same time on the runtime's event loop.

Each branch is a list of steps run in order; plain ``steps`` are one-step branches. At most
``max_concurrency`` branches are in flight. Under ``fail_fast`` (and ``retry``, once retries
are spent) the first failure cancels the branches still running and is raised naming its
step; under ``continue`` every branch runs and failures are collected.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import Field, field_validator, model_validator

from llmspell_core.services import Services
from llmspell_utils import concurrent_map
from llmspell_workflows.base import BaseWorkflow, WorkflowSpec, parse_spec
from llmspell_workflows.execution import Execution, Frame
from llmspell_workflows.runner import SequenceOutcome, run_sequence
from llmspell_workflows.spec import Branch, Step, StepList, parse_steps

__all__ = ["ParallelSpec", "ParallelWorkflow"]


class ParallelSpec(WorkflowSpec):
    steps: StepList
    branches: list[Branch] = Field(default_factory=list[Branch])
    #: Branches in flight at once; None runs them all together.
    max_concurrency: int | None = Field(default=None, ge=1)

    @field_validator("steps", mode="before")
    @classmethod
    def _steps(cls, value: Any) -> Any:
        return parse_steps(value)

    @model_validator(mode="after")
    def _name_branches(self) -> ParallelSpec:
        for index, branch in enumerate(self.branches):
            if branch.name is None:
                branch.name = (
                    branch.steps[0].name if len(branch.steps) == 1 else f"branch_{index + 1}"
                )
        return self

    def all_branches(self) -> list[Branch]:
        return [*self.branches, *(Branch(name=s.name, steps=[s]) for s in self.steps)]


class ParallelWorkflow(BaseWorkflow):
    kind_name = "parallel"

    def __init__(
        self, spec: Mapping[str, Any] | ParallelSpec, services: Services | None = None
    ) -> None:
        self.spec = parse_spec(ParallelSpec, spec, self.kind_name)
        self._branches = self.spec.all_branches()
        super().__init__(self.spec, services)

    def step_groups(self) -> list[tuple[str, list[Step]]]:
        return [(f"branch '{b.name}'", b.steps) for b in self._branches]

    async def _run(self, ex: Execution) -> None:
        branches = self._branches
        limit = self.spec.max_concurrency or max(1, len(branches))

        async def run_branch(branch: Branch) -> SequenceOutcome:
            return await run_sequence(ex, branch.steps, Frame())

        outcomes = await concurrent_map(run_branch, branches, limit=limit)
        ex.final = [o.last for o in outcomes]
        texts = [(o.last or {}).get("text", "") for o in outcomes]
        ex.text = "\n".join(t for t in texts if isinstance(t, str) and t)
        ex.extra["branches"] = {
            str(b.name): {
                "success": o.failed == 0,
                "text": (o.last or {}).get("text", ""),
                "final": o.last,
            }
            for b, o in zip(branches, outcomes, strict=True)
        }
        ex.meta["branches"] = len(branches)
        ex.meta["max_concurrency"] = limit
