"""Values crossing the bridge follow spell-api §1 in both engines."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import pytest

from llmspell_bridge import ScriptRuntime
from llmspell_bridge.values import format_number, to_json_data
from llmspell_core.errors import LLMSpellError, ValidationError
from llmspell_core.registry import registry
from llmspell_core.script_api import ApiFunction, ApiGlobal, GlobalContext

received: list[Any] = []


def _echo_global(ctx: GlobalContext) -> ApiGlobal:
    def echo(value: Any = None) -> Any:
        received.append(value)
        return value

    return ApiGlobal("Echo", functions={"it": ApiFunction("it", echo)})


@pytest.fixture
def runtime() -> Iterator[ScriptRuntime]:
    received.clear()
    with (
        registry.override("llmspell.globals", "Echo", _echo_global),
        ScriptRuntime(stdout=lambda _: None) as rt,
    ):
        yield rt


def test_format_number() -> None:
    assert [format_number(x) for x in (3.0, 2.5, -0.0, 1e100, 0.1 + 0.2)] == [
        "3", "2.5", "0", "1e+100", "0.30000000000000004",
    ]  # fmt: skip
    assert format_number(math.nan) == "nan"


def test_to_json_data_rules() -> None:
    assert to_json_data({1: [1.0, math.inf], "a": (True, None)}) == {
        "1": [1, None],
        "a": [True, None],
    }
    nested: Any = []
    cursor = nested
    for _ in range(70):
        cursor.append([])
        cursor = cursor[0]
    with pytest.raises(ValidationError, match="64 levels"):
        to_json_data(nested)


def test_lua_values_arrive_in_python(runtime: ScriptRuntime) -> None:
    runtime.run_source(
        "Echo.it({1, 2, 3})\nEcho.it({a = 1, b = {x = 2.5}})\nEcho.it(3)\nEcho.it(3.0)\n"
        "Echo.it(0/0)\nEcho.it({})\nEcho.it({[1] = 'a', [3] = 'c'})\nEcho.it({1, 2, n = 2})\n"
        "Echo.it(nil)\nEcho.it(true)",
        "v.lua",
    )
    assert received[:4] == [[1, 2, 3], {"a": 1, "b": {"x": 2.5}}, 3, 3.0]
    assert type(received[2]) is int
    assert type(received[3]) is float
    assert math.isnan(received[4])
    assert received[5:] == [{}, {1: "a", 3: "c"}, {1: 1, 2: 2, "n": 2}, None, True]


def test_python_values_arrive_in_lua_one_based(runtime: ScriptRuntime) -> None:
    source = """
    local list = Echo.it({10, 20, 30})
    local map = Echo.it({a = {b = {1.5}}})
    local empty = JSON.parse("[]")
    return {list[1], list[3], #list, map.a.b[1], math.type(Echo.it(2)), math.type(Echo.it(2.0)),
            JSON.stringify(empty), JSON.stringify(JSON.parse("{}"))}
    """
    assert runtime.run_source(source, "v.lua") == [10, 30, 3, 1.5, "integer", "float", "[]", "{}"]


def test_js_values_arrive_in_python(runtime: ScriptRuntime) -> None:
    runtime.run_source(
        "Echo.it([1, 2, 3]); Echo.it({a: 1, b: {x: 2.5}}); Echo.it(3); Echo.it(NaN);"
        "Echo.it({u: undefined, n: null}); Echo.it(new Date(0)); Echo.it(10n)",
        "v.js",
    )
    assert received == [
        [1, 2, 3], {"a": 1, "b": {"x": 2.5}}, 3, None, {"n": None}, "1970-01-01T00:00:00.000Z", 10,
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("engine", "source", "match"),
    [
        ("lua", "local t = {}\nt.t = t\nEcho.it(t)", "contains itself"),
        (
            "lua",
            "local t = {}\nlocal c = t\nfor i = 1, 80 do c[1] = {} c = c[1] end\nEcho.it(t)",
            "64 levels",
        ),
        ("javascript", "const t = {}\nt.t = t\nEcho.it(t)", "contains itself"),
        ("javascript", "let t = []\nfor (let i = 0; i < 80; i++) t = [t]\nEcho.it(t)", "64 levels"),
    ],
)
def test_cycles_and_deep_values_are_refused(
    runtime: ScriptRuntime, engine: str, source: str, match: str
) -> None:
    with pytest.raises(LLMSpellError, match=match):
        runtime.run_source(source, "bad", engine)


def test_shared_subtables_are_not_cycles(runtime: ScriptRuntime) -> None:
    source = "local shared = {1}\nreturn Echo.it({a = shared, b = shared})"
    assert runtime.run_source(source, "dag.lua") == {"a": [1], "b": [1]}


def test_return_values_are_json_like(runtime: ScriptRuntime) -> None:
    assert runtime.run_source("return {1, {a = 2}, 'x', 1.5}", "r.lua") == [1, {"a": 2}, "x", 1.5]
    assert runtime.run_source("export default [1, {a: 2}, 'x', 1.5]", "r.js") == [
        1,
        {"a": 2},
        "x",
        1.5,
    ]
    assert runtime.run_source("return nil", "r.lua") is None
    assert runtime.run_source("let x = 1", "r.js") is None
