"""datetime-handler: parse, format, convert, shift and compare dates and times.

dateutil parses the many ways people write dates; zoneinfo names time zones; relativedelta
does calendar arithmetic (a month later than Jan 31 is Feb 28/29, not an error).
"""

from __future__ import annotations

import calendar
import email.utils
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any, ClassVar, Literal

from pydantic import Field

from llmspell_core.errors import ValidationError
from llmspell_core.tool_types import ToolOutput
from llmspell_tools.framework import BaseTool, Invocation, ToolParams, example

__all__ = ["DateTimeHandler", "DateTimeParams"]

Unit = Literal["seconds", "minutes", "hours", "days", "weeks", "months", "years"]

NAMED_FORMATS: dict[str, str] = {
    "iso": "ISO 8601 (2024-01-31T13:45:00+00:00)",
    "rfc2822": "RFC 2822 (Wed, 31 Jan 2024 13:45:00 +0000)",
    "unix": "seconds since 1970-01-01 UTC",
    "date": "%Y-%m-%d",
    "time": "%H:%M:%S",
    "human": "%B %d, %Y at %I:%M %p",
}


class DateTimeParams(ToolParams):
    operation: Literal[
        "now",
        "parse",
        "format",
        "convert_timezone",
        "add",
        "subtract",
        "difference",
        "info",
        "formats",
    ] = Field(default="parse", description="what to do")
    input: str | None = Field(
        default=None, description="a date/time: ISO, RFC 2822, '31 Jan 2024 1pm', unix seconds"
    )
    timezone: str | None = Field(
        default=None,
        description="IANA zone (Europe/Paris) for 'now', and for inputs without an offset "
        "(default UTC)",
    )
    target_timezone: str | None = Field(default=None, description="convert_timezone: target")
    format: str | None = Field(
        default=None,
        description="output format: iso (default), rfc2822, unix, date, time, human, or a "
        "strftime pattern like '%Y-%m-%d %H:%M'",
    )
    amount: float | None = Field(default=None, description="add/subtract: how many units")
    unit: Unit = Field(default="days", description="add/subtract: unit")
    start: str | None = Field(default=None, description="difference: start")
    end: str | None = Field(default=None, description="difference: end")

    required_for: ClassVar[dict[str, tuple[str, ...]]] = {
        "parse": ("input",),
        "format": ("input",),
        "convert_timezone": ("input", "target_timezone"),
        "add": ("input", "amount"),
        "subtract": ("input", "amount"),
        "difference": ("start", "end"),
        "info": ("input",),
    }


def _zone(name: str | None, field: str) -> tzinfo:
    if name is None or name.upper() in ("UTC", "Z"):
        return UTC
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            f"datetime-handler: unknown time zone '{name}' in '{field}' "
            "(use an IANA name like 'America/New_York' or 'UTC')",
            details={"field": field, "rule": "timezone"},
        ) from None


def _parse(text: str, field: str, zone: tzinfo) -> datetime:
    stripped = text.strip()
    try:
        number = float(stripped)
    except ValueError:
        pass
    else:
        return datetime.fromtimestamp(number, tz=UTC).astimezone(zone)
    from dateutil import parser

    try:
        parsed = parser.parse(stripped)
    except (ValueError, OverflowError) as exc:
        raise ValidationError(
            f"datetime-handler: cannot parse '{text}' in '{field}' as a date/time: {exc}",
            details={"field": field, "rule": "datetime"},
        ) from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=zone)


def _format(dt: datetime, fmt: str | None) -> str | int | float:
    match fmt or "iso":
        case "iso":
            return dt.isoformat()
        case "rfc2822":
            return email.utils.format_datetime(dt)
        case "unix":
            stamp = dt.timestamp()
            return int(stamp) if stamp.is_integer() else stamp
        case named if named in NAMED_FORMATS:
            return dt.strftime(NAMED_FORMATS[named])
        case pattern:
            return dt.strftime(pattern)


def _describe(dt: datetime, fmt: str | None) -> dict[str, Any]:
    return {
        "datetime": dt.isoformat(),
        "formatted": _format(dt, fmt),
        "timestamp": dt.timestamp(),
        "timezone": str(dt.tzinfo),
        "utc_offset": dt.strftime("%z"),
    }


def _shift(dt: datetime, amount: float, unit: str) -> datetime:
    if unit in ("months", "years"):
        if not amount.is_integer():
            raise ValidationError(
                f"datetime-handler: {unit} must be a whole number, got {amount}",
                details={"field": "amount", "rule": "integer"},
            )
        from dateutil.relativedelta import relativedelta

        delta: Any = (
            relativedelta(years=int(amount))
            if unit == "years"
            else relativedelta(months=int(amount))
        )
        return dt + delta
    try:
        return dt + timedelta(**{unit: amount})
    except OverflowError:
        raise ValidationError(
            f"datetime-handler: {amount} {unit} goes past the supported date range",
            details={"field": "amount", "rule": "range"},
        ) from None


def _human(delta: timedelta) -> str:
    seconds = int(abs(delta.total_seconds()))
    parts: list[str] = []
    for name, size in (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1)):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count} {name}{'s' if count != 1 else ''}")
    text = ", ".join(parts) or "0 seconds"
    return f"-{text}" if delta.total_seconds() < 0 else text


class DateTimeHandler(BaseTool[DateTimeParams]):
    tool_name = "datetime-handler"
    description = (
        "Dates and times: current time in a zone, parse many formats, format, convert time "
        "zones, add/subtract durations, difference between two instants, calendar info."
    )
    tool_category = "utility"
    tags = ("date", "time", "timezone")
    params_model = DateTimeParams
    timeout_seconds = 5.0
    examples = (
        example("Now in Tokyo", operation="now", timezone="Asia/Tokyo"),
        example("Parse", operation="parse", input="31 Jan 2024 1:45pm"),
        example(
            "Convert",
            operation="convert_timezone",
            input="2024-01-31T12:00:00Z",
            target_timezone="America/New_York",
        ),
        example("Add a month", operation="add", input="2024-01-31", amount=1, unit="months"),
        example("Difference", operation="difference", start="2024-01-01", end="2024-03-01T06:00"),
        example("Info", operation="info", input="2024-02-10"),
    )

    async def run(self, params: DateTimeParams, call: Invocation) -> ToolOutput:
        zone = _zone(params.timezone, "timezone")
        fmt = params.format
        match params.operation:
            case "now":
                dt = datetime.now(zone)
                return call.ok(str(_format(dt, fmt)), _describe(dt, fmt))
            case "parse" | "format":
                dt = _parse(params.input or "", "input", zone)
                return call.ok(str(_format(dt, fmt)), {"input": params.input, **_describe(dt, fmt)})
            case "convert_timezone":
                target = _zone(params.target_timezone, "target_timezone")
                dt = _parse(params.input or "", "input", zone)
                converted = dt.astimezone(target)
                result = {
                    "input": params.input,
                    "original": dt.isoformat(),
                    "target_timezone": params.target_timezone,
                    **_describe(converted, fmt),
                }
                return call.ok(str(_format(converted, fmt)), result)
            case "add" | "subtract":
                dt = _parse(params.input or "", "input", zone)
                amount = float(params.amount or 0)
                sign = 1 if params.operation == "add" else -1
                shifted = _shift(dt, sign * amount, params.unit)
                result = {
                    "input": params.input,
                    "amount": params.amount,
                    "unit": params.unit,
                    "original": dt.isoformat(),
                    "result": _format(shifted, fmt),
                    **_describe(shifted, fmt),
                }
                return call.ok(str(_format(shifted, fmt)), result)
            case "difference":
                start = _parse(params.start or "", "start", zone)
                end = _parse(params.end or "", "end", zone)
                delta = end - start
                seconds = delta.total_seconds()
                difference = {
                    "total_seconds": seconds,
                    "minutes": seconds / 60,
                    "hours": seconds / 3600,
                    "days": seconds / 86400,
                    "weeks": seconds / 604800,
                    "human_readable": _human(delta),
                }
                result: dict[str, Any] = {
                    "start": start.isoformat(),
                    "end": end.isoformat(),
                    **difference,
                    "difference": difference,
                }
                return call.ok(_human(delta), result)
            case "info":
                dt = _parse(params.input or "", "input", zone)
                iso = dt.isocalendar()
                info = {
                    "year": dt.year,
                    "month": dt.month,
                    "day": dt.day,
                    "hour": dt.hour,
                    "minute": dt.minute,
                    "second": dt.second,
                    "weekday": dt.strftime("%A"),
                    "day_of_year": dt.timetuple().tm_yday,
                    "week_of_year": iso.week,
                    "quarter": (dt.month - 1) // 3 + 1,
                    "is_leap_year": calendar.isleap(dt.year),
                    "days_in_month": calendar.monthrange(dt.year, dt.month)[1],
                    "is_weekend": dt.weekday() >= 5,
                    "timezone": str(dt.tzinfo),
                }
                text = (
                    f"{dt.strftime('%A, %B %d, %Y')} (day {info['day_of_year']}, week {iso.week})"
                )
                return call.ok(text, {"input": params.input, "info": info, **info})
            case _:
                return call.ok(
                    ", ".join(NAMED_FORMATS),
                    {"formats": NAMED_FORMATS, "strftime": "any strftime pattern, e.g. %Y-%m-%d"},
                )
