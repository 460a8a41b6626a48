"""A tool whose work is done by a script function (``Tool.register{..., handler=fn}``).

It is a full core ``Tool``: agents and workflows call it like a built-in one, its parameters
are checked against the declared JSON Schema before the script sees them, and a bad call
names the field and the schema rule.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping
from typing import Any, cast

from llmspell_core.agent_io import ErrorInfo
from llmspell_core.context import ExecutionContext
from llmspell_core.errors import ValidationError
from llmspell_core.script_api import ScriptFunction
from llmspell_core.tool import Tool
from llmspell_core.tool_types import ToolOutput, ToolSpec

__all__ = ["ScriptTool", "check_schema", "schema_violation"]

_REQUIRED = re.compile(r"'(?P<name>[^']+)' is a required property")
_EXTRA = re.compile(r"\('(?P<name>[^']+)' (was|were) unexpected\)")


def check_schema(schema: Any, where: str) -> dict[str, Any]:
    """``schema`` if it is a valid JSON Schema object, else ValidationError naming the problem."""
    from jsonschema import Draft202012Validator, validators
    from jsonschema.exceptions import SchemaError

    if not isinstance(schema, Mapping):
        raise ValidationError(
            f"{where}: 'parameters' must be a JSON Schema object, got {type(schema).__name__}",
            details={"field": "parameters", "rule": "type"},
        )
    data = dict(cast(Mapping[str, Any], schema))
    data.setdefault("type", "object")
    data.setdefault("properties", {})
    cls: Any = validators.validator_for(data, default=Draft202012Validator)
    try:
        cls.check_schema(data)
    except SchemaError as exc:
        at = "/".join(str(p) for p in exc.path) or "(root)"
        raise ValidationError(
            f"{where}: 'parameters' is not a valid JSON Schema at {at}: {exc.message}",
            details={"field": "parameters", "rule": "schema"},
        ) from None
    return data


def schema_violation(tool: str, error: Any) -> ValidationError:
    """A core ValidationError from a jsonschema error, naming the field and the rule."""
    path = [str(p) for p in error.absolute_path]
    rule = str(error.validator)
    message = str(error.message)
    named = _REQUIRED.search(message) if rule == "required" else _EXTRA.search(message)
    if named is not None and rule in ("required", "additionalProperties"):
        path.append(named.group("name"))
    field = ".".join(path) or "params"
    if rule == "required":
        text = f"{tool}: parameter '{field}' is required (rule: required)"
    elif rule == "additionalProperties":
        text = f"{tool}: unknown parameter '{field}' (rule: additionalProperties)"
    else:
        text = f"{tool}: invalid parameter '{field}': {message} (rule: {rule})"
    return ValidationError(text, details={"field": field, "rule": rule})


def _output(value: Any) -> ToolOutput:
    """Turn whatever the handler returned into a result table (spell-api §4)."""
    if isinstance(value, Mapping) and ({"success", "text", "result"} & set(cast(Any, value))):
        table = dict(cast(Mapping[str, Any], value))
        error = table.get("error")
        info = None
        if isinstance(error, Mapping):
            err = cast(Mapping[str, Any], error)
            info = ErrorInfo(
                message=str(err.get("message", "")), code=str(err.get("code", "SCRIPT_TOOL"))
            )
        elif isinstance(error, str):
            info = ErrorInfo(message=error, code="SCRIPT_TOOL")
        metadata = table.get("metadata")
        return ToolOutput(
            success=bool(table.get("success", info is None)),
            text=str(table.get("text", "")),
            result=table.get("result"),
            metadata=dict(cast(Mapping[str, Any], metadata))
            if isinstance(metadata, Mapping)
            else {},
            error=info,
        )
    if isinstance(value, str):
        return ToolOutput(text=value, result=value)
    text = "" if value is None else json.dumps(value, default=str)
    return ToolOutput(text=text, result=value)


class ScriptTool(Tool):
    """A tool defined by a spell; ``handler`` receives the validated params table."""

    def __init__(
        self,
        *,
        name: str,
        description: str,
        parameters: dict[str, Any],
        handler: ScriptFunction,
        category: str = "script",
        version: str = "0.1.0",
        tags: list[str] | None = None,
    ) -> None:
        from jsonschema import Draft202012Validator, validators

        self._spec = ToolSpec(
            name=name,
            description=description,
            parameters=parameters,
            category=category,
            version=version,
            tags=tags or [],
        )
        cls: Any = validators.validator_for(parameters, default=Draft202012Validator)
        self._validator: Any = cls(parameters)
        self._handler = handler

    @property
    def spec(self) -> ToolSpec:
        return self._spec

    async def execute(self, params: dict[str, Any], ctx: ExecutionContext) -> ToolOutput:
        started = time.perf_counter()
        error = next(iter(self._validator.iter_errors(params)), None)
        if error is not None:
            best: Any = _best_match(self._validator.iter_errors(params))
            raise schema_violation(self._spec.name, best)
        ctx.check(self._spec.name)
        output = _output(await self._handler.call(params))
        output.metadata.setdefault("operation", "execute")
        output.metadata["duration_ms"] = round((time.perf_counter() - started) * 1000.0, 3)
        return output


def _best_match(errors: Any) -> Any:
    from jsonschema import exceptions

    return cast(Any, exceptions).best_match(errors)
