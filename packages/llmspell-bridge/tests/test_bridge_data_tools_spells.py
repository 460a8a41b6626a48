"""Spells that chain the integration data tools through the real Lua and JavaScript engines.

``spells/data_tools.lua`` / ``.js`` build a real SQLite database, query it with bound
parameters, reshape the rows, run statistics, round-trip YAML and XML, analyse a comment and
write a PNG chart. Both must return the same report holding the tools' real answers. The tools
come from the ``llmspell.tools`` entry points (the bridge never imports llmspell-tools), so
these tests skip where that pack or its data extras are not installed.
"""

from __future__ import annotations

import sqlite3
import struct
from pathlib import Path
from typing import Any

import pytest

from llmspell_bridge import ScriptRuntime
from llmspell_core.catalog import Catalog
from llmspell_core.config import LLMSpellConfig
from llmspell_core.errors import LLMSpellError

SPELLS = Path(__file__).parent / "spells"

pytestmark = pytest.mark.skipif(
    Catalog().find_tool("database-connector") is None,
    reason="the built-in tool pack with its data tools (llmspell-tools) is not installed",
)

EXPECTED: dict[str, Any] = {
    "write_refused": True,
    "rows": 5,
    "top_region": "south",
    "top_revenue": 18.5,
    "top_units": 7,
    "mean_total": 9.6,
    "slope_positive": True,
    "yaml_regions": 3,
    "xml_top": "south",
    "xml_count": 3,
    "sentiment": "positive",
    "language": "en",
    "chart_file": "revenue.png",
    "chart_format": "png",
}


def config_for(folder: Path) -> LLMSpellConfig:
    return LLMSpellConfig(
        tools={
            "filesystem": {"allowed_paths": [str(folder)]},
            "database_connector": {
                "allow_write": True,
                "connections": {"sales": f"sqlite:///{folder / 'sales.db'}"},
            },
        }
    )


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk, after checking the signature."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def run_spell(folder: Path, spell: str) -> Any:
    lines: list[str] = []
    with ScriptRuntime(config=config_for(folder), stdout=lines.append, stderr=lines.append) as rt:
        return rt.run_file(SPELLS / spell, ["--dir", str(folder)])


@pytest.mark.parametrize("spell", ["data_tools.lua", "data_tools.js"])
def test_spell_chains_the_data_tools(tmp_path: Path, spell: str) -> None:
    """Both languages return the same report (so Lua and JavaScript agree)."""
    report = run_spell(tmp_path, spell)
    assert report == EXPECTED
    assert png_size(tmp_path / "revenue.png") == (640, 480)
    con = sqlite3.connect(tmp_path / "sales.db")
    try:
        assert con.execute("SELECT count(*), sum(qty) FROM sales").fetchone() == (5, 15)
    finally:
        con.close()


@pytest.mark.parametrize(
    ("engine", "source", "message"),
    [
        (
            "lua",
            'return Tool.execute("database-connector", {database = "sales", query = "SELECT 1; SELECT 2"})',
            "one statement per call",
        ),
        (
            "javascript",
            'return await Tool.execute("database-connector", {url: "sqlite:////etc/x.db", query: "SELECT 1"})',
            "[tools.filesystem] allowed_paths",
        ),
        (
            "lua",
            'return Tool.execute("xml-processor", {content = "<a><b></a>"})',
            "xml-processor: <content>:1:",
        ),
        (
            "javascript",
            'return await Tool.execute("data-transformer", {operation: "filter", data: [{a: 1}], where: "b > 1"})',
            "row.get('b')",
        ),
    ],
)
def test_tool_failures_reach_the_spell(
    tmp_path: Path, engine: str, source: str, message: str
) -> None:
    with (
        ScriptRuntime(config=config_for(tmp_path), stdout=print, stderr=print) as rt,
        pytest.raises(LLMSpellError) as info,
    ):
        rt.run_source(source, f"bad.{'lua' if engine == 'lua' else 'js'}", engine)
    assert message in str(info.value)
