"""data-validator: check data against a JSON Schema (jsonschema) or simple rules.

Invalid *data* is a normal answer (``valid=false`` with every error's path, rule and message);
only an invalid *schema or rule* is a parameter error.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any, Literal
from urllib.parse import urlparse

from pydantic import BaseModel, ConfigDict, Field

from llmspell_core.errors import ValidationError
from llmspell_core.tool_types import ToolOutput
from llmspell_tools.framework import BaseTool, Invocation, ToolParams, example

__all__ = ["DataValidator", "DataValidatorParams", "Rule", "schema_errors"]

_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
_PHONE = re.compile(r"^\+?[1-9]\d{1,14}$")
_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "null": (type(None),),
    "boolean": (bool,),
    "number": (int, float),
    "integer": (int,),
    "string": (str,),
    "array": (list,),
    "object": (dict,),
}


class Rule(BaseModel):
    """One rule; ``type`` picks it and the other keys configure it."""

    model_config = ConfigDict(extra="forbid")

    type: Literal[
        "required",
        "type",
        "length",
        "range",
        "pattern",
        "enum",
        "email",
        "url",
        "date",
        "custom",
        "array",
        "object",
    ]
    expected: str | None = Field(default=None, description="type: JSON type name")
    min: float | None = None
    max: float | None = None
    regex: str | None = None
    values: list[Any] | None = None
    format: str | None = Field(default=None, description="date: strftime format")
    name: Literal["phone", "uuid", "credit_card"] | None = Field(
        default=None, description="custom: built-in validator"
    )
    min_items: int | None = None
    max_items: int | None = None
    unique: bool = False
    item_rules: list[Rule] | None = None
    properties: dict[str, list[Rule]] | None = None
    required: list[str] | None = None
    additional_properties: bool = True


class DataValidatorParams(ToolParams):
    operation: Literal["validate"] = "validate"
    data: Any = Field(default=None, description="the value to check")
    schema_: dict[str, Any] | None = Field(
        default=None, alias="schema", description="a JSON Schema (draft 2020-12 by default)"
    )
    rules: list[Rule] | dict[str, list[Rule]] | None = Field(
        default=None,
        description="rules for the whole value, or {field: [rules]} for an object's fields",
    )
    fail_fast: bool = Field(default=False, description="stop at the first error")
    max_errors: int = Field(default=100, ge=1, le=10_000)

    model_config = ConfigDict(populate_by_name=True)


def _luhn(text: str) -> bool:
    digits = [int(c) for c in text if c.isdigit()]
    if not 13 <= len(digits) <= 19:
        return False
    total = 0
    for i, d in enumerate(reversed(digits)):
        total += d if i % 2 == 0 else (d * 2 - 9 if d * 2 > 9 else d * 2)
    return total % 10 == 0


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    for name in ("integer", "number", "string", "array", "object"):
        if isinstance(value, _JSON_TYPES[name]):
            return name
    return type(value).__name__


class _RuleChecker:
    def __init__(self, max_errors: int, fail_fast: bool) -> None:
        self.errors: list[dict[str, Any]] = []
        self.limit = 1 if fail_fast else max_errors

    def full(self) -> bool:
        return len(self.errors) >= self.limit

    def add(self, field: str, rule: str, message: str, value: Any) -> None:
        if not self.full():
            self.errors.append({"field": field, "rule": rule, "message": message, "value": value})

    def check(self, field: str, value: Any, rules: list[Rule]) -> None:
        for rule in rules:
            if self.full():
                return
            self._one(field, value, rule)

    def _one(self, field: str, value: Any, rule: Rule) -> None:
        kind = rule.type
        if kind == "required":
            if value is None or value == "":
                self.add(field, kind, f"{field} is required", value)
            return
        if value is None:
            return  # only 'required' judges a missing value
        match kind:
            case "type":
                actual = _type_name(value)
                expected = rule.expected or "string"
                ok = actual == expected or (expected == "number" and actual == "integer")
                if not ok:
                    self.add(field, kind, f"expected type '{expected}', got '{actual}'", value)
            case "length":
                if isinstance(value, str | list):
                    size = len(value)  # pyright: ignore[reportUnknownArgumentType]
                    if rule.min is not None and size < rule.min:
                        self.add(field, kind, f"length must be at least {rule.min:g}", value)
                    elif rule.max is not None and size > rule.max:
                        self.add(field, kind, f"length must be at most {rule.max:g}", value)
            case "range":
                if isinstance(value, int | float) and not isinstance(value, bool):
                    if rule.min is not None and value < rule.min:
                        self.add(field, kind, f"value must be at least {rule.min:g}", value)
                    elif rule.max is not None and value > rule.max:
                        self.add(field, kind, f"value must be at most {rule.max:g}", value)
            case "pattern":
                if isinstance(value, str) and not re.search(_regex(rule.regex), value):
                    self.add(field, kind, f"value does not match pattern {rule.regex}", value)
            case "enum":
                if value not in (rule.values or []):
                    self.add(field, kind, f"value must be one of {rule.values}", value)
            case "email":
                if not isinstance(value, str) or not _EMAIL.match(value):
                    self.add(field, kind, "invalid email address", value)
            case "url":
                parsed = urlparse(value) if isinstance(value, str) else None
                if parsed is None or not parsed.scheme or not parsed.netloc:
                    self.add(field, kind, "invalid URL", value)
            case "date":
                self._date(field, value, rule)
            case "custom":
                self._custom(field, value, rule)
            case "array":
                self._array(field, value, rule)
            case _:
                self._object(field, value, rule)

    def _date(self, field: str, value: Any, rule: Rule) -> None:
        try:
            if rule.format:
                datetime.strptime(str(value), rule.format)
            else:
                datetime.fromisoformat(str(value))
        except ValueError:
            self.add(field, "date", f"not a date in format {rule.format or 'ISO 8601'}", value)

    def _custom(self, field: str, value: Any, rule: Rule) -> None:
        text = value if isinstance(value, str) else ""
        checks = {"phone": lambda: bool(_PHONE.match(text)), "uuid": lambda: _is_uuid(text)}
        ok = checks[rule.name]() if rule.name in checks else _luhn(text)
        if not ok:
            self.add(field, "custom", f"invalid {rule.name or 'credit_card'}", value)

    def _array(self, field: str, value: Any, rule: Rule) -> None:
        if not isinstance(value, list):
            self.add(field, "array", f"expected an array, got '{_type_name(value)}'", value)
            return
        items: list[Any] = value  # pyright: ignore[reportUnknownVariableType]
        if rule.min_items is not None and len(items) < rule.min_items:
            self.add(field, "array", f"must have at least {rule.min_items} items", value)
        if rule.max_items is not None and len(items) > rule.max_items:
            self.add(field, "array", f"must have at most {rule.max_items} items", value)
        if rule.unique and len({repr(i) for i in items}) != len(items):
            self.add(field, "array", "items must be unique", value)
        for i, item in enumerate(items):
            self.check(f"{field}[{i}]", item, rule.item_rules or [])

    def _object(self, field: str, value: Any, rule: Rule) -> None:
        if not isinstance(value, dict):
            self.add(field, "object", f"expected an object, got '{_type_name(value)}'", value)
            return
        obj: dict[str, Any] = value  # pyright: ignore[reportUnknownVariableType]
        for key in rule.required or []:
            if obj.get(key) is None:
                self.add(_join(field, key), "required", f"{_join(field, key)} is required", None)
        props = rule.properties or {}
        for key, rules in props.items():
            self.check(_join(field, key), obj.get(key), rules)
        if not rule.additional_properties:
            for key in sorted(set(obj) - set(props)):
                self.add(_join(field, key), "object", "additional property not allowed", obj[key])


def _join(base: str, key: str) -> str:
    return key if base in ("", "$") else f"{base}.{key}"


def _regex(pattern: str | None) -> re.Pattern[str]:
    try:
        return re.compile(pattern or "")
    except re.error as exc:
        raise ValidationError(
            f"data-validator: rule regex {pattern!r} is invalid: {exc}",
            details={"field": "rules.regex", "rule": "regex"},
        ) from None


def schema_errors(data: Any, schema: dict[str, Any], limit: int) -> list[dict[str, Any]]:
    """Every way ``data`` breaks ``schema`` (up to ``limit``), or ValidationError for a bad schema."""
    from jsonschema import Draft202012Validator, validators
    from jsonschema.exceptions import SchemaError
    from jsonschema.exceptions import ValidationError as Violation

    cls: Any = validators.validator_for(schema, default=Draft202012Validator)
    try:
        cls.check_schema(schema)
    except SchemaError as exc:
        where = "/".join(str(p) for p in exc.path) or "(root)"
        raise ValidationError(
            f"data-validator: the schema is invalid at {where}: {exc.message}",
            details={"field": "schema", "rule": "schema"},
        ) from None
    validator: Any = cls(schema, format_checker=cls.FORMAT_CHECKER)
    found: list[Violation] = list(validator.iter_errors(data))
    found.sort(key=lambda e: [str(p) for p in e.path])
    errors: list[dict[str, Any]] = []
    for error in found[:limit]:
        field = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.path)
        errors.append(
            {
                "field": field.lstrip(".") or "$",
                "rule": str(error.validator),
                "message": error.message,
                "schema_path": "/".join(str(p) for p in error.schema_path),
            }
        )
    return errors


class DataValidator(BaseTool[DataValidatorParams]):
    tool_name = "data-validator"
    description = (
        "Validate data against a JSON Schema or simple rules (required, type, length, range, "
        "pattern, enum, email, url, date, phone/uuid/credit_card, array, object); reports "
        "every error with its field."
    )
    tool_category = "utility"
    tags = ("validation", "json-schema")
    params_model = DataValidatorParams
    timeout_seconds = 10.0
    examples = (
        example(
            "JSON Schema",
            data={"name": "Ada", "age": 36},
            schema={
                "type": "object",
                "properties": {"age": {"type": "integer", "minimum": 0}},
                "required": ["name"],
            },
        ),
        example(
            "Field rules",
            data={"email": "ada@example.com", "age": 36},
            rules={
                "email": [{"type": "required"}, {"type": "email"}],
                "age": [{"type": "range", "min": 0, "max": 150}],
            },
        ),
    )

    async def run(self, params: DataValidatorParams, call: Invocation) -> ToolOutput:
        if params.schema_ is None and params.rules is None:
            raise ValidationError(
                "data-validator: give 'schema' (JSON Schema) or 'rules' (rule: required)",
                details={"field": "schema", "rule": "required"},
            )
        errors: list[dict[str, Any]] = []
        limit = 1 if params.fail_fast else params.max_errors
        if params.schema_ is not None:
            errors = schema_errors(params.data, params.schema_, limit)
        if params.rules is not None and len(errors) < limit:
            checker = _RuleChecker(limit - len(errors), params.fail_fast)
            if isinstance(params.rules, dict):
                checker.check("$", params.data, [Rule(type="object", properties=params.rules)])
            else:
                checker.check("$", params.data, params.rules)
            errors.extend(checker.errors)
        valid = not errors
        text = (
            "valid"
            if valid
            else f"{len(errors)} error(s): "
            + "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
        )
        return call.ok(text, {"valid": valid, "errors": errors, "error_count": len(errors)})
