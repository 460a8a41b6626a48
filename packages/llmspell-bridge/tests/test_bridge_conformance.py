"""The same spell in Lua and in JavaScript prints the same lines and returns the same value."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from llmspell_bridge import ScriptRuntime

HERE = Path(__file__).parent
EXAMPLES = HERE.parents[2] / "examples"
PAIRS = sorted(p.with_suffix("") for p in (HERE / "conformance").glob("*.lua"))


def run(path: Path, args: list[str] | None = None) -> tuple[list[str], Any]:
    lines: list[str] = []
    with ScriptRuntime(stdout=lines.append, stderr=lines.append) as runtime:
        result = runtime.run_file(path, args)
    return lines, result


@pytest.mark.parametrize("stem", PAIRS, ids=[p.name for p in PAIRS])
def test_conformance_pair_gives_the_same_output(stem: Path) -> None:
    lua = run(stem.with_suffix(".lua"))
    js = run(stem.with_suffix(".js"))
    assert lua[0], "the spell printed nothing"
    assert lua == js


@pytest.mark.parametrize("args", [[], ["Ada", "--greeting", "Hi"]])
def test_hello_examples_agree(args: list[str]) -> None:
    lua_lines, lua_result = run(EXAMPLES / "hello.lua", args)
    js_lines, js_result = run(EXAMPLES / "hello.js", args)
    assert lua_lines == js_lines
    assert lua_result == js_result
    name = args[0] if args else "World"
    greeting = "Hi" if args else "Hello"
    assert lua_lines[0] == f"{greeting}, {name}!"
    assert lua_result == {"greeted": name, "visits": 1}


def test_conformance_pairs_exist() -> None:
    for stem in PAIRS:
        assert stem.with_suffix(".js").is_file(), f"{stem.name}.lua has no JavaScript twin"
    assert len(PAIRS) >= 3
