"""Parameter models: one pydantic class per tool gives both the JSON Schema and the validation.

Deriving the schema from the same class that validates means what an LLM is offered and what a
script is held to can never drift apart.
"""

from __future__ import annotations

import difflib
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict
from pydantic import ValidationError as PydanticValidationError

from llmspell_core.errors import ValidationError

__all__ = ["ToolParams", "clean_schema", "validation_error"]


class ToolParams(BaseModel):
    """Base of every tool's parameter model: unknown parameters are refused.

    ``required_for`` maps an ``operation`` value to the fields that operation needs; they are
    checked after validation and written into the schema as ``if``/``then`` rules.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)

    required_for: ClassVar[dict[str, tuple[str, ...]]] = {}

    def missing_for_operation(self) -> str | None:
        """The first field the chosen operation needs but was not given, if any."""
        operation = getattr(self, "operation", None)
        if not isinstance(operation, str):
            return None
        for field in self.required_for.get(operation, ()):
            if getattr(self, field, None) is None:
                return field
        return None


def _loc(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc) or "params"


def validation_error(
    tool: str, error: PydanticValidationError, model: type[BaseModel]
) -> ValidationError:
    """A core ValidationError naming the first bad field and the rule it broke."""
    problems = error.errors(include_url=False)
    first = problems[0]
    field = _loc(first["loc"])
    rule = first["type"]
    if rule == "extra_forbidden":
        known = sorted(model.model_fields)
        close = difflib.get_close_matches(str(first["loc"][-1]), known, n=1, cutoff=0.6)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        message = f"{tool}: unknown parameter '{field}'{hint}; known parameters: {', '.join(known)}"
    elif rule == "missing":
        message = f"{tool}: parameter '{field}' is required (rule: required)"
    else:
        message = f"{tool}: invalid parameter '{field}': {first['msg']} (rule: {rule})"
    if len(problems) > 1:
        message += f"; and {len(problems) - 1} more problem(s)"
    return ValidationError(
        message,
        details={
            "field": field,
            "rule": rule,
            "errors": [
                {"field": _loc(p["loc"]), "rule": p["type"], "message": p["msg"]} for p in problems
            ],
        },
    )


def _clean(node: Any, *, in_properties: bool = False) -> Any:
    if isinstance(node, list):
        return [_clean(item) for item in node]  # pyright: ignore[reportUnknownVariableType]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():  # pyright: ignore[reportUnknownVariableType]
        name = str(key)  # pyright: ignore[reportUnknownArgumentType]
        if in_properties:
            out[name] = _clean(value)
            continue
        if name == "title" and isinstance(value, str):
            continue
        out[name] = _clean(value, in_properties=name in ("properties", "$defs"))
    if not in_properties:
        any_of: Any = out.get("anyOf")
        if isinstance(any_of, list) and len(any_of) == 2 and {"type": "null"} in any_of:  # pyright: ignore[reportUnknownArgumentType]
            others: list[Any] = [s for s in any_of if s != {"type": "null"}]  # pyright: ignore[reportUnknownVariableType]
            if isinstance(others[0], dict) and out.get("default", ...) is None:
                del out["anyOf"]
                del out["default"]
                out = {**others[0], **out}
    return out


def clean_schema(model: type[ToolParams]) -> dict[str, Any]:
    """The model's JSON Schema, trimmed for LLM function calling.

    Titles are dropped and ``X | None = None`` becomes plain ``X`` (optional because it is not
    in ``required``); per-operation requirements become ``allOf`` ``if``/``then`` rules.
    """
    schema: dict[str, Any] = _clean(model.model_json_schema())
    schema.setdefault("type", "object")
    schema.setdefault("properties", {})
    schema["additionalProperties"] = False
    rules = [
        {
            "if": {"properties": {"operation": {"const": op}}, "required": ["operation"]},
            "then": {"required": list(fields)},
        }
        for op, fields in model.required_for.items()
        if fields
    ]
    if rules:
        schema["allOf"] = rules
    return schema
