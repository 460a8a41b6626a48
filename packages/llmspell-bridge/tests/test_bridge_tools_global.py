"""The ``Tool`` global's functions, called the way an engine calls them (no engine needed)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from llmspell_bridge.globals.tool import create_global
from llmspell_core.catalog import Catalog
from llmspell_core.context import ExecutionContext
from llmspell_core.engine import ScriptArgs
from llmspell_core.errors import NotFoundError, ValidationError
from llmspell_core.registry import Registry
from llmspell_core.script_api import ApiGlobal, ApiObject, GlobalContext
from llmspell_core.tool import Tool
from llmspell_core.tool_types import ToolOutput, ToolSpec


class Shout(Tool):
    """A tool defined by the test: upper-cases ``text``."""

    @property
    def spec(self) -> ToolSpec:
        return ToolSpec(
            name="test-shout",
            description="Upper-case text.",
            category="testing",
            tags=["text"],
            parameters={
                "type": "object",
                "properties": {"text": {"type": "string"}},
                "required": ["text"],
            },
        )

    async def execute(self, params: dict[str, Any], ctx: ExecutionContext) -> ToolOutput:
        if not isinstance(params.get("text"), str):
            raise ValidationError("test-shout: 'text' must be a string", details={"field": "text"})
        return ToolOutput(text=params["text"].upper(), result={"text": params["text"].upper()})


class PyFunction:
    """A ScriptFunction implemented in Python, standing in for a Lua/JS function."""

    def __init__(self, fn: Callable[[dict[str, Any]], Any]) -> None:
        self.fn = fn
        self.calls: list[tuple[Any, ...]] = []

    async def call(self, *args: Any) -> Any:
        self.calls.append(args)
        return self.fn(args[0])

    def call_sync(self, *args: Any) -> Any:
        self.calls.append(args)
        return self.fn(args[0])


@pytest.fixture
def tool_global() -> Iterator[tuple[ApiGlobal, Catalog]]:
    plugins = Registry()
    with plugins.override("llmspell.tools", "test-pack", lambda: [Shout()]):
        catalog = Catalog(plugins=plugins)
        ctx = GlobalContext(
            catalog, ExecutionContext(services=catalog), "t.lua", ScriptArgs(), "lua"
        )
        yield create_global(ctx), catalog


def call(api: ApiGlobal, name: str, *args: Any) -> Any:
    fn = api.functions[name]
    result = fn.impl(*args)
    return asyncio.run(result) if fn.is_async else result


def test_shape(tool_global: tuple[ApiGlobal, Catalog]) -> None:
    api, _ = tool_global
    assert api.name == "Tool"
    assert set(api.functions) == {
        "execute", "list", "discover", "get", "exists", "categories", "register"
    }  # fmt: skip
    assert api.functions["execute"].is_async
    assert not api.functions["list"].is_async
    assert api.index is not None


def test_execute_returns_a_result_table(tool_global: tuple[ApiGlobal, Catalog]) -> None:
    api, _ = tool_global
    table = call(api, "execute", "test-shout", {"text": "hi"})
    assert table == {"success": True, "text": "HI", "result": {"text": "HI"}, "metadata": {}}


def test_execute_errors(tool_global: tuple[ApiGlobal, Catalog]) -> None:
    api, _ = tool_global
    with pytest.raises(NotFoundError, match="did you mean test-shout"):
        call(api, "execute", "test-shot", {})
    with pytest.raises(ValidationError, match="params must be a table"):
        call(api, "execute", "test-shout", "hi")
    with pytest.raises(ValidationError, match="'text'"):
        call(api, "execute", "test-shout", [])  # an empty Lua table arrives as []


def test_list_discover_categories_exists(tool_global: tuple[ApiGlobal, Catalog]) -> None:
    api, _ = tool_global
    entry = {
        "name": "test-shout",
        "description": "Upper-case text.",
        "category": "testing",
        "version": "0.1.0",
    }
    assert entry in call(api, "list")
    assert call(api, "discover", {"category": "testing"}) == [entry]
    assert call(api, "discover", "testing") == [entry]
    assert entry in call(api, "discover", {"tag": "text"})
    assert call(api, "discover", {"category": "nope"}) == []
    assert "testing" in call(api, "categories")
    assert call(api, "exists", "test-shout") is True
    assert call(api, "exists", "nope") is False


def test_get_and_index(tool_global: tuple[ApiGlobal, Catalog]) -> None:
    api, _ = tool_global
    obj = call(api, "get", "test-shout")
    assert isinstance(obj, ApiObject)
    assert obj.fields["schema"]["required"] == ["text"]
    assert obj.fields["category"] == "testing"
    run = obj.methods["execute"]
    assert run.is_async
    assert asyncio.run(run.impl({"text": "x"}))["text"] == "X"
    assert call(api, "get", "missing") is None
    assert api.index is not None
    indexed = api.index("test-shout")
    assert isinstance(indexed, ApiObject)
    assert indexed.fields["name"] == "test-shout"


def test_register_script_tool(tool_global: tuple[ApiGlobal, Catalog]) -> None:
    api, catalog = tool_global
    handler = PyFunction(lambda p: {"text": str(p["n"] * 2), "result": {"value": p["n"] * 2}})
    schema = {
        "type": "object",
        "properties": {"n": {"type": "integer", "minimum": 0}},
        "required": ["n"],
        "additionalProperties": False,
    }
    name = call(
        api,
        "register",
        {"name": "doubler", "description": "x2", "parameters": schema, "handler": handler},
    )
    assert name == "doubler"
    table = call(api, "execute", "doubler", {"n": 21})
    assert table["text"] == "42"
    assert table["result"] == {"value": 42}
    assert table["metadata"]["operation"] == "execute"
    assert handler.calls == [({"n": 21},)]
    # agents and workflows see it through the services
    tool = catalog.get_tool("doubler")
    assert tool.spec.parameters == schema
    assert tool.category == "script"
    for params, field, rule in (
        ({}, "n", "required"),
        ({"n": "x"}, "n", "type"),
        ({"n": -1}, "n", "minimum"),
        ({"n": 1, "m": 2}, "m", "additionalProperties"),
    ):
        with pytest.raises(ValidationError) as info:
            call(api, "execute", "doubler", params)
        assert info.value.details == {"field": field, "rule": rule}
        assert f"'{field}'" in info.value.message
    assert len(handler.calls) == 1


@pytest.mark.parametrize(
    ("returned", "expected"),
    [
        ("plain", {"success": True, "text": "plain", "result": "plain"}),
        ({"x": 1}, {"success": True, "text": '{"x": 1}', "result": {"x": 1}}),
        (None, {"success": True, "text": "", "result": None}),
        (
            {"success": False, "text": "nope", "error": {"message": "nope", "code": "E1"}},
            {"success": False, "text": "nope", "result": None},
        ),
    ],
)
def test_handler_results_become_tables(
    tool_global: tuple[ApiGlobal, Catalog], returned: Any, expected: dict[str, Any]
) -> None:
    api, _ = tool_global
    call(api, "register", {"name": "t", "handler": PyFunction(lambda _p: returned)})
    table = call(api, "execute", "t", {})
    assert {k: table[k] for k in expected} == expected
    if not expected["success"]:
        assert table["error"] == {"message": "nope", "code": "E1"}


def test_register_errors(tool_global: tuple[ApiGlobal, Catalog]) -> None:
    api, _ = tool_global
    fn = PyFunction(lambda _p: None)
    with pytest.raises(ValidationError, match="not a valid JSON Schema") as info:
        call(api, "register", {"name": "bad", "parameters": {"type": "nonsense"}, "handler": fn})
    assert info.value.details["field"] == "parameters"
    with pytest.raises(ValidationError, match="must be a function"):
        call(api, "register", {"name": "bad", "handler": "not a function"})
    with pytest.raises(ValidationError, match="'name'"):
        call(api, "register", {"handler": fn})
    with pytest.raises(ValidationError, match="unknown key"):
        call(api, "register", {"name": "bad", "handler": fn, "paramters": {}})
    with pytest.raises(ValidationError, match="already a built-in or plugin tool"):
        call(api, "register", {"name": "test-shout", "handler": fn})


def test_script_tool_can_be_redefined(tool_global: tuple[ApiGlobal, Catalog]) -> None:
    api, _ = tool_global
    call(api, "register", {"name": "v", "handler": PyFunction(lambda _p: "one")})
    call(api, "register", {"name": "v", "handler": PyFunction(lambda _p: "two")})
    assert call(api, "execute", "v", {})["text"] == "two"


def test_entry_point_names_the_factory() -> None:
    assert Registry().load("llmspell.globals", "Tool") is create_global
