"""Validated shapes of workflow specs: steps, conditions, branches, loop iterators.

Specs arrive as JSON-like mappings from scripts (spell-api §5) or from Python. Parsing them
into pydantic models once, at build time, turns a typo (``tol=`` for ``tool=``) or a missing
field into an error that names the workflow, the step and the field before anything runs.
Aliases accept rs-llmspell's spellings (``expected``, ``execute``, ``type="custom"``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal, cast

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

from llmspell_core.agent import BaseAgent
from llmspell_core.tool import Tool
from llmspell_core.workflow import Workflow
from llmspell_workflows.callables import Callback, is_callback

__all__ = [
    "AgentStep",
    "Branch",
    "ConditionSpec",
    "ErrorStrategy",
    "FunctionStep",
    "LoopIterator",
    "RangeSpec",
    "Step",
    "StepBase",
    "StepList",
    "ToolStep",
    "WorkflowStep",
    "parse_steps",
]

ErrorStrategy = Literal["fail_fast", "continue", "retry"]

ConditionType = Literal[
    "always",
    "never",
    "shared_data_equals",
    "shared_data_exists",
    "step_output_contains",
    "step_output_equals",
    "step_succeeded",
    "step_failed",
    "and",
    "or",
    "not",
    "function",
]

_STEP_TYPES = {"tool", "agent", "workflow", "function"}
_TYPE_ALIASES = {"custom": "function", "fn": "function"}
_FORBIDDEN_IN_NAMES = frozenset(".{}")

_MODEL_CONFIG = ConfigDict(extra="forbid", arbitrary_types_allowed=True, populate_by_name=True)


def _as_mapping(value: Any) -> dict[str, Any] | None:
    if isinstance(value, Mapping):
        return dict(cast("Mapping[str, Any]", value))
    return None


def _empty_list_is_mapping(value: Any) -> Any:
    """Scripts cannot tell an empty table from an empty array; treat ``[]`` as ``{}``."""
    if isinstance(value, list) and not cast("list[Any]", value):
        return {}
    return cast("object", value)


class ConditionSpec(BaseModel):
    """A condition, evaluated against the running workflow (see ``conditions.py``)."""

    model_config = _MODEL_CONFIG

    type: ConditionType
    key: str | None = None
    value: Any = Field(default=None, validation_alias=AliasChoices("value", "expected"))
    step: str | None = None
    conditions: list[ConditionSpec] = Field(default_factory=list["ConditionSpec"])
    condition: ConditionSpec | None = None
    fn: Callback | None = Field(default=None, validation_alias=AliasChoices("fn", "function"))

    @model_validator(mode="before")
    @classmethod
    def _normalise(cls, data: Any) -> Any:
        if isinstance(data, bool):
            return {"type": "always" if data else "never"}
        if isinstance(data, str):
            return {"type": data}
        if isinstance(data, ConditionSpec):
            return data
        if not isinstance(data, Mapping) and is_callback(data):
            return {"type": "function", "fn": Callback(data)}
        mapping = _as_mapping(data)
        if mapping is not None:
            if "type" not in mapping and ("fn" in mapping or "function" in mapping):
                mapping["type"] = "function"
            fn = mapping.get("fn", mapping.get("function"))
            if fn is not None and not isinstance(fn, Callback):
                if not is_callback(fn):
                    raise ValueError("'fn' must be a function")
                mapping.pop("function", None)
                mapping["fn"] = Callback(fn)
            return mapping
        return cast("object", data)

    @model_validator(mode="after")
    def _check_fields(self) -> ConditionSpec:
        needs: dict[str, tuple[str, ...]] = {
            "shared_data_equals": ("key",),
            "shared_data_exists": ("key",),
            "step_output_contains": ("step", "value"),
            "step_output_equals": ("step",),
            "step_succeeded": ("step",),
            "step_failed": ("step",),
            "not": ("condition",),
            "function": ("fn",),
        }
        for field in needs.get(self.type, ()):
            if getattr(self, field) is None:
                raise ValueError(f"a '{self.type}' condition needs '{field}'")
        if self.type in ("and", "or") and not self.conditions:
            raise ValueError(f"an '{self.type}' condition needs a non-empty 'conditions' list")
        return self


class StepBase(BaseModel):
    """What every step has: a name, an input, limits and an optional run condition."""

    model_config = _MODEL_CONFIG

    name: str
    description: str = ""
    #: Tool params, agent text/table, nested workflow input or function argument; strings
    #: may hold ``{{steps.<name>.text}}``-style references.
    input: Any = None
    timeout_ms: int | None = Field(default=None, gt=0)
    #: Retries after the first attempt; None = the workflow's default for its error strategy.
    retry_count: int | None = Field(default=None, ge=0)
    retry_backoff_ms: int | None = Field(default=None, ge=0)
    #: The step runs only when this holds; otherwise it is recorded as skipped.
    condition: ConditionSpec | None = None

    @field_validator("name")
    @classmethod
    def _check_name(cls, name: str) -> str:
        if not name.strip():
            raise ValueError("a step name must not be empty")
        bad = sorted(set(name) & _FORBIDDEN_IN_NAMES)
        if bad:
            raise ValueError(
                f"step name {name!r} must not contain {' or '.join(repr(c) for c in bad)} "
                "(they would break {{steps.<name>...}} references)"
            )
        return name

    @field_validator("input", mode="before")
    @classmethod
    def _input(cls, value: Any) -> Any:
        return _empty_list_is_mapping(value)


class ToolStep(StepBase):
    type: Literal["tool"] = "tool"
    tool: str | Tool


class AgentStep(StepBase):
    type: Literal["agent"] = "agent"
    agent: str | BaseAgent
    #: Streaming workflows only: emit the reply's chunks as items as they arrive (false: the
    #: whole reply as one item).
    chunks: bool = True


class WorkflowStep(StepBase):
    type: Literal["workflow"] = "workflow"
    #: A spec (with ``type``/``kind`` naming the workflow kind), a name/id, or a workflow.
    workflow: str | Workflow | dict[str, Any]


class FunctionStep(StepBase):
    type: Literal["function"] = "function"
    fn: Callback = Field(validation_alias=AliasChoices("fn", "execute", "function", "handler"))
    #: Given as ``generator=<fn>``: ``fn`` is a generator body whose yielded values are the
    #: items (pulled lazily by streaming workflows, collected into a list by the others).
    generator: bool = False

    @field_validator("fn", mode="before")
    @classmethod
    def _wrap(cls, value: object) -> Callback:
        if not is_callback(value):
            raise ValueError(f"'fn' must be a function, got {type(value).__name__}")
        return Callback(value)

    @model_validator(mode="after")
    def _generator_runs_here(self) -> FunctionStep:
        if self.generator and self.fn.is_script:
            raise ValueError(
                "a script generator body must reach the workflow through the Workflow global, "
                "which runs it on the script thread (here it would be called as a plain function)"
            )
        return self


def _step_kind(data: object) -> str | None:
    if isinstance(data, StepBase):
        return cast("str", data.type)  # pyright: ignore[reportAttributeAccessIssue]
    mapping = _as_mapping(data)
    if mapping is None:
        return None
    kind = mapping.get("type")
    if isinstance(kind, str):
        return _TYPE_ALIASES.get(kind, kind)
    for key, inferred in (
        ("tool", "tool"),
        ("agent", "agent"),
        ("workflow", "workflow"),
        ("fn", "function"),
        ("generator", "function"),
        ("execute", "function"),
        ("handler", "function"),
    ):
        if key in mapping:
            return inferred
    return None


Step = Annotated[
    Annotated[ToolStep, Tag("tool")]
    | Annotated[AgentStep, Tag("agent")]
    | Annotated[WorkflowStep, Tag("workflow")]
    | Annotated[FunctionStep, Tag("function")],
    Discriminator(
        _step_kind,
        custom_error_type="step_type",
        custom_error_message=(
            "a step needs type='tool'|'agent'|'workflow'|'function' "
            "(or one of the fields tool=, agent=, workflow=, fn=)"
        ),
    ),
]


def normalise_step(data: Any) -> Any:
    """Bring a raw step into the shape the ``Step`` union validates."""
    if isinstance(data, Workflow):
        return {"type": "workflow", "name": data.metadata.name, "workflow": data}
    if isinstance(data, Tool):
        return {"type": "tool", "name": data.name, "tool": data}
    mapping = _as_mapping(data)
    if mapping is None:
        return data
    kind = mapping.get("type")
    if isinstance(kind, str) and kind in _TYPE_ALIASES:
        mapping["type"] = _TYPE_ALIASES[kind]
    elif isinstance(kind, str) and kind not in _STEP_TYPES:
        raise ValueError(
            f"unknown step type {kind!r}; use 'tool', 'agent', 'workflow' or 'function'"
        )
    elif kind is None:
        inferred = _step_kind(mapping)
        if inferred is not None:
            mapping["type"] = inferred
    if "name" not in mapping:
        target = mapping.get("tool") or mapping.get("agent")
        if isinstance(target, str):
            mapping["name"] = target
    if mapping.get("type") == "function":
        body = mapping.get("generator")
        if body is not None and not isinstance(body, bool):
            if "fn" in mapping:
                raise ValueError("give a function step either fn= or generator=, not both")
            mapping["fn"], mapping["generator"] = body, True
        for alias in ("execute", "function", "handler"):
            if alias in mapping and "fn" not in mapping:
                mapping["fn"] = mapping.pop(alias)
    return mapping


def _steps_before(value: Any) -> Any:
    if value is None:
        return []
    if isinstance(value, Mapping):
        # a Lua table such as {[1]=..., [2]=...} may arrive keyed by strings
        items = cast("Mapping[Any, Any]", value)
        if not items:  # an empty Lua table: no steps
            return []
        if all(str(k).isdigit() for k in items):
            value = [items[k] for k in sorted(items, key=lambda k: int(str(k)))]
        else:
            value = [items]
    if isinstance(value, list | tuple):
        return [normalise_step(s) for s in cast("Sequence[object]", value)]
    return value


StepList = Annotated[list[Step], Field(default_factory=list[Step])]


class Branch(BaseModel):
    """A named list of steps, guarded by a condition (conditional) or run as one (parallel)."""

    model_config = _MODEL_CONFIG

    name: str | None = None
    condition: ConditionSpec | None = None
    steps: StepList

    @model_validator(mode="before")
    @classmethod
    def _normalise(cls, data: Any) -> Any:
        if isinstance(data, list | tuple):
            return {"steps": cast("Sequence[Any]", data)}
        mapping = _as_mapping(data)
        if mapping is None:
            return cast("object", data)
        if "steps" not in mapping and _step_kind(mapping) is not None:
            # a single step standing in for a branch
            step: dict[str, Any] = normalise_step(mapping)
            return {"name": step.get("name"), "steps": [step]}
        if "steps" not in mapping and "body" in mapping:
            mapping["steps"] = mapping.pop("body")
        mapping["steps"] = _steps_before(mapping.get("steps"))
        return mapping


class RangeSpec(BaseModel):
    """``start`` up to (not including) ``end`` by ``step``, as rs-llmspell counts."""

    model_config = _MODEL_CONFIG

    start: int | float = 0
    end: int | float
    step: int | float = 1

    @model_validator(mode="after")
    def _check(self) -> RangeSpec:
        if self.step == 0:
            raise ValueError("range step must not be 0")
        return self

    def values(self) -> list[int | float]:
        out: list[int | float] = []
        current = self.start
        while (self.step > 0 and current < self.end) or (self.step < 0 and current > self.end):
            out.append(current)
            current += self.step
        return out


class LoopIterator(BaseModel):
    """Exactly one of ``range``, ``collection`` or ``while_condition``."""

    model_config = _MODEL_CONFIG

    range: RangeSpec | None = None
    collection: list[Any] | None = Field(
        default=None, validation_alias=AliasChoices("collection", "values", "items")
    )
    while_condition: ConditionSpec | None = Field(
        default=None, validation_alias=AliasChoices("while_condition", "while", "condition")
    )

    @model_validator(mode="before")
    @classmethod
    def _normalise(cls, data: Any) -> Any:
        mapping = _as_mapping(data)
        if mapping is None:
            return data
        collection = mapping.get("collection")
        if isinstance(collection, Mapping):
            items = cast("Mapping[Any, Any]", collection)
            if not items:
                mapping["collection"] = []
            elif "values" in items:
                mapping["collection"] = items["values"]
        return mapping

    @model_validator(mode="after")
    def _exactly_one(self) -> LoopIterator:
        given = [
            name
            for name, value in (
                ("range", self.range),
                ("collection", self.collection),
                ("while_condition", self.while_condition),
            )
            if value is not None
        ]
        if len(given) != 1:
            raise ValueError(
                "a loop needs exactly one iterator: range={start, end, step}, "
                f"collection=[...] or while_condition=<condition> (got {given or 'none'})"
            )
        return self


def parse_steps(value: Any) -> Any:
    """Public hook for the kinds: turn a raw step list into what ``list[Step]`` validates."""
    return _steps_before(value)
