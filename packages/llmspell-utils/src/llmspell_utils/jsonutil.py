"""JSON in and out with stable output and errors that say where the input went wrong.

``dumps_json`` sorts keys and turns the types llmspell passes around (pydantic models, paths,
datetimes, UUIDs, enums, sets) into plain JSON; NaN and infinities become ``null`` because JSON
has no spelling for them. ``loads_json`` reports bad input as a ``ValidationError`` with line
and column.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import math
import uuid
from collections.abc import Mapping
from pathlib import PurePath
from typing import Any

from pydantic import BaseModel

from llmspell_core.errors import ValidationError

__all__ = ["dumps_json", "loads_json", "to_jsonable"]


def _key(key: object, where: str) -> str:
    if isinstance(key, str):
        return key
    if isinstance(key, bool | int | float) or key is None:
        return json.dumps(key)
    if isinstance(key, PurePath | uuid.UUID):
        return str(key)
    if isinstance(key, enum.Enum):
        return str(key.value)
    raise ValidationError(
        f"cannot use a {type(key).__name__} as a JSON object key at {where}",
        details={"field": where},
    )


def to_jsonable(value: object, *, _where: str = "$", _active: frozenset[int] = frozenset()) -> Any:
    """``value`` as nested dicts, lists, strings, numbers, booleans and ``None``.

    Raises :class:`ValidationError` naming the JSON path of anything it cannot convert.
    """
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, enum.Enum):
        return to_jsonable(value.value, _where=_where, _active=_active)
    if isinstance(value, PurePath | uuid.UUID):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if id(value) in _active:
        raise ValidationError(
            f"cannot encode a value that contains itself at {_where}", details={"field": _where}
        )
    active = _active | {id(value)}
    if isinstance(value, BaseModel):
        return to_jsonable(value.model_dump(mode="json"), _where=_where, _active=active)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
        return to_jsonable(fields, _where=_where, _active=active)
    if isinstance(value, Mapping):
        items: Mapping[object, object] = value  # pyright: ignore[reportUnknownVariableType]
        return {
            _key(k, _where): to_jsonable(v, _where=f"{_where}.{k}", _active=active)
            for k, v in items.items()
        }
    if isinstance(value, list | tuple):
        sequence: list[object] | tuple[object, ...] = value  # pyright: ignore[reportUnknownVariableType]
        return [
            to_jsonable(v, _where=f"{_where}[{i}]", _active=active) for i, v in enumerate(sequence)
        ]
    if isinstance(value, set | frozenset):
        members: set[object] | frozenset[object] = value  # pyright: ignore[reportUnknownVariableType]
        converted = [to_jsonable(v, _where=f"{_where}[]", _active=active) for v in members]
        return sorted(converted, key=lambda v: json.dumps(v, sort_keys=True))
    raise ValidationError(
        f"cannot encode a {type(value).__name__} as JSON at {_where}", details={"field": _where}
    )


def dumps_json(value: object, *, indent: int | None = None) -> str:
    """Stable JSON text: sorted keys, no NaN, non-ASCII kept as is; compact unless ``indent``."""
    separators = (",", ":") if indent is None else (",", ": ")
    return json.dumps(
        to_jsonable(value),
        sort_keys=True,
        indent=indent,
        separators=separators,
        ensure_ascii=False,
        allow_nan=False,
    )


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def loads_json(text: str | bytes | bytearray, *, source: str = "<json>") -> Any:
    """Parse JSON; bad input raises :class:`ValidationError` saying ``source:line:column``.

    ``NaN`` and ``Infinity`` are refused, since no other JSON parser would accept them.
    """
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        raise ValidationError(
            f"{source}:{error.lineno}:{error.colno}: invalid JSON: {error.msg}",
            details={
                "source": source,
                "line": error.lineno,
                "column": error.colno,
                "position": error.pos,
            },
        ) from error
    except UnicodeDecodeError as error:
        raise ValidationError(
            f"{source}: invalid JSON: not UTF-8 text (byte {error.start})",
            details={"source": source, "position": error.start},
        ) from error
    except ValueError as error:  # a NaN/Infinity constant
        raise ValidationError(
            f"{source}: invalid JSON: {error}", details={"source": source}
        ) from error
