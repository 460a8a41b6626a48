"""The models an agent call builds without validating them are the validated ones."""

from __future__ import annotations

from typing import Any

import pytest

from llmspell_agents import LLMAgent
from llmspell_core.agent import AgentConfig
from llmspell_core.agent_io import AgentInput, AgentOutput
from llmspell_core.catalog import Catalog
from llmspell_core.context import ExecutionContext
from llmspell_core.media import MediaContent
from llmspell_core.messages import Message
from llmspell_core.provider import CompletionRequest
from llmspell_utils.trusted_models import trusted_builder


def build(catalog: Catalog, **config: Any) -> LLMAgent:
    agent = catalog.create_agent(AgentConfig(**config))
    assert isinstance(agent, LLMAgent)
    return agent


def test_trusted_output_is_the_validated_one() -> None:
    values: dict[str, Any] = {
        "success": True,
        "text": "hi",
        "data": None,
        "tool_calls": [],
        "usage": AgentOutput().usage,
        "metadata": {"agent": "a"},
        "error": None,
    }
    built = trusted_builder(AgentOutput)(dict(values))
    assert built == AgentOutput.model_validate(values)
    assert built.model_dump_json() == AgentOutput.model_validate(values).model_dump_json()


async def test_requests_and_outputs_hold_valid_values(
    catalog: Catalog, provider: Any, ctx: ExecutionContext
) -> None:
    agent = build(catalog, model="scripted/m1", system_prompt="Be brief.", temperature=0.5)
    image = MediaContent(kind="image", format="png", data=b"\x89PNG\r\n\x1a\n1234")
    media = [image]
    output = await agent.execute(AgentInput(text="look", media=media), ctx)
    request: CompletionRequest = provider.requests[-1]
    assert request == CompletionRequest.model_validate(request.model_dump())
    assert output == AgentOutput.model_validate(output.model_dump())
    user = request.messages[-1]
    assert user == Message.user("look", media=[image])
    media.clear()  # the caller's list is not the one the agent remembers
    assert user.media == [image]


async def test_call_parameters_are_validated_on_the_request(
    catalog: Catalog, provider: Any, ctx: ExecutionContext
) -> None:
    agent = build(catalog, model="scripted/m1")
    await agent.execute(AgentInput(text="x", parameters={"temperature": 1, "max_tokens": 5.0}), ctx)
    request: CompletionRequest = provider.requests[-1]
    assert (request.temperature, request.max_tokens) == (1.0, 5)
    assert isinstance(request.temperature, float)
    assert isinstance(request.max_tokens, int)
    with pytest.raises(ValueError, match="max_tokens"):
        await agent.execute(AgentInput(text="x", parameters={"max_tokens": 2.5}), ctx)


async def test_latency_is_the_reported_duration(catalog: Catalog, ctx: ExecutionContext) -> None:
    agent = build(catalog, model="scripted/m1", max_conversation_length=1)
    output = await agent.execute(AgentInput(text="x"), ctx)
    duration = output.metadata["duration_ms"]
    assert duration > 0
    assert duration == round(duration, 3)  # whole microseconds
    assert agent.get_metrics()["total_latency_ms"] == pytest.approx(duration)
    assert agent.get_history() == []  # a bound of one keeps no whole exchange
