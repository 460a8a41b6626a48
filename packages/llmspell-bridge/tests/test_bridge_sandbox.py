"""Escape attempts are refused: no files, processes, bytecode or Python objects from a spell."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from llmspell_bridge import ScriptRuntime
from llmspell_core.errors import LLMSpellError


@pytest.fixture
def runtime() -> Iterator[ScriptRuntime]:
    with ScriptRuntime(timeout_seconds=10, stdout=lambda _: None) as rt:
        yield rt


LUA_REFUSED = {
    "io.open": "return io.open('/etc/passwd')",
    "io.popen": "return io.popen('id')",
    "os.execute": "return os.execute('id')",
    "os.getenv": "return os.getenv('HOME')",
    "os.remove": "return os.remove('/tmp/x')",
    "os.exit": "os.exit(3)",
    "dofile": "return dofile('/etc/passwd')",
    "loadfile": "return loadfile('/etc/passwd')",
    "debug.getregistry": "return debug.getregistry()",
    "package.loadlib": "return package.loadlib('libc.so.6', 'system')",
    "string.dump": "return string.dump(function() end)",
    "string.dump via metatable": "return ('').dump(function() end)",
    "collectgarbage stop": "collectgarbage('stop')",
}


@pytest.mark.parametrize("source", LUA_REFUSED.values(), ids=LUA_REFUSED.keys())
def test_lua_dangerous_library_calls_fail(runtime: ScriptRuntime, source: str) -> None:
    with pytest.raises(LLMSpellError):
        runtime.run_source(source, "escape.lua")


def test_lua_removed_globals_are_nil(runtime: ScriptRuntime) -> None:
    source = """
    return {io == nil, debug == nil, package == nil, dofile == nil, loadfile == nil,
            python == nil, warn == nil, string.dump == nil, os.execute == nil,
            os.time ~= nil, os.date ~= nil, os.clock ~= nil}
    """
    assert runtime.run_source(source, "globals.lua") == [True] * 12


def test_lua_load_refuses_bytecode_and_runs_text(runtime: ScriptRuntime) -> None:
    source = r"""
    local f, err = load("\27Lua\84\0", "bin", "b")
    local g, err2 = load("\27Lua\84\0")
    local h = load("return 1 + 1")
    return {f == nil, err, g == nil, tostring(err2), h()}
    """
    result = runtime.run_source(source, "load.lua")
    assert result[0] is True
    assert "text chunks" in result[1]
    assert result[2] is True
    assert "binary" in result[3]
    assert result[4] == 2


def test_lua_require_only_loads_modules_beside_the_spell(
    runtime: ScriptRuntime, tmp_path: Path
) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "helper.lua").write_text("return {twice = function(x) return 2 * x end}")
    (tmp_path / "secret.lua").write_text("return 'secret'")
    spells = tmp_path / "spells"
    spells.mkdir()
    (spells / "util.lua").write_text("return {name = 'util'}")
    (spells / "link.lua").symlink_to(tmp_path / "secret.lua")
    spell = spells / "main.lua"
    spell.write_text(
        """
        local util = require("util")
        local outcomes = {util.name, require("util") == util}
        for _, name in ipairs({"..secret", "../secret", "/etc/passwd", "link", "lib.helper"}) do
          local ok, err = pcall(require, name)
          outcomes[#outcomes + 1] = ok and "loaded" or tostring(err)
        end
        return outcomes
        """
    )
    result = runtime.run_file(spell)
    assert result[:2] == ["util", True]
    assert all("not found" in r for r in result[2:]), result


def test_lua_require_without_a_file_is_refused(runtime: ScriptRuntime) -> None:
    with pytest.raises(LLMSpellError, match="require needs a spell run from a file"):
        runtime.run_source("return require('util')", "<exec>")


def test_lua_python_objects_never_reach_the_spell(runtime: ScriptRuntime) -> None:
    source = """
    local found = {}
    -- API functions are Lua closures; their Python callables are unreachable upvalues.
    found[#found + 1] = type(JSON.parse)
    found[#found + 1] = tostring(getmetatable(Debug.timer("t")))
    -- A failing API call raises a plain Lua table, never a Python exception object.
    local ok, err = pcall(JSON.parse, 1)
    found[#found + 1] = type(err)
    -- Lupa's helpers are gone.
    found[#found + 1] = tostring(python)
    return found
    """
    assert runtime.run_source(source, "objects.lua") == ["function", "Timer", "table", "nil"]


@pytest.mark.parametrize("attribute", ["__class__", "__dict__", "__globals__", "eval"])
def test_lua_attribute_filter_denies_python_attributes(attribute: str) -> None:
    # Defence in depth: even if a Python object did reach Lua, its attributes stay shut.
    from llmspell_bridge.lua.engine import LuaEngine
    from llmspell_core.script_api import ScriptApi

    engine = LuaEngine()
    engine.inject(ScriptApi())
    try:
        probe = engine._lua.eval(
            f"function(o) return pcall(function() return o.{attribute} end) end"
        )
        ok, _error = probe(lambda: None)
        assert ok is False
    finally:
        engine.close()


JS_PROBES = {
    "no host door": "return typeof __llmspell_host",
    "no internals": "return typeof __llmspell_settle + typeof __llmspell_invoke",
    "no require": "return typeof require",
    "no process": "return typeof process",
    "no std/os modules": "return typeof std + typeof os",
}


@pytest.mark.parametrize("source", JS_PROBES.values(), ids=JS_PROBES.keys())
def test_js_has_no_way_out(runtime: ScriptRuntime, source: str) -> None:
    result = runtime.run_source(source, "probe.js")
    assert set(result.split("undefined")) == {""}, result


def test_js_import_is_refused_with_its_line(runtime: ScriptRuntime) -> None:
    with pytest.raises(LLMSpellError) as info:
        runtime.run_source("let a = 1\nimport fs from 'fs'\n", "imp.js")
    assert "import is not available" in str(info.value)
    assert "imp.js:2:" in str(info.value)


def test_js_dynamic_import_fails(runtime: ScriptRuntime) -> None:
    with pytest.raises(LLMSpellError):
        runtime.run_source("await import('fs')", "dyn.js")


def test_js_api_objects_are_frozen_and_functions_opaque(runtime: ScriptRuntime) -> None:
    source = """
    const t = Debug.timer("x")
    const results = [Object.isFrozen(t)]
    try { t.name = "y"; results.push("assigned") } catch (e) { results.push(e.name) }
    results.push(String(JSON.parse).includes("llmspell$call"))
    results.push(typeof JSON.parse.constructor("return this")())
    return results
    """
    assert runtime.run_source(source, "frozen.js") == [True, "TypeError", True, "object"]


def test_lua_finalizers_are_refused(runtime: ScriptRuntime) -> None:
    # __gc runs with hooks off, where no time limit could stop it.
    source = "setmetatable({}, {__gc = function() while true do end end})"
    with pytest.raises(LLMSpellError, match="__gc metamethods are not available"):
        runtime.run_source(source, "gc.lua")
    assert (
        runtime.run_source(
            "return getmetatable(setmetatable({}, {__index = {a = 1}})).__index.a", "mt.lua"
        )
        == 1
    )


def test_lua_looping_message_handler_cannot_outlive_the_recursion_limit() -> None:
    source = """
    local function f(n) return f(n + 1) + 1 end
    local ok, err = xpcall(f, function(e) while true do end end, 1)
    return {ok, tostring(err):match("recursion depth limit") ~= nil}
    """
    with ScriptRuntime(max_recursion_depth=50, timeout_seconds=5) as runtime:
        assert runtime.run_source(source, "handler.lua") == [False, True]
