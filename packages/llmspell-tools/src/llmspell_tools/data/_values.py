"""Helpers shared by the integration data tools (not a tool module).

Database rows, YAML documents and XML trees hold values scripts cannot receive (Decimal, bytes,
datetimes, sets); :func:`plain` turns them into JSON-like values. :func:`text_input` reads the
document a tool works on from either inline text or a file inside the allowed roots.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import math
import uuid
from collections.abc import Mapping
from typing import Any, cast

from llmspell_core.errors import ValidationError
from llmspell_tools._files import input_file
from llmspell_tools.framework import Invocation, section_key

__all__ = ["as_records", "plain", "text_input"]


def plain(value: Any) -> Any:
    """``value`` as nested dicts/lists of strings, numbers, booleans and None.

    Decimals become numbers, bytes base64 text, dates ISO 8601, NaN/inf ``None``; anything
    else unknown becomes its ``str``, so a result never fails to cross into a script.
    """
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():
            return None
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, memoryview):
        return base64.b64encode(cast(memoryview[int], value).tobytes()).decode("ascii")
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Mapping):
        items = cast(Mapping[Any, Any], value)
        return {_key(k): plain(v) for k, v in items.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in cast(list[Any] | tuple[Any, ...], value)]
    if isinstance(value, set | frozenset):
        members = [plain(v) for v in cast(set[Any] | frozenset[Any], value)]
        return sorted(members, key=repr)
    return str(value)


def _key(key: Any) -> str:
    if isinstance(key, str):
        return key
    if key is None:
        return "null"
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(plain(key))


def text_input(
    call: Invocation,
    content: str | None,
    path: str | None,
    *,
    limit: int,
    what: str = "document",
) -> tuple[str, str]:
    """The text to work on and where it came from (``<content>`` or the file name).

    Exactly one of ``content``/``path`` must be given; a file must sit inside the allowed roots,
    be UTF-8 and be no larger than ``limit`` bytes (``[tools.<name>] max_input_bytes``).
    """
    if (content is None) == (path is None):
        raise ValidationError(
            f"{call.tool_name}: give the {what} as 'content' (text) or 'path' (a file), "
            "not both (rule: required)",
            details={"field": "content", "rule": "required"},
        )
    if content is not None:
        _check_size(call, len(content.encode("utf-8")), limit, "content")
        return content, "<content>"
    assert path is not None
    file = input_file(call, path, field="path")
    _check_size(call, file.stat().st_size, limit, "path")
    data = file.read_bytes()
    try:
        return data.decode("utf-8-sig"), file.name
    except UnicodeDecodeError as exc:
        raise ValidationError(
            f"{call.tool_name}: '{path}' is not UTF-8 text (byte {exc.start})",
            details={"field": "path", "rule": "utf-8"},
        ) from None


def _check_size(call: Invocation, size: int, limit: int, field: str) -> None:
    if size > limit:
        raise ValidationError(
            f"{call.tool_name}: '{field}' is {size} bytes, over the {limit}-byte limit "
            f"({section_key(call.tool_name)} max_input_bytes)",
            details={"field": field, "rule": "max_input_bytes", "limit": limit},
        )


def as_records(value: Any, *, tool: str, field: str) -> list[dict[str, Any]]:
    """``value`` checked to be a list of objects (rows), naming the first item that is not."""
    if not isinstance(value, list):
        raise ValidationError(
            f"{tool}: '{field}' must be a list of objects (records), got {type(value).__name__}",
            details={"field": field, "rule": "records"},
        )
    rows = cast(list[Any], value)
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            raise ValidationError(
                f"{tool}: '{field}[{index}]' must be an object (a record), got "
                f"{type(row).__name__}",
                details={"field": f"{field}[{index}]", "rule": "records"},
            )
    return cast(list[dict[str, Any]], rows)
