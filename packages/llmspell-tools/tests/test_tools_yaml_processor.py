"""yaml-processor: safe parsing, dumping, schema validation, JSON conversion, alias bombs."""

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
from llmspell_tools.data.yaml_processor import YamlProcessor


class TestYamlContract(ToolContract):
    def make_tool(self) -> Tool:
        return YamlProcessor()

    def invalid_params(self) -> list[dict[str, Any]]:
        return [
            {"operation": "nope", "content": "a: 1"},
            {"content": "a: [1, 2"},
            {"operation": "validate", "content": "a: 1"},  # no schema
            {},  # neither content nor path
            {"content": "a: 1", "path": "x.yaml"},
        ]


async def yp(config: LLMSpellConfig | None = None, **params: Any) -> Any:
    ctx = ExecutionContext(config=config) if config is not None else ExecutionContext()
    return await YamlProcessor().execute(params, ctx)


async def test_parse_nested_values_and_dates() -> None:
    out = await yp(content="name: llmspell\nwhen: 2024-02-29\nnums: [1, 2.5]\nnested: {a: null}\n")
    assert out.result["data"] == {
        "name": "llmspell",
        "when": "2024-02-29",
        "nums": [1, 2.5],
        "nested": {"a": None},
    }
    assert out.metadata["documents"] == 1


async def test_parse_all_documents() -> None:
    out = await yp(content="a: 1\n---\nb: 2\n", all_documents=True)
    assert out.result["data"] == [{"a": 1}, {"b": 2}]
    assert out.metadata["documents"] == 2


async def test_python_tags_are_refused() -> None:
    with pytest.raises(ValidationError) as info:
        await yp(content="x: !!python/object/apply:os.system ['echo hacked']\n")
    assert "python/object" in info.value.message


async def test_syntax_error_names_line_and_column() -> None:
    with pytest.raises(ValidationError) as info:
        await yp(content="a: 1\nb: [1, 2\nc: 3\n")
    assert info.value.details["line"] == 3
    assert "<content>:3:" in info.value.message


async def test_alias_bomb_is_refused() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    previous = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [{', '.join(['*' + previous] * 10)}]")
        previous = name
    with pytest.raises(ValidationError) as info:
        await yp(content="\n".join(lines) + "\n")
    assert info.value.details["rule"] == "max_nodes"
    assert "max_nodes" in info.value.message


async def test_dump_round_trips() -> None:
    data = {"name": "spell", "tags": ["lua", "js"], "n": 3, "ok": True}
    out = await yp(operation="dump", data=data, sort_keys=True)
    assert out.text.startswith("n: 3\nname: spell\nok: true\n")
    back = await yp(content=out.result["yaml"])
    assert back.result["data"] == data


async def test_validate_against_schema() -> None:
    schema = {
        "type": "object",
        "required": ["port"],
        "properties": {"port": {"type": "integer", "maximum": 65535}},
    }
    good = await yp(operation="validate", content="port: 8080\n", schema=schema)
    assert good.result["valid"] is True
    assert good.text == "valid"
    bad = await yp(operation="validate", content="port: 99999\n", schema=schema)
    assert bad.result["valid"] is False
    assert bad.result["errors"][0]["field"] == "port"
    value = await yp(operation="validate", data={"port": "x"}, schema=schema)
    assert value.result["valid"] is False


async def test_to_json_and_from_json() -> None:
    out = await yp(operation="to_json", content="a: [1, 2]\nb: {c: x}\n", indent=2, sort_keys=True)
    assert json.loads(out.text) == {"a": [1, 2], "b": {"c": "x"}}
    assert out.result["data"] == {"a": [1, 2], "b": {"c": "x"}}
    back = await yp(operation="from_json", content='{"b": [1, 2], "a": "x"}')
    assert back.text == "b:\n- 1\n- 2\na: x\n"
    with pytest.raises(ValidationError) as info:
        await yp(operation="from_json", content='{"a": }')
    assert info.value.details["rule"] == "json"


async def test_reads_files_inside_allowed_roots(tmp_path: Path) -> None:
    doc = tmp_path / "conf.yaml"
    doc.write_text("service: api\nreplicas: 3\n", encoding="utf-8")
    config = LLMSpellConfig(tools={"filesystem": {"allowed_paths": [str(tmp_path)]}})
    out = await yp(config, path=str(doc))
    assert out.result["data"] == {"service": "api", "replicas": 3}
    with pytest.raises(SecurityError):
        await yp(config, path="/etc/hostname")


async def test_input_size_limit_is_configurable(tmp_path: Path) -> None:
    config = LLMSpellConfig(
        tools={
            "yaml_processor": {"max_input_bytes": 10},
            "filesystem": {"allowed_paths": [str(tmp_path)]},
        }
    )
    with pytest.raises(ValidationError) as info:
        await yp(config, content="a: 123456789012345\n")
    assert "[tools.yaml_processor] max_input_bytes" in info.value.message
    big = tmp_path / "big.yaml"
    big.write_text("a: 123456789012345\n", encoding="utf-8")
    with pytest.raises(ValidationError) as from_file:
        await yp(config, path=str(big))
    assert "[tools.yaml_processor] max_input_bytes" in from_file.value.message
