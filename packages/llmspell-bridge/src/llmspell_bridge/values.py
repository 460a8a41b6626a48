"""The JSON-like value rules every engine and global shares (spell-api §1).

Integers stay integers; NaN and infinities become null; integral floats are written without
``.0`` (rs-llmspell compatibility, and what JavaScript does anyway); cycles and nesting deeper
than 64 levels are refused with a message that says where.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from llmspell_core.errors import ValidationError

__all__ = ["MAX_DEPTH", "describe_kind", "format_number", "to_json_data"]

MAX_DEPTH = 64
_SAFE_INTEGRAL = 2.0**63


def format_number(value: float) -> str:
    """A float the way a spell prints it: ``3`` for 3.0, else the shortest round-trip form."""
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if value.is_integer() and abs(value) < _SAFE_INTEGRAL:
        return str(int(value))
    return repr(value)


def _key(key: object, where: str) -> str:
    if isinstance(key, str):
        return key
    if isinstance(key, bool) or not isinstance(key, int | float):
        raise ValidationError(f"{where}: object keys must be strings or numbers")
    return format_number(float(key)) if isinstance(key, float) else str(key)


def to_json_data(value: Any, *, where: str = "value", _depth: int = 0) -> Any:
    """``value`` made ready for ``json.dumps``: floats normalised, keys as strings.

    Raises ``ValidationError`` for values JSON cannot hold (functions, API objects), for
    cycles (Python values built by engines never share containers, so depth catches them) and
    for nesting deeper than ``MAX_DEPTH``.
    """
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None
        if value.is_integer() and abs(value) < _SAFE_INTEGRAL:
            return int(value)
        return value
    if _depth >= MAX_DEPTH:
        raise ValidationError(
            f"{where} is nested more than {MAX_DEPTH} levels deep (or contains a cycle)"
        )
    if isinstance(value, Mapping):
        items: Mapping[Any, Any] = value  # pyright: ignore[reportUnknownVariableType]
        return {
            _key(k, where): to_json_data(v, where=where, _depth=_depth + 1)
            for k, v in items.items()
        }
    if isinstance(value, list | tuple):
        seq: list[Any] | tuple[Any, ...] = value  # pyright: ignore[reportUnknownVariableType]
        return [to_json_data(v, where=where, _depth=_depth + 1) for v in seq]
    raise ValidationError(f"{where} contains {describe_kind(value)}, which has no JSON form")


def describe_kind(value: Any) -> str:
    """``a function`` / ``a Timer object`` / ``a bytes``: what a non-JSON value is."""
    if callable(value) or hasattr(value, "call_sync"):
        return "a function"
    type_name = getattr(value, "type_name", None)
    if isinstance(type_name, str):
        return f"a {type_name} object"
    return f"a {type(value).__name__}"
