"""Steps one after another, each able to use what the earlier ones produced."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import field_validator

from llmspell_core.services import Services
from llmspell_workflows.base import BaseWorkflow, WorkflowSpec, parse_spec
from llmspell_workflows.execution import Execution, Frame
from llmspell_workflows.runner import run_sequence
from llmspell_workflows.spec import Step, StepList, parse_steps

__all__ = ["SequentialSpec", "SequentialWorkflow"]


class SequentialSpec(WorkflowSpec):
    steps: StepList

    @field_validator("steps", mode="before")
    @classmethod
    def _steps(cls, value: Any) -> Any:
        return parse_steps(value)


class SequentialWorkflow(BaseWorkflow):
    """``Workflow.sequential{name, steps}``; the result's ``final`` is the last step's result."""

    kind_name = "sequential"

    def __init__(
        self, spec: Mapping[str, Any] | SequentialSpec, services: Services | None = None
    ) -> None:
        self.spec = parse_spec(SequentialSpec, spec, self.kind_name)
        super().__init__(self.spec, services)

    def step_groups(self) -> list[tuple[str, list[Step]]]:
        return [("steps", self.spec.steps)]

    async def _run(self, ex: Execution) -> None:
        ex.final = (await run_sequence(ex, self.spec.steps, Frame())).last
