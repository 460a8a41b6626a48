"""Entry points, workflows as tools, progress events and script-function callbacks."""

from __future__ import annotations

from typing import Any

from workflows_testkit import FakeScriptFunction, Kit

from llmspell_core.registry import registry
from llmspell_core.script_api import ScriptFunction
from llmspell_core.tool import Tool
from llmspell_workflows import (
    BaseWorkflow,
    ConditionalWorkflow,
    LoopWorkflow,
    SequentialWorkflow,
    WorkflowTool,
)


def test_every_kind_is_an_entry_point() -> None:
    assert set(registry.names("llmspell.workflows")) >= {
        "sequential",
        "parallel",
        "conditional",
        "loop",
        "streaming",
    }
    for kind in ("sequential", "parallel", "conditional", "loop", "streaming"):
        factory = registry.load("llmspell.workflows", kind)
        assert issubclass(factory, BaseWorkflow)
        assert factory.kind_name == kind


async def test_created_workflows_are_found_by_name_and_id(kit: Kit) -> None:
    wf = kit.catalog.create_workflow(
        "sequential", {"name": "findme", "steps": [{"name": "a", "fn": one}]}
    )
    assert kit.catalog.get_workflow("findme") is wf
    assert kit.catalog.get_workflow(wf.metadata.id) is wf
    assert wf.kind == "sequential"
    unnamed = kit.catalog.create_workflow("parallel", {"steps": [{"name": "a", "fn": one}]})
    assert unnamed.metadata.name.startswith("parallel_")


async def test_workflow_as_a_tool(kit: Kit) -> None:
    wf = SequentialWorkflow(
        {
            "name": "shouter",
            "description": "Shouts the text",
            "steps": [{"name": "up", "tool": "wf-upper", "input": {"text": "{{input.text}}!"}}],
        },
        kit.catalog,
    )
    tool = wf.as_tool("shout")
    assert isinstance(tool, Tool)
    assert isinstance(tool, WorkflowTool)
    assert tool.spec.description == "Shouts the text"
    assert tool.spec.parameters["type"] == "object"
    kit.catalog.register_tool(tool)
    output = await kit.catalog.get_tool("shout").execute({"text": "hi"}, kit.ctx)
    assert output.success
    assert output.text == "HI!"
    assert output.result["final"]["text"] == "HI!"
    # and a tool step of another workflow can call it
    outer = SequentialWorkflow(
        {"name": "outer", "steps": [{"name": "call", "tool": "shout", "input": {"text": "yo"}}]},
        kit.catalog,
    )
    assert (await outer.execute({}, kit.ctx)).text == "YO!"


async def test_soft_failed_workflow_tool(kit: Kit) -> None:
    wf = SequentialWorkflow(
        {"name": "meh", "error_strategy": "continue", "steps": [{"name": "f", "tool": "wf-fail"}]},
        kit.catalog,
    )
    output = await wf.as_tool().execute({}, kit.ctx)
    assert not output.success
    assert output.error is not None
    assert output.error.code == "WORKFLOW_STEPS_FAILED"


async def test_stream_reports_progress_then_the_result(kit: Kit) -> None:
    wf = SequentialWorkflow(
        {
            "name": "events",
            "steps": [
                {"name": "a", "tool": "wf-upper", "input": {"text": "x"}},
                {"name": "b", "tool": "wf-upper", "input": {"text": "y"}, "condition": "never"},
                {"name": "c", "tool": "wf-upper", "input": {"text": "z"}},
            ],
        },
        kit.catalog,
    )
    events = [(e.type, e.step) async for e in wf.stream({}, kit.ctx)]
    assert events == [
        ("workflow_started", None),
        ("step_started", "a"),
        ("step_finished", "a"),
        ("step_skipped", "b"),
        ("step_started", "c"),
        ("step_finished", "c"),
        ("completed", None),
    ]


def one() -> int:
    return 1


async def test_script_functions_get_json_args_and_lua_truth(kit: Kit) -> None:
    def increment(value: dict[str, Any], ctx: dict[str, Any]) -> dict[str, Any]:
        return {"success": True, "output": value["n"] + 1}

    def zero(ctx: dict[str, Any]) -> int:
        return 0

    def answer(text: str) -> FakeScriptFunction:
        def reply(value: Any, ctx: Any) -> str:
            return text

        return FakeScriptFunction(reply)

    step_fn = FakeScriptFunction(increment)
    zero_is_true = FakeScriptFunction(zero)
    assert isinstance(step_fn, ScriptFunction)
    wf = ConditionalWorkflow(
        {
            "name": "lua",
            "steps": [
                {"name": "inc", "type": "custom", "execute": step_fn, "input": {"n": "{{input.n}}"}}
            ],
            "condition": zero_is_true,
            "then_steps": [{"name": "yes", "fn": answer("then")}],
            "else_steps": [{"name": "no", "fn": answer("else")}],
        },
        kit.catalog,
    )
    result = await wf.execute({"n": 1}, kit.ctx)
    assert result.result["steps"]["inc"]["result"] == 2
    assert result.text == "then"  # 0 is true in Lua
    value, ctx = step_fn.calls[0]
    assert value == {"n": 1}
    assert ctx["steps"] == {}
    assert ctx["workflow"] == "lua"
    (cond_ctx,) = zero_is_true.calls[0]
    assert cond_ctx["steps"]["inc"]["result"] == 2


async def test_loop_while_with_script_function(kit: Kit) -> None:
    def below_two(ctx: dict[str, Any]) -> bool | None:
        return None if ctx["loop"]["index"] >= 2 else True

    fn = FakeScriptFunction(below_two)
    wf = LoopWorkflow(
        {"name": "w", "iterator": {"while": fn}, "body": [{"name": "n", "fn": one}]},
        kit.catalog,
    )
    result = await wf.execute({}, kit.ctx)
    assert result.metadata["iterations_completed"] == 2
