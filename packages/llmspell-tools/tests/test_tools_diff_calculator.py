"""diff-calculator: text formats, file input and JSON diffs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from llmspell_core.config import LLMSpellConfig
from llmspell_core.context import ExecutionContext
from llmspell_core.errors import ValidationError
from llmspell_core.testing.contracts import ToolContract
from llmspell_core.tool import Tool
from llmspell_tools.utility.diff_calculator import DiffCalculator

OLD = "line 1\nline 2\nline 3\n"
NEW = "line 1\nline 2 modified\nline 3\nline 4\n"


class TestDiffContract(ToolContract):
    def make_tool(self) -> Tool:
        return DiffCalculator()

    def invalid_params(self) -> list[dict[str, Any]]:
        return [
            {"type": "yaml"},
            {"old_text": "a"},
            {"type": "json", "old_json": {}},
            {"old_text": "a", "new_text": "b", "format": "side-by-side"},
        ]


async def diff(**params: Any) -> Any:
    return await DiffCalculator().execute(params, ExecutionContext())


async def test_unified() -> None:
    out = await diff(old_text=OLD, new_text=NEW)
    assert "@@" in out.result["diff"]
    assert "-line 2\n" in out.text
    assert "+line 2 modified\n" in out.text
    assert out.result["added"] == 2
    assert out.result["removed"] == 1
    assert out.metadata["operation"] == "text"


async def test_context_html_simple() -> None:
    context = await diff(old_text=OLD, new_text=NEW, format="context")
    assert context.text.startswith("*** old")
    html = await diff(old_text=OLD, new_text=NEW, format="html")
    assert "<table" in html.text
    simple = await diff(old_text=OLD, new_text=NEW, format="simple")
    assert "Total changes: 3" in simple.text


async def test_identical_texts() -> None:
    out = await diff(old_text="same\n", new_text="same\n")
    assert out.result["identical"] is True
    assert out.text == "identical"


async def test_files(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(OLD)
    (tmp_path / "b.txt").write_text(NEW)
    ctx = ExecutionContext(
        config=LLMSpellConfig(tools={"filesystem": {"allowed_paths": [str(tmp_path)]}})
    )
    out = await DiffCalculator().execute(
        {"old_file": str(tmp_path / "a.txt"), "new_file": str(tmp_path / "b.txt")}, ctx
    )
    assert out.result["added"] == 2


async def test_json_diff() -> None:
    out = await diff(
        type="json",
        old_json={"name": "John", "age": 30, "hobbies": ["r", "g"], "x": {"y": 1}, "gone": 1},
        new_json={"name": "John", "age": 31, "hobbies": ["r", "g", "h"], "x": {"y": 2}, "job": "E"},
    )
    result = out.result
    assert result["added"] == {"job": "E", "hobbies[2]": "h"}
    assert result["removed"] == {"gone": 1}
    assert result["modified"] == {"age": {"old": 30, "new": 31}, "x.y": {"old": 1, "new": 2}}
    assert result["summary"] == {"added": 2, "removed": 1, "modified": 2}
    assert result["identical"] is False
    assert out.metadata["operation"] == "json"


async def test_json_diff_of_null_values_and_identity() -> None:
    out = await diff(type="json", old_json=None, new_json=None)
    assert out.result["identical"] is True
    ordered = await diff(type="json", old_json=[1, 2], new_json=[2, 1], ignore_order=True)
    assert ordered.result["identical"] is True


async def test_missing_side_names_field() -> None:
    with pytest.raises(ValidationError) as info:
        await diff(new_text="x")
    assert info.value.details["field"] == "old_text"
