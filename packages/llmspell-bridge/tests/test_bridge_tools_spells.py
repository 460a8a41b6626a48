"""Spells that drive the built-in tools through the real Lua and JavaScript engines.

The same tour is written once per language (``spells/tools_tour.lua`` / ``.js``); both must
return the same report, and the report must hold the tools' real answers. The built-in tools
come from the ``llmspell.tools`` entry points (the bridge never imports llmspell-tools), so when
that pack is not installed — the bridge's isolated test environment — these tests skip.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from llmspell_bridge import ScriptRuntime
from llmspell_core.catalog import Catalog
from llmspell_core.errors import LLMSpellError

SPELLS = Path(__file__).parent / "spells"

pytestmark = pytest.mark.skipif(
    Catalog().find_tool("calculator") is None,
    reason="the built-in tool pack (llmspell-tools) is not installed",
)

EXPECTED: dict[str, Any] = {
    "calc": 32,
    "snake": "hello_spell_world",
    "replaced": "a+b",
    "month_end": "2024-02-29",
    "weekday": "Saturday",
    "v7": "v7",
    "sha256": "4bdc5a2dad52e5997a6a77a4e6e66867bb46df7047bac652c54e84263303b5c3",
    "verified": True,
    "base64": "aGVsbG8gc3BlbGw=",
    "decoded": "hello spell",
    "lines_added": 2,
    "json_diff": {"added": 1, "removed": 0, "modified": 1},
    "valid": True,
    "bad_field": "age",
    "rendered": "ADA;ALAN;",
    "creator": "Hi spell",
    "citation": "Lovelace, A. (1843). Notes. Memoirs.",
    "adults": ["ada"],
    "jmespath": [2],
    "csv_median": 36,
    "csv_over_30": 2,
    "path": ["plan", "ship"],
    "order": ["plan", "build", "ship"],
    "custom": "three two one",
    "custom_count": 3,
    "custom_error": True,
    "many_tools": True,
    "categories": True,
    "data_tools": True,
    "exists": True,
    "schema_type": "object",
    "index_category": "data",
    "method_call": "42",
    "suggestion": True,
}


@pytest.fixture
def runtime() -> Iterator[ScriptRuntime]:
    lines: list[str] = []
    with ScriptRuntime(stdout=lines.append, stderr=lines.append) as rt:
        yield rt


@pytest.mark.parametrize("spell", ["tools_tour.lua", "tools_tour.js"])
def test_tour_reports_real_tool_answers(runtime: ScriptRuntime, spell: str) -> None:
    report: dict[str, Any] = runtime.run_file(SPELLS / spell)
    assert isinstance(report, dict)
    agent_id: Any = report.pop("agent_id")
    assert isinstance(agent_id, str)
    assert len(agent_id) == 36
    assert report == EXPECTED
    # the script-defined tool is a real tool of the runtime, usable by agents and workflows
    assert runtime.services.get_tool("reverse-words").category == "script"


def test_lua_and_javascript_agree() -> None:
    with ScriptRuntime() as lua_rt:
        lua = lua_rt.run_file(SPELLS / "tools_tour.lua")
    with ScriptRuntime() as js_rt:
        js = js_rt.run_file(SPELLS / "tools_tour.js")
    assert lua == js


@pytest.mark.parametrize(
    ("engine", "source", "message"),
    [
        (
            "lua",
            'return Tool.execute("calculator", {expresion = "1"})',
            "Tool.execute: calculator: unknown parameter 'expresion' (did you mean 'expression'?)",
        ),
        (
            "javascript",
            'return await Tool.execute("fiel-operations", {})',
            "Tool.execute: unknown tool 'fiel-operations' (did you mean file-operations?)",
        ),
        (
            "lua",
            'return Tool.execute("hash-calculator", {file = "/etc/passwd"})',
            "[tools.filesystem] allowed_paths",
        ),
    ],
)
def test_failures_reach_the_script_with_the_cause(
    runtime: ScriptRuntime, engine: str, source: str, message: str
) -> None:
    if "fiel-operations" in source and Catalog().find_tool("file-operations") is None:
        pytest.skip("needs llmspell-tools (file-operations), which the bridge does not depend on")
    with pytest.raises(LLMSpellError) as info:
        runtime.run_source(source, f"bad.{'lua' if engine == 'lua' else 'js'}", engine)
    assert message in str(info.value)


def test_lua_pcall_catches_tool_errors_with_code(runtime: ScriptRuntime) -> None:
    source = """
    local ok, err = pcall(Tool.execute, "calculator", {expression = "1 / 0"})
    return {ok = ok, message = tostring(err)}
    """
    result = runtime.run_source(source, "catch.lua", "lua")
    assert result["ok"] is False
    assert "division by zero" in result["message"]


def test_js_promise_all_runs_tools_concurrently(runtime: ScriptRuntime) -> None:
    source = """
    const names = ["md5", "sha1", "sha256", "sha512"];
    const results = await Promise.all(
      names.map((algorithm) => Tool.execute("hash-calculator", { input: "x", algorithm }))
    );
    return results.map((r) => r.result.algorithm);
    """
    assert runtime.run_source(source, "all.js", "javascript") == ["md5", "sha1", "sha256", "sha512"]
