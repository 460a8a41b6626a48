"""Run a body of steps per item of a range or collection, or while a condition holds.

Body steps see ``{{loop.item}}`` (alias ``loop.value``), ``{{loop.index}}`` (0-based, as in
rs-llmspell) and ``{{loop.number}}`` (1-based). Ranges stop before ``end``. ``while`` loops are
capped by ``max_iterations`` (default 100) so a condition that never turns false cannot hang a
spell; ``break_when`` conditions are checked after each iteration.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Literal, cast

from pydantic import AliasChoices, Field, field_validator, model_validator

from llmspell_core.services import Services
from llmspell_workflows.base import BaseWorkflow, WorkflowSpec, parse_spec
from llmspell_workflows.conditions import evaluate
from llmspell_workflows.errors import step_error
from llmspell_workflows.execution import Execution, Frame
from llmspell_workflows.runner import run_sequence
from llmspell_workflows.spec import ConditionSpec, LoopIterator, Step, StepList, parse_steps

__all__ = ["DEFAULT_WHILE_LIMIT", "LoopSpec", "LoopWorkflow"]

DEFAULT_WHILE_LIMIT = 100


class LoopSpec(WorkflowSpec):
    iterator: LoopIterator
    body: StepList = Field(validation_alias=AliasChoices("body", "steps"))
    max_iterations: int | None = Field(default=None, ge=0)
    break_when: list[ConditionSpec] = Field(
        default_factory=list[ConditionSpec],
        validation_alias=AliasChoices("break_when", "break_conditions", "break_condition"),
    )
    #: ``collect_all`` keeps every iteration's step results in ``result.iterations``.
    aggregation: Literal["collect_all", "last_only", "none"] = Field(
        default="collect_all",
        validation_alias=AliasChoices("aggregation", "aggregation_strategy"),
    )

    @model_validator(mode="before")
    @classmethod
    def _shortcuts(cls, data: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        mapping = dict(cast("Mapping[str, Any]", data))
        if "iterator" not in mapping:
            found = {
                k: mapping.pop(k)
                for k in ("range", "collection", "while_condition", "while")
                if k in mapping
            }
            if found:
                mapping["iterator"] = found
        for key in ("break_when", "break_conditions", "break_condition"):
            value = mapping.get(key)
            if value is not None and not isinstance(value, list | tuple):
                mapping[key] = [value]
        return mapping

    @field_validator("body", mode="before")
    @classmethod
    def _steps(cls, value: Any) -> Any:
        return parse_steps(value)


class LoopWorkflow(BaseWorkflow):
    kind_name = "loop"
    extra_roots = frozenset({"loop"})

    def __init__(
        self, spec: Mapping[str, Any] | LoopSpec, services: Services | None = None
    ) -> None:
        self.spec = parse_spec(LoopSpec, spec, self.kind_name)
        super().__init__(self.spec, services)

    def step_groups(self) -> list[tuple[str, list[Step]]]:
        return [("body", self.spec.body)]

    def conditions(self) -> Iterator[ConditionSpec]:
        yield from super().conditions()
        roots = [*self.spec.break_when]
        if self.spec.iterator.while_condition is not None:
            roots.append(self.spec.iterator.while_condition)
        while roots:
            cond = roots.pop()
            yield cond
            roots.extend(cond.conditions)
            if cond.condition is not None:
                roots.append(cond.condition)

    async def _check(self, ex: Execution, cond: ConditionSpec, frame: Frame, what: str) -> bool:
        try:
            return await evaluate(cond, ex, frame)
        except Exception as error:
            if ex.ctx.cancellation.cancelled or ex.ctx.expired():
                raise
            raise step_error(ex.workflow_name, what, error, what=f"the {what} condition") from error

    async def _run(self, ex: Execution) -> None:
        spec = self.spec
        iterator = spec.iterator
        values: list[Any] | None = None
        if iterator.range is not None:
            values = list(iterator.range.values())
        elif iterator.collection is not None:
            values = list(iterator.collection)
        limit = spec.max_iterations
        if limit is None and values is None:
            limit = DEFAULT_WHILE_LIMIT
        iterations: list[dict[str, Any]] = []
        last: dict[str, Any] | None = None
        completed = 0
        reason = "completed"
        index = 0
        while True:
            if values is not None and index >= len(values):
                break
            if limit is not None and index >= limit:
                reason = "max_iterations"
                break
            item = values[index] if values is not None else index
            frame = Frame(
                loop={
                    "index": index,
                    "number": index + 1,
                    "item": item,
                    "value": item,
                    "total": len(values) if values is not None else None,
                }
            )
            if iterator.while_condition is not None and not await self._check(
                ex, iterator.while_condition, frame, "while"
            ):
                reason = "condition"
                break
            outcome = await run_sequence(ex, spec.body, frame)
            last = outcome.last if outcome.last is not None else last
            completed += 1
            if spec.aggregation == "collect_all":
                iterations.append({"index": index, "item": item, "steps": outcome.results})
            elif spec.aggregation == "last_only":
                iterations = [{"index": index, "item": item, "steps": outcome.results}]
            index += 1
            stop = False
            for cond in spec.break_when:
                if await self._check(ex, cond, frame, "break_when"):
                    stop = True
                    break
            if stop:
                reason = "break_when"
                break
        ex.final = last
        ex.extra["iterations"] = iterations
        ex.meta["iterations_completed"] = completed
        ex.meta["break_reason"] = reason
