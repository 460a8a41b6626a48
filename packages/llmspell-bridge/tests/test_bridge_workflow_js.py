"""JavaScript spells building and running every workflow kind through the ``Workflow`` global.

The tools, agent and catalog are shared with the other Workflow-global tests
(``bridge_workflow_kit``); without llmspell-workflows or quickjs these tests skip.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))  # the kit beside this file (importlib mode)

from bridge_workflow_kit import SpellCatalog, needs_engine, needs_workflows, spell_fixtures

from llmspell_bridge import ScriptRuntime

pytestmark = [needs_workflows, needs_engine("javascript")]


catalog_fixture, runtime_fixture = spell_fixtures("javascript")


def run(runtime: ScriptRuntime, source: str) -> Any:
    return runtime.run_source(source, "workflow_spell.js")


def test_sequential_with_tools_agents_functions_and_nesting(runtime: ScriptRuntime) -> None:
    result = run(
        runtime,
        """
        const inner = Workflow.sequential({
          name: "inner",
          steps: [{name: "shout", tool: "shout", input: {text: "{{input.text}}"}}],
        });
        const wf = Workflow.builder()
          .name("pipeline")
          .sequential()
          .add_step({name: "draft", type: "tool", tool: "shout", input: {text: "{{input.topic}}"}})
          .add_step({name: "sum", type: "agent", agent: "summariser", input: "{{steps.draft.text}}"})
          .add_step({name: "count", type: "function",
                     fn: (input, ctx) => ctx.steps.sum.text.length + input.extra,
                     input: {extra: "{{steps.draft.result.length}}"}})
          .add_step({name: "nested", type: "workflow", workflow: inner, input: {text: "{{steps.sum.text}}"}})
          .build();
        const r = await wf.execute({topic: "bees"});
        const stored = await wf.get_output("sum");
        return {
          success: r.success, text: r.text, count: r.result.steps.count.result,
          total: r.metadata.total_steps, id_matches: wf.get_execution_id() === r.metadata.execution_id,
          stored: stored.text, name: wf.name, type: wf.type, valid: wf.validate().valid,
        };
        """,
    )
    assert result == {
        "success": True,
        "text": "[SUMMARY] BEES",
        "count": len("[summary] BEES") + 4,
        "total": 4,
        "id_matches": True,
        "stored": "[summary] BEES",
        "name": "pipeline",
        "type": "sequential",
        "valid": True,
    }


def test_conditional_and_loops(runtime: ScriptRuntime) -> None:
    result = run(
        runtime,
        """
        const cond = Workflow.builder().name("mode").conditional()
          .condition({type: "shared_data_equals", key: "mode", value: "loud"})
          .add_then_step({name: "loud", tool: "shout", input: {text: "{{input.text}}"}})
          .add_else_step({name: "quiet", fn: (input, ctx) => ctx.input.text.toLowerCase()})
          .build();
        const routes = Workflow.conditional({
          name: "routes",
          branches: [{name: "big", condition: (ctx) => ctx.input.n > 10, steps: [{name: "b", fn: () => "big"}]}],
          default_branch: [{name: "d", fn: () => "default"}],
        });
        const squares = await Workflow.builder().name("squares").loop()
          .with_range({start: 1, end: 5})
          .add_step({name: "sq", fn: (_, ctx) => ctx.loop.item * ctx.loop.item})
          .build().execute();
        let n = 0;
        const counted = await Workflow.builder().name("while").loop()
          .with_while((ctx) => n < 3).max_iterations(10)
          .add_step({name: "bump", fn: () => ++n})
          .build().execute();
        const broke = await Workflow.loop({
          name: "search",
          iterator: {collection: ["a", "needle", "b"]},
          body: [{name: "look", tool: "shout", input: {text: "{{loop.item}}"}}],
          break_when: {type: "step_output_contains", step: "look", value: "NEEDLE"},
        }).execute();
        return [
          (await cond.execute({mode: "loud", text: "Hi"})).text,
          (await cond.execute({mode: "soft", text: "Hi"})).text,
          (await routes.execute({n: 50})).text,
          (await routes.execute({n: 1})).metadata.branch,
          squares.result.iterations.map((it) => it.steps.sq.result),
          [n, counted.metadata.break_reason],
          [broke.metadata.iterations_completed, broke.metadata.break_reason],
        ];
        """,
    )
    assert result == [
        "HI",
        "hi",
        "big",
        "default",
        [1, 4, 9, 16],
        [3, "condition"],
        [2, "break_when"],
    ]


def test_parallel_and_promise_all(runtime: ScriptRuntime, catalog: SpellCatalog) -> None:
    started = time.perf_counter()
    result = run(
        runtime,
        """
        const steps = [1, 2, 3, 4].map((i) => ({name: `nap${i}`, tool: "nap", input: {seconds: 0.3, label: `n${i}`}}));
        const fan = Workflow.parallel({name: "fan", steps});
        const solo = Workflow.sequential({name: "solo", steps: [{name: "z", tool: "nap", input: {seconds: 0.3, label: "solo"}}]});
        // two workflows at once: Promise.all overlaps them on the runtime loop
        const [a, b] = await Promise.all([fan.execute(), solo.execute()]);
        return [a.text, b.text, a.metadata.total_steps];
        """,
    )
    elapsed = time.perf_counter() - started
    assert result == ["n1\nn2\nn3\nn4", "solo", 4]
    assert catalog.nap.max_in_flight == 5
    assert elapsed < 5 * 0.3 * 0.6

    catalog.nap.max_in_flight = 0
    result = run(
        runtime,
        """
        const b = Workflow.builder().name("limited").parallel().max_concurrency(2);
        for (let i = 0; i < 5; i++) b.add_step({name: `s${i}`, tool: "nap", input: {seconds: 0.05}});
        return (await b.build().execute()).metadata.max_concurrency;
        """,
    )
    assert result == 2
    assert catalog.nap.max_in_flight == 2


def test_streaming_events_and_errors(runtime: ScriptRuntime) -> None:
    result = run(
        runtime,
        """
        const wf = Workflow.streaming({
          name: "st",
          source: "input.words",
          steps: [
            {name: "up", tool: "shout", input: {text: "{{stream.item}}"}},
            {name: "len", fn: (item) => `${item.text}=${item.length}`},
          ],
        });
        const r = await wf.execute({words: ["a", "bb"]});
        const chunks = [];
        for await (const ev of wf.stream({words: ["x"]})) if (ev.type === "chunk") chunks.push(ev.data);
        let message = null, code = null;
        try {
          await Workflow.sequential({name: "ff", steps: [
            {name: "bad", tool: "nap", input: {seconds: 0, label: "x", fail: true}}]}).execute();
        } catch (e) { message = e.message; code = e.code; }
        const cont = await Workflow.builder().name("cont").sequential().error_strategy("continue")
          .add_step({name: "bad", fn: () => { throw new Error("kaput"); }})
          .add_step({name: "after", tool: "shout", input: {text: "still"}})
          .build().execute();
        return {
          final: r.result.final, chunks, message, code,
          cont: [cont.success, cont.text, cont.metadata.failed_steps],
        };
        """,
    )
    assert result["final"] == ["A=1", "BB=2"]
    assert result["chunks"] == ["X=1"]
    assert result["message"] == "Workflow.execute: workflow 'ff': step 'bad' failed: nap 'x' failed"
    assert result["code"] == "TOOL_ERROR"
    assert result["cont"] == [False, "STILL", 1]


def test_as_tool_list_get_and_types(runtime: ScriptRuntime) -> None:
    result = run(
        runtime,
        """
        const wf = Workflow.sequential({name: "shouter", steps: [
          {name: "s", tool: "shout", input: {text: "{{input.text}}!"}}]});
        const toolName = wf.as_tool({name: "shout_flow", description: "shouts"});
        const viaTool = await Tool.execute(toolName, {text: "hey"});
        return {
          toolName, viaTool: viaTool.text, found: Workflow.get("shouter").id === wf.id,
          listed: Workflow.list().some((w) => w.name === "shouter" && w.type === "sequential"),
          types: Workflow.types().includes("streaming"), missing: Workflow.get("nope"),
        };
        """,
    )
    assert result == {
        "toolName": "shout_flow",
        "viaTool": "HEY!",
        "found": True,
        "listed": True,
        "types": True,
        "missing": None,
    }
