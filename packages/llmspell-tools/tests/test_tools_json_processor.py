"""json-processor: jq and JMESPath queries, transform, validate, format, minify, merge, parse."""

from __future__ import annotations

import json
from typing import Any

import pytest

from llmspell_core.context import ExecutionContext
from llmspell_core.errors import ValidationError
from llmspell_core.testing.contracts import ToolContract
from llmspell_core.tool import Tool
from llmspell_tools.data.json_processor import JsonProcessor

DATA = {
    "users": [{"name": "ada", "age": 36}, {"name": "alan", "age": 41}, {"name": "kid", "age": 9}]
}


class TestJsonContract(ToolContract):
    def make_tool(self) -> Tool:
        return JsonProcessor()

    def invalid_params(self) -> list[dict[str, Any]]:
        return [
            {"input": {}},
            {"input": {}, "query": ".[[["},
            {"input": {}, "query": "a[?", "engine": "jmespath"},
            {"operation": "format", "content": "{bad json"},
            {"operation": "query", "query": ".a"},
            {"operation": "validate", "input": 1},
        ]


async def jp(**params: Any) -> Any:
    return await JsonProcessor().execute(params, ExecutionContext())


async def test_jq_query() -> None:
    out = await jp(input=DATA, query=".users[] | select(.age > 30) | .name")
    assert out.result["result"] == ["ada", "alan"]
    one = await jp(input=DATA, query=".users | length")
    assert one.result["result"] == 3
    assert one.text == "3"


async def test_jmespath_query() -> None:
    out = await jp(input=DATA, query="users[?age > `30`].name")
    assert out.result["result"] == ["ada", "alan"]
    forced = await jp(input=DATA, query="users[0].name", engine="jmespath")
    assert forced.text == "ada"


async def test_jq_runtime_error_names_query() -> None:
    with pytest.raises(ValidationError) as info:
        await jp(input={"a": 1}, query=".a[]")
    assert info.value.details["field"] == "query"


async def test_transform_with_mappings_or_query() -> None:
    out = await jp(
        operation="transform",
        input=DATA,
        mappings={"names": "[.users[].name]", "oldest": "max_by(users, &age).name"},
    )
    assert out.result["result"] == {"names": ["ada", "alan", "kid"], "oldest": "alan"}
    q = await jp(operation="transform", input=DATA, query="{count: (.users | length)}")
    assert q.result["result"] == {"count": 3}


async def test_validate() -> None:
    schema = {"type": "object", "required": ["users"]}
    ok = await jp(operation="validate", input=DATA, schema=schema)
    assert ok.result == {"valid": True, "errors": []}
    bad = await jp(operation="validate", input={}, schema=schema)
    assert bad.result["valid"] is False
    assert "users" in bad.result["errors"][0]["message"]


async def test_format_minify_parse() -> None:
    pretty = await jp(operation="format", content='{"b":1,"a":2}', sort_keys=True, indent=4)
    assert pretty.text == '{\n    "a": 2,\n    "b": 1\n}'
    mini = await jp(operation="minify", input={"a": [1, 2]})
    assert mini.text == '{"a":[1,2]}'
    parsed = await jp(operation="parse", content="[1, 2.5, null]")
    assert parsed.result["result"] == [1, 2.5, None]


async def test_bad_content_names_line() -> None:
    with pytest.raises(ValidationError) as info:
        await jp(operation="parse", content='{\n  "a": }')
    assert info.value.details["line"] == 2


async def test_merge() -> None:
    out = await jp(operation="merge", inputs=[{"a": {"x": 1}, "b": 1}, {"a": {"y": 2}, "b": 2}])
    assert out.result["result"] == {"a": {"x": 1, "y": 2}, "b": 2}
    assert json.loads(out.text) == out.result["result"]
    with pytest.raises(ValidationError):
        await jp(operation="merge", input={"not": "a list"})
