"""yaml-processor: parse YAML safely, dump values as YAML, validate, convert to and from JSON.

Only PyYAML's safe loader is used (no Python object tags). Aliases make a "billion laughs"
document small on disk but huge once expanded, so the expanded size is counted and bounded
before anything is returned.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar, Literal, cast

from pydantic import Field

from llmspell_core.errors import ValidationError
from llmspell_core.tool_types import SecurityLevel, ToolOutput
from llmspell_tools.data._values import plain, text_input
from llmspell_tools.framework import BaseTool, Invocation, ToolParams, ToolSettings, example
from llmspell_tools.utility.data_validator import schema_errors

__all__ = ["YamlProcessor", "YamlProcessorParams", "YamlProcessorSettings"]


class YamlProcessorSettings(ToolSettings):
    #: ``[tools.yaml_processor] max_input_bytes``: largest YAML/JSON text read.
    max_input_bytes: int = Field(default=20 * 1024 * 1024, gt=0)
    #: ``[tools.yaml_processor] max_nodes``: most values a document may expand to (aliases).
    max_nodes: int = Field(default=1_000_000, gt=0)


class YamlProcessorParams(ToolParams):
    operation: Literal["parse", "dump", "validate", "to_json", "from_json"] = Field(
        default="parse",
        description="parse: YAML text -> value; dump: value -> YAML; validate: against a JSON "
        "Schema; to_json: YAML -> JSON text; from_json: JSON text -> YAML",
    )
    content: str | None = Field(default=None, description="the YAML (or, for from_json, JSON) text")
    path: str | None = Field(default=None, description="a file to read instead of 'content'")
    data: Any = Field(default=None, description="dump/validate: a value instead of YAML text")
    schema_: dict[str, Any] | None = Field(
        default=None, alias="schema", description="validate: the JSON Schema"
    )
    all_documents: bool = Field(
        default=False, description="parse/to_json/validate: read every '---' document as a list"
    )
    sort_keys: bool = Field(default=False, description="dump/from_json/to_json: sort object keys")
    indent: int = Field(default=2, ge=1, le=8, description="dump/from_json/to_json: indentation")
    flow_style: bool = Field(default=False, description="dump: inline {a: 1} style")

    required_for: ClassVar[dict[str, tuple[str, ...]]] = {"validate": ("schema_",)}

    def missing_for_operation(self) -> str | None:
        missing = super().missing_for_operation()
        return "schema" if missing == "schema_" else missing


def _count(value: Any, limit: int) -> None:
    """Walk ``value`` as if expanded (aliases re-visited); refuse past ``limit`` nodes."""
    seen = 0
    stack: list[Any] = [value]
    while stack:
        node = stack.pop()
        seen += 1
        if seen > limit:
            raise ValidationError(
                f"yaml-processor: the document expands to more than {limit} values (an alias "
                "bomb?); raise [tools.yaml_processor] max_nodes to allow it",
                details={"field": "content", "rule": "max_nodes", "limit": limit},
            )
        if isinstance(node, dict):
            items = cast(dict[Any, Any], node)
            stack.extend(items.keys())
            stack.extend(items.values())
        elif isinstance(node, list | tuple | set):
            stack.extend(cast(list[Any], node))


def load_yaml(text: str, source: str, *, all_documents: bool, max_nodes: int) -> Any:
    """Safely parse ``text``; a syntax error names ``source:line:column`` and the problem."""
    import yaml

    try:
        if all_documents:
            value: Any = list(yaml.safe_load_all(text))
        else:
            value = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark else source
        problem = exc.problem or exc.context or "invalid YAML"
        details: dict[str, Any] = {"field": "content", "rule": "yaml"}
        if mark:
            details["line"] = mark.line + 1
            details["column"] = mark.column + 1
        raise ValidationError(f"yaml-processor: {where}: {problem}", details=details) from None
    except yaml.YAMLError as exc:
        raise ValidationError(
            f"yaml-processor: {source}: {exc}", details={"field": "content", "rule": "yaml"}
        ) from None
    _count(value, max_nodes)
    return plain(value)


def dump_yaml(value: Any, *, sort_keys: bool, indent: int, flow_style: bool) -> str:
    import yaml

    return yaml.safe_dump(
        value,
        sort_keys=sort_keys,
        indent=indent,
        default_flow_style=flow_style,
        allow_unicode=True,
    )


def _load_json(text: str, source: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(
            f"yaml-processor: {source}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}",
            details={"field": "content", "rule": "json", "line": exc.lineno},
        ) from None


class YamlProcessor(BaseTool[YamlProcessorParams]):
    tool_name = "yaml-processor"
    description = (
        "Parse YAML safely into a value, dump a value as YAML, validate YAML against a JSON "
        "Schema, or convert YAML to JSON and back. Input as 'content' text or a file 'path'."
    )
    tool_category = "data"
    tags = ("yaml", "json", "schema", "convert")
    params_model = YamlProcessorParams
    settings_model = YamlProcessorSettings
    security_level = SecurityLevel.RESTRICTED  # reads files inside the allowed roots
    timeout_seconds = 15.0
    examples = (
        example("Parse YAML", content="name: llmspell\ntags: [lua, js]\n"),
        example("Dump a value", operation="dump", data={"name": "llmspell", "n": 2}),
        example(
            "Validate",
            operation="validate",
            content="port: 8080\n",
            schema={"type": "object", "required": ["port"]},
        ),
        example("YAML to JSON", operation="to_json", content="a: [1, 2]\n"),
        example("JSON to YAML", operation="from_json", content='{"a": [1, 2]}'),
    )

    async def run(self, params: YamlProcessorParams, call: Invocation) -> ToolOutput:
        return await call.to_thread(self._run, params, call)

    def _run(self, params: YamlProcessorParams, call: Invocation) -> ToolOutput:
        settings = cast(YamlProcessorSettings, call.settings)
        op = params.operation
        if op in ("dump", "validate") and "data" in params.model_fields_set:
            if params.content is not None or params.path is not None:
                raise ValidationError(
                    "yaml-processor: give 'data' or 'content'/'path', not both",
                    details={"field": "data", "rule": "exclusive"},
                )
            value: Any = params.data
            _count(value, settings.max_nodes)
        else:
            text, source = text_input(
                call, params.content, params.path, limit=settings.max_input_bytes
            )
            if op == "from_json":
                value = _load_json(text, source)
            else:
                value = load_yaml(
                    text,
                    source,
                    all_documents=params.all_documents,
                    max_nodes=settings.max_nodes,
                )
        match op:
            case "parse":
                kind = type(value).__name__ if value is not None else "null"
                summary = f"parsed YAML ({kind})"
                return call.ok(summary, {"data": value}, documents=_documents(params, value))
            case "validate":
                errors = schema_errors(value, params.schema_ or {}, call.max_rows)
                text = "valid" if not errors else f"{len(errors)} error(s): {errors[0]['message']}"
                return call.ok(text, {"valid": not errors, "errors": errors, "data": value})
            case "to_json":
                out = json.dumps(
                    value, indent=params.indent, sort_keys=params.sort_keys, ensure_ascii=False
                )
                out = call.limit_text(out)
                return call.ok(out, {"json": out, "data": value})
            case _:  # dump, from_json
                out = call.limit_text(
                    dump_yaml(
                        value,
                        sort_keys=params.sort_keys,
                        indent=params.indent,
                        flow_style=params.flow_style,
                    )
                )
                return call.ok(out, {"yaml": out})


def _documents(params: YamlProcessorParams, value: Any) -> int:
    return len(cast(list[Any], value)) if params.all_documents else 1
