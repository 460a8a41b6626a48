"""Structured output: check the schema up front, decode and validate replies against it.

A reply that is not valid JSON, or not valid against the schema, gets one repair request
naming the exact problem (``$.items[0].price: 'x' is not of type 'number'``); the agent
gives up after that rather than looping on a model that cannot comply.
"""

from __future__ import annotations

import json
import re
from typing import Any, cast

from llmspell_core.errors import ValidationError

__all__ = ["check_response_schema", "decode_reply", "repair_prompt"]

_FENCE = re.compile(r"^\s*```(?:json|JSON)?\s*\n(.*?)\n?\s*```\s*$", re.DOTALL)


def check_response_schema(schema: Any, where: str) -> dict[str, Any]:
    """``schema`` if it is a valid JSON Schema, else ValidationError naming the problem."""
    from jsonschema import SchemaError
    from jsonschema.validators import validator_for

    if not isinstance(schema, dict):
        raise ValidationError(
            f"{where}: response_format must be a JSON Schema object, got {type(schema).__name__}",
            details={"field": "response_format"},
        )
    checked = cast(dict[str, Any], schema)
    try:
        validator_for(checked).check_schema(checked)
    except SchemaError as exc:
        path = "/".join(str(p) for p in exc.path) or "(root)"
        raise ValidationError(
            f"{where}: response_format is not a valid JSON Schema at {path}: {exc.message}",
            details={"field": "response_format"},
        ) from exc
    return dict(checked)


def _json_path(parts: Any) -> str:
    path = "$"
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def decode_reply(text: str, schema: dict[str, Any]) -> tuple[Any, str | None]:
    """``(value, None)`` when ``text`` is JSON valid against ``schema``, else ``(None, problem)``."""
    from jsonschema.validators import validator_for

    body = text.strip()
    fenced = _FENCE.match(body)
    if fenced:
        body = fenced.group(1)
    try:
        value = json.loads(body)
    except ValueError as exc:
        return None, f"the reply is not valid JSON ({exc})"
    validator: Any = validator_for(schema)(schema)
    errors = sorted(validator.iter_errors(value), key=lambda e: list(e.path))
    if errors:
        first = errors[0]
        more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
        return None, f"{_json_path(first.path)}: {first.message}{more}"
    return value, None


def repair_prompt(problem: str, schema: dict[str, Any]) -> str:
    return (
        f"Your previous reply does not match the required JSON Schema: {problem}. "
        f"Reply again with only a JSON value that validates against this schema, no prose:\n"
        f"{json.dumps(schema)}"
    )
