"""ScriptRuntime: engine choice, ARGS, files, reuse, and what it builds lazily."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from llmspell_bridge import ScriptRuntime
from llmspell_core.config import LLMSpellConfig
from llmspell_core.engine import ScriptArgs
from llmspell_core.errors import NotFoundError, UsageError


def test_engine_follows_extension_then_flag_then_config(tmp_path: Path) -> None:
    with ScriptRuntime() as runtime:
        assert runtime.engine_for("a.lua") == "lua"
        assert runtime.engine_for("a.js") == "javascript"
        assert runtime.engine_for("a.mjs") == "javascript"
        assert runtime.engine_for("a.txt") == "lua"
        assert runtime.engine_for(None) == "lua"
        assert runtime.engine_for("a.lua", "javascript") == "javascript"
    config = LLMSpellConfig(default_engine="javascript")
    with ScriptRuntime(config=config) as runtime:
        assert runtime.engine_for("<exec>") == "javascript"
        assert runtime.run_source("export default typeof ARGS", "<exec>") == "object"
    with ScriptRuntime("javascript") as runtime:
        assert runtime.engine_for("x.lua") == "javascript"


def test_unknown_engine_is_a_usage_error() -> None:
    with ScriptRuntime() as runtime, pytest.raises(UsageError, match="unknown engine 'cobol'"):
        runtime.run_source("x", "a.cob", "cobol")


def test_run_file_problems_are_named(tmp_path: Path) -> None:
    with ScriptRuntime() as runtime:
        with pytest.raises(NotFoundError, match="no such spell file"):
            runtime.run_file(tmp_path / "missing.lua")
        with pytest.raises(UsageError, match="is a directory"):
            runtime.run_file(tmp_path)
        bad = tmp_path / "bad.lua"
        bad.write_bytes(b"\xff\xfe print(1)")
        with pytest.raises(UsageError, match="not UTF-8"):
            runtime.run_file(bad)


@pytest.mark.parametrize(
    ("argv", "positional", "named"),
    [
        (["pos", "--k", "v", "--flag"], ["pos"], {"k": "v", "flag": "true"}),
        (["--a=1", "x", "--b", "--c", "y"], ["x"], {"a": "1", "b": "true", "c": "y"}),
        (["a", "--", "--not-an-option"], ["a", "--not-an-option"], {}),
        ([], [], {}),
    ],
)
def test_script_args_parse(argv: list[str], positional: list[str], named: dict[str, str]) -> None:
    args = ScriptArgs.parse("s.lua", argv)
    assert (args.script, args.positional, args.named) == ("s.lua", positional, named)


@pytest.mark.parametrize("ext", ["lua", "js"])
def test_args_reach_the_spell(tmp_path: Path, ext: str) -> None:
    spell = tmp_path / f"args.{ext}"
    if ext == "lua":
        spell.write_text("return {ARGS[0], ARGS[1], ARGS[2], ARGS.k, ARGS.flag, arg[1], #arg}")
    else:
        spell.write_text("return [ARGS[0], ARGS[1], ARGS[2], ARGS.k, ARGS.flag, ARGS[1], 2]")
    with ScriptRuntime() as runtime:
        result = runtime.run_file(spell, ["one", "two", "--k", "v", "--flag"])
    assert result == [str(spell), "one", "two", "v", "true", "one", 2]


def test_state_is_shared_across_runs_of_one_runtime() -> None:
    with ScriptRuntime() as runtime:
        runtime.run_source("State.set('n', 41)", "a.lua")
        assert runtime.run_source("return State.get('n') + 1", "b.js") == 42
    with ScriptRuntime() as fresh:
        assert fresh.run_source("return State.get('n')", "c.lua") is None


def test_closed_runtime_refuses_runs() -> None:
    runtime = ScriptRuntime()
    runtime.close()
    with pytest.raises(UsageError, match="closed"):
        runtime.run_source("return 1", "x.lua")


def test_a_plain_spell_builds_no_catalog_config_or_loop() -> None:
    code = """
import sys
from llmspell_bridge import ScriptRuntime
lines = []
with ScriptRuntime(stdout=lines.append) as rt:
    rt.run_source("print(JSON.stringify({1, 2}))", "x.lua")
    started = rt._loop.started
heavy = [m for m in ("llmspell_core.catalog", "llmspell_core.config", "pydantic", "quickjs")
         if m in sys.modules]
print(lines, started, heavy)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['[1,2]'] False []"


def test_services_are_built_on_first_use_and_closed() -> None:
    from llmspell_core.catalog import Catalog
    from llmspell_core.registry import registry
    from llmspell_core.script_api import ApiFunction, ApiGlobal, GlobalContext

    seen: list[object] = []

    def factory(ctx: GlobalContext) -> ApiGlobal:
        def touch() -> str:
            seen.append(ctx.services)
            seen.append(ctx.context)
            return type(ctx.services).__name__

        return ApiGlobal("Touch", functions={"go": ApiFunction("go", touch)})

    with registry.override("llmspell.globals", "Touch", factory), ScriptRuntime() as runtime:
        assert runtime.run_source("return Touch.go()", "t.lua") == "Catalog"
        catalog, context = seen
        assert isinstance(catalog, Catalog)
        assert context.state is runtime.state is catalog.state  # type: ignore[attr-defined]
        assert context.deadline is not None  # type: ignore[attr-defined]
