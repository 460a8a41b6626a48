"""Both first-party engines pass the contract every engine (and third-party plugin) must meet."""

from __future__ import annotations

from llmspell_bridge.js.engine import JavaScriptEngine
from llmspell_bridge.lua.engine import LuaEngine
from llmspell_core.engine import ScriptEngine
from llmspell_core.testing import EngineContract


class TestLuaEngineContract(EngineContract):
    source_returns_42 = "return 42"
    source_syntax_error_line_2 = "local a = 1\nlocal b = = 2\n"
    source_runtime_error_line_3 = "local a = 1\nlocal b = nil\nreturn b.x\n"
    source_infinite_loop = "while true do end"
    source_infinite_loop_catching = (
        "while true do pcall(function() while true do pcall(error, 'x') end end) end"
    )
    source_call_global = "return Probe.add(2, 3)"
    source_catch_api_error = "local ok, err = pcall(Probe.fail)\nreturn err.code"
    source_async_call = 'return Probe.later("x")'
    source_print = 'print("a", 1, 2.0)'
    source_first_arg = "return ARGS[1]"
    source_memory_hog = "local t = {}\nfor i = 1, 1e9 do t[i] = ('x'):rep(64) .. i end"

    def make_engine(self) -> ScriptEngine:
        return LuaEngine()


class TestJavaScriptEngineContract(EngineContract):
    source_returns_42 = "export default 42"
    source_syntax_error_line_2 = "let a = 1\nlet b = = 2\n"
    source_runtime_error_line_3 = "let a = 1\nlet b = null\nb.x\n"
    source_infinite_loop = "while (true) {}"
    source_infinite_loop_catching = (
        "while (true) { try { while (true) { try { throw 1 } catch (e) {} } } catch (e) {} }"
    )
    source_call_global = "export default Probe.add(2, 3)"
    source_catch_api_error = "try { Probe.fail() } catch (err) { return err.code }"
    source_async_call = 'export default await Probe.later("x")'
    source_print = 'print("a", 1, 2.0)'
    source_first_arg = "return ARGS[1]"
    source_memory_hog = "const t = []\nwhile (true) t.push('x'.repeat(64) + t.length)"

    def make_engine(self) -> ScriptEngine:
        return JavaScriptEngine()
