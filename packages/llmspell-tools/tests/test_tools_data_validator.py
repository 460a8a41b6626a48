"""data-validator: JSON Schema and rule validation, with every error reported."""

from __future__ import annotations

from typing import Any

import pytest

from llmspell_core.context import ExecutionContext
from llmspell_core.errors import ValidationError
from llmspell_core.testing.contracts import ToolContract
from llmspell_core.tool import Tool
from llmspell_tools.utility.data_validator import DataValidator


class TestDataValidatorContract(ToolContract):
    def make_tool(self) -> Tool:
        return DataValidator()

    def invalid_params(self) -> list[dict[str, Any]]:
        return [
            {"data": 1},
            {"data": 1, "schema": {"type": "nonsense"}},
            {"data": 1, "rules": [{"type": "shape"}]},
            {"data": "x", "rules": [{"type": "pattern", "regex": "("}]},
        ]


async def check(**params: Any) -> dict[str, Any]:
    out = await DataValidator().execute(params, ExecutionContext())
    assert out.success
    return out.result


SCHEMA = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "minLength": 2},
        "age": {"type": "integer", "minimum": 0},
        "email": {"type": "string", "format": "email"},
        "tags": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["name", "age"],
    "additionalProperties": False,
}


async def test_schema_valid() -> None:
    result = await check(data={"name": "Ada", "age": 36, "tags": ["x"]}, schema=SCHEMA)
    assert result == {"valid": True, "errors": [], "error_count": 0}


async def test_schema_errors_have_paths_and_rules() -> None:
    result = await check(
        data={"name": "A", "age": -1, "email": "nope", "tags": ["ok", 3], "extra": 1},
        schema=SCHEMA,
    )
    assert result["valid"] is False
    by_rule = {(e["field"], e["rule"]) for e in result["errors"]}
    assert ("name", "minLength") in by_rule
    assert ("age", "minimum") in by_rule
    assert ("email", "format") in by_rule
    assert ("tags[1]", "type") in by_rule
    assert ("$", "additionalProperties") in by_rule


async def test_fail_fast_stops_at_one() -> None:
    result = await check(data={}, schema={"required": ["a", "b"]}, fail_fast=True)
    assert result["error_count"] == 1


async def test_field_rules() -> None:
    rules = {
        "email": [{"type": "required"}, {"type": "email"}],
        "age": [{"type": "type", "expected": "integer"}, {"type": "range", "min": 0, "max": 150}],
        "name": [{"type": "length", "min": 2, "max": 5}],
        "role": [{"type": "enum", "values": ["admin", "user"]}],
        "site": [{"type": "url"}],
        "born": [{"type": "date", "format": "%Y-%m-%d"}],
        "phone": [{"type": "custom", "name": "phone"}],
        "card": [{"type": "custom", "name": "credit_card"}],
        "id": [{"type": "custom", "name": "uuid"}],
        "code": [{"type": "pattern", "regex": "^[A-Z]{3}$"}],
    }
    good = {
        "email": "a@b.org",
        "age": 36,
        "name": "Ada",
        "role": "admin",
        "site": "https://x.org",
        "born": "1815-12-10",
        "phone": "+441234567",
        "card": "4111 1111 1111 1111",
        "id": "550e8400-e29b-41d4-a716-446655440000",
        "code": "ABC",
    }
    assert (await check(data=good, rules=rules))["valid"] is True
    bad = {
        "email": "",
        "age": 200,
        "name": "Adalovelace",
        "role": "root",
        "site": "not a url",
        "born": "10/12/1815",
        "phone": "12ab",
        "card": "4111 1111 1111 1112",
        "id": "nope",
        "code": "abc",
    }
    result = await check(data=bad, rules=rules)
    fields = {e["field"] for e in result["errors"]}
    assert fields == set(bad)


async def test_array_and_object_rules() -> None:
    rules = [
        {
            "type": "array",
            "min_items": 1,
            "unique": True,
            "item_rules": [
                {
                    "type": "object",
                    "required": ["id"],
                    "properties": {"id": [{"type": "type", "expected": "integer"}]},
                    "additional_properties": False,
                }
            ],
        }
    ]
    ok = await check(data=[{"id": 1}, {"id": 2}], rules=rules)
    assert ok["valid"]
    bad = await check(data=[{"id": "1"}, {"x": 1}, {"x": 1}], rules=rules)
    fields = [(e["field"], e["rule"]) for e in bad["errors"]]
    assert ("$", "array") in fields  # not unique
    assert ("$[0].id", "type") in fields
    assert ("$[1].id", "required") in fields
    assert ("$[1].x", "object") in fields


async def test_schema_and_rules_together() -> None:
    result = await check(
        data={"a": 1}, schema={"required": ["b"]}, rules={"a": [{"type": "range", "max": 0}]}
    )
    assert result["error_count"] == 2


async def test_invalid_schema_is_a_parameter_error() -> None:
    with pytest.raises(ValidationError) as info:
        await DataValidator().execute(
            {"data": 1, "schema": {"minimum": "zero"}}, ExecutionContext()
        )
    assert info.value.details["field"] == "schema"
