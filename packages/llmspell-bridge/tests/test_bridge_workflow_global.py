"""The ``Workflow`` global's Python side: builder, shorthands, instances, tools.

Workflow kinds come from the ``llmspell.workflows`` entry points (llmspell-workflows), which
the bridge does not depend on; without an installed kind these tests skip.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # the kit beside this file (importlib mode)

from bridge_workflow_kit import FakeScriptFunction, SpellCatalog, needs_workflows

from llmspell_bridge.globals.workflow import create_global
from llmspell_core.context import ExecutionContext
from llmspell_core.engine import ScriptArgs
from llmspell_core.errors import LLMSpellError, ValidationError
from llmspell_core.script_api import ApiFunction, ApiGlobal, ApiObject, ApiStream, GlobalContext

pytestmark = needs_workflows


@pytest.fixture
def catalog() -> SpellCatalog:
    return SpellCatalog()


@pytest.fixture
def workflow(catalog: SpellCatalog) -> ApiGlobal:
    context = ExecutionContext(services=catalog, state=catalog.state)
    return create_global(GlobalContext(catalog, context, "t.lua", ScriptArgs(), "lua"))


def fn(api: ApiGlobal | ApiObject, name: str) -> ApiFunction:
    table = api.functions if isinstance(api, ApiGlobal) else api.methods
    return table[name]


async def make(api: ApiGlobal | ApiObject, name: str, *args: Any) -> ApiObject:
    """Call a function that hands back an object (a builder, a workflow)."""
    return cast(ApiObject, await call(api, name, *args))


async def call(api: ApiGlobal | ApiObject, name: str, *args: Any) -> Any:
    function = fn(api, name)
    result = function.impl(*args)
    if function.is_async or hasattr(result, "__await__"):
        result = await result
    return result


async def test_builder_sequential_executes_and_reads_outputs(workflow: ApiGlobal) -> None:
    builder = await make(workflow, "builder")
    same = await call(builder, "name", "greet")
    assert same is builder  # setters return the builder
    await call(builder, "sequential")
    await call(
        builder,
        "add_step",
        {"name": "a", "type": "tool", "tool": "shout", "input": {"text": "{{input.text}}"}},
    )
    await call(
        builder,
        "add_step",
        {"name": "b", "tool": "shout", "input": {"text": "{{steps.a.text}}!"}},
    )
    wf = await make(builder, "build")
    assert wf.fields["name"] == "greet"
    assert wf.fields["type"] == "sequential"
    assert await call(wf, "get_execution_id") is None
    result = await call(wf, "execute", "hi")
    assert result["success"] is True
    assert result["text"] == "HI!"
    assert result["result"]["steps"]["a"]["text"] == "HI"
    assert result["metadata"]["total_steps"] == 2
    assert "error" not in result
    assert (await call(wf, "get_output", "a"))["text"] == "HI"
    assert sorted(await call(wf, "get_all_outputs")) == ["a", "b"]
    assert await call(wf, "get_execution_id") == result["metadata"]["execution_id"]
    assert await call(wf, "validate") == {"valid": True, "errors": []}


def say_no(value: Any, ctx: Any) -> str:
    return "no"


def tenfold(value: Any, ctx: dict[str, Any]) -> int:
    return ctx["loop"]["item"] * 10


async def test_builder_conditional_loop_and_parallel(workflow: ApiGlobal) -> None:
    b = await make(workflow, "builder")
    await call(b, "conditional")
    await call(b, "condition", {"type": "shared_data_equals", "key": "mode", "value": "loud"})
    await call(b, "add_then_step", {"name": "loud", "tool": "shout", "input": {"text": "yes"}})
    await call(b, "add_else_step", {"name": "quiet", "fn": FakeScriptFunction(say_no)})
    cond = await make(b, "build")
    assert (await call(cond, "execute", {"mode": "loud"}))["text"] == "YES"
    assert (await call(cond, "execute", {"mode": "soft"}))["text"] == "no"

    b = await make(workflow, "builder")
    await call(b, "loop")
    await call(b, "with_range", {"start": 1, "end": 4})
    await call(b, "add_step", {"name": "n", "fn": FakeScriptFunction(tenfold)})
    loop = await make(b, "build")
    result = await call(loop, "execute")
    assert [it["steps"]["n"]["result"] for it in result["result"]["iterations"]] == [10, 20, 30]

    b = await make(workflow, "builder")
    await call(b, "loop")
    await call(b, "with_collection", {"values": ["x", "y"]})
    await call(b, "add_step", {"name": "s", "tool": "shout", "input": {"text": "{{loop.item}}"}})
    await call(b, "break_when", {"type": "step_output_contains", "step": "s", "value": "X"})
    result = await call(await make(b, "build"), "execute")
    assert result["metadata"]["break_reason"] == "break_when"

    b = await make(workflow, "builder")
    await call(b, "parallel")
    await call(b, "max_concurrency", 2)
    for i in range(3):
        await call(b, "add_step", {"name": f"p{i}", "tool": "shout", "input": {"text": f"p{i}"}})
    result = await call(await make(b, "build"), "execute")
    assert result["text"] == "P0\nP1\nP2"


async def test_shorthands_nesting_and_lookup(workflow: ApiGlobal) -> None:
    inner = await make(
        workflow,
        "sequential",
        {
            "name": "inner",
            "steps": [{"name": "s", "tool": "shout", "input": {"text": "{{input.text}}"}}],
        },
    )
    outer = await make(
        workflow,
        "sequential",
        {
            "name": "outer",
            "steps": [
                inner,
                {
                    "name": "again",
                    "workflow": inner,
                    "input": {"text": "{{steps.inner.text}} twice"},
                },
            ],
        },
    )
    result = await call(outer, "execute", {"text": "abc"})
    assert result["text"] == "ABC TWICE"
    names = {w["name"] for w in await call(workflow, "list")}
    assert {"inner", "outer"} <= names
    found = await make(workflow, "get", "inner")
    assert found.payload is inner.payload
    assert await call(workflow, "get", "nope") is None
    assert {"sequential", "parallel", "conditional", "loop"} <= set(await call(workflow, "types"))
    made = await make(
        workflow, "create", {"type": "parallel", "steps": [{"name": "x", "tool": "shout"}]}
    )
    assert made.fields["type"] == "parallel"


async def test_as_tool_registers_a_tool(workflow: ApiGlobal, catalog: SpellCatalog) -> None:
    wf = await make(
        workflow,
        "sequential",
        {
            "name": "wt",
            "steps": [{"name": "s", "tool": "shout", "input": {"text": "{{input.text}}"}}],
        },
    )
    assert (
        await call(wf, "as_tool", {"name": "shout_flow", "description": "shouts"}) == "shout_flow"
    )
    assert (
        await call(wf, "as_tool", "shout_flow") == "shout_flow"
    )  # idempotent for the same workflow
    tool = catalog.get_tool("shout_flow")
    assert tool.spec.description == "shouts"
    spell_context = ExecutionContext(services=catalog, state=catalog.state)
    output = await tool.execute({"text": "via tool"}, spell_context)
    assert output.text == "VIA TOOL"
    # a run through the tool (as an agent would make it) is the workflow's last run too
    assert await call(wf, "get_execution_id") == output.metadata["execution_id"]
    assert (await call(wf, "get_output", "s"))["text"] == "VIA TOOL"
    assert await call(workflow, "wrap_as_tool", "wt", {"tool_name": "wt_tool"}) == "wt_tool"
    other = await make(
        workflow, "sequential", {"name": "other", "steps": [{"name": "s", "tool": "shout"}]}
    )
    with pytest.raises(ValidationError, match="a tool named 'shout_flow' already exists"):
        await call(other, "as_tool", "shout_flow")


async def test_stream_yields_events(workflow: ApiGlobal) -> None:
    wf = await make(
        workflow,
        "streaming",
        {
            "name": "st",
            "source": "input.items",
            "steps": [{"name": "up", "tool": "shout", "input": {"text": "{{stream.item}}"}}],
        },
    )
    stream = cast(ApiStream, await call(wf, "stream", {"items": ["a", "b"]}))
    events = [e async for e in stream.source]
    chunks = [e["data"] for e in events if e["type"] == "chunk"]
    assert chunks == [{"text": "A", "length": 1}, {"text": "B", "length": 1}]
    assert events[-1]["type"] == "completed"
    assert await call(wf, "get_execution_id") == events[-1]["data"]["metadata"]["execution_id"]


async def test_errors_are_clear(workflow: ApiGlobal) -> None:
    with pytest.raises(ValidationError, match=r"steps\[1\] \('x'\)"):
        await call(workflow, "sequential", {"name": "bad", "steps": [{"name": "x", "tool": 3}]})
    with pytest.raises(ValidationError, match=r"Workflow\.create needs type=<kind>"):
        await call(workflow, "create", {"steps": []})
    with pytest.raises(LLMSpellError, match="unknown workflow 'mykind'"):
        await call(workflow, "create", {"type": "mykind"})
    wf = await make(
        workflow, "sequential", {"name": "fails", "steps": [{"name": "s", "tool": "missing"}]}
    )
    assert (await call(wf, "validate"))["valid"] is False
    with pytest.raises(ValidationError, match="has not run yet"):
        await call(wf, "get_output", "s")
    with pytest.raises(
        LLMSpellError, match="workflow 'fails': step 's' failed: unknown tool 'missing'"
    ):
        await call(wf, "execute")
    # the failed run is still the last run: its recorded failure can be read back
    failed = await call(wf, "get_output", "s")
    assert failed["success"] is False
    assert failed["error"]["code"] == "NOT_FOUND"


class FakeGeneratorBody(FakeScriptFunction):
    """A script function that could also run as a generator body (``IterableScriptFunction``)."""

    def iterate(self, *args: Any) -> Iterator[Any]:
        return iter(self.fn(*args))


async def test_a_generator_body_needs_a_running_script(workflow: ApiGlobal) -> None:
    body = FakeGeneratorBody(lambda *args: [1, 2])
    with pytest.raises(ValidationError, match="generator= needs a running script"):
        await call(
            workflow,
            "streaming",
            {"name": "g", "source": {"name": "g", "generator": body}, "steps": []},
        )
