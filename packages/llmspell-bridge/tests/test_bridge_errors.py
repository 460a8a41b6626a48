"""Errors say where: ``<file>:<line>: <message>`` for syntax, runtime and API errors."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from llmspell_bridge import ScriptRuntime
from llmspell_core.errors import LLMSpellError, ScriptError, ValidationError


@pytest.fixture
def runtime() -> Iterator[ScriptRuntime]:
    with ScriptRuntime(timeout_seconds=10, stdout=lambda _: None) as rt:
        yield rt


CASES = [
    ("lua", "local a = 1\nlocal b = = 2\n", 2, "unexpected symbol"),
    ("lua", "local a = 1\n\nlocal c = nil + 1\n", 3, "attempt to perform arithmetic"),
    ("lua", "local t = {}\n\n\nerror('custom failure')\n", 4, "custom failure"),
    ("lua", "local function f()\n  error({reason = 1})\nend\nf()\n", 2, "error object is a table"),
    ("lua", "#!/usr/bin/env llmspell\nlocal x = nil\nreturn x.y\n", 3, "attempt to index"),
    ("javascript", "let a = 1\nlet b = = 2\n", 2, "unexpected token"),
    ("javascript", "let a = 1\n\nnull.x\n", 3, "cannot read property"),
    (
        "javascript",
        "function f() {\n  throw new Error('custom failure')\n}\nf()\n",
        2,
        "custom failure",
    ),
    ("javascript", "await null\n\nundefinedFunction()\n", 3, "is not defined"),
    ("javascript", "#!/usr/bin/env llmspell\nlet x = null\nx.y\n", 3, "cannot read property"),
    ("javascript", "let a = {\n", 2, "invalid property name"),
    # The first line shares the wrapper's line: QuickJS names no line there at all.
    ("javascript", "throw new Error('first line')", 1, "first line"),
    ("javascript", "throw new Error('first line')\n", 1, "first line"),
    ("javascript", "let x = 1; throw new Error('first line')\nx\n", 1, "first line"),
    ("javascript", "null\nthrow new Error('last line')", 2, "last line"),
    ("lua", "error('first line')", 1, "first line"),
]


@pytest.mark.parametrize(("engine", "source", "line", "text"), CASES)
def test_errors_carry_file_and_line(
    runtime: ScriptRuntime, engine: str, source: str, line: int, text: str
) -> None:
    with pytest.raises(ScriptError) as info:
        runtime.run_source(source, "spell.x", engine)
    error = info.value
    assert (error.file, error.line) == ("spell.x", line), str(error)
    assert text in error.message
    assert str(error).startswith(f"spell.x:{line}: ")
    assert error.exit_code == 1
    assert "Traceback" not in str(error)


@pytest.mark.parametrize(
    ("engine", "source"),
    [
        ("lua", "local x = 1\n\nJSON.parse('{')\n"),
        ("javascript", "let x = 1\n\nJSON.parse('{')\n"),
        ("javascript", "let x = 1\nawait Promise.resolve().then(() => {\n  JSON.parse('{')\n})\n"),
    ],
)
def test_uncaught_api_errors_keep_their_type_and_say_where(
    runtime: ScriptRuntime, engine: str, source: str
) -> None:
    with pytest.raises(ValidationError) as info:
        runtime.run_source(source, "api.x", engine)
    error = info.value
    assert error.message.startswith("JSON.parse: invalid JSON")
    assert error.code == "VALIDATION_ERROR"
    assert error.details["spell_file"] == "api.x"
    assert error.details["spell_line"] == 3


def test_lua_api_error_is_a_table_that_reads_like_a_string(runtime: ScriptRuntime) -> None:
    source = """
    local ok, err = pcall(JSON.parse, "[")
    return {
      ok = ok, type = type(err), code = err.code, message = err.message,
      text = tostring(err), concat = "e: " .. err, upper = err:upper():sub(1, 4),
      line = err.line, file = err.file,
    }
    """
    result = runtime.run_source(source, "tbl.lua")
    assert result["ok"] is False
    assert result["type"] == "table"
    assert result["code"] == "VALIDATION_ERROR"
    assert result["text"] == result["message"]
    assert result["message"].startswith("JSON.parse: ")
    assert result["concat"] == "e: " + result["message"]
    assert result["upper"] == "JSON"
    assert (result["file"], result["line"]) == ("tbl.lua", 2)


def test_js_api_error_is_an_error_with_a_code(runtime: ScriptRuntime) -> None:
    source = """
    try { JSON.parse("[") } catch (e) {
      return [e instanceof Error, e.code, e.message.startsWith("JSON.parse: "), String(e) === e.message]
    }
    """
    assert runtime.run_source(source, "err.js") == [True, "VALIDATION_ERROR", True, True]


def test_js_rejected_async_call_is_catchable(runtime: ScriptRuntime) -> None:
    import asyncio

    from llmspell_core.errors import ToolError
    from llmspell_core.registry import registry
    from llmspell_core.script_api import ApiFunction, ApiGlobal, GlobalContext

    async def boom() -> None:
        await asyncio.sleep(0)
        raise ToolError("the tool broke", code="TOOL_BROKE")

    def factory(ctx: GlobalContext) -> ApiGlobal:
        return ApiGlobal("Boom", functions={"go": ApiFunction("go", boom, is_async=True)})

    with registry.override("llmspell.globals", "Boom", factory):
        js = "try { await Boom.go() } catch (e) { return [e.code, e.message] }"
        lua = "local ok, e = pcall(Boom.go)\nreturn {e.code, e.message}"
        expected = ["TOOL_BROKE", "Boom.go: the tool broke"]
        assert runtime.run_source(js, "b.js") == expected
        assert runtime.run_source(lua, "b.lua") == expected


def test_python_bug_in_a_global_is_reported_as_internal(runtime: ScriptRuntime) -> None:
    from llmspell_core.registry import registry
    from llmspell_core.script_api import ApiFunction, ApiGlobal, GlobalContext

    def buggy() -> None:
        raise KeyError("oops")

    def factory(ctx: GlobalContext) -> ApiGlobal:
        return ApiGlobal("Bug", functions={"go": ApiFunction("go", buggy)})

    with registry.override("llmspell.globals", "Bug", factory):
        for engine in ("lua", "javascript"):
            with pytest.raises(LLMSpellError) as info:
                runtime.run_source("Bug.go()", "bug", engine)
            assert info.value.code == "INTERNAL_ERROR"
            assert "Bug.go: KeyError" in info.value.message


def test_dot_call_on_an_object_names_the_colon_form(runtime: ScriptRuntime) -> None:
    source = 'local t = Debug.timer("x")\nreturn t.elapsed()\n'
    with pytest.raises(
        ScriptError, match=r"Timer.elapsed must be called with a colon: timer:elapsed\(\.\.\.\)"
    ):
        runtime.run_source(source, "dot.lua")


def test_unavailable_global_names_itself(runtime: ScriptRuntime) -> None:
    from llmspell_core.errors import MissingExtraError
    from llmspell_core.registry import registry
    from llmspell_core.script_api import ApiGlobal, GlobalContext

    def factory(ctx: GlobalContext) -> ApiGlobal:
        raise MissingExtraError("the Fancy global", distribution="llmspell-fancy", extra="x")

    with registry.override("llmspell.globals", "Fancy", factory):
        for engine, source in [
            ("lua", "local x = 1\nreturn Fancy.go()"),
            ("javascript", "let x = 1\nreturn Fancy.go()"),
        ]:
            with pytest.raises(
                LLMSpellError, match=r"global 'Fancy' is not available: .*pip install"
            ) as info:
                runtime.run_source(source, "f", engine)
            assert info.value.code == "MISSING_EXTRA"


def test_waiting_forever_is_reported(runtime: ScriptRuntime) -> None:
    with pytest.raises(ScriptError, match="waiting for a Promise that nothing will ever settle"):
        runtime.run_source("await new Promise(() => {})", "never.js")
