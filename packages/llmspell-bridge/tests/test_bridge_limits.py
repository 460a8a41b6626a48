"""Runaway spells stop with one clear error and the host process carries on.

Everything runs in this very process, which is the point: llmspell embedded as a library must
survive a spell that loops, allocates or recurses without bound.
"""

from __future__ import annotations

import time

import pytest

from llmspell_bridge import ScriptRuntime
from llmspell_core.errors import (
    CancelledError,
    LLMSpellError,
    ResourceLimitError,
    ScriptError,
    TimeoutError,
)

LOOPS = {
    "lua plain": ("lua", "while true do end"),
    "lua pcall": ("lua", "while true do pcall(function() while true do end end) end"),
    "lua xpcall handler": (
        "lua",
        "while true do xpcall(function() while true do end end, function() while true do end end) end",
    ),
    "lua coroutine": (
        "lua",
        "local co = coroutine.wrap(function() while true do end end)\nwhile true do pcall(co) end",
    ),
    "lua error loop": ("lua", "while true do pcall(error, 'again') end"),
    "js plain": ("javascript", "while (true) {}"),
    "js try/finally": (
        "javascript",
        "while (true) { try { while (true) {} } catch (e) {} finally {} }",
    ),
    "js async": ("javascript", "async function spin() { while (true) {} }\nawait spin()"),
    "js timer": ("javascript", "await new Promise((r) => setTimeout(r, 60000))"),
    "js job loop": ("javascript", "async function f() { await null; return f() }\nawait f()"),
}


@pytest.mark.parametrize(("engine", "source"), LOOPS.values(), ids=LOOPS.keys())
def test_timeout_stops_runaway_spells(engine: str, source: str) -> None:
    started = time.monotonic()
    with ScriptRuntime(engine, timeout_seconds=0.5) as runtime:
        with pytest.raises(TimeoutError) as info:
            runtime.run_source(source, "loop")
        # The host survives and the runtime is still usable afterwards.
        assert runtime.run_source("return 1 + 1", "after") == 2
    assert time.monotonic() - started < 5
    assert info.value.exit_code == 124
    assert "timed out after 0.5s" in str(info.value)


@pytest.mark.parametrize(
    ("engine", "source"),
    [
        ("lua", "local t = {}\nfor i = 1, 1e9 do t[i] = ('x'):rep(100) .. i end"),
        ("lua", "local s = 'x'\nwhile true do s = s .. s end"),
        ("javascript", "const t = []\nwhile (true) t.push('x'.repeat(100) + t.length)"),
        ("javascript", "let s = 'x'\nwhile (true) s = s + s"),
    ],
)
def test_memory_limit_stops_the_spell(engine: str, source: str) -> None:
    with ScriptRuntime(engine, max_memory_mb=32, timeout_seconds=30) as runtime:
        with pytest.raises(ResourceLimitError) as info:
            runtime.run_source(source, "hog")
        assert runtime.run_source("return 'alive'", "after") == "alive"
    assert "memory limit of 32 MB exceeded" in str(info.value)
    assert info.value.exit_code == 1


@pytest.mark.parametrize(
    ("engine", "source"),
    [
        ("lua", "local function f(n) return f(n + 1) + 1 end\nreturn f(1)"),
        ("javascript", "function f(n) { return f(n + 1) + 1 }\nreturn f(1)"),
    ],
)
def test_recursion_limit_is_a_script_error(engine: str, source: str) -> None:
    with (
        ScriptRuntime(engine, max_recursion_depth=100) as runtime,
        pytest.raises(ScriptError, match="recursion") as info,
    ):
        runtime.run_source(source, "deep")
    assert info.value.line in (1, 2)


@pytest.mark.parametrize(
    ("engine", "source"),
    [
        (
            "lua",
            "local function f(n) if n == 0 then return 0 end return f(n - 1) + 1 end\nreturn f(80)",
        ),
        ("javascript", "function f(n) { return n === 0 ? 0 : f(n - 1) + 1 }\nreturn f(80)"),
    ],
)
def test_recursion_within_the_limit_works(engine: str, source: str) -> None:
    with ScriptRuntime(engine, max_recursion_depth=100) as runtime:
        assert runtime.run_source(source, "ok") == 80


def test_recursion_error_is_catchable_in_lua() -> None:
    source = """
    local function f(n) return f(n + 1) + 1 end
    local ok, err = pcall(f, 1)
    return {ok, tostring(err):match("recursion depth limit") ~= nil}
    """
    with ScriptRuntime(max_recursion_depth=50) as runtime:
        assert runtime.run_source(source, "catch.lua") == [False, True]


@pytest.mark.parametrize(
    ("engine", "source"),
    [("lua", "while true do end"), ("javascript", "while (true) {}")],
)
def test_cancel_from_another_thread_stops_the_spell(engine: str, source: str) -> None:
    import threading

    with ScriptRuntime(engine, timeout_seconds=30) as runtime:
        timer = threading.Timer(0.3, runtime.cancel, ("stopped by test",))
        timer.start()
        try:
            with pytest.raises(CancelledError, match="stopped by test") as info:
                runtime.run_source(source, "spin")
        finally:
            timer.cancel()
    assert info.value.exit_code == 130


def test_limits_come_from_config() -> None:
    from llmspell_core.config import LLMSpellConfig

    config = LLMSpellConfig.model_validate(
        {
            "runtime": {"timeout_seconds": 40, "max_memory_mb": 100},
            "engines": {"lua": {"timeout_seconds": 0.3}},
        }
    )
    with ScriptRuntime(config=config) as runtime:
        lua = runtime.limits_for("lua")
        js = runtime.limits_for("javascript")
        assert (lua.timeout_seconds, lua.max_memory_mb) == (0.3, 100)
        assert (js.timeout_seconds, js.max_memory_mb) == (40, 100)
        with pytest.raises(TimeoutError):
            runtime.run_source("while true do end", "cfg.lua")
    with ScriptRuntime(config=config, timeout_seconds=7, max_memory_mb=0) as runtime:
        limits = runtime.limits_for("lua")
        assert (limits.timeout_seconds, limits.max_memory_mb) == (7, None)


def test_api_call_waiting_past_the_deadline_times_out() -> None:
    import asyncio

    from llmspell_core.registry import registry
    from llmspell_core.script_api import ApiFunction, ApiGlobal, GlobalContext

    async def forever() -> None:
        await asyncio.sleep(60)

    def factory(ctx: GlobalContext) -> ApiGlobal:
        return ApiGlobal("Hang", functions={"forever": ApiFunction("forever", forever, True)})

    with registry.override("llmspell.globals", "Hang", factory):
        for engine, source in [("lua", "Hang.forever()"), ("javascript", "await Hang.forever()")]:
            with ScriptRuntime(engine, timeout_seconds=0.4) as runtime:
                started = time.monotonic()
                with pytest.raises(LLMSpellError) as info:
                    runtime.run_source(source, "hang")
                assert info.value.code == "TIMEOUT"
                assert time.monotonic() - started < 3


@pytest.mark.parametrize(
    ("engine", "source"),
    [
        ("lua", "local ok, err = pcall(Kb.go)\nreturn type(err)"),
        ("javascript", "try { Kb.go() } catch (e) {}\nreturn 'swallowed'"),
    ],
)
def test_ctrl_c_inside_an_api_call_is_not_swallowed_by_the_spell(engine: str, source: str) -> None:
    # Embedded use, without the CLI's SIGINT handler: KeyboardInterrupt reaches the host.
    from llmspell_core.registry import registry
    from llmspell_core.script_api import ApiFunction, ApiGlobal, GlobalContext

    def interrupt() -> None:
        raise KeyboardInterrupt

    def factory(ctx: GlobalContext) -> ApiGlobal:
        return ApiGlobal("Kb", functions={"go": ApiFunction("go", interrupt)})

    with registry.override("llmspell.globals", "Kb", factory), ScriptRuntime(engine) as runtime:
        with pytest.raises(KeyboardInterrupt):
            runtime.run_source(source, "kb")
        assert runtime.run_source("return 1", "after") == 1
