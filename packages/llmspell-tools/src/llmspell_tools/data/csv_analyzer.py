"""csv-analyzer: column statistics, filtering, sampling, validation and conversion of CSV.

The stdlib csv module reads the data (no heavy dependency for the common cases); values are
typed per column by inference. Parquet output needs the ``parquet`` extra (polars).
"""

from __future__ import annotations

import csv
import io
import json
import operator
import random
import re
import statistics
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar, Literal, cast

from pydantic import BaseModel, ConfigDict, Field

from llmspell_core.errors import ValidationError
from llmspell_core.extras import import_optional
from llmspell_core.tool_types import SecurityLevel, ToolOutput
from llmspell_tools._files import input_file
from llmspell_tools.framework import BaseTool, Invocation, ToolParams, example
from llmspell_utils import atomic_write_text

__all__ = ["Condition", "CsvAnalyzer", "CsvParams", "CsvRules"]

MAX_INPUT_BYTES = 200 * 1024 * 1024
ColumnType = Literal["integer", "number", "boolean", "date", "string"]
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")


class Condition(BaseModel):
    model_config = ConfigDict(extra="forbid")

    column: str
    op: Literal[
        "eq",
        "ne",
        "gt",
        "ge",
        "lt",
        "le",
        "contains",
        "startswith",
        "endswith",
        "in",
        "regex",
        "empty",
        "not_empty",
    ] = "eq"
    value: Any = None


class CsvRules(BaseModel):
    model_config = ConfigDict(extra="forbid")

    required_columns: list[str] = Field(default_factory=list[str])
    column_types: dict[str, ColumnType] = Field(default_factory=dict[str, ColumnType])
    not_null: list[str] = Field(default_factory=list[str])
    unique: list[str] = Field(default_factory=list[str])


class CsvParams(ToolParams):
    operation: Literal["analyze", "filter", "convert", "sample", "validate"] = "analyze"
    content: str | None = Field(default=None, description="CSV text")
    file: str | None = Field(default=None, description="CSV file inside allowed roots")
    delimiter: str = Field(default=",", min_length=1, max_length=1)
    has_header: bool = Field(default=True, description="first row holds column names")
    columns: list[str] | None = Field(default=None, description="filter/sample: keep these")
    conditions: list[Condition] = Field(
        default_factory=list[Condition],
        description="filter: all must hold, e.g. {column: 'age', op: 'gt', value: 30}",
    )
    format: Literal["json", "csv", "parquet"] = Field(
        default="json", description="convert: target format"
    )
    output_file: str | None = Field(
        default=None, description="convert/filter: write here (required for parquet)"
    )
    n: int = Field(default=10, ge=1, description="sample: how many rows")
    method: Literal["head", "tail", "random"] = Field(default="head", description="sample")
    seed: int | None = Field(default=None, description="sample: random seed")
    rules: CsvRules = Field(default_factory=CsvRules, description="validate: what to check")

    required_for: ClassVar[dict[str, tuple[str, ...]]] = {}


def _infer(value: str) -> tuple[ColumnType | None, Any]:
    text = value.strip()
    if text == "":
        return None, None
    if re.fullmatch(r"[+-]?\d+", text):
        return "integer", int(text)
    try:
        number = float(text)
    except ValueError:
        pass
    else:
        if text.lower() not in ("nan", "inf", "-inf", "infinity", "+inf"):
            return "number", number
    if text.lower() in ("true", "false"):
        return "boolean", text.lower() == "true"
    if _DATE.match(text):
        return "date", text
    return "string", text


def _column_type(types: Counter[ColumnType]) -> ColumnType | Literal["empty"]:
    if not types:
        return "empty"
    if set(types) <= {"integer"}:
        return "integer"
    if set(types) <= {"integer", "number"}:
        return "number"
    if len(types) == 1:
        return next(iter(types))
    return "string"


def _typed(value: str, kind: str) -> Any:
    got, parsed = _infer(value)
    if got is None:
        return None
    # integers stay integers in a number column; values that break the column type stay text
    return parsed if got == kind or (kind == "number" and got == "integer") else value


def _stats(name: str, values: list[str]) -> dict[str, Any]:
    types: Counter[ColumnType] = Counter()
    parsed: list[Any] = []
    for v in values:
        kind, value = _infer(v)
        if kind is not None:
            types[kind] += 1
            parsed.append(value)
    kind = _column_type(types)
    present = [v for v in values if v.strip() != ""]
    out: dict[str, Any] = {
        "name": name,
        "type": kind,
        "count": len(values),
        "null_count": len(values) - len(present),
        "unique_count": len(set(present)),
    }
    if kind in ("integer", "number"):
        numbers = [float(p) for p in parsed]
        out.update(
            min=min(numbers),
            max=max(numbers),
            sum=sum(numbers),
            mean=statistics.fmean(numbers),
            median=statistics.median(numbers),
            std=statistics.stdev(numbers) if len(numbers) > 1 else 0.0,
        )
        if kind == "integer":
            out.update(min=int(out["min"]), max=int(out["max"]), sum=int(out["sum"]))
    elif present:
        lengths = [len(v) for v in present]
        out.update(min_length=min(lengths), max_length=max(lengths))
        out["top_values"] = [{"value": v, "count": c} for v, c in Counter(present).most_common(5)]
    return out


def _matches(row: dict[str, str], cond: Condition) -> bool:
    raw = row.get(cond.column, "")
    if cond.op == "empty":
        return raw.strip() == ""
    if cond.op == "not_empty":
        return raw.strip() != ""
    _, value = _infer(raw)
    target = cond.value
    match cond.op:
        case "contains":
            return str(target) in raw
        case "startswith":
            return raw.startswith(str(target))
        case "endswith":
            return raw.endswith(str(target))
        case "regex":
            return re.search(str(target), raw) is not None
        case "in":
            options: list[Any] = cast(list[Any], target) if isinstance(target, list) else [target]
            return value in options or raw in [str(o) for o in options]
        case _:
            pass
    if isinstance(target, int | float) and not isinstance(target, bool):
        if not isinstance(value, int | float) or isinstance(value, bool):
            return cond.op == "ne"
        left: Any = value
    else:
        left, target = raw, "" if target is None else str(target)
    compare: dict[str, Callable[[Any, Any], Any]] = {
        "eq": operator.eq,
        "ne": operator.ne,
        "gt": operator.gt,
        "ge": operator.ge,
        "lt": operator.lt,
        "le": operator.le,
    }
    try:
        return bool(compare[cond.op](left, target))
    except TypeError:
        return False


class _Table:
    def __init__(self, header: list[str], rows: list[list[str]], first_line: int = 2) -> None:
        self.header = header
        self.rows = rows
        #: The file line of the first data row (for error reports).
        self.first_line = first_line

    def records(self, rows: list[list[str]] | None = None) -> list[dict[str, str]]:
        return [
            dict(zip(self.header, r + [""] * (len(self.header) - len(r)), strict=False))
            for r in (self.rows if rows is None else rows)
        ]

    def typed(self, records: list[dict[str, str]]) -> list[dict[str, Any]]:
        kinds = {c: _column_type(self._types(c)) for c in self.header}
        return [{k: _typed(v, str(kinds.get(k))) for k, v in r.items()} for r in records]

    def _types(self, column: str) -> Counter[ColumnType]:
        index = self.header.index(column)
        types: Counter[ColumnType] = Counter()
        for r in self.rows:
            kind, _ = _infer(r[index] if index < len(r) else "")
            if kind is not None:
                types[kind] += 1
        return types


def _read(params: CsvParams, call: Invocation) -> _Table:
    if params.file is not None:
        path = input_file(call, params.file, field="file", limit=MAX_INPUT_BYTES, setting=None)
        text = path.read_text(encoding="utf-8-sig", errors="replace")
    elif params.content is not None:
        text = params.content
    else:
        raise ValidationError(
            "csv-analyzer: give 'content' (CSV text) or 'file' (rule: required)",
            details={"field": "content", "rule": "required"},
        )
    try:
        rows = [r for r in csv.reader(io.StringIO(text), delimiter=params.delimiter) if r]
    except csv.Error as exc:
        raise ValidationError(
            f"csv-analyzer: malformed CSV: {exc}", details={"field": "content", "rule": "csv"}
        ) from None
    if not rows:
        return _Table([], [])
    if params.has_header:
        return _Table([h.strip() for h in rows[0]], rows[1:])
    width = max(len(r) for r in rows)
    return _Table([f"column_{i + 1}" for i in range(width)], rows, first_line=1)


def _check_columns(table: _Table, names: list[str], field: str) -> None:
    unknown = [n for n in names if n not in table.header]
    if unknown:
        raise ValidationError(
            f"csv-analyzer: unknown column(s) {', '.join(map(repr, unknown))} in '{field}'; "
            f"columns: {', '.join(table.header)}",
            details={"field": field, "rule": "column"},
        )


def _to_csv(header: list[str], records: list[dict[str, Any]], delimiter: str) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, delimiter=delimiter, lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    return buffer.getvalue()


class CsvAnalyzer(BaseTool[CsvParams]):
    tool_name = "csv-analyzer"
    description = (
        "Analyze CSV (per-column type, counts, min/max/mean/median/std, top values), filter "
        "rows by conditions, sample rows, validate columns/types/nulls/uniqueness, and convert "
        "to JSON, CSV or Parquet."
    )
    tool_category = "data"
    tags = ("csv", "data", "statistics")
    params_model = CsvParams
    security_level = SecurityLevel.RESTRICTED
    timeout_seconds = 60.0
    examples = (
        example("Analyze", content="name,age\nada,36\nalan,41\n"),
        example(
            "Filter",
            operation="filter",
            content="name,age\nada,36\nalan,41\n",
            conditions=[{"column": "age", "op": "gt", "value": 40}],
        ),
        example("To JSON", operation="convert", content="a,b\n1,x\n", format="json"),
        example("Sample", operation="sample", content="a\n1\n2\n3\n", n=2),
        example(
            "Validate",
            operation="validate",
            content="id,age\n1,36\n2,\n",
            rules={"required_columns": ["id"], "not_null": ["age"]},
        ),
    )

    async def run(self, params: CsvParams, call: Invocation) -> ToolOutput:
        table = await call.to_thread(_read, params, call)
        match params.operation:
            case "analyze":
                return await call.to_thread(self._analyze, table, call)
            case "filter":
                return await self._filter(table, params, call)
            case "sample":
                return self._sample(table, params, call)
            case "validate":
                return self._validate(table, params.rules, call)
            case _:
                return await self._convert(table, table.rows, params, call)

    def _analyze(self, table: _Table, call: Invocation) -> ToolOutput:
        columns = [
            _stats(name, [r[i] if i < len(r) else "" for r in table.rows])
            for i, name in enumerate(table.header)
        ]
        text = f"{len(table.rows)} rows, {len(columns)} columns: " + ", ".join(
            f"{c['name']} ({c['type']})" for c in columns
        )
        result = {"row_count": len(table.rows), "column_count": len(columns), "columns": columns}
        return call.ok(text, result)

    async def _filter(self, table: _Table, params: CsvParams, call: Invocation) -> ToolOutput:
        _check_columns(table, [c.column for c in params.conditions], "conditions")
        kept = [
            row
            for row, record in zip(table.rows, table.records(), strict=True)
            if all(_matches(record, c) for c in params.conditions)
        ]
        return await self._convert(table, kept, params, call, total=len(table.rows))

    def _sample(self, table: _Table, params: CsvParams, call: Invocation) -> ToolOutput:
        n = min(params.n, len(table.rows))
        if params.method == "head":
            rows = table.rows[:n]
        elif params.method == "tail":
            rows = table.rows[len(table.rows) - n :]
        else:
            rows = random.Random(params.seed).sample(table.rows, n)
        records = self._select(table, table.typed(table.records(rows)), params)
        records = call.limit_rows(records)
        return call.ok(
            f"{len(records)} of {len(table.rows)} rows",
            {"rows": records, "row_count": len(records), "total_rows": len(table.rows)},
        )

    def _select(
        self, table: _Table, records: list[dict[str, Any]], params: CsvParams
    ) -> list[dict[str, Any]]:
        if not params.columns:
            return records
        _check_columns(table, params.columns, "columns")
        return [{c: r.get(c) for c in params.columns} for r in records]

    def _validate(self, table: _Table, rules: CsvRules, call: Invocation) -> ToolOutput:
        errors: list[dict[str, Any]] = []
        for column in rules.required_columns:
            if column not in table.header:
                errors.append({"column": column, "rule": "required_column", "row": None})
        width = len(table.header)
        for number, row in enumerate(table.rows, start=table.first_line):
            if len(row) != width:
                errors.append(
                    {
                        "row": number,
                        "rule": "row_length",
                        "message": f"{len(row)} fields, not {width}",
                    }
                )
        records = table.records()
        for column in rules.not_null:
            if column in table.header:
                errors.extend(
                    {"column": column, "row": i + table.first_line, "rule": "not_null"}
                    for i, r in enumerate(records)
                    if r.get(column, "").strip() == ""
                )
        for column in rules.unique:
            seen: dict[str, int] = {}
            for i, r in enumerate(records):
                value = r.get(column, "")
                if value in seen:
                    errors.append(
                        {
                            "column": column,
                            "row": i + table.first_line,
                            "rule": "unique",
                            "value": value,
                        }
                    )
                seen.setdefault(value, i + table.first_line)
        for column, kind in rules.column_types.items():
            for i, r in enumerate(records):
                got, _ = _infer(r.get(column, ""))
                ok = got is None or got == kind or (kind == "number" and got == "integer")
                ok = ok or kind == "string"
                if not ok:
                    errors.append(
                        {
                            "column": column,
                            "row": i + table.first_line,
                            "rule": "type",
                            "expected": kind,
                            "value": r.get(column),
                        }
                    )
        shown = call.limit_rows(errors)
        text = "valid" if not errors else f"{len(errors)} problem(s)"
        return call.ok(text, {"valid": not errors, "errors": shown, "error_count": len(errors)})

    async def _convert(
        self,
        table: _Table,
        rows: list[list[str]],
        params: CsvParams,
        call: Invocation,
        total: int | None = None,
    ) -> ToolOutput:
        records = self._select(table, table.typed(table.records(rows)), params)
        header = params.columns or table.header
        meta: dict[str, Any] = {"row_count": len(records)}
        if total is not None:
            meta["total_rows"] = total
        if params.format == "parquet" or params.output_file is not None:
            if params.output_file is None:
                raise ValidationError(
                    "csv-analyzer: Parquet output needs 'output_file' (rule: required)",
                    details={"field": "output_file", "rule": "required"},
                )
            path = call.safe_path(params.output_file)
            await call.to_thread(self._write, path, header, records, params)
            meta.update(output_file=str(path), format=params.format)
            return call.ok(f"wrote {len(records)} rows to {path}", meta)
        if params.format == "csv":
            text = call.limit_text(_to_csv(header, records, params.delimiter))
            meta.update(format="csv", content=text)
            return call.ok(text, meta)
        shown = call.limit_rows(records)
        meta.update(format="json", rows=shown)
        return call.ok(call.limit_text(json.dumps(shown)), meta)

    def _write(
        self, path: Path, header: list[str], records: list[dict[str, Any]], params: CsvParams
    ) -> None:
        if params.format == "parquet":
            polars: Any = import_optional(
                "polars",
                what="csv-analyzer parquet output",
                distribution="llmspell-tools",
                extra="parquet",
            )
            polars.DataFrame(records, schema=header).write_parquet(path)
        elif params.format == "csv":
            atomic_write_text(path, _to_csv(header, records, params.delimiter))
        else:
            atomic_write_text(path, json.dumps(records, indent=2))
