"""A workflow offered as a tool, called by an agent inside its model↔tool loop.

Cross-package: the spell runs through ``ScriptRuntime`` with the registry-backed Catalog, the
agent talks to the fake LLM server through the real OpenAI SDK, and the model's tool call
runs a workflow (a script function step and an agent step) that the spell registered with
``wf:as_tool`` / ``Workflow.wrap_as_tool``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from llmspell_bridge import ScriptRuntime
from llmspell_core import Catalog, LLMSpellConfig
from llmspell_core.testing import FakeLLMServer, FakeReply, FakeRequest, FakeToolCall

LUA = """
local flow = Workflow.sequential{
  name = "brief",
  description = "tidies a topic and has the writer draft a brief about it",
  steps = {
    {name = "tidy", fn = function(input) return string.lower(input.topic) .. "!" end},
    {name = "draft", agent = Agent.create{name = "writer", model = "openai/gpt-4o-mini",
                                          system_prompt = "You write briefs."},
     input = "brief on {{steps.tidy.result}}"},
  },
}
local tool = %(register)s
local caller = Agent.create{name = "caller", model = "openai/gpt-4o-mini", tools = {tool}}
local r = caller:execute("research BEES please")
return {tool = tool, text = r.text, calls = r.metadata.tool_calls, called = r.tool_calls[1].name,
        workflows = #Workflow.list(), tidy = flow:get_output("tidy").result}
"""

JS = """
const flow = Workflow.sequential({
  name: "brief",
  description: "tidies a topic and has the writer draft a brief about it",
  steps: [
    {name: "tidy", fn: (input) => input.topic.toLowerCase() + "!"},
    {name: "draft", agent: Agent.create({name: "writer", model: "openai/gpt-4o-mini",
                                         system_prompt: "You write briefs."}),
     input: "brief on {{steps.tidy.result}}"},
  ],
});
const tool = %(register)s;
const caller = Agent.create({name: "caller", model: "openai/gpt-4o-mini", tools: [tool]});
const r = await caller.execute("research BEES please");
return {tool, text: r.text, calls: r.metadata.tool_calls, called: r.tool_calls[0].name,
        workflows: Workflow.list().length, tidy: (await flow.get_output("tidy")).result};
"""

REGISTER = {
    ("lua", "method"): 'flow:as_tool({name = "brief_flow", description = "drafts a brief"})',
    ("lua", "global"): 'Workflow.wrap_as_tool("brief", {tool_name = "brief_flow"})',
    ("javascript", "method"): 'flow.as_tool({name: "brief_flow", description: "drafts a brief"})',
    ("javascript", "global"): 'Workflow.wrap_as_tool("brief", {tool_name: "brief_flow"})',
}


def respond(request: FakeRequest) -> FakeReply:
    """The caller's model calls the workflow tool, then answers with what it returned."""
    system = request.messages[0].get("content") if request.messages else None
    if system == "You write briefs.":
        return FakeReply(text=f"BRIEF({request.last_user_text})")
    if request.tool_results:
        returned = json.loads(request.tool_results[0][1])
        return FakeReply(text=f"done: {returned['text']}")
    return FakeReply(tool_calls=[FakeToolCall("brief_flow", {"topic": "BEES"}, id="call_1")])


@pytest.fixture
def server() -> Iterator[FakeLLMServer]:
    with FakeLLMServer(responder=respond) as fake:
        yield fake


@pytest.fixture
def runtime(server: FakeLLMServer) -> Iterator[ScriptRuntime]:
    config = LLMSpellConfig.model_validate(
        {"providers": {"openai": {"base_url": server.openai_base_url}}}
    )
    catalog = Catalog(config, environ={"OPENAI_API_KEY": "sk-test"})
    runtime = ScriptRuntime(config=config, services=catalog, timeout_seconds=30)
    yield runtime
    runtime._loop.run(catalog.aclose(), timeout=10)  # pyright: ignore[reportPrivateUsage]
    runtime.close()


@pytest.mark.parametrize("registration", ["method", "global"])
@pytest.mark.parametrize("engine", ["lua", "javascript"])
def test_agent_calls_a_workflow_tool(
    runtime: ScriptRuntime,
    server: FakeLLMServer,
    tmp_path: Path,
    engine: str,
    registration: str,
) -> None:
    template = LUA if engine == "lua" else JS
    spell = tmp_path / ("spell.lua" if engine == "lua" else "spell.js")
    spell.write_text(template % {"register": REGISTER[(engine, registration)]})

    result: Any = runtime.run_file(spell)

    assert result == {
        "tool": "brief_flow",
        "text": "done: BRIEF(brief on bees!)",
        "calls": 1,
        "called": "brief_flow",
        "workflows": 1,
        "tidy": "bees!",
    }
    first, writer, last = server.chat_requests()
    offered = {t["function"]["name"]: t["function"] for t in first.fields["tools"]}
    assert set(offered) == {"brief_flow"}
    if registration == "method":
        assert offered["brief_flow"]["description"] == "drafts a brief"
    assert writer.last_user_text == "brief on bees!"
    (call_id, content), *_ = last.tool_results
    assert call_id == "call_1"
    returned = json.loads(content)
    assert returned["success"] is True
    assert returned["text"] == "BRIEF(brief on bees!)"


FAILING = {
    "lua": """
local flow = Workflow.sequential{name = "picky", steps = {
  {name = "check", fn = function(input) error("topic '" .. input.topic .. "' is off limits") end},
}}
local caller = Agent.create{name = "caller", model = "openai/gpt-4o-mini",
                            tools = {flow:as_tool("brief_flow")}}
return caller:execute("research BEES please").text
""",
    "javascript": """
const flow = Workflow.sequential({name: "picky", steps: [
  {name: "check", fn: (input) => { throw new Error(`topic '${input.topic}' is off limits`); }},
]});
const caller = Agent.create({name: "caller", model: "openai/gpt-4o-mini",
                             tools: [flow.as_tool("brief_flow")]});
return (await caller.execute("research BEES please")).text;
""",
}


@pytest.mark.parametrize("engine", ["lua", "javascript"])
def test_a_failing_workflow_tool_reports_to_the_model(
    runtime: ScriptRuntime, server: FakeLLMServer, tmp_path: Path, engine: str
) -> None:
    def respond_with_error(request: FakeRequest) -> FakeReply:
        if request.tool_results:
            returned = json.loads(request.tool_results[0][1])
            return FakeReply(text=f"sorry: {returned['code']}: {returned['error']}")
        return FakeReply(tool_calls=[FakeToolCall("brief_flow", {"topic": "BEES"})])

    server.responder = respond_with_error
    spell = tmp_path / ("spell.lua" if engine == "lua" else "spell.js")
    spell.write_text(FAILING[engine])

    text = runtime.run_file(spell)

    # the workflow's failure went back to the model as the tool result; the agent carried on
    assert isinstance(text, str)
    assert text.startswith("sorry: SCRIPT_ERROR: workflow 'picky': step 'check' failed: ")
    assert text.endswith("topic 'BEES' is off limits")
    assert len(server.chat_requests()) == 2
