"""datetime-handler: now, parse, format, time zones, arithmetic, differences, info."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from llmspell_core.context import ExecutionContext
from llmspell_core.errors import ValidationError
from llmspell_core.testing.contracts import ToolContract
from llmspell_core.tool import Tool
from llmspell_tools.utility.datetime_handler import DateTimeHandler


class TestDateTimeContract(ToolContract):
    def make_tool(self) -> Tool:
        return DateTimeHandler()

    def invalid_params(self) -> list[dict[str, Any]]:
        return [
            {"operation": "parse"},
            {"operation": "parse", "input": "not a date at all"},
            {"operation": "now", "timezone": "Mars/Olympus"},
            {"operation": "add", "input": "2024-01-01", "amount": 1, "unit": "fortnights"},
            {"operation": "difference", "start": "2024-01-01"},
        ]


async def dt(**params: Any) -> Any:
    return await DateTimeHandler().execute(params, ExecutionContext())


async def test_now_in_a_zone() -> None:
    out = await dt(operation="now", timezone="Asia/Tokyo")
    parsed = datetime.fromisoformat(out.result["datetime"])
    assert parsed.utcoffset() is not None
    assert out.result["utc_offset"] == "+0900"
    assert abs(parsed.timestamp() - datetime.now().timestamp()) < 60


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2024-01-31T13:45:00Z", "2024-01-31T13:45:00+00:00"),
        ("31 Jan 2024 1:45pm", "2024-01-31T13:45:00+00:00"),
        ("Wed, 31 Jan 2024 13:45:00 +0100", "2024-01-31T13:45:00+01:00"),
        ("1706708700", "2024-01-31T13:45:00+00:00"),
    ],
)
async def test_parse(value: str, iso: str) -> None:
    out = await dt(operation="parse", input=value)
    assert out.result["datetime"] == iso


async def test_parse_uses_timezone_for_naive_input() -> None:
    out = await dt(operation="parse", input="2024-07-01 12:00", timezone="Europe/Paris")
    assert out.result["datetime"] == "2024-07-01T12:00:00+02:00"


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("iso", "2024-01-31T13:45:00+00:00"),
        ("rfc2822", "Wed, 31 Jan 2024 13:45:00 +0000"),
        ("unix", 1706708700),
        ("date", "2024-01-31"),
        ("time", "13:45:00"),
        ("%d/%m/%Y", "31/01/2024"),
    ],
)
async def test_format(fmt: str, expected: Any) -> None:
    out = await dt(operation="format", input="2024-01-31T13:45:00Z", format=fmt)
    assert out.result["formatted"] == expected
    assert out.text == str(expected)


async def test_convert_timezone() -> None:
    out = await dt(
        operation="convert_timezone",
        input="2024-01-31T12:00:00Z",
        target_timezone="America/New_York",
    )
    assert out.result["datetime"] == "2024-01-31T07:00:00-05:00"
    with pytest.raises(ValidationError) as info:
        await dt(operation="convert_timezone", input="2024-01-31", target_timezone="Nowhere/X")
    assert info.value.details["field"] == "target_timezone"


@pytest.mark.parametrize(
    ("operation", "amount", "unit", "expected"),
    [
        ("add", 1, "months", "2024-02-29T00:00:00+00:00"),
        ("add", 1, "years", "2025-01-31T00:00:00+00:00"),
        ("add", 36, "hours", "2024-02-01T12:00:00+00:00"),
        ("subtract", 2, "weeks", "2024-01-17T00:00:00+00:00"),
        ("subtract", 90, "seconds", "2024-01-30T23:58:30+00:00"),
        ("add", 1.5, "days", "2024-02-01T12:00:00+00:00"),
    ],
)
async def test_arithmetic(operation: str, amount: float, unit: str, expected: str) -> None:
    out = await dt(operation=operation, input="2024-01-31", amount=amount, unit=unit)
    assert out.result["datetime"] == expected


async def test_fractional_months_are_refused() -> None:
    with pytest.raises(ValidationError) as info:
        await dt(operation="add", input="2024-01-31", amount=1.5, unit="months")
    assert info.value.details["field"] == "amount"


async def test_difference() -> None:
    out = await dt(operation="difference", start="2024-01-01", end="2024-03-01T06:00")
    assert out.result["days"] == pytest.approx(60.25)
    assert out.result["difference"]["total_seconds"] == 60.25 * 86400
    assert out.text == "60 days, 6 hours"
    back = await dt(operation="difference", start="2024-01-02", end="2024-01-01")
    assert back.text == "-1 day"


async def test_info() -> None:
    out = await dt(operation="info", input="2024-02-10")
    info = out.result["info"]
    assert info["weekday"] == "Saturday"
    assert info["is_leap_year"] is True
    assert info["days_in_month"] == 29
    assert info["day_of_year"] == 41
    assert info["quarter"] == 1
    assert info["is_weekend"] is True


async def test_formats_lists_named_formats() -> None:
    out = await dt(operation="formats")
    assert "rfc2822" in out.result["formats"]
