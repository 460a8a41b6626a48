"""data-transformer: map, filter, sort, group, aggregate, join and pivot over records."""

from __future__ import annotations

from typing import Any

import pytest

from llmspell_core.config import LLMSpellConfig
from llmspell_core.context import ExecutionContext
from llmspell_core.errors import ValidationError
from llmspell_core.testing.contracts import ToolContract
from llmspell_core.tool import Tool
from llmspell_tools.data.data_transformer import DataTransformer

SALES = [
    {"region": "north", "product": "tea", "qty": 3, "price": 2.5},
    {"region": "north", "product": "coffee", "qty": 1, "price": 4.0},
    {"region": "south", "product": "tea", "qty": 5, "price": 2.5},
    {"region": "south", "product": "tea", "qty": 2, "price": 3.0},
    {"region": "east", "product": "coffee", "qty": None, "price": 4.0},
]


class TestTransformerContract(ToolContract):
    def make_tool(self) -> Tool:
        return DataTransformer()

    def invalid_params(self) -> list[dict[str, Any]]:
        return [
            {"operation": "map", "data": [{"a": 1}]},  # nothing to do
            {"operation": "filter", "data": [1, 2], "where": "a > 1"},  # not records
            {"operation": "filter", "data": [{"a": 1}], "where": "a >"},
            {"operation": "filter", "data": [{"a": 1}], "where": "b > 1"},  # unknown name
            {"operation": "group", "data": [{"a": 1}]},  # no 'by'
            {"operation": "aggregate", "data": [{"a": 1}], "aggregations": {"x": "nope:a"}},
            {"operation": "aggregate", "data": [{"a": "x"}], "aggregations": {"s": "sum:a"}},
            {"operation": "join", "data": [{"a": 1}], "right": [{"a": 1}]},  # no keys
            {"operation": "pivot", "data": [{"a": 1}], "index": "a"},
            {"operation": "map", "data": [{"a": 1}], "fields": {"x": "__import__('os')"}},
        ]


async def dt(config: LLMSpellConfig | None = None, **params: Any) -> Any:
    ctx = ExecutionContext(config=config) if config is not None else ExecutionContext()
    return await DataTransformer().execute(params, ctx)


async def test_map_computes_renames_selects_drops() -> None:
    out = await dt(
        operation="map",
        data=SALES[:2],
        fields={"total": "qty * price", "label": "upper(product) + '@' + region"},
        rename={"region": "area"},
        drop=["price"],
    )
    assert out.result["records"] == [
        {"product": "tea", "qty": 3, "total": 7.5, "label": "TEA@north", "area": "north"},
        {"product": "coffee", "qty": 1, "total": 4.0, "label": "COFFEE@north", "area": "north"},
    ]
    picked = await dt(operation="map", data=SALES[:1], select=["product", "missing"])
    assert picked.result["records"] == [{"product": "tea", "missing": None}]


async def test_map_optional_fields_with_row_get() -> None:
    rows = [{"a": 1}, {"a": 2, "b": 5}]
    out = await dt(operation="map", data=rows, fields={"b2": "coalesce(row.get('b'), 0) * 2"})
    assert [r["b2"] for r in out.result["records"]] == [0, 10]
    with pytest.raises(ValidationError) as info:
        await dt(operation="map", data=rows, fields={"c": "b * 2"})
    assert info.value.details["record"] == 0
    assert "row.get('b')" in info.value.message


async def test_filter_by_expression_and_conditions() -> None:
    out = await dt(operation="filter", data=SALES, where="product == 'tea' and qty >= 3")
    assert [(r["region"], r["qty"]) for r in out.result["records"]] == [("north", 3), ("south", 5)]
    assert out.text == "filter: 5 record(s) in, 2 out"
    conds = await dt(
        operation="filter",
        data=SALES,
        conditions=[
            {"field": "region", "op": "in", "value": ["south", "east"]},
            {"field": "qty", "op": "gt", "value": 2},
        ],
    )
    assert [r["qty"] for r in conds.result["records"]] == [5]
    either = await dt(
        operation="filter",
        data=SALES,
        match="any",
        conditions=[
            {"field": "product", "op": "startswith", "value": "cof"},
            {"field": "qty", "op": "gte", "value": 5},
        ],
    )
    assert len(either.result["records"]) == 3


async def test_sort_puts_missing_last_both_ways() -> None:
    up = await dt(operation="sort", data=SALES, by="qty")
    assert [r["qty"] for r in up.result["records"]] == [1, 2, 3, 5, None]
    down = await dt(operation="sort", data=SALES, by=["qty"], descending=True)
    assert [r["qty"] for r in down.result["records"]] == [5, 3, 2, 1, None]


async def test_group_with_aggregates() -> None:
    out = await dt(operation="group", data=SALES, by="region", aggregations={"units": "sum:qty"})
    groups = {g["key"]["region"]: g for g in out.result["records"]}
    assert groups["north"]["count"] == 2
    assert groups["south"]["aggregates"] == {"units": 7}
    assert groups["east"]["aggregates"] == {"units": 0}
    assert len(groups["south"]["records"]) == 2


async def test_aggregate_ops() -> None:
    out = await dt(
        operation="aggregate",
        data=SALES,
        by=["product"],
        aggregations={
            "rows": "count",
            "with_qty": "count:qty",
            "units": "sum:qty",
            "avg_price": {"op": "mean", "field": "price"},
            "median_qty": "median:qty",
            "max_qty": "max:qty",
            "regions": "distinct:region",
            "n_regions": "count_distinct:region",
        },
    )
    by_product = {r["product"]: r for r in out.result["records"]}
    tea = by_product["tea"]
    assert tea["rows"] == 3
    assert tea["units"] == 10
    assert tea["avg_price"] == pytest.approx(8 / 3)
    assert tea["median_qty"] == 3
    assert tea["regions"] == ["north", "south"]
    coffee = by_product["coffee"]
    assert coffee["with_qty"] == 1
    assert coffee["n_regions"] == 2
    whole = await dt(operation="aggregate", data=SALES, aggregations={"std": "std:qty"})
    assert whole.result["records"][0]["std"] == pytest.approx(1.707825, rel=1e-5)


async def test_join_kinds() -> None:
    people = [{"id": 1, "name": "ada"}, {"id": 2, "name": "alan"}, {"id": None, "name": "x"}]
    cities = [{"id": 1, "city": "London"}, {"id": 3, "city": "Paris"}]
    inner = await dt(operation="join", data=people, right=cities, on="id")
    assert inner.result["records"] == [{"id": 1, "name": "ada", "city": "London"}]
    left = await dt(operation="join", data=people, right=cities, on="id", how="left")
    assert [r.get("city") for r in left.result["records"]] == ["London", None, None]
    outer = await dt(operation="join", data=people, right=cities, on="id", how="outer")
    assert {"id": 3, "city": "Paris"} in outer.result["records"]
    assert len(outer.result["records"]) == 4
    clash = await dt(
        operation="join",
        data=[{"uid": 1, "name": "ada"}],
        right=[{"person": 1, "name": "Ada L."}],
        left_on="uid",
        right_on="person",
    )
    assert clash.result["records"] == [
        {"uid": 1, "name": "ada", "person": 1, "name_right": "Ada L."}
    ]


async def test_pivot_with_fill() -> None:
    out = await dt(
        operation="pivot",
        data=SALES,
        index="region",
        columns="product",
        values="qty",
        agg="sum",
        fill=0,
    )
    assert out.result["records"] == [
        {"region": "north", "tea": 3, "coffee": 1},
        {"region": "south", "tea": 7, "coffee": 0},
        {"region": "east", "tea": 0, "coffee": 0},
    ]


async def test_results_are_bounded() -> None:
    rows = [{"n": i} for i in range(50)]
    config = LLMSpellConfig(tools={"data_transformer": {"max_rows": 10}})
    out = await dt(config, operation="filter", data=rows, where="n >= 0")
    assert out.result["count"] == 50
    assert len(out.result["records"]) == 10
    assert out.metadata["truncated"] is True


async def test_expressions_cannot_escape() -> None:
    for source in ("().__class__.__bases__", "open('/etc/passwd')", "row.__class__"):
        with pytest.raises(ValidationError):
            await dt(operation="map", data=[{"a": 1}], fields={"x": source})
