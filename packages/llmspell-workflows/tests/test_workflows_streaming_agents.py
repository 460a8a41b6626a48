"""Agent stages of a streaming workflow pass their reply on chunk by chunk, with backpressure."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from workflows_testkit import Backlog, Kit

from llmspell_core.agent import BaseAgent
from llmspell_core.agent_io import AgentChunk, AgentInput, AgentOutput
from llmspell_core.context import ExecutionContext
from llmspell_core.errors import LLMSpellError, ProviderUnavailableError, TimeoutError
from llmspell_core.metadata import ComponentMetadata
from llmspell_workflows import StreamingWorkflow


class Storyteller(BaseAgent):
    """Streams ``words`` words per request, counting every chunk it has produced.

    ``fail_first`` makes the first ``fail_first`` requests fail after ``fail_after`` chunks
    (0: before any chunk), with an error another attempt could fix.
    """

    supports_streaming = True

    def __init__(
        self,
        words: int = 20,
        *,
        pause: float = 0.0,
        fail_first: int = 0,
        fail_after: int = 0,
    ) -> None:
        self._metadata = ComponentMetadata(name="storyteller")
        self.words = words
        self.pause = pause
        self.fail_first = fail_first
        self.fail_after = fail_after
        self.produced = 0
        self.requests: list[str] = []

    @property
    def metadata(self) -> ComponentMetadata:
        return self._metadata

    def _reply(self, prompt: str) -> list[str]:
        return [f"{prompt}{i} " for i in range(self.words)]

    async def execute(self, input: AgentInput, ctx: ExecutionContext) -> AgentOutput:
        self.requests.append(input.text)
        return AgentOutput(text="".join(self._reply(input.text)))

    def stream(self, input: AgentInput, ctx: ExecutionContext) -> AsyncIterator[AgentChunk]:
        return self._chunks(input.text)

    async def _chunks(self, prompt: str) -> AsyncIterator[AgentChunk]:
        self.requests.append(prompt)
        failing = len(self.requests) <= self.fail_first
        words = self._reply(prompt)
        for index, word in enumerate(words):
            if failing and index == self.fail_after:
                raise ProviderUnavailableError(f"connection lost after {index} chunks")
            if self.pause:
                await asyncio.sleep(self.pause)
            self.produced += 1
            yield AgentChunk(text=word, index=index, done=index == len(words) - 1)
        yield AgentChunk(text="", index=len(words), done=True, event={"type": "usage"})


def same(item: Any) -> Any:
    return item


async def test_agent_stage_streams_its_reply_as_it_is_written(kit: Kit) -> None:
    teller = Storyteller(words=40)
    backlog = Backlog(lambda: teller.produced)
    produced_at_first_chunk: int | None = None

    async def slow(item: str) -> str:
        nonlocal produced_at_first_chunk
        if produced_at_first_chunk is None:
            produced_at_first_chunk = teller.produced
        return await backlog.consume(item)

    wf = StreamingWorkflow(
        {
            "name": "tales",
            "source": "input.prompts",
            "buffer_size": 2,
            "collect": False,
            "steps": [
                {"name": "tell", "agent": teller},
                {"name": "slow", "fn": slow},
            ],
        },
        kit.catalog,
    )
    result = await wf.execute({"prompts": ["a", "b", "c"]}, kit.ctx)

    assert result.success
    assert result.metadata["items_out"] == 3 * 40  # every chunk is an item
    assert teller.requests == ["a", "b", "c"]
    # the first chunk went downstream while the first reply was still being written
    assert produced_at_first_chunk is not None
    assert produced_at_first_chunk < 40
    # and a full queue held the agent's stream back: never more than the queues plus in-hand
    assert backlog.widest <= 2 * 2 + 3
    assert result.metadata["queue_high_water"]["tell"] == 2
    tell = result.result["steps"]["tell"]["result"]
    assert (tell["items_in"], tell["items_out"]) == (3, 120)


async def test_chunks_false_sends_the_whole_reply(kit: Kit) -> None:
    wf = StreamingWorkflow(
        {
            "name": "whole",
            "source": "input.prompts",
            "steps": [{"name": "tell", "agent": Storyteller(words=3), "chunks": False}],
        },
        kit.catalog,
    )
    result = await wf.execute({"prompts": ["x", "y"]}, kit.ctx)
    assert result.result["final"] == ["x0 x1 x2 ", "y0 y1 y2 "]


async def test_chunks_false_on_an_agent_source(kit: Kit) -> None:
    wf = StreamingWorkflow(
        {
            "name": "whole_source",
            "steps": [
                {"name": "tell", "agent": Storyteller(words=3), "chunks": False, "input": "s"},
                {"name": "same", "fn": same},
            ],
        },
        kit.catalog,
    )
    result = await wf.execute({}, kit.ctx)
    assert result.result["final"] == ["s0 s1 s2 "]


async def test_a_reply_is_retried_only_before_its_first_chunk(kit: Kit) -> None:
    early = Storyteller(words=3, fail_first=1, fail_after=0)
    wf = StreamingWorkflow(
        {
            "name": "retry_early",
            "source": "input.prompts",
            "steps": [{"name": "tell", "agent": early, "retry_count": 2, "retry_backoff_ms": 1}],
        },
        kit.catalog,
    )
    result = await wf.execute({"prompts": ["p"]}, kit.ctx)
    assert result.result["final"] == ["p0 ", "p1 ", "p2 "]
    assert early.requests == ["p", "p"]

    late = Storyteller(words=3, fail_first=1, fail_after=2)
    wf = StreamingWorkflow(
        {
            "name": "retry_late",
            "source": "input.prompts",
            "steps": [{"name": "tell", "agent": late, "retry_count": 2, "retry_backoff_ms": 1}],
        },
        kit.catalog,
    )
    with pytest.raises(
        LLMSpellError,
        match=r"step 'tell' \(item 0\) failed: connection lost after 2 chunks",
    ):
        await wf.execute({"prompts": ["p"]}, kit.ctx)
    assert late.requests == ["p"]  # two chunks had gone on: a retry would repeat them


async def test_step_timeout_counts_writing_not_waiting_downstream(kit: Kit) -> None:
    async def sluggish(item: str) -> str:
        await asyncio.sleep(0.01)
        return item

    # 30 chunks written at once, read at 10 ms each: 300 ms downstream, well past the
    # 100 ms limit, which bounds only the agent's own work
    wf = StreamingWorkflow(
        {
            "name": "patient",
            "source": "input.prompts",
            "buffer_size": 1,
            "steps": [
                {"name": "tell", "agent": Storyteller(words=30), "timeout_ms": 100},
                {"name": "sluggish", "fn": sluggish},
            ],
        },
        kit.catalog,
    )
    result = await wf.execute({"prompts": ["q"]}, kit.ctx)
    assert len(result.result["final"]) == 30

    slow_writer = StreamingWorkflow(
        {
            "name": "impatient",
            "source": "input.prompts",
            "steps": [
                {"name": "tell", "agent": Storyteller(words=30, pause=0.02), "timeout_ms": 100}
            ],
        },
        kit.catalog,
    )
    with pytest.raises(TimeoutError, match=r"step 'tell' timed out after 0\.1 seconds"):
        await slow_writer.execute({"prompts": ["q"]}, kit.ctx)
