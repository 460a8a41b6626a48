"""The llm agent over the real OpenAI and Anthropic SDK clients, against the fake server.

Cross-package: agents reach providers only through the registry-backed Catalog, exactly as
in a spell run.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from llmspell_core import (
    AgentConfig,
    AgentInput,
    Catalog,
    ExecutionContext,
    LLMSpellConfig,
    MediaContent,
    ToolOutput,
    ToolSpec,
)
from llmspell_core.testing import FakeLLMServer, FakeReply, FakeRequest, FakeToolCall, Fault
from llmspell_core.tool import Tool

MODELS = ["openai/gpt-4o-mini", "anthropic/claude-test"]


class Clock(Tool):
    """Sleeps then tells the time; records spans to show concurrent calls."""

    def __init__(self, name: str) -> None:
        self._name = name
        self.spans: list[tuple[float, float]] = []

    @property
    def spec(self) -> ToolSpec:
        return ToolSpec(
            name=self._name,
            description="what time is it in a city",
            parameters={
                "type": "object",
                "properties": {"city": {"type": "string"}},
                "required": ["city"],
            },
        )

    async def execute(self, params: dict[str, Any], ctx: ExecutionContext) -> ToolOutput:
        start = time.perf_counter()
        await asyncio.sleep(0.2)
        self.spans.append((start, time.perf_counter()))
        return ToolOutput(text=f"noon in {params['city']}", result={"city": params["city"]})


@pytest.fixture
def server() -> Iterator[FakeLLMServer]:
    with FakeLLMServer() as fake:
        yield fake


@pytest.fixture
async def catalog(server: FakeLLMServer) -> AsyncIterator[Catalog]:
    config = LLMSpellConfig.model_validate(
        {
            "providers": {
                "openai": {"base_url": server.openai_base_url},
                "anthropic": {"base_url": server.anthropic_base_url},
            }
        }
    )
    cat = Catalog(config, environ={"OPENAI_API_KEY": "sk", "ANTHROPIC_API_KEY": "ak"})
    yield cat
    await cat.aclose()


def tool_turns(request: FakeRequest) -> FakeReply:
    """Ask for two tools, then answer from their results."""
    results = request.tool_results
    if not results:
        return FakeReply(
            text="",
            tool_calls=[
                FakeToolCall("clock-a", {"city": "Oslo"}),
                FakeToolCall("clock-b", {"city": "Lima"}),
            ],
        )
    texts = sorted(json.loads(content)["text"] for _, content in results)
    return FakeReply(text=" and ".join(texts))


@pytest.mark.parametrize("model", MODELS)
async def test_tool_loop_with_concurrent_calls(
    catalog: Catalog, server: FakeLLMServer, model: str
) -> None:
    a, b = Clock("clock-a"), Clock("clock-b")
    catalog.register_tool(a)
    catalog.register_tool(b)
    server.responder = tool_turns
    agent = catalog.create_agent(
        AgentConfig(model=model, system_prompt="use tools", allowed_tools=["clock-a", "clock-b"])
    )
    ctx = ExecutionContext.with_timeout(30, services=catalog)
    output = await agent.execute(AgentInput(text="time in Oslo and Lima?"), ctx)
    assert output.text == "noon in Lima and noon in Oslo"
    assert a.spans[0][0] < b.spans[0][1]
    assert b.spans[0][0] < a.spans[0][1]
    assert output.metadata["tool_calls"] == 2
    assert output.metadata["provider_requests"] == 2
    assert output.usage.input_tokens > 0
    assert output.usage.output_tokens > 0
    sent = server.chat_requests()
    assert len(sent) == 2
    assert len(sent[1].tool_results) == 2


@pytest.mark.parametrize("model", MODELS)
async def test_streamed_tool_events_over_sse(
    catalog: Catalog, server: FakeLLMServer, model: str
) -> None:
    catalog.register_tool(Clock("clock-a"))
    catalog.register_tool(Clock("clock-b"))
    server.responder = tool_turns
    agent = catalog.create_agent(AgentConfig(model=model, allowed_tools=["clock-a", "clock-b"]))
    ctx = ExecutionContext.with_timeout(30, services=catalog)
    chunks = [c async for c in agent.stream(AgentInput(text="times?"), ctx)]
    events = [(c.event["type"], c.event["name"]) for c in chunks if c.event]
    assert sorted(events) == [
        ("tool_call", "clock-a"),
        ("tool_call", "clock-b"),
        ("tool_result", "clock-a"),
        ("tool_result", "clock-b"),
    ]
    assert "".join(c.text for c in chunks) == "noon in Lima and noon in Oslo"
    assert sum(1 for c in chunks if c.text) >= 5  # word by word, not one block
    assert chunks[-1].done
    assert chunks[-1].usage is not None
    assert all(r.stream for r in server.chat_requests())


SCHEMA = {
    "type": "object",
    "properties": {"answer": {"type": "integer"}},
    "required": ["answer"],
}


@pytest.mark.parametrize("model", MODELS)
async def test_structured_output_with_repair(
    catalog: Catalog, server: FakeLLMServer, model: str
) -> None:
    server.reply('{"answer": "forty-two"}', '{"answer": 42}')
    agent = catalog.create_agent(AgentConfig(model=model, response_format=SCHEMA))
    output = await agent.execute(AgentInput(text="6*7?"), ExecutionContext.with_timeout(30))
    assert output.success
    assert output.data == {"answer": 42}
    first, repair = server.chat_requests()
    assert first.wants_json
    assert "is not of type 'integer'" in repair.last_user_text


@pytest.mark.parametrize("model", MODELS)
async def test_image_input_and_history(catalog: Catalog, server: FakeLLMServer, model: str) -> None:
    image = MediaContent(kind="image", format="png", data=b"\x89PNG\r\n\x1a\n0000")
    agent = catalog.create_agent(AgentConfig(model=model, max_conversation_length=2))
    ctx = ExecutionContext.with_timeout(30)
    await agent.execute(AgentInput(text="describe", media=[image]), ctx)
    body = json.dumps(server.chat_requests()[-1].messages)
    assert "iVBORw0KGgo" in body  # the PNG, base64-encoded
    await agent.execute(AgentInput(text="second"), ctx)
    await agent.execute(AgentInput(text="third"), ctx)
    texts = [m for m in json.dumps(server.chat_requests()[-1].messages).split('"') if m]
    assert "describe" not in texts
    assert "second" in texts


@pytest.mark.parametrize("model", MODELS)
async def test_provider_failure_counts_in_metrics(
    catalog: Catalog, server: FakeLLMServer, model: str
) -> None:
    server.fault(Fault.unauthorized())
    agent = catalog.create_agent(AgentConfig(model=model))
    with pytest.raises(Exception, match="rejected the credentials"):
        await agent.execute(AgentInput(text="x"), ExecutionContext.with_timeout(30))
    metrics: Any = getattr(agent, "get_metrics")()  # noqa: B009 - duck-typed like the bridge
    assert metrics["requests_failed"] == 1
