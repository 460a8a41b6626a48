"""The llm agent: prompts, history bound, tool loop, structured output, media, metrics."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest

from llmspell_agents import AgentTool, LLMAgent, create_llm_agent
from llmspell_core.agent import AgentConfig
from llmspell_core.agent_io import AgentChunk, AgentInput
from llmspell_core.catalog import Catalog
from llmspell_core.context import ExecutionContext
from llmspell_core.errors import (
    NotFoundError,
    ProviderError,
    TimeoutError,
    ToolError,
    ValidationError,
)
from llmspell_core.media import MediaContent
from llmspell_core.messages import Role, ToolCall
from llmspell_core.provider import CompletionRequest
from llmspell_core.tool import Tool
from llmspell_core.tool_types import ToolOutput, ToolSpec


class SleepTool(Tool):
    """Sleeps, recording when each call started and ended (to prove concurrency)."""

    def __init__(self, name: str = "sleeper") -> None:
        self._name = name
        self.spans: list[tuple[float, float]] = []

    @property
    def spec(self) -> ToolSpec:
        return ToolSpec(
            name=self._name,
            description="sleep a while",
            parameters={"type": "object", "properties": {"seconds": {"type": "number"}}},
        )

    async def execute(self, params: dict[str, Any], ctx: ExecutionContext) -> ToolOutput:
        started = time.perf_counter()
        await asyncio.sleep(float(params.get("seconds", 0.05)))
        self.spans.append((started, time.perf_counter()))
        return ToolOutput(
            text=f"slept {params.get('seconds')}", result={"slept": params.get("seconds")}
        )


class FailingTool(Tool):
    @property
    def spec(self) -> ToolSpec:
        return ToolSpec(name="broken", description="always fails")

    async def execute(self, params: dict[str, Any], ctx: ExecutionContext) -> ToolOutput:
        raise ToolError("the disk is full")


def call(name: str, call_id: str, **arguments: Any) -> ToolCall:
    return ToolCall(id=call_id, name=name, arguments=arguments)


def build(catalog: Catalog, **config: Any) -> LLMAgent:
    agent = catalog.create_agent(AgentConfig(**config))
    assert isinstance(agent, LLMAgent)
    return agent


def test_entry_point_builds_llm_agents(catalog: Catalog) -> None:
    assert catalog.registry.load("llmspell.agents", "llm") is create_llm_agent
    agent = build(catalog, name="helper", model="scripted/m1")
    assert catalog.get_agent("helper") is agent
    assert agent.get_config()["provider"] == "scripted"
    assert agent.get_config()["model"] == "m1"


async def test_execute_sends_system_prompt_and_reports_usage(
    catalog: Catalog, provider: Any, ctx: ExecutionContext
) -> None:
    agent = build(
        catalog,
        name="a",
        model="scripted/m1",
        system_prompt="Be brief.",
        temperature=0.3,
        max_tokens=20,
    )
    output = await agent.execute(AgentInput(text="Hello"), ctx)
    assert output.success
    assert output.text == "reply to Hello"
    request = provider.requests[-1]
    assert [(m.role, m.content) for m in request.messages] == [
        (Role.SYSTEM, "Be brief."),
        (Role.USER, "Hello"),
    ]
    assert (request.temperature, request.max_tokens, request.model) == (0.3, 20, "m1")
    assert output.metadata["provider"] == "scripted"
    assert output.metadata["model"] == "m1"
    assert output.metadata["input_tokens"] == 10
    assert output.metadata["output_tokens"] == 3
    assert output.metadata["duration_ms"] >= 0
    # per-call parameters override the agent's
    await agent.execute(AgentInput(text="x", parameters={"temperature": 1.0}), ctx)
    assert provider.requests[-1].temperature == 1.0


async def test_history_is_kept_and_bounded(
    catalog: Catalog, provider: Any, ctx: ExecutionContext
) -> None:
    agent = build(catalog, model="scripted/m1", max_conversation_length=4)
    for i in range(5):
        await agent.execute(AgentInput(text=f"q{i}"), ctx)
    sent = [m.content for m in provider.requests[-1].messages]
    assert sent == ["q2", "reply to q2", "q3", "reply to q3", "q4"]
    history = agent.get_history()
    assert len(history) == 4
    assert history[0] == {"role": "user", "content": "q3"}
    agent.clear_history()
    assert agent.get_history() == []
    await agent.execute(AgentInput(text="fresh"), ctx)
    assert [m.content for m in provider.requests[-1].messages] == ["fresh"]


async def test_odd_history_bound_never_starts_with_a_reply(
    catalog: Catalog, ctx: ExecutionContext
) -> None:
    agent = build(catalog, model="scripted/m1", max_conversation_length=3)
    for i in range(3):
        await agent.execute(AgentInput(text=f"q{i}"), ctx)
    history = agent.get_history()
    assert history[0]["role"] == "user"
    assert len(history) <= 3


async def test_tool_loop_runs_calls_of_one_turn_concurrently(
    catalog: Catalog, provider: Any, ctx: ExecutionContext
) -> None:
    first, second = SleepTool("sleep-a"), SleepTool("sleep-b")
    catalog.register_tool(first)
    catalog.register_tool(second)
    provider.turns.extend(
        [
            [call("sleep-a", "c1", seconds=0.2), call("sleep-b", "c2", seconds=0.2)],
            "both slept",
        ]
    )
    agent = build(catalog, model="scripted/m1", allowed_tools=["sleep-a", "sleep-b"])
    output = await agent.execute(AgentInput(text="sleep twice"), ctx)
    assert output.text == "both slept"
    (a_start, a_end), (b_start, b_end) = first.spans[0], second.spans[0]
    assert b_start < a_end, "the two tool calls overlapped in time"
    assert a_start < b_end, "the two tool calls overlapped in time"
    offered = provider.requests[0].tools
    assert [t.name for t in offered] == ["sleep-a", "sleep-b"]
    follow_up = provider.requests[1].messages
    assert follow_up[-3].tool_calls == [
        call("sleep-a", "c1", seconds=0.2),
        call("sleep-b", "c2", seconds=0.2),
    ]
    results = [(m.role, m.tool_call_id, json.loads(m.content)) for m in follow_up[-2:]]
    assert results == [
        (Role.TOOL, "c1", {"success": True, "text": "slept 0.2", "result": {"slept": 0.2}}),
        (Role.TOOL, "c2", {"success": True, "text": "slept 0.2", "result": {"slept": 0.2}}),
    ]
    assert [c.id for c in output.tool_calls] == ["c1", "c2"]
    assert output.metadata["tool_calls"] == 2
    assert output.metadata["provider_requests"] == 2
    assert agent.get_metrics()["tool_invocations"] == 2
    # the tool chatter is not kept in the history
    assert [h["role"] for h in agent.get_history()] == ["user", "assistant"]


async def test_tool_failures_go_back_to_the_model(
    catalog: Catalog, provider: Any, ctx: ExecutionContext
) -> None:
    catalog.register_tool(FailingTool())
    provider.turns.extend(
        [
            [
                call("broken", "c1"),
                call("no-such-tool", "c2"),
                ToolCall(id="c3", name="broken", arguments={"_raw": "{oops"}),
            ],
            "I could not do it",
        ]
    )
    agent = build(catalog, model="scripted/m1", allowed_tools=["broken"])
    output = await agent.execute(AgentInput(text="try"), ctx)
    assert output.success
    assert output.text == "I could not do it"
    results = [json.loads(m.content) for m in provider.requests[1].messages[-3:]]
    assert results[0] == {"success": False, "error": "the disk is full", "code": "TOOL_ERROR"}
    assert "no tool named 'no-such-tool' is available (available: broken)" in results[1]["error"]
    assert "not a JSON object: {oops" in results[2]["error"]


async def test_max_tool_calls_bounds_the_loop(
    catalog: Catalog, provider: Any, ctx: ExecutionContext
) -> None:
    catalog.register_tool(SleepTool())

    def respond(request: CompletionRequest) -> Any:
        if request.tool_choice == "none":
            return "giving up"
        return [call("sleeper", f"c{len(provider.requests)}", seconds=0)]

    provider.responder = respond
    agent = build(catalog, model="scripted/m1", allowed_tools=["sleeper"], max_tool_calls=3)
    output = await agent.execute(AgentInput(text="loop forever"), ctx)
    assert output.text == "giving up"
    assert output.metadata["tool_calls"] == 3
    assert output.metadata["tool_calls_limited"] is True
    assert len(provider.requests) == 4
    assert provider.requests[-1].tool_choice == "none"


async def test_budget_spent_mid_turn_skips_the_rest(
    catalog: Catalog, provider: Any, ctx: ExecutionContext
) -> None:
    sleeper = SleepTool()
    catalog.register_tool(sleeper)
    provider.turns.extend(
        [[call("sleeper", "c1", seconds=0), call("sleeper", "c2", seconds=0)], "done"]
    )
    agent = build(catalog, model="scripted/m1", allowed_tools=["sleeper"], max_tool_calls=1)
    await agent.execute(AgentInput(text="x"), ctx)
    assert len(sleeper.spans) == 1
    skipped = json.loads(provider.requests[1].messages[-1].content)
    assert skipped["code"] == "NOT_RUN"
    assert "max_tool_calls (1)" in skipped["error"]


async def test_a_model_that_ignores_no_more_tools_still_ends(
    catalog: Catalog, provider: Any, ctx: ExecutionContext
) -> None:
    catalog.register_tool(SleepTool())

    def respond(request: CompletionRequest) -> Any:
        return ("stubborn", [call("sleeper", "c", seconds=0)])

    provider.responder = respond
    agent = build(catalog, model="scripted/m1", allowed_tools=["sleeper"], max_tool_calls=2)
    output = await agent.execute(AgentInput(text="x"), ctx)
    assert output.text == "stubborn"
    assert output.tool_calls == [call("sleeper", "c", seconds=0)] * 2


def test_unknown_allowed_tool_fails_at_build(catalog: Catalog) -> None:
    catalog.register_tool(SleepTool())
    with pytest.raises(NotFoundError) as info:
        build(catalog, name="x", model="scripted/m1", allowed_tools=["sleepr"])
    assert "did you mean sleeper" in info.value.message
    assert "agent 'x'" in info.value.message


SCHEMA = {
    "type": "object",
    "properties": {"city": {"type": "string"}, "population": {"type": "integer"}},
    "required": ["city", "population"],
}


async def test_structured_output_valid_first_time(
    catalog: Catalog, provider: Any, ctx: ExecutionContext
) -> None:
    provider.turns.append('```json\n{"city": "Paris", "population": 2100000}\n```')
    agent = build(catalog, model="scripted/m1", response_format=SCHEMA)
    output = await agent.execute(AgentInput(text="Paris?"), ctx)
    assert output.success
    assert output.data == {"city": "Paris", "population": 2100000}
    assert provider.requests[0].response_format == SCHEMA
    assert output.metadata["repaired"] is False


async def test_structured_output_gets_one_repair(
    catalog: Catalog, provider: Any, ctx: ExecutionContext
) -> None:
    provider.turns.extend(
        ['{"city": "Paris", "population": "many"}', '{"city": "Paris", "population": 2}']
    )
    agent = build(catalog, model="scripted/m1", response_format=SCHEMA)
    output = await agent.execute(AgentInput(text="Paris?"), ctx)
    assert output.success
    assert output.data == {"city": "Paris", "population": 2}
    assert output.metadata["repaired"] is True
    repair = provider.requests[1].messages[-1].content
    assert "$.population: 'many' is not of type 'integer'" in repair
    assert len(provider.requests) == 2


async def test_structured_output_gives_up_after_the_repair(
    catalog: Catalog, provider: Any, ctx: ExecutionContext
) -> None:
    provider.turns.extend(["not json at all", '{"city": "Paris"}'])
    agent = build(catalog, model="scripted/m1")
    output = await agent.execute(AgentInput(text="Paris?", response_format=SCHEMA), ctx)
    assert not output.success
    assert output.data is None
    assert output.error is not None
    assert output.error.code == "STRUCTURED_OUTPUT_INVALID"
    assert "'population' is a required property" in output.error.message
    assert "after one repair request" in output.error.message
    assert "not valid JSON" in provider.requests[1].messages[-1].content
    assert len(provider.requests) == 2
    assert agent.get_metrics()["requests_failed"] == 1
    assert agent.get_state() == "Failed"


async def test_a_stream_repairs_structured_output_once_and_says_so(
    catalog: Catalog, provider: Any, ctx: ExecutionContext
) -> None:
    provider.turns.extend(
        ['{"city": "Paris", "population": "many"}', '{"city": "Paris", "population": 2}']
    )
    agent = build(catalog, model="scripted/m1", response_format=SCHEMA)
    chunks = [c async for c in agent.stream(AgentInput(text="Paris?"), ctx)]
    assert [c.index for c in chunks] == list(range(len(chunks)))
    events = [c.event for c in chunks if c.event]
    assert events[0]["type"] == "repair"
    assert "$.population: 'many' is not of type 'integer'" in events[0]["problem"]
    repair_at = next(i for i, c in enumerate(chunks) if c.event and c.event["type"] == "repair")
    repaired_text = "".join(c.text for c in chunks[repair_at:])
    assert repaired_text == '{"city": "Paris", "population": 2}'  # streamed after the event
    final = chunks[-1]
    assert final.done
    assert final.event == {
        "type": "final",
        "success": True,
        "data": {"city": "Paris", "population": 2},
    }
    assert "$.population" in provider.requests[1].messages[-1].content
    assert len(provider.requests) == 2
    assert agent.get_history()[-1]["content"] == '{"city": "Paris", "population": 2}'

    provider.turns.extend(["not json", "still not json"])
    chunks = [c async for c in agent.stream(AgentInput(text="again?"), ctx)]
    final = chunks[-1]
    assert final.event is not None
    assert final.event["success"] is False
    assert "after one repair request" in final.event["error"]["message"]
    assert len(provider.requests) == 4  # one repair, not more


def test_invalid_schema_fails_at_build(catalog: Catalog) -> None:
    with pytest.raises(ValidationError, match="response_format is not a valid JSON Schema"):
        build(catalog, model="scripted/m1", response_format={"type": "object", "properties": 5})


async def test_image_input_reaches_the_provider(
    catalog: Catalog, provider: Any, ctx: ExecutionContext
) -> None:
    image = MediaContent(kind="image", format="png", data=b"\x89PNG\r\n\x1a\n1234")
    agent = build(catalog, model="scripted/m1")
    await agent.execute(AgentInput(text="what is this?", media=[image]), ctx)
    assert provider.requests[-1].messages[-1].media == [image]
    provider.multimodal = False
    with pytest.raises(ValidationError, match="does not accept images"):
        await agent.execute(AgentInput(text="and this?", media=[image]), ctx)


async def test_streaming_text_and_tool_events(
    catalog: Catalog, provider: Any, ctx: ExecutionContext
) -> None:
    catalog.register_tool(SleepTool())
    provider.turns.extend(
        [("let me sleep", [call("sleeper", "c1", seconds=0.01)]), "rested and ready"]
    )
    agent = build(catalog, model="scripted/m1", allowed_tools=["sleeper"])
    chunks: list[AgentChunk] = [c async for c in agent.stream(AgentInput(text="nap"), ctx)]
    assert [c.index for c in chunks] == list(range(len(chunks)))
    events = [c.event["type"] for c in chunks if c.event]
    assert events == ["tool_call", "tool_result"]
    tool_result = next(c.event for c in chunks if c.event and c.event["type"] == "tool_result")
    assert tool_result["success"] is True
    assert tool_result["text"] == "slept 0.01"
    text = "".join(c.text for c in chunks)
    assert text == "let me sleeprested and ready"  # each model turn streamed as it came
    assert chunks[-1].done
    assert not any(c.done for c in chunks[:-1])
    assert chunks[-1].usage is not None
    assert chunks[-1].usage.input_tokens == 20
    assert agent.get_history()[-1] == {"role": "assistant", "content": "rested and ready"}
    metrics = agent.get_metrics()
    assert metrics["requests_total"] == 1
    assert metrics["provider_requests"] == 2


async def test_abandoned_stream_is_not_a_failure(catalog: Catalog, ctx: ExecutionContext) -> None:
    agent = build(catalog, model="scripted/m1")
    stream = agent.stream(AgentInput(text="a long question here"), ctx)
    async for _ in stream:
        break
    await stream.aclose()  # type: ignore[attr-defined]
    assert agent.get_state() == "Ready"
    assert agent.get_metrics()["requests_failed"] == 0


async def test_metrics_and_state_on_failure(
    catalog: Catalog, provider: Any, ctx: ExecutionContext
) -> None:
    agent = build(catalog, model="scripted/m1")
    await agent.execute(AgentInput(text="one two"), ctx)
    provider.turns.append(ProviderError("the model is down"))
    with pytest.raises(ProviderError):
        await agent.execute(AgentInput(text="again"), ctx)
    metrics = agent.get_metrics()
    assert metrics["requests_total"] == 2
    assert metrics["requests_failed"] == 1
    assert metrics["input_tokens"] == 10
    assert metrics["output_tokens"] == 4
    assert metrics["total_latency_ms"] > 0
    assert agent.get_state() == "Failed"
    await agent.execute(AgentInput(text="ok now"), ctx)
    assert agent.get_state() == "Ready"


async def test_max_execution_time_is_named(
    catalog: Catalog, provider: Any, ctx: ExecutionContext
) -> None:
    catalog.register_tool(SleepTool())
    provider.turns.append([call("sleeper", "c1", seconds=5)])
    agent = build(
        catalog,
        name="slowpoke",
        model="scripted/m1",
        allowed_tools=["sleeper"],
        max_execution_time=0.2,
    )
    with pytest.raises(
        TimeoutError, match=r"agent 'slowpoke' exceeded its max_execution_time of 0\.2s"
    ):
        await agent.execute(AgentInput(text="x"), ctx)


async def test_cancellation_stops_running_tools(
    catalog: Catalog, provider: Any, ctx: ExecutionContext
) -> None:
    sleeper = SleepTool()
    catalog.register_tool(sleeper)
    provider.turns.append([call("sleeper", "c1", seconds=5), call("sleeper", "c2", seconds=5)])
    agent = build(catalog, model="scripted/m1", allowed_tools=["sleeper"])
    task = asyncio.ensure_future(agent.execute(AgentInput(text="x"), ctx))
    await asyncio.sleep(0.1)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert sleeper.spans == []


async def test_agent_as_tool_and_recursion_bound(
    catalog: Catalog, provider: Any, ctx: ExecutionContext
) -> None:
    inner = build(catalog, name="Research Bot", model="scripted/m1", description="finds facts")
    tool = inner.as_tool()
    assert isinstance(tool, AgentTool)
    assert tool.spec.name == "research-bot"
    assert tool.spec.description == "finds facts"
    out = await tool.execute({"input": "facts please"}, ctx)
    assert out.success
    assert out.text == "reply to facts please"
    assert out.result == {"text": "reply to facts please", "data": None}
    with pytest.raises(ValidationError, match="'input' must be a string"):
        await tool.execute({}, ctx)

    # an agent whose tool is itself: each call goes one level deeper until the bound stops it
    catalog.register_tool(SleepTool("recurse"))  # a "recurse" tool must exist to build it
    looper = build(
        catalog,
        name="looper",
        model="scripted/m1",
        allowed_tools=["recurse"],
        max_recursion_depth=1,
    )
    catalog.register_tool(AgentTool(looper, name="recurse"), replace=True)

    def respond(request: CompletionRequest) -> Any:
        if request.messages[-1].role == Role.TOOL:
            return "stopped"
        return [call("recurse", "c", input="deeper")]

    provider.responder = respond
    output = await looper.execute(AgentInput(text="start"), ctx)
    assert output.text == "stopped"
    results = [
        json.loads(m.content) for r in provider.requests for m in r.messages if m.role == Role.TOOL
    ]
    refused = [r for r in results if not r["success"]]
    assert len(refused) == 1
    assert refused[0]["code"] == "RESOURCE_LIMIT"
    assert "called 2 levels deep" in refused[0]["error"]
    assert "max_recursion_depth is 1" in refused[0]["error"]
