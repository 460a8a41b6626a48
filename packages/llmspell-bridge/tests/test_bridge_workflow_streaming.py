"""Streaming workflows from spells: lazy script sources and stages, agent chunks, backpressure.

Each test runs the same workflow written in Lua and in JavaScript and expects the same result.
A script source is *lazy* when the workflow resumes it only as its bounded queue has room: the
spells count what the source produced against what the last stage consumed.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # the kit beside this file (importlib mode)

from bridge_workflow_kit import ENGINES, SpellCatalog, needs_engine, needs_workflows, spell_runtime

from llmspell_bridge import ScriptRuntime
from llmspell_core.errors import LLMSpellError

pytestmark = needs_workflows

ENGINE_PARAMS = [pytest.param(name, marks=needs_engine(name)) for name in ENGINES]


@pytest.fixture(params=ENGINE_PARAMS)
def engine(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def runtime(engine: str) -> Iterator[ScriptRuntime]:
    with spell_runtime(engine, SpellCatalog()) as rt:
        yield rt


def run(runtime: ScriptRuntime, engine: str, spells: dict[str, str]) -> Any:
    return runtime.run_source(spells[engine], f"streaming_spell{ENGINES[engine][1]}")


LAZY = {
    "lua": """
        local produced, consumed, gap = 0, 0, 0
        local function seen(item)
          consumed = consumed + 1
          gap = math.max(gap, produced - consumed)
          return item
        end
        local function pipeline(source)
          return Workflow.streaming{name = "lazy", buffer_size = 2, collect = false, source = source,
            steps = {{name = "nap", tool = "nap", input = {seconds = 0.002, label = "{{stream.item}}"}},
                     {name = "seen", fn = seen}}}
        end
        local lazy = pipeline({name = "count", generator = function(input)
          for i = 1, input.n do produced = produced + 1; coroutine.yield(i) end
        end}):execute({n = 60})
        local lazy_gap = gap
        produced, consumed, gap = 0, 0, 0
        pipeline({name = "list", fn = function(input)
          local all = {}
          for i = 1, input.n do produced = produced + 1; all[i] = i end
          return all
        end}):execute({n = 60})
        return {items = lazy.metadata.items_out, consumed = consumed, lazy_gap = lazy_gap, eager_gap = gap}
    """,
    "javascript": """
        let produced = 0, consumed = 0, gap = 0;
        const seen = (item) => { consumed++; gap = Math.max(gap, produced - consumed); return item; };
        const pipeline = (source) => Workflow.streaming({name: "lazy", buffer_size: 2, collect: false, source,
          steps: [{name: "nap", tool: "nap", input: {seconds: 0.002, label: "{{stream.item}}"}},
                  {name: "seen", fn: seen}]});
        const lazy = await pipeline({name: "count", generator: function* (input) {
          for (let i = 1; i <= input.n; i++) { produced++; yield i; }
        }}).execute({n: 60});
        const lazyGap = gap;
        produced = 0; consumed = 0; gap = 0;
        await pipeline({name: "list", fn: (input) => {
          const all = [];
          for (let i = 1; i <= input.n; i++) { produced++; all.push(i); }
          return all;
        }}).execute({n: 60});
        return {items: lazy.metadata.items_out, consumed, lazy_gap: lazyGap, eager_gap: gap};
    """,
}


def test_a_generator_source_runs_only_as_far_as_the_queues_have_room(
    runtime: ScriptRuntime, engine: str
) -> None:
    result = run(runtime, engine, LAZY)
    assert result["items"] == 60
    assert result["consumed"] == 60
    # two queues of 2, an item in the nap stage's hands and one being yielded
    assert result["lazy_gap"] <= 2 * 2 + 2
    assert result["eager_gap"] > 40  # a whole list is made before anything flows


ITERATORS = {
    "lua": """
        local wrapped = Workflow.streaming{name = "wrapped",
          source = {name = "w", fn = function(input)
            return coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i * input.k) end end)
          end},
          steps = {{name = "inc", fn = function(x) return x + 1 end}}}:execute({k = 10})
        local closure = Workflow.streaming{name = "closure",
          source = {name = "c", fn = function()
            local i = 0
            return function() i = i + 1; if i <= 3 then return "c" .. i end end
          end},
          steps = {}}:execute()
        return {first = wrapped.result.final, second = closure.result.final}
    """,
    "javascript": """
        const wrapped = await Workflow.streaming({name: "wrapped",
          source: {name: "w", fn: (input) => {
            async function* tens() {
              for (let i = 1; i <= 3; i++) { await new Promise((ok) => setTimeout(ok, 1)); yield i * input.k; }
            }
            const it = tens();
            return async () => { const step = await it.next(); return step.done ? null : step.value; };
          }},
          steps: [{name: "inc", fn: (x) => x + 1}]}).execute({k: 10});
        const closure = await Workflow.streaming({name: "closure",
          source: {name: "c", fn: () => { let i = 0; return () => (++i <= 3 ? `c${i}` : null); }},
          steps: []}).execute();
        return {first: wrapped.result.final, second: closure.result.final};
    """,
}


def test_a_returned_iterator_function_is_a_lazy_source(runtime: ScriptRuntime, engine: str) -> None:
    # Lua: coroutine.wrap and an iterator closure; JS: an async closure over an async
    # generator and a plain closure — each called until it returns nil/null
    assert run(runtime, engine, ITERATORS) == {"first": [11, 21, 31], "second": ["c1", "c2", "c3"]}


STAGES = {
    "lua": """
        local shouty = Workflow.streaming{name = "shouty", source = "input.words", steps = {
          {name = "twice", generator = function(word) coroutine.yield(word); coroutine.yield(word .. "!") end},
          {name = "up", tool = "shout", input = {text = "{{stream.item}}"}},
        }}:execute({words = {"a", "b"}})
        local listed = Workflow.sequential{name = "listed", steps = {
          {name = "g", generator = function(input) for i = 1, input.n do coroutine.yield(i * i) end end},
        }}:execute({n = 3})
        return {stage = shouty.result.final, sequential = listed.result.final.result}
    """,
    "javascript": """
        const shouty = await Workflow.streaming({name: "shouty", source: "input.words", steps: [
          {name: "twice", generator: function* (word) { yield word; yield `${word}!`; }},
          {name: "up", tool: "shout", input: {text: "{{stream.item}}"}},
        ]}).execute({words: ["a", "b"]});
        const listed = await Workflow.sequential({name: "listed", steps: [
          {name: "g", generator: function* (input) { for (let i = 1; i <= input.n; i++) yield i * i; }},
        ]}).execute({n: 3});
        return {stage: shouty.result.final, sequential: listed.result.final.result};
    """,
}


def test_generator_stages_emit_several_items_and_collect_elsewhere(
    runtime: ScriptRuntime, engine: str
) -> None:
    result = run(runtime, engine, STAGES)
    assert [item["text"] for item in result["stage"]] == ["A", "A!", "B", "B!"]
    assert result["sequential"] == [1, 4, 9]


AGENT_STAGE = {
    "lua": """
        local function pipeline(chunks)
          return Workflow.streaming{name = "notes", source = "input.topics", steps = {
            {name = "sum", agent = "summariser", chunks = chunks},
          }}
        end
        local pieces = {}
        for ev in pipeline(true):stream({topics = {"bees", "ants"}}) do
          if ev.type == "chunk" then pieces[#pieces + 1] = ev.data end
        end
        return {chunks = pieces, whole = pipeline(false):execute({topics = {"bees", "ants"}}).result.final}
    """,
    "javascript": """
        const pipeline = (chunks) => Workflow.streaming({name: "notes", source: "input.topics", steps: [
          {name: "sum", agent: "summariser", chunks},
        ]});
        const pieces = [];
        for await (const ev of pipeline(true).stream({topics: ["bees", "ants"]})) {
          if (ev.type === "chunk") pieces.push(ev.data);
        }
        return {chunks: pieces, whole: (await pipeline(false).execute({topics: ["bees", "ants"]})).result.final};
    """,
}


def test_an_agent_stage_streams_its_chunks(runtime: ScriptRuntime, engine: str) -> None:
    assert run(runtime, engine, AGENT_STAGE) == {
        "chunks": ["[summary] ", "bees", "[summary] ", "ants"],
        "whole": ["[summary] bees", "[summary] ants"],
    }


SOURCE_ERRORS = {
    "lua": """
        local ok, err = pcall(function()
          return Workflow.streaming{name = "oops", source = {name = "g", fn = function()
            coroutine.yield(1)
          end}, steps = {}}:execute()
        end)
        local ok2, err2 = pcall(function()
          return Workflow.streaming{name = "broken", source = {name = "g", generator = function()
            coroutine.yield(1); error("ran dry")
          end}, steps = {}}:execute()
        end)
        return {tostring(err), tostring(err2)}
    """,
    "javascript": """
        const out = [];
        for (const source of [
          {name: "g", generator: () => 1},
          {name: "g", generator: function* () { yield 1; throw new Error("ran dry"); }},
        ]) {
          try { await Workflow.streaming({name: "broken", source, steps: []}).execute(); }
          catch (e) { out.push(e.message); }
        }
        return out;
    """,
}


def test_source_errors_name_the_source_and_say_what_to_do(
    runtime: ScriptRuntime, engine: str
) -> None:
    first, second = run(runtime, engine, SOURCE_ERRORS)
    if engine == "lua":
        assert first.endswith(
            "workflow 'oops': source 'g' failed: attempt to yield from outside a coroutine "
            "(a function that yields is a generator body: give it as generator=)"
        )
    else:
        assert first.endswith(
            "workflow 'broken': source 'g' failed: TypeError: expected a generator function "
            "(function* or async function*)"
        )
    assert "workflow 'broken': source 'g' failed: " in second
    assert second.endswith("ran dry")


def test_the_deadline_stops_a_generator_source(engine: str) -> None:
    spells = {
        "lua": """return Workflow.streaming{name = "endless", source = {name = "g", generator = function()
            local i = 0
            while true do i = i + 1; coroutine.yield(i) end
          end}, steps = {{name = "nap", tool = "nap", input = {seconds = 0.01}}}}:execute()""",
        "javascript": """return await Workflow.streaming({name: "endless", source: {name: "g", generator: function* () {
            for (let i = 0; ; i++) yield i;
          }}, steps: [{name: "nap", tool: "nap", input: {seconds: 0.01}}]}).execute();""",
    }
    with (
        spell_runtime(engine, SpellCatalog(), timeout=0.5) as rt,
        pytest.raises(LLMSpellError) as caught,
    ):
        run(rt, engine, spells)
    assert caught.value.code == "TIMEOUT"


ASYNC_GENERATORS = """
    let produced = 0, consumed = 0, gap = 0;
    const seen = (item) => { consumed++; gap = Math.max(gap, produced - consumed); return item; };
    const tick = () => new Promise((ok) => setTimeout(ok, 1));
    const lazy = await Workflow.streaming({name: "async-source", buffer_size: 2, collect: false,
      source: {name: "count", generator: async function* (input) {
        for (let i = 1; i <= input.n; i++) { await tick(); produced++; yield i; }
      }},
      steps: [{name: "nap", tool: "nap", input: {seconds: 0.002, label: "{{stream.item}}"}},
              {name: "seen", fn: seen}]}).execute({n: 40});
    const stage = await Workflow.streaming({name: "async-stage", source: "input.words", steps: [
      {name: "twice", generator: async function* (word) { await tick(); yield word; yield word + "!"; }},
    ]}).execute({words: ["a", "b"]});
    const listed = await Workflow.sequential({name: "listed", steps: [
      {name: "g", generator: async function* (input) { for (let i = 1; i <= input.n; i++) { await tick(); yield i * i; } }},
    ]}).execute({n: 3});
    const failing = await Workflow.streaming({name: "dry", source: {name: "g",
      generator: async function* () { yield 1; await tick(); throw new Error("ran dry"); }},
      steps: []}).execute().then(() => "no error", (e) => e.message);
    return {items: lazy.metadata.items_out, consumed, gap, stage: stage.result.final,
            listed: listed.result.final.result, failing};
"""


@needs_engine("javascript")
def test_an_async_generator_body_is_a_lazy_source_and_stage() -> None:
    with spell_runtime("javascript", SpellCatalog()) as runtime:
        result = runtime.run_source(ASYNC_GENERATORS, "async_generators.js")
    assert result["items"] == 40
    assert result["consumed"] == 40
    assert result["gap"] <= 2 * 2 + 2  # pulled only as the bounded queues had room
    assert result["stage"] == ["a", "a!", "b", "b!"]
    assert result["listed"] == [1, 4, 9]
    assert result["failing"].endswith("ran dry")
    assert "source 'g' failed" in result["failing"]


RETURNED_GENERATORS = """
    const sync = await Workflow.streaming({name: "sync", source: {name: "s",
      fn: (input) => (function* () { for (let i = 1; i <= input.n; i++) yield i; })()},
      steps: [{name: "inc", fn: (x) => x + 1}]}).execute({n: 3});
    const asyncGen = await Workflow.streaming({name: "async", source: {name: "a",
      fn: async function* () { yield "x"; await null; yield "y"; }},
      steps: []}).execute();
    const fromArray = await Workflow.streaming({name: "values", source: {name: "v",
      fn: () => ["p", "q"].values()}, steps: []}).execute();
    let threw = "";
    try { Streaming.create(async function* () { yield 1; }).next(); } catch (e) { threw = e.message; }
    return {sync: sync.result.final, async: asyncGen.result.final, values: fromArray.result.final, threw};
"""


@needs_engine("javascript")
def test_a_generator_object_handed_to_python_is_a_script_iterator() -> None:
    # a generator object (sync or async) reaching Python becomes a function giving the next
    # value and null at the end, which a streaming source pulls lazily
    with spell_runtime("javascript", SpellCatalog()) as runtime:
        result = runtime.run_source(RETURNED_GENERATORS, "returned.js")
    assert result["sync"] == [2, 3, 4]
    assert result["async"] == ["x", "y"]
    assert result["values"] == ["p", "q"]
    assert "Streaming.create needs a generator function (function*)" in result["threw"]
