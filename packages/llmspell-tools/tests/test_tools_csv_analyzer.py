"""csv-analyzer: analyze, filter, convert (json/csv/parquet), sample, validate."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from llmspell_core.config import LLMSpellConfig
from llmspell_core.context import ExecutionContext
from llmspell_core.errors import SecurityError, ValidationError
from llmspell_core.testing.contracts import ToolContract
from llmspell_core.tool import Tool
from llmspell_tools.data.csv_analyzer import CsvAnalyzer

CSV = "name,age,score,active,joined\nada,36,9.5,true,2020-01-02\nalan,41,7,false,2021-03-04\nkid,9,,true,2022-05-06\n"


class TestCsvContract(ToolContract):
    def make_tool(self) -> Tool:
        return CsvAnalyzer()

    def invalid_params(self) -> list[dict[str, Any]]:
        return [
            {},
            {"content": CSV, "operation": "pivot"},
            {"content": CSV, "operation": "filter", "conditions": [{"column": "nope", "value": 1}]},
            {"content": CSV, "operation": "convert", "format": "parquet"},
            {"content": CSV, "delimiter": ";;"},
            {"content": CSV, "operation": "sample", "columns": ["nope"]},
        ]


def ctx_for(root: Path) -> ExecutionContext:
    return ExecutionContext(
        config=LLMSpellConfig(tools={"filesystem": {"allowed_paths": [str(root)]}})
    )


async def csv_tool(**params: Any) -> Any:
    return await CsvAnalyzer().execute(params, ExecutionContext())


async def test_analyze_types_and_stats() -> None:
    out = await csv_tool(content=CSV)
    cols = {c["name"]: c for c in out.result["columns"]}
    assert out.result["row_count"] == 3
    assert cols["age"]["type"] == "integer"
    assert (cols["age"]["min"], cols["age"]["max"], cols["age"]["sum"]) == (9, 41, 86)
    assert cols["age"]["median"] == 36
    assert cols["score"]["type"] == "number"
    assert cols["score"]["null_count"] == 1
    assert cols["score"]["mean"] == pytest.approx(8.25)
    assert cols["active"]["type"] == "boolean"
    assert cols["joined"]["type"] == "date"
    assert cols["name"]["top_values"][0]["count"] == 1
    assert "3 rows, 5 columns" in out.text


@pytest.mark.parametrize(
    ("condition", "names"),
    [
        ({"column": "age", "op": "gt", "value": 30}, ["ada", "alan"]),
        ({"column": "age", "op": "le", "value": 9}, ["kid"]),
        ({"column": "name", "op": "startswith", "value": "a"}, ["ada", "alan"]),
        ({"column": "name", "op": "contains", "value": "la"}, ["alan"]),
        ({"column": "name", "op": "in", "value": ["kid", "ada"]}, ["ada", "kid"]),
        ({"column": "score", "op": "empty"}, ["kid"]),
        ({"column": "name", "op": "regex", "value": "^a.a$"}, ["ada"]),
        ({"column": "active", "op": "eq", "value": "true"}, ["ada", "kid"]),
        ({"column": "age", "op": "ne", "value": 36}, ["alan", "kid"]),
    ],
)
async def test_filter(condition: dict[str, Any], names: list[str]) -> None:
    out = await csv_tool(operation="filter", content=CSV, conditions=[condition])
    assert [r["name"] for r in out.result["rows"]] == names
    assert out.result["total_rows"] == 3


async def test_filter_to_csv_with_columns() -> None:
    out = await csv_tool(
        operation="filter",
        content=CSV,
        conditions=[{"column": "age", "op": "ge", "value": 36}],
        columns=["name", "age"],
        format="csv",
    )
    assert out.text == "name,age\nada,36\nalan,41\n"


async def test_convert_json_keeps_types() -> None:
    out = await csv_tool(operation="convert", content=CSV)
    rows = json.loads(out.text)
    assert rows[0] == {
        "name": "ada",
        "age": 36,
        "score": 9.5,
        "active": True,
        "joined": "2020-01-02",
    }
    assert rows[2]["score"] is None


async def test_convert_to_files(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text(CSV)
    for fmt in ("json", "csv", "parquet"):
        target = tmp_path / f"out.{fmt}"
        out = await CsvAnalyzer().execute(
            {
                "operation": "convert",
                "file": str(source),
                "format": fmt,
                "output_file": str(target),
            },
            ctx_for(tmp_path),
        )
        assert target.exists()
        assert out.result["row_count"] == 3
    assert json.loads((tmp_path / "out.json").read_text())[1]["name"] == "alan"
    import polars

    frame = polars.read_parquet(tmp_path / "out.parquet")
    assert frame["age"].to_list() == [36, 41, 9]


async def test_file_outside_roots(tmp_path: Path) -> None:
    with pytest.raises(SecurityError):
        await CsvAnalyzer().execute({"file": "/etc/passwd"}, ctx_for(tmp_path))


async def test_sample_head_tail_random() -> None:
    head = await csv_tool(operation="sample", content=CSV, n=2)
    assert [r["name"] for r in head.result["rows"]] == ["ada", "alan"]
    tail = await csv_tool(operation="sample", content=CSV, n=1, method="tail")
    assert tail.result["rows"][0]["name"] == "kid"
    first = await csv_tool(operation="sample", content=CSV, n=2, method="random", seed=7)
    again = await csv_tool(operation="sample", content=CSV, n=2, method="random", seed=7)
    assert first.result["rows"] == again.result["rows"]


async def test_validate_rules() -> None:
    content = "id,age\n1,36\n1,\n3,old\n4,5,extra\n"
    out = await csv_tool(
        operation="validate",
        content=content,
        rules={
            "required_columns": ["id", "email"],
            "not_null": ["age"],
            "unique": ["id"],
            "column_types": {"age": "integer"},
        },
    )
    found = {(e["rule"], e.get("row"), e.get("column")) for e in out.result["errors"]}
    assert ("required_column", None, "email") in found
    assert ("not_null", 3, "age") in found
    assert ("unique", 3, "id") in found
    assert ("type", 4, "age") in found
    assert ("row_length", 5, None) in found
    assert out.result["valid"] is False


async def test_no_header_and_delimiter() -> None:
    out = await csv_tool(operation="convert", content="1;a\n2;b\n", delimiter=";", has_header=False)
    assert out.result["rows"] == [
        {"column_1": 1, "column_2": "a"},
        {"column_1": 2, "column_2": "b"},
    ]


async def test_rows_are_bounded() -> None:
    content = "n\n" + "\n".join(str(i) for i in range(50))
    ctx = ExecutionContext(config=LLMSpellConfig(tools={"csv_analyzer": {"max_rows": 10}}))
    out = await CsvAnalyzer().execute({"operation": "convert", "content": content}, ctx)
    assert len(out.result["rows"]) == 10
    assert out.result["row_count"] == 50
    assert out.metadata["truncated"] is True


async def test_missing_input_names_field() -> None:
    with pytest.raises(ValidationError) as info:
        await csv_tool(operation="analyze")
    assert info.value.details["field"] == "content"
