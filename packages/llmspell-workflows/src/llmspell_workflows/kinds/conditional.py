"""Branches guarded by conditions that are really evaluated (spell-api §5, *fixed*).

Optional ``steps`` run first, so branch conditions can look at their output
(``step_output_contains``); then the first branch whose condition holds runs (every matching
branch with ``execute_all_matching``), or ``default_branch`` when none does. The builder's
``condition`` + ``then``/``else`` steps are the two-branch case of the same thing.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, cast

from pydantic import Field, field_validator, model_validator

from llmspell_core.services import Services
from llmspell_workflows.base import BaseWorkflow, WorkflowSpec, parse_spec
from llmspell_workflows.conditions import evaluate
from llmspell_workflows.errors import step_error
from llmspell_workflows.execution import Execution, Frame
from llmspell_workflows.runner import run_sequence
from llmspell_workflows.spec import Branch, ConditionSpec, Step, StepList, parse_steps

__all__ = ["ConditionalSpec", "ConditionalWorkflow"]


class ConditionalSpec(WorkflowSpec):
    #: Steps run before any condition is evaluated.
    steps: StepList
    branches: list[Branch] = Field(default_factory=list[Branch])
    default_branch: Branch | None = Field(default=None)
    #: Run every branch whose condition holds, in order, instead of the first one only.
    execute_all_matching: bool = False
    #: The two-branch form: ``condition`` then ``then_steps`` else ``else_steps``.
    condition: ConditionSpec | None = None
    then_steps: StepList
    else_steps: StepList

    @field_validator("steps", "then_steps", "else_steps", mode="before")
    @classmethod
    def _steps(cls, value: Any) -> Any:
        return parse_steps(value)

    @field_validator("default_branch", mode="before")
    @classmethod
    def _default(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"name": value, "steps": []}  # a branch name, resolved below
        return value

    @model_validator(mode="after")
    def _shape(self) -> ConditionalSpec:
        if self.condition is not None:
            self.branches = [
                Branch(name="then", condition=self.condition, steps=self.then_steps),
                *self.branches,
            ]
            if self.else_steps and self.default_branch is None:
                self.default_branch = Branch(name="else", steps=self.else_steps)
        elif self.then_steps or self.else_steps:
            raise ValueError("then/else steps need a 'condition'")
        for index, branch in enumerate(self.branches):
            if branch.name is None:
                branch.name = f"branch_{index + 1}"
            if branch.condition is None:
                raise ValueError(
                    f"branch '{branch.name}' has no condition; give it one, or make it the "
                    "default_branch"
                )
        default = self.default_branch
        if default is not None and not default.steps and default.name is not None:
            named = next((b for b in self.branches if b.name == default.name), None)
            if named is None:
                raise ValueError(
                    f"default_branch names branch '{default.name}', which does not exist"
                )
            self.default_branch = named
        elif default is not None and default.name is None:
            default.name = "default"
        if not self.branches and self.default_branch is None:
            raise ValueError(
                "a conditional workflow needs branches=[{condition, steps}] or a condition "
                "with then/else steps"
            )
        return self


class ConditionalWorkflow(BaseWorkflow):
    kind_name = "conditional"

    def __init__(
        self, spec: Mapping[str, Any] | ConditionalSpec, services: Services | None = None
    ) -> None:
        self.spec = parse_spec(ConditionalSpec, spec, self.kind_name)
        super().__init__(self.spec, services)

    def _branches(self) -> list[Branch]:
        branches = list(self.spec.branches)
        default = self.spec.default_branch
        if default is not None and all(default is not b for b in branches):
            branches.append(default)
        return branches

    def step_groups(self) -> list[tuple[str, list[Step]]]:
        groups: list[tuple[str, list[Step]]] = [("steps", self.spec.steps)]
        groups.extend((f"branch '{b.name}'", b.steps) for b in self._branches())
        return groups

    def unique_name_groups(self) -> list[list[Step]]:
        # branches are alternatives: two of them may each have a step called 'reply'
        return [[*self.spec.steps, *b.steps] for b in self._branches()] or [self.spec.steps]

    def conditions(self) -> Iterator[ConditionSpec]:
        yield from super().conditions()
        stack = [b.condition for b in self._branches() if b.condition is not None]
        while stack:
            cond = stack.pop()
            yield cond
            stack.extend(cond.conditions)
            if cond.condition is not None:
                stack.append(cond.condition)

    async def _run(self, ex: Execution) -> None:
        frame = Frame()
        outcome = await run_sequence(ex, self.spec.steps, frame)
        last = outcome.last
        matched: list[Branch] = []
        for branch in self.spec.branches:
            assert branch.condition is not None
            try:
                holds = await evaluate(branch.condition, ex, frame)
            except Exception as error:
                if ex.ctx.cancellation.cancelled or ex.ctx.expired():
                    raise
                raise step_error(
                    ex.workflow_name,
                    str(branch.name),
                    error,
                    what=f"the condition of branch '{branch.name}'",
                ) from error
            if holds:
                matched.append(branch)
                if not self.spec.execute_all_matching:
                    break
        if not matched and self.spec.default_branch is not None:
            matched.append(self.spec.default_branch)
        for branch in matched:
            outcome = await run_sequence(ex, branch.steps, frame, last)
            last = outcome.last if outcome.last is not None else last
        ex.final = last
        names = [cast("str", b.name) for b in matched]
        ex.meta["branch"] = names[0] if names else None
        ex.meta["matched_branches"] = names
        ex.extra["branch"] = names[0] if names else None
