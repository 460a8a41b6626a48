"""json-processor: query and reshape JSON with jq or JMESPath, validate it, format it.

jq is what rs-llmspell spells use (``.users[] | select(.age > 30)``); JMESPath
(``users[?age > `30`].name``) is offered too. ``engine="auto"`` uses jq when the expression
is valid jq and JMESPath otherwise.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar, Literal, cast

from pydantic import Field

from llmspell_core.errors import ValidationError
from llmspell_core.tool_types import ToolOutput
from llmspell_tools.framework import BaseTool, Invocation, ToolParams, example
from llmspell_tools.utility.data_validator import schema_errors

__all__ = ["JsonProcessor", "JsonProcessorParams", "run_query"]


class JsonProcessorParams(ToolParams):
    operation: Literal["query", "transform", "validate", "format", "minify", "merge", "parse"] = (
        Field(default="query", description="what to do with the input")
    )
    input: Any = Field(default=None, description="the JSON value to work on")
    content: str | None = Field(default=None, description="JSON text, instead of 'input'")
    query: str | None = Field(
        default=None, description="query/transform: a jq or JMESPath expression"
    )
    engine: Literal["auto", "jq", "jmespath"] = Field(default="auto")
    mappings: dict[str, str] | None = Field(
        default=None, description="transform: {output_key: expression} builds a new object"
    )
    schema_: dict[str, Any] | None = Field(
        default=None, alias="schema", description="validate: the JSON Schema"
    )
    indent: int = Field(default=2, ge=0, le=8, description="format: indentation")
    sort_keys: bool = Field(default=False, description="format/minify: sort object keys")
    inputs: list[Any] | None = Field(default=None, description="merge: values to deep-merge")

    required_for: ClassVar[dict[str, tuple[str, ...]]] = {
        "query": ("query",),
        "validate": ("schema_",),
    }

    def missing_for_operation(self) -> str | None:
        missing = super().missing_for_operation()
        return "schema" if missing == "schema_" else missing


def _jq(expression: str) -> Any:
    import jq

    try:
        return cast(Any, jq.compile(expression))
    except ValueError as exc:
        raise ValidationError(
            f"json-processor: invalid jq expression: {exc}",
            details={"field": "query", "rule": "jq"},
        ) from None


def _jmespath(expression: str) -> Any:
    import jmespath
    from jmespath.exceptions import JMESPathError

    try:
        return jmespath.compile(expression)
    except JMESPathError as exc:
        raise ValidationError(
            f"json-processor: invalid JMESPath expression: {exc}",
            details={"field": "query", "rule": "jmespath"},
        ) from None


def _compile(expression: str, engine: str) -> tuple[str, Any]:
    """The engine and compiled program; ``auto`` tries jq first (rs-llmspell spells use jq)."""
    if engine == "jq":
        return "jq", _jq(expression)
    if engine == "jmespath":
        return "jmespath", _jmespath(expression)
    try:
        return "jq", _jq(expression)
    except ValidationError as jq_error:
        try:
            return "jmespath", _jmespath(expression)
        except ValidationError:
            raise ValidationError(
                f"json-processor: '{expression}' is neither a valid jq nor JMESPath expression "
                f"({jq_error.message.removeprefix('json-processor: ')})",
                details={"field": "query", "rule": "expression"},
            ) from None


def run_query(data: Any, expression: str, engine: str = "auto") -> Any:
    """Apply ``expression``; jq yields a list when it produces several values."""
    which, program = _compile(expression, engine)
    if which == "jmespath":
        return program.search(data)
    try:
        values = cast(list[Any], program.input_value(data).all())
    except ValueError as exc:
        raise ValidationError(
            f"json-processor: jq failed on this input: {exc}",
            details={"field": "query", "rule": "jq_runtime"},
        ) from None
    return values[0] if len(values) == 1 else values


def _merge(base: Any, extra: Any) -> Any:
    if isinstance(base, dict) and isinstance(extra, dict):
        out = dict(cast(dict[str, Any], base))
        for key, value in cast(dict[str, Any], extra).items():
            out[key] = _merge(out[key], value) if key in out else value
        return out
    return extra


def _input(params: JsonProcessorParams) -> Any:
    if params.content is not None:
        try:
            return json.loads(params.content)
        except json.JSONDecodeError as exc:
            raise ValidationError(
                f"json-processor: content is not valid JSON at line {exc.lineno} column "
                f"{exc.colno}: {exc.msg}",
                details={"field": "content", "rule": "json", "line": exc.lineno},
            ) from None
    if "input" not in params.model_fields_set:
        raise ValidationError(
            "json-processor: give 'input' (a value) or 'content' (JSON text) (rule: required)",
            details={"field": "input", "rule": "required"},
        )
    return params.input


class JsonProcessor(BaseTool[JsonProcessorParams]):
    tool_name = "json-processor"
    description = (
        "Query or transform JSON with jq (.a[] | select(.x > 1)) or JMESPath (a[?x > `1`]), "
        "validate against a JSON Schema, pretty-print, minify, deep-merge or parse JSON text."
    )
    tool_category = "data"
    tags = ("json", "jq", "jmespath")
    params_model = JsonProcessorParams
    timeout_seconds = 15.0
    examples = (
        example(
            "jq query",
            input={"users": [{"name": "a", "age": 40}, {"name": "b", "age": 3}]},
            query=".users[] | select(.age > 30) | .name",
        ),
        example("JMESPath", input={"a": [{"x": 1}, {"x": 2}]}, query="a[?x > `1`].x"),
        example(
            "Transform",
            operation="transform",
            input={"user": {"first": "Ada", "age": 36}},
            mappings={"name": ".user.first", "age": "user.age"},
        ),
        example(
            "Validate",
            operation="validate",
            input={"a": 1},
            schema={"type": "object", "required": ["a"]},
        ),
        example("Pretty-print", operation="format", content='{"b":1,"a":[1,2]}'),
    )

    async def run(self, params: JsonProcessorParams, call: Invocation) -> ToolOutput:
        op = params.operation
        if op == "merge":
            values = params.inputs if params.inputs is not None else _input(params)
            if not isinstance(values, list):
                raise ValidationError(
                    "json-processor: merge needs 'inputs' (a list of objects)",
                    details={"field": "inputs", "rule": "type"},
                )
            merged: Any = {}
            for value in cast(list[Any], values):
                merged = _merge(merged, value)
            return call.ok(self._dump(merged, params, call), {"result": merged})
        data = _input(params)
        match op:
            case "query":
                result = await call.to_thread(run_query, data, params.query or "", params.engine)
                return call.ok(self._dump(result, params, call), {"result": result})
            case "transform":
                result = await call.to_thread(self._transform, data, params)
                return call.ok(self._dump(result, params, call), {"result": result})
            case "validate":
                errors = schema_errors(data, params.schema_ or {}, call.max_rows)
                text = "valid" if not errors else f"{len(errors)} error(s): {errors[0]['message']}"
                return call.ok(text, {"valid": not errors, "errors": errors})
            case "parse":
                return call.ok(self._dump(data, params, call), {"result": data})
            case "minify":
                text = json.dumps(data, separators=(",", ":"), sort_keys=params.sort_keys)
                text = call.limit_text(text)
                return call.ok(text, {"result": text})
            case _:
                text = json.dumps(data, indent=params.indent, sort_keys=params.sort_keys)
                text = call.limit_text(text)
                return call.ok(text, {"result": text})

    def _transform(self, data: Any, params: JsonProcessorParams) -> Any:
        if params.mappings:
            return {
                key: run_query(data, expr, params.engine) for key, expr in params.mappings.items()
            }
        if params.query is None:
            raise ValidationError(
                "json-processor: transform needs 'query' or 'mappings' (rule: required)",
                details={"field": "query", "rule": "required"},
            )
        return run_query(data, params.query, params.engine)

    def _dump(self, value: Any, params: JsonProcessorParams, call: Invocation) -> str:
        text = value if isinstance(value, str) else json.dumps(value, indent=params.indent or None)
        return call.limit_text(text)
