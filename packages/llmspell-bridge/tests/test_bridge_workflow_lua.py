"""Lua spells building and running every workflow kind through the ``Workflow`` global.

The tools, agent and catalog are shared with the other Workflow-global tests
(``bridge_workflow_kit``); without llmspell-workflows or lupa these tests skip.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # the kit beside this file (importlib mode)

from bridge_workflow_kit import (
    SpellCatalog,
    needs_engine,
    needs_workflows,
    spell_fixtures,
    spell_runtime,
)

from llmspell_bridge import ScriptRuntime
from llmspell_core.errors import LLMSpellError
from llmspell_core.registry import registry

pytestmark = [needs_workflows, needs_engine("lua")]


catalog_fixture, runtime_fixture = spell_fixtures("lua")


def run(runtime: ScriptRuntime, source: str) -> Any:
    return runtime.run_source(source, "workflow_spell.lua")


def test_sequential_with_tools_agents_functions_and_nesting(runtime: ScriptRuntime) -> None:
    result = run(
        runtime,
        """
        local inner = Workflow.sequential{
          name = "inner",
          steps = {{name = "shout", tool = "shout", input = {text = "{{input.text}}"}}},
        }
        local wf = Workflow.builder()
          :name("pipeline")
          :description("tool, agent, function and nested steps")
          :sequential()
          :add_step({name = "draft", type = "tool", tool = "shout", input = {text = "{{input.topic}}"}})
          :add_step({name = "sum", type = "agent", agent = "summariser", input = "{{steps.draft.text}}"})
          :add_step({name = "count", type = "function",
                     fn = function(input, ctx) return #ctx.steps.sum.text + input.extra end,
                     input = {extra = "{{steps.draft.result.length}}"}})
          :add_step({name = "nested", type = "workflow", workflow = inner, input = {text = "{{steps.sum.text}}"}})
          :build()
        local r = wf:execute({topic = "bees"})
        return {
          success = r.success, text = r.text, count = r.result.steps.count.result,
          total = r.metadata.total_steps, kind = r.metadata.workflow_type,
          id_matches = wf:get_execution_id() == r.metadata.execution_id,
          stored = wf:get_output("sum").text, name = wf.name, type = wf.type,
          valid = wf:validate().valid,
        }
        """,
    )
    assert result == {
        "success": True,
        "text": "[SUMMARY] BEES",
        "count": len("[summary] BEES") + 4,
        "total": 4,
        "kind": "sequential",
        "id_matches": True,
        "stored": "[summary] BEES",
        "name": "pipeline",
        "type": "sequential",
        "valid": True,
    }


def test_conditional_then_else_branches_and_default(runtime: ScriptRuntime) -> None:
    result = run(
        runtime,
        """
        local cond = Workflow.builder():name("mode"):conditional()
          :condition({type = "shared_data_equals", key = "mode", value = "loud"})
          :add_then_step({name = "loud", tool = "shout", input = {text = "{{input.text}}"}})
          :add_else_step({name = "quiet", fn = function(input, ctx) return string.lower(ctx.input.text) end})
          :build()
        local routes = Workflow.conditional{
          name = "routes",
          branches = {
            {name = "big", condition = function(ctx) return ctx.input.n > 10 end,
             steps = {{name = "b", fn = function() return "big" end}}},
            {name = "flagged", condition = {type = "shared_data_equals", key = "flag", value = true},
             steps = {{name = "f", fn = function() return "flagged" end}}},
          },
          default_branch = {{name = "d", fn = function() return "default" end}},
        }
        State.set("flag", true)
        local flagged = routes:execute({n = 1})
        State.set("flag", false)
        return {
          cond:execute({mode = "loud", text = "Hi"}).text,
          cond:execute({mode = "soft", text = "Hi"}).text,
          routes:execute({n = 50}).text,
          flagged.text, flagged.metadata.branch,
          routes:execute({n = 1}).metadata.branch,
        }
        """,
    )
    assert result == ["HI", "hi", "big", "flagged", "flagged", "default"]


def test_loops_range_collection_while_and_break(runtime: ScriptRuntime) -> None:
    result = run(
        runtime,
        """
        local squares = Workflow.builder():name("squares"):loop()
          :with_range({start = 1, ["end"] = 5})
          :add_step({name = "sq", fn = function(_, ctx) return ctx.loop.item * ctx.loop.item end})
          :build():execute()
        local items = Workflow.loop{
          name = "items",
          iterator = {collection = {{name = "apple"}, {name = "pear"}}},
          body = {{name = "label", tool = "shout", input = {text = "{{loop.index}}:{{loop.item.name}}"}}},
        }:execute()
        local n = 0
        local counted = Workflow.builder():name("while"):loop()
          :with_while(function(ctx) return n < 3 end)
          :max_iterations(10)
          :add_step({name = "bump", fn = function() n = n + 1; return n end})
          :build():execute()
        local capped = Workflow.builder():name("capped"):loop()
          :with_while({type = "always"}):max_iterations(4)
          :add_step({name = "x", fn = function() return 1 end}):build():execute()
        local broke = Workflow.builder():name("search"):loop()
          :with_collection({"a", "needle", "b"})
          :add_step({name = "look", tool = "shout", input = {text = "{{loop.item}}"}})
          :break_when({type = "step_output_contains", step = "look", value = "NEEDLE"})
          :build():execute()
        local sq = {}
        for _, it in ipairs(squares.result.iterations) do sq[#sq + 1] = it.steps.sq.result end
        local labels = {}
        for _, it in ipairs(items.result.iterations) do labels[#labels + 1] = it.steps.label.text end
        return {
          squares = sq, labels = labels,
          counted = {n, counted.metadata.break_reason},
          capped = {capped.metadata.iterations_completed, capped.metadata.break_reason},
          broke = {broke.metadata.iterations_completed, broke.metadata.break_reason},
        }
        """,
    )
    assert result == {
        "squares": [1, 4, 9, 16],
        "labels": ["0:APPLE", "1:PEAR"],
        "counted": [3, "condition"],
        "capped": [4, "max_iterations"],
        "broke": [2, "break_when"],
    }


def test_parallel_runs_at_once_and_honours_max_concurrency(
    runtime: ScriptRuntime, catalog: SpellCatalog
) -> None:
    started = time.perf_counter()
    result = run(
        runtime,
        """
        local steps = {}
        for i = 1, 4 do
          steps[i] = {name = "nap" .. i, tool = "nap", input = {seconds = 0.3, label = "n" .. i}}
        end
        local r = Workflow.parallel{name = "fan", steps = steps}:execute()
        return {r.success, r.text, r.metadata.total_steps}
        """,
    )
    elapsed = time.perf_counter() - started
    assert result == [True, "n1\nn2\nn3\nn4", 4]
    assert catalog.nap.max_in_flight == 4
    assert elapsed < 4 * 0.3 * 0.75

    catalog.nap.max_in_flight = 0
    result = run(
        runtime,
        """
        local b = Workflow.builder():name("limited"):parallel():max_concurrency(2)
        for i = 1, 5 do b:add_step({name = "s" .. i, tool = "nap", input = {seconds = 0.05}}) end
        return b:build():execute().metadata.max_concurrency
        """,
    )
    assert result == 2
    assert catalog.nap.max_in_flight == 2


def test_streaming_and_events(runtime: ScriptRuntime) -> None:
    result = run(
        runtime,
        """
        local wf = Workflow.streaming{
          name = "st",
          source = "input.words",
          steps = {
            {name = "up", tool = "shout", input = {text = "{{stream.item}}"}},
            {name = "len", fn = function(item) return item.text .. "=" .. item.length end},
          },
        }
        local r = wf:execute({words = {"a", "bb", "ccc"}})
        local chunks, kinds = {}, {}
        for ev in wf:stream({words = {"x", "yy"}}) do
          kinds[#kinds + 1] = ev.type
          if ev.type == "chunk" then chunks[#chunks + 1] = ev.data end
        end
        return {final = r.result.final, chunks = chunks, first = kinds[1], last = kinds[#kinds]}
        """,
    )
    assert result == {
        "final": ["A=1", "BB=2", "CCC=3"],
        "chunks": ["X=1", "YY=2"],
        "first": "workflow_started",
        "last": "completed",
    }


def test_error_strategies_from_lua(runtime: ScriptRuntime) -> None:
    result = run(
        runtime,
        """
        local ff = Workflow.sequential{name = "ff", steps = {
          {name = "ok", tool = "shout", input = {text = "a"}},
          {name = "bad", tool = "nap", input = {seconds = 0, label = "x", fail = true}},
        }}
        local ok, err = pcall(function() return ff:execute() end)
        local cont = Workflow.builder():name("cont"):sequential():error_strategy("continue")
          :add_step({name = "bad", fn = function() error("kaput") end})
          :add_step({name = "after", tool = "shout", input = {text = "still"}})
          :build():execute()
        local bad_ref_ok, bad_ref = pcall(function()
          return Workflow.sequential{name = "ref", steps = {
            {name = "a", tool = "shout", input = {text = "{{steps.nope.text}}"}}}}
        end)
        return {
          ok = ok, err = tostring(err),
          cont = {cont.success, cont.text, cont.metadata.failed_steps, cont.result.steps.bad.success},
          bad_ref_ok = bad_ref_ok, bad_ref = tostring(bad_ref),
        }
        """,
    )
    assert result["ok"] is False
    assert "Workflow.execute: workflow 'ff': step 'bad' failed: nap 'x' failed" in result["err"]
    assert result["cont"] == [False, "STILL", 1, False]
    assert result["bad_ref_ok"] is False
    assert "{{steps.nope.text}} refers to no step of this workflow" in result["bad_ref"]


def test_deadline_stops_a_running_workflow(catalog: SpellCatalog) -> None:
    with spell_runtime("lua", catalog, timeout=0.5) as rt:
        started = time.perf_counter()
        with pytest.raises(LLMSpellError) as caught:
            rt.run_source(
                'return Workflow.sequential{name = "slow", steps = {{name = "nap", tool = "nap", input = {seconds = 30}}}}:execute()',
                "slow.lua",
            )
        assert time.perf_counter() - started < 5
    assert caught.value.code == "TIMEOUT"


def test_as_tool_list_get_and_types(runtime: ScriptRuntime) -> None:
    result = run(
        runtime,
        """
        local wf = Workflow.sequential{name = "shouter", steps = {
          {name = "s", tool = "shout", input = {text = "{{input.text}}!"}}}}
        local tool_name = wf:as_tool({name = "shout_flow", description = "shouts"})
        local via_tool = Tool.execute(tool_name, {text = "hey"})
        local found = Workflow.get("shouter")
        local names = {}
        for _, info in ipairs(Workflow.list()) do names[info.name] = info.type end
        local types = {}
        for _, t in ipairs(Workflow.types()) do types[t] = true end
        return {
          tool_name = tool_name, via_tool = via_tool.text, found_id = found.id == wf.id,
          listed = names.shouter, has_loop = types.loop == true, missing = Workflow.get("nope") == nil,
        }
        """,
    )
    assert result == {
        "tool_name": "shout_flow",
        "via_tool": "HEY!",
        "found_id": True,
        "listed": "sequential",
        "has_loop": True,
        "missing": True,
    }


@pytest.mark.skipif(
    not (registry.has("llmspell.agents", "llm") and registry.has("llmspell.providers", "local")),
    reason="needs the llm agent kind and the local provider",
)
def test_agent_objects_from_the_agent_global(runtime: ScriptRuntime) -> None:
    result = run(
        runtime,
        """
        local a = Agent.builder():name("echoer"):model("local/echo"):build()
        local r = Workflow.sequential{name = "agents", steps = {
          {name = "by_object", agent = a, input = "hello {{input.who}}"},
        }}:execute({who = "bob"})
        return r.result.steps.by_object.text
        """,
    )
    assert isinstance(result, str)
    assert result.endswith("hello bob")
