"""JSON text across the QuickJS boundary, through orjson on the hot path.

Every API call from JavaScript crosses as JSON both ways; with the standard library that
costs several µs per call, with orjson a fraction of one. orjson is imported on first use,
not with the engine: ``print("hi")`` never needs it, and by the time a spell calls an API
function the modules orjson pulls in (dataclasses, datetime, uuid) are usually loaded anyway.

Only plain data takes the fast path: dict/list/tuple/str/int/float/bool/None, exact types,
string keys, ints within 64 bits. Anything else — an API object to describe, a str subclass,
a datetime, a cycle — makes ``plain_ok`` answer None and the engine's own encoder decides.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from types import ModuleType

__all__ = ["loads", "plain_ok"]

_orjson: ModuleType | None = None
_options = 0


def _load() -> ModuleType:
    global _orjson, _options
    import orjson

    _options = (
        orjson.OPT_PASSTHROUGH_DATACLASS
        | orjson.OPT_PASSTHROUGH_DATETIME
        | orjson.OPT_PASSTHROUGH_SUBCLASS
    )
    _orjson = orjson
    return orjson


def plain_ok(value: Any) -> str | None:
    """``{"ok": value}`` as JSON text, or None when ``value`` is not plain data.

    NaN and the infinities become null, as the engine's encoder makes them.
    """
    orjson = _orjson or _load()
    try:
        body: bytes = orjson.dumps(value, option=_options)
    except TypeError:  # orjson.JSONEncodeError: not plain data, too deep, or an int too big
        return None
    return '{"ok":' + body.decode() + "}"


def loads(text: str) -> Any:
    """Parse JSON text from JavaScript (no envelope revival: the caller checked for marks)."""
    orjson = _orjson or _load()
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:  # an integer past 64 bits, say: the stdlib takes any
        return json.loads(text)
