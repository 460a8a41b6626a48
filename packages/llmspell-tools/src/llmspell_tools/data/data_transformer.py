"""data-transformer: map, filter, sort, group, aggregate, join and pivot lists of records.

Records are what the other tools hand around (database rows, CSV rows, parsed JSON/YAML), and
they are often ragged (missing keys, mixed types), so this is plain Python over dicts rather
than a dataframe library that would insist on a schema. Expressions (``price * qty``,
``age > 30 and city == 'Paris'``) are evaluated by simpleeval, never ``eval``.
"""

from __future__ import annotations

import ast
import math
import statistics
from collections.abc import Callable
from typing import Any, ClassVar, Literal, cast

from pydantic import BaseModel, ConfigDict, Field

from llmspell_core.errors import ValidationError
from llmspell_core.tool_types import ToolOutput
from llmspell_tools.data._values import as_records, plain
from llmspell_tools.framework import BaseTool, Invocation, ToolParams, example

__all__ = ["Aggregation", "DataTransformer", "DataTransformerParams", "FieldCondition"]

AggOp = Literal[
    "count",
    "count_distinct",
    "sum",
    "mean",
    "avg",
    "median",
    "min",
    "max",
    "std",
    "var",
    "first",
    "last",
    "list",
    "distinct",
]
_AGG_OPS: frozenset[str] = frozenset(AggOp.__args__)  # type: ignore[attr-defined]


class FieldCondition(BaseModel):
    model_config = ConfigDict(extra="forbid")

    field: str
    op: Literal[
        "eq",
        "ne",
        "gt",
        "gte",
        "lt",
        "lte",
        "in",
        "not_in",
        "contains",
        "startswith",
        "endswith",
        "exists",
        "missing",
    ] = "eq"
    value: Any = None


class Aggregation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    op: AggOp
    field: str | None = None


class DataTransformerParams(ToolParams):
    operation: Literal["map", "filter", "sort", "group", "aggregate", "join", "pivot"] = Field(
        default="map", description="what to do with the records"
    )
    data: list[Any] = Field(description="the records: a list of objects")
    fields: dict[str, str] | None = Field(
        default=None,
        description="map: new_field -> expression over the record ('price * qty', "
        "'upper(name)', row['a b'])",
    )
    rename: dict[str, str] | None = Field(default=None, description="map: old -> new name")
    select: list[str] | None = Field(default=None, description="map: keep only these fields")
    drop: list[str] | None = Field(default=None, description="map: remove these fields")
    where: str | None = Field(
        default=None, description="filter: expression ('age > 30 and city == \"Paris\"')"
    )
    conditions: list[FieldCondition] | None = Field(
        default=None, description="filter: [{field, op, value}] instead of 'where'"
    )
    match: Literal["all", "any"] = Field(default="all", description="filter: how to combine")
    by: list[str] | str | None = Field(
        default=None, description="sort/group/aggregate: the field(s) to use"
    )
    descending: bool = Field(default=False, description="sort: largest first")
    aggregations: dict[str, Aggregation | str] | None = Field(
        default=None,
        description="aggregate/group: output -> {op, field} or 'op:field' (ops: count "
        "count_distinct sum mean median min max std var first last list distinct)",
    )
    right: list[Any] | None = Field(default=None, description="join: the other records")
    on: list[str] | str | None = Field(default=None, description="join: the shared key field(s)")
    left_on: list[str] | str | None = Field(default=None, description="join: keys on the left")
    right_on: list[str] | str | None = Field(default=None, description="join: keys on the right")
    how: Literal["inner", "left", "right", "outer"] = Field(default="inner")
    suffix: str = Field(default="_right", description="join: appended to clashing right names")
    index: list[str] | str | None = Field(default=None, description="pivot: row key field(s)")
    columns: str | None = Field(
        default=None, description="pivot: field whose values become columns"
    )
    values: str | None = Field(default=None, description="pivot: field to aggregate")
    agg: AggOp = Field(default="sum", description="pivot: how to combine several values")
    fill: Any = Field(default=None, description="pivot: value for missing cells")

    required_for: ClassVar[dict[str, tuple[str, ...]]] = {
        "group": ("by",),
        "sort": ("by",),
        "join": ("right",),
        "aggregate": ("aggregations",),
        "pivot": ("index", "columns", "values"),
    }


def _names(value: list[str] | str | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "int": int,
    "float": float,
    "str": str,
    "bool": bool,
    "len": len,
    "abs": abs,
    "round": round,
    "min": min,
    "max": max,
    "sum": sum,
    "lower": lambda s: str(s).lower(),  # pyright: ignore[reportUnknownLambdaType, reportUnknownArgumentType]
    "upper": lambda s: str(s).upper(),  # pyright: ignore[reportUnknownLambdaType, reportUnknownArgumentType]
    "strip": lambda s: str(s).strip(),  # pyright: ignore[reportUnknownLambdaType, reportUnknownArgumentType]
    "concat": lambda *parts: "".join("" if p is None else str(p) for p in parts),
    "coalesce": lambda *vals: next((v for v in vals if v is not None), None),
    "sqrt": math.sqrt,
    "floor": math.floor,
    "ceil": math.ceil,
}


class _Expression:
    """One simpleeval expression, parsed once and evaluated per record."""

    def __init__(self, source: str, field: str) -> None:
        from simpleeval import EvalWithCompoundTypes

        self.source = source
        self.field = field
        try:
            self.tree = ast.parse(source.strip(), mode="eval").body
        except SyntaxError as exc:
            raise ValidationError(
                f"data-transformer: invalid expression in '{field}': {source!r} ({exc.msg})",
                details={"field": field, "rule": "expression"},
            ) from None
        self.evaluator: Any = EvalWithCompoundTypes(functions=_FUNCTIONS)

    def __call__(self, record: dict[str, Any], index: int) -> Any:
        from simpleeval import InvalidExpression, NameNotDefined

        names = {**record, "row": record, "None": None, "True": True, "False": False}
        self.evaluator.names = names
        try:
            value: Any = self.evaluator.eval(self.source, previously_parsed=self.tree)
            return value
        except NameNotDefined as exc:
            raise ValidationError(
                f"data-transformer: '{self.field}' expression {self.source!r} uses "
                f"'{exc.name}', which record {index} does not have (use row.get('{exc.name}') "
                "for optional fields)",
                details={"field": self.field, "rule": "expression", "record": index},
            ) from None
        except (InvalidExpression, ArithmeticError, TypeError, ValueError, KeyError) as exc:
            raise ValidationError(
                f"data-transformer: '{self.field}' expression {self.source!r} failed on record "
                f"{index}: {exc}",
                details={"field": self.field, "rule": "expression", "record": index},
            ) from None


def _compare(op: str, left: Any, right: Any) -> bool:
    try:
        match op:
            case "eq":
                return bool(left == right)
            case "ne":
                return bool(left != right)
            case "gt":
                return left is not None and bool(left > right)
            case "gte":
                return left is not None and bool(left >= right)
            case "lt":
                return left is not None and bool(left < right)
            case "lte":
                return left is not None and bool(left <= right)
            case "in":
                return left in cast(list[Any], right or [])
            case "not_in":
                return left not in cast(list[Any], right or [])
            case "contains":
                return left is not None and right in left
            case "startswith":
                return isinstance(left, str) and left.startswith(str(right))
            case _:  # endswith
                return isinstance(left, str) and left.endswith(str(right))
    except TypeError:
        return False  # a string compared with a number: not a match


def _aggregate(op: str, values: list[Any], rows: int) -> Any:
    present = [v for v in values if v is not None]
    if op == "count":
        return rows if not values else len(present)
    if op == "count_distinct":
        return len({repr(plain(v)) for v in present})
    if op == "first":
        return present[0] if present else None
    if op == "last":
        return present[-1] if present else None
    if op == "list":
        return present
    if op == "distinct":
        seen: dict[str, Any] = {}
        for v in present:
            seen.setdefault(repr(plain(v)), v)
        return list(seen.values())
    if op in ("min", "max"):
        try:
            return (min if op == "min" else max)(present) if present else None
        except TypeError:
            raise ValidationError(
                f"data-transformer: cannot take the {op} of mixed types "
                f"({', '.join(sorted({type(v).__name__ for v in present}))})",
                details={"field": "aggregations", "rule": "type"},
            ) from None
    numbers = [float(v) if isinstance(v, float) else v for v in present if _number(v)]
    if len(numbers) != len(present):
        bad = next(v for v in present if not _number(v))
        raise ValidationError(
            f"data-transformer: '{op}' needs numbers, got {bad!r}",
            details={"field": "aggregations", "rule": "number"},
        )
    if op == "sum":
        return sum(numbers)
    if not numbers:
        return None
    if op in ("mean", "avg"):
        return statistics.fmean(numbers)
    if op == "median":
        return statistics.median(numbers)
    if len(numbers) < 2:
        return None
    return statistics.stdev(numbers) if op == "std" else statistics.variance(numbers)


def _aggregations(raw: dict[str, Aggregation | str]) -> dict[str, Aggregation]:
    out: dict[str, Aggregation] = {}
    for name, spec in raw.items():
        if isinstance(spec, Aggregation):
            out[name] = spec
            continue
        op, _, field = spec.partition(":")
        if op not in _AGG_OPS:
            raise ValidationError(
                f"data-transformer: aggregation '{name}': unknown op '{op}' (known: "
                f"{', '.join(sorted(_AGG_OPS))})",
                details={"field": f"aggregations.{name}", "rule": "op"},
            )
        out[name] = Aggregation(op=cast(AggOp, op), field=field or None)
    for name, spec in out.items():
        if spec.field is None and spec.op != "count":
            raise ValidationError(
                f"data-transformer: aggregation '{name}' ({spec.op}) needs a field "
                f"('{spec.op}:<field>')",
                details={"field": f"aggregations.{name}", "rule": "required"},
            )
    return out


def _key(record: dict[str, Any], fields: list[str]) -> tuple[str, ...]:
    return tuple(repr(plain(record.get(f))) for f in fields)


def _groups(rows: list[dict[str, Any]], by: list[str]) -> dict[tuple[str, ...], list[Any]]:
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(_key(row, by), []).append(row)
    return cast(dict[tuple[str, ...], list[Any]], groups)


class DataTransformer(BaseTool[DataTransformerParams]):
    tool_name = "data-transformer"
    description = (
        "Transform a list of records (objects): map (compute/rename/select fields), filter "
        "(expression or conditions), sort, group, aggregate (count sum mean median min max "
        "...), join two lists on keys, or pivot into a table."
    )
    tool_category = "data"
    tags = ("records", "transform", "aggregate", "join", "pivot", "etl")
    params_model = DataTransformerParams
    timeout_seconds = 30.0
    examples = (
        example(
            "Compute a field",
            operation="map",
            data=[{"item": "tea", "price": 2.5, "qty": 4}],
            fields={"total": "price * qty"},
        ),
        example(
            "Filter",
            operation="filter",
            data=[{"name": "ada", "age": 36}, {"name": "kid", "age": 9}],
            where="age >= 18",
        ),
        example(
            "Aggregate by group",
            operation="aggregate",
            data=[{"city": "Paris", "n": 2}, {"city": "Paris", "n": 3}, {"city": "Oslo", "n": 1}],
            by="city",
            aggregations={"total": "sum:n", "rows": "count"},
        ),
        example(
            "Join",
            operation="join",
            data=[{"id": 1, "name": "ada"}],
            right=[{"id": 1, "city": "London"}],
            on="id",
        ),
        example(
            "Pivot",
            operation="pivot",
            data=[
                {"year": 2024, "q": "Q1", "sales": 10},
                {"year": 2024, "q": "Q2", "sales": 12},
            ],
            index="year",
            columns="q",
            values="sales",
        ),
    )

    async def run(self, params: DataTransformerParams, call: Invocation) -> ToolOutput:
        rows = as_records(params.data, tool=self.tool_name, field="data")
        result = await call.to_thread(self._transform, params, rows, call)
        out = call.limit_rows(result)
        return call.ok(
            f"{params.operation}: {len(params.data)} record(s) in, {len(result)} out",
            {"records": out, "count": len(result)},
            input_count=len(params.data),
        )

    def _transform(
        self, params: DataTransformerParams, rows: list[dict[str, Any]], call: Invocation
    ) -> list[dict[str, Any]]:
        match params.operation:
            case "map":
                return self._map(params, rows, call)
            case "filter":
                return self._filter(params, rows, call)
            case "sort":
                return self._sort(params, rows)
            case "group":
                return self._group(params, rows, call)
            case "aggregate":
                return self._aggregate(params, rows, call)
            case "join":
                return self._join(params, rows, call)
            case _:
                return self._pivot(params, rows, call)

    def _map(
        self, params: DataTransformerParams, rows: list[dict[str, Any]], call: Invocation
    ) -> list[dict[str, Any]]:
        if not (params.fields or params.rename or params.select or params.drop):
            raise ValidationError(
                "data-transformer: map needs 'fields', 'rename', 'select' or 'drop'",
                details={"field": "fields", "rule": "required"},
            )
        computed = {
            name: _Expression(source, f"fields.{name}")
            for name, source in (params.fields or {}).items()
        }
        out: list[dict[str, Any]] = []
        for index, row in enumerate(rows):
            if index % 1000 == 0 and call.expired():
                call.check()
            new = dict(row)
            for name, expression in computed.items():
                new[name] = plain(expression(row, index))
            for old, name in (params.rename or {}).items():
                if old in new:
                    new[name] = new.pop(old)
            if params.select is not None:
                new = {k: new.get(k) for k in params.select}
            for name in params.drop or []:
                new.pop(name, None)
            out.append(new)
        return out

    def _filter(
        self, params: DataTransformerParams, rows: list[dict[str, Any]], call: Invocation
    ) -> list[dict[str, Any]]:
        if (params.where is None) == (params.conditions is None):
            raise ValidationError(
                "data-transformer: filter needs 'where' (an expression) or 'conditions' "
                "(a list), exactly one",
                details={"field": "where", "rule": "required"},
            )
        expression = _Expression(params.where, "where") if params.where is not None else None
        combine = all if params.match == "all" else any
        kept: list[dict[str, Any]] = []
        for index, row in enumerate(rows):
            if index % 1000 == 0 and call.expired():
                call.check()
            if expression is not None:
                keep = bool(expression(row, index))
            else:
                keep = combine(self._holds(c, row) for c in params.conditions or [])
            if keep:
                kept.append(row)
        return kept

    def _holds(self, condition: FieldCondition, row: dict[str, Any]) -> bool:
        if condition.op == "exists":
            return condition.field in row
        if condition.op == "missing":
            return condition.field not in row
        return _compare(condition.op, row.get(condition.field), condition.value)

    def _sort(self, params: DataTransformerParams, rows: list[dict[str, Any]]) -> list[Any]:
        by = _names(params.by)

        def order(row: dict[str, Any]) -> tuple[Any, ...]:
            # None last; numbers before strings, so mixed columns still sort
            parts: list[Any] = []
            for field in by:
                value = row.get(field)
                if value is None:
                    parts.append((2, 0))
                elif _number(value):
                    parts.append((0, value))
                else:
                    parts.append((1, str(value)))
            return tuple(parts)

        # records missing a key go last in either direction
        complete = [r for r in rows if all(r.get(f) is not None for f in by)]
        partial = [r for r in rows if any(r.get(f) is None for f in by)]
        return sorted(complete, key=order, reverse=params.descending) + sorted(partial, key=order)

    def _group(
        self, params: DataTransformerParams, rows: list[dict[str, Any]], call: Invocation
    ) -> list[dict[str, Any]]:
        by = _names(params.by)
        aggs = _aggregations(params.aggregations or {})
        out: list[dict[str, Any]] = []
        for members in _groups(rows, by).values():
            group: dict[str, Any] = {
                "key": {f: members[0].get(f) for f in by},
                "count": len(members),
                "records": call.limit_rows(members),
            }
            if aggs:
                group["aggregates"] = self._apply(aggs, members)
            out.append(group)
        return out

    def _apply(self, aggs: dict[str, Aggregation], members: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            name: _aggregate(
                spec.op, [m.get(spec.field) for m in members] if spec.field else [], len(members)
            )
            for name, spec in aggs.items()
        }

    def _aggregate(
        self, params: DataTransformerParams, rows: list[dict[str, Any]], call: Invocation
    ) -> list[dict[str, Any]]:
        by = _names(params.by)
        aggs = _aggregations(params.aggregations or {})
        if not by:
            return [self._apply(aggs, rows)]
        out: list[dict[str, Any]] = []
        for members in _groups(rows, by).values():
            call.check()
            out.append({**{f: members[0].get(f) for f in by}, **self._apply(aggs, members)})
        return out

    def _join(
        self, params: DataTransformerParams, rows: list[dict[str, Any]], call: Invocation
    ) -> list[dict[str, Any]]:
        right = as_records(params.right, tool=self.tool_name, field="right")
        left_on = _names(params.left_on) or _names(params.on)
        right_on = _names(params.right_on) or _names(params.on)
        if not left_on or len(left_on) != len(right_on):
            raise ValidationError(
                "data-transformer: join needs 'on' (shared key fields) or 'left_on' and "
                "'right_on' of the same length",
                details={"field": "on", "rule": "required"},
            )
        index: dict[tuple[str, ...], list[int]] = {}
        for position, row in enumerate(right):
            index.setdefault(_key(row, right_on), []).append(position)
        shared = set(right_on) if left_on == right_on else set[str]()
        used: set[int] = set()
        out: list[dict[str, Any]] = []

        def merged(left: dict[str, Any] | None, other: dict[str, Any] | None) -> dict[str, Any]:
            row = dict(left or {})
            if left is None and other is not None:
                row.update({lf: other.get(rf) for lf, rf in zip(left_on, right_on, strict=True)})
            for key, value in (other or {}).items():
                if key in shared:
                    continue
                row[f"{key}{params.suffix}" if key in row and left is not None else key] = value
            return row

        for row in rows:
            call.check()
            matches = index.get(_key(row, left_on), [])
            if any(row.get(f) is None for f in left_on):
                matches = []  # SQL semantics: a missing key matches nothing
            for position in matches:
                used.add(position)
                out.append(merged(row, right[position]))
            if not matches and params.how in ("left", "outer"):
                out.append(merged(row, None))
        if params.how in ("right", "outer"):
            out.extend(merged(None, r) for p, r in enumerate(right) if p not in used)
        return out

    def _pivot(
        self, params: DataTransformerParams, rows: list[dict[str, Any]], call: Invocation
    ) -> list[dict[str, Any]]:
        index = _names(params.index)
        column = params.columns or ""
        value = params.values or ""
        names: dict[str, None] = {}
        cells: dict[tuple[str, ...], tuple[dict[str, Any], dict[str, list[Any]]]] = {}
        for row in rows:
            name = str(plain(row.get(column)))
            names.setdefault(name, None)
            key = _key(row, index)
            if key not in cells:
                cells[key] = ({f: row.get(f) for f in index}, {})
            cells[key][1].setdefault(name, []).append(row.get(value))
        out: list[dict[str, Any]] = []
        for head, groups in cells.values():
            call.check()
            table = dict(head)
            for name in names:
                collected = groups.get(name)
                table[name] = (
                    params.fill
                    if collected is None
                    else _aggregate(params.agg, collected, len(collected))
                )
            out.append(table)
        return out
