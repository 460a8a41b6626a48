"""``JSON``: parse and stringify with the same output in every language (spell-api §6)."""

from __future__ import annotations

import json
from typing import Any

from llmspell_bridge.values import to_json_data
from llmspell_core.errors import ValidationError
from llmspell_core.script_api import ApiFunction, ApiGlobal, GlobalContext

__all__ = ["create_global", "parse", "stringify"]


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def parse(text: Any) -> Any:
    """Decode JSON text; bad input names the line and column."""
    if not isinstance(text, str):
        raise ValidationError(f"expected a string, got {_kind(text)}")
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise ValidationError(
            f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}",
            details={"line": exc.lineno, "column": exc.colno, "position": exc.pos},
        ) from None
    except ValueError as exc:
        raise ValidationError(f"invalid JSON: {exc}") from None


def stringify(value: Any, indent: Any = None) -> str:
    """Encode compactly (``{"a":1}``, as JavaScript does) or with ``indent`` spaces."""
    if indent is not None and (
        isinstance(indent, bool) or not isinstance(indent, int | float) or indent < 0
    ):
        raise ValidationError(f"indent must be a non-negative number, got {_kind(indent)}")
    data = to_json_data(value, where="the value")
    if indent:
        return json.dumps(data, ensure_ascii=False, indent=int(indent), sort_keys=True)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _kind(value: Any) -> str:
    if value is None:
        return "nil"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, dict | list):
        return "a table"
    return f"a {type(value).__name__}"


def create_global(ctx: GlobalContext) -> ApiGlobal:
    return ApiGlobal(
        "JSON",
        functions={
            "parse": ApiFunction("parse", parse, doc="JSON text -> value"),
            "stringify": ApiFunction("stringify", stringify, doc="value[, indent] -> JSON text"),
        },
        doc="JSON encoding and decoding.",
    )
