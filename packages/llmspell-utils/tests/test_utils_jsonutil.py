"""dumps_json / loads_json."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import math
import uuid
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from llmspell_core.errors import ValidationError
from llmspell_utils import dumps_json, loads_json


class Color(enum.Enum):
    RED = "red"


class Inner(BaseModel):
    when: dt.datetime
    where: Path


@dataclasses.dataclass
class Point:
    x: float
    y: float


def test_stable_output_independent_of_key_order() -> None:
    assert dumps_json({"b": 1, "a": [1, 2]}) == '{"a":[1,2],"b":1}'
    assert dumps_json({"a": [1, 2], "b": 1}) == dumps_json({"b": 1, "a": [1, 2]})
    assert dumps_json({"b": 1, "a": 2}, indent=2) == '{\n  "a": 2,\n  "b": 1\n}'
    assert dumps_json("héllo") == '"héllo"'


def test_rich_types_become_plain_json() -> None:
    stamp = dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    ident = uuid.UUID("01900000-0000-7000-8000-000000000000")
    value = {
        "model": Inner(when=stamp, where=Path("/tmp/x")),
        "path": Path("a/b.txt"),
        "date": dt.date(2025, 1, 2),
        "id": ident,
        "color": Color.RED,
        "tags": {"b", "a"},
        "point": Point(1.5, -2),
        "tuple": (1, "two"),
        "duration": dt.timedelta(seconds=90),
    }
    decoded = json.loads(dumps_json(value))
    assert decoded == {
        "model": {"when": "2025-01-02T03:04:05Z", "where": "/tmp/x"},
        "path": "a/b.txt",
        "date": "2025-01-02",
        "id": str(ident),
        "color": "red",
        "tags": ["a", "b"],
        "point": {"x": 1.5, "y": -2},
        "tuple": [1, "two"],
        "duration": 90.0,
    }


def test_nan_and_infinity_become_null() -> None:
    assert dumps_json([math.nan, math.inf, -math.inf, 1.5]) == "[null,null,null,1.5]"

    class Score(BaseModel):
        value: float

    assert dumps_json(Score(value=math.nan)) == '{"value":null}'


def test_non_string_keys() -> None:
    assert dumps_json({1: "a", None: "b", Path("p"): "c"}) == '{"1":"a","null":"b","p":"c"}'


def test_unencodable_value_names_its_location() -> None:
    with pytest.raises(ValidationError, match=r"cannot encode a object as JSON at \$\.items\[1\]"):
        dumps_json({"items": [1, object()]})


def test_self_containing_value_is_refused() -> None:
    looped: list[Any] = [1]
    looped.append(looped)
    with pytest.raises(ValidationError, match="contains itself"):
        dumps_json(looped)
    shared = [1]
    assert dumps_json([shared, shared]) == "[[1],[1]]"  # repeated, not recursive: fine


def test_loads_round_trip() -> None:
    assert loads_json('{"a": [1, 2.5, null, true, "x"]}') == {"a": [1, 2.5, None, True, "x"]}
    assert loads_json(b'{"a": 1}') == {"a": 1}


def test_bad_json_reports_line_and_column() -> None:
    text = '{\n  "a": 1,\n  "b": tru\n}'
    with pytest.raises(ValidationError) as caught:
        loads_json(text, source="input.json")
    error = caught.value
    assert str(error).startswith("input.json:3:8: invalid JSON")
    assert error.details["line"] == 3
    assert error.details["column"] == 8
    assert error.details["position"] == text.index("tru")


def test_trailing_garbage_and_empty_input() -> None:
    with pytest.raises(ValidationError, match=r"<json>:1:10: invalid JSON: Extra data"):
        loads_json('{"a": 1} x')
    with pytest.raises(ValidationError, match=r"<json>:1:1: invalid JSON"):
        loads_json("")


def test_nan_literals_and_bad_bytes_are_refused() -> None:
    with pytest.raises(ValidationError, match="NaN is not valid JSON"):
        loads_json('{"a": NaN}')
    with pytest.raises(ValidationError, match="not UTF-8"):
        loads_json(b'{"a": "\xff"}')
