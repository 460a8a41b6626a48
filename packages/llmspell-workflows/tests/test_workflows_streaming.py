from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from workflows_testkit import Backlog, Kit

from llmspell_core.errors import LLMSpellError, ValidationError
from llmspell_workflows import StreamingWorkflow


def same(item: Any) -> Any:
    return item


def square(item: int) -> int:
    return item * item


def upper(item: str) -> str:
    return item.upper()


def twice(item: str) -> str:
    return item * 2


async def test_function_source_and_stages(kit: Kit) -> None:
    async def numbers(value: Any) -> AsyncIterator[int]:
        for i in range(value["count"]):
            yield i

    def odd_only(item: int) -> int | None:
        return item if item % 2 else None  # None drops the item

    def label(item: int, ctx: dict[str, Any]) -> str:
        return f"#{ctx['stream']['index']}={item};"

    wf = kit.catalog.create_workflow(
        "streaming",
        {
            "name": "odds",
            "steps": [
                {"name": "numbers", "fn": numbers},
                {"name": "odd", "fn": odd_only},
                {"name": "label", "fn": label},
            ],
        },
    )
    result = await wf.execute({"count": 7}, kit.ctx)
    assert result.success
    assert result.result["final"] == ["#0=1;", "#1=3;", "#2=5;"]
    assert result.text == "#0=1;#1=3;#2=5;"
    steps = result.result["steps"]
    assert steps["numbers"]["result"]["items_out"] == 7
    assert steps["odd"]["result"] == {
        "items_in": 7,
        "items_out": 3,
        "errors": 0,
        "queue_high_water": steps["odd"]["result"]["queue_high_water"],
    }
    assert result.metadata["items_out"] == 3
    assert result.metadata["total_steps"] == 3


async def test_slow_stage_applies_backpressure(kit: Kit) -> None:
    produced = 0

    async def flood(value: Any) -> AsyncIterator[int]:
        nonlocal produced
        for i in range(300):
            produced += 1
            yield i

    backlog = Backlog(lambda: produced)
    wf = StreamingWorkflow(
        {
            "name": "bp",
            "buffer_size": 4,
            "collect": False,
            "steps": [
                {"name": "flood", "fn": flood},
                {"name": "pass", "fn": same},
                {"name": "slow", "fn": backlog.consume},
            ],
        },
        kit.catalog,
    )
    result = await wf.execute({}, kit.ctx)
    assert result.metadata["items_out"] == 300
    high = result.metadata["queue_high_water"]
    assert max(high.values()) <= 4  # no queue ever held more than buffer_size
    assert high["flood"] == 4  # the source really was held back by a full queue
    # two queues of 4 plus one item in each stage's hands and one being produced
    assert backlog.widest <= 2 * 4 + 3
    assert result.result["final"] is None


async def test_slow_consumer_of_stream_holds_the_source_back(kit: Kit) -> None:
    produced = 0

    async def flood(value: Any) -> AsyncIterator[int]:
        nonlocal produced
        for i in range(200):
            produced += 1
            yield i

    wf = StreamingWorkflow(
        {
            "name": "consumer",
            "buffer_size": 2,
            "steps": [{"name": "flood", "fn": flood}, {"name": "sq", "fn": square}],
        },
        kit.catalog,
    )
    received: list[int] = []
    widest_gap = 0
    completed: dict[str, Any] = {}
    async for event in wf.stream({}, kit.ctx):
        if event.type == "chunk":
            assert event.step == "sq"
            received.append(event.data)
            await asyncio.sleep(0.001)
            widest_gap = max(widest_gap, produced - len(received))
        elif event.type == "completed":
            completed = event.data
    assert received == [i * i for i in range(200)]
    # the event queue (32) plus two queues of 2 plus items in hand; never the whole stream
    assert widest_gap <= 32 + 2 * 2 + 4
    assert completed["metadata"]["items_out"] == 200
    assert completed["result"]["final"] is None  # stream() never accumulates


async def test_agent_source_streams_chunks_through_tool_and_agent_stages(kit: Kit) -> None:
    kit.agent("poet", ["roses are red"])
    kit.agent("critic")  # echoes
    wf = StreamingWorkflow(
        {
            "name": "poem",
            "steps": [
                {"name": "write", "agent": "poet", "input": "{{input.topic}}"},
                {"name": "shout", "tool": "wf-upper", "input": {"text": "{{stream.item}}"}},
                {"name": "echo", "agent": "critic", "input": "{{stream.item.text}}"},
            ],
        },
        kit.catalog,
    )
    result = await wf.execute({"topic": "flowers"}, kit.ctx)
    assert result.result["final"] == ["ROSES ", "ARE ", "RED"]
    assert result.text == "ROSES ARE RED"


async def test_input_source_and_nested_workflow_stage(kit: Kit) -> None:
    inner = kit.catalog.create_workflow(
        "sequential",
        {
            "name": "inner",
            "steps": [
                {"name": "add", "tool": "wf-add", "input": {"a": "{{input.item}}", "b": 100}}
            ],
        },
    )
    wf = StreamingWorkflow(
        {
            "name": "from_input",
            "source": "input.values",
            "steps": [{"name": "nested", "workflow": inner}],
        },
        kit.catalog,
    )
    result = await wf.execute({"values": [1, 2, 3]}, kit.ctx)
    assert result.result["final"] == [{"sum": 101}, {"sum": 102}, {"sum": 103}]


async def test_streaming_workflow_as_source_of_another(kit: Kit) -> None:
    inner = StreamingWorkflow(
        {
            "name": "letters",
            "source": "input.letters",
            "steps": [{"name": "up", "fn": upper}],
        },
        kit.catalog,
    )
    outer = StreamingWorkflow(
        {
            "name": "outer",
            "steps": [{"name": "src", "workflow": inner}, {"name": "twice", "fn": twice}],
        },
        kit.catalog,
    )
    result = await outer.execute({"letters": ["a", "b"]}, kit.ctx)
    assert result.result["final"] == ["AA", "BB"]


async def test_stage_errors_follow_the_strategy(kit: Kit) -> None:
    def picky(item: int) -> int:
        if item == 2:
            raise ValueError("two is not allowed")
        return item

    spec: dict[str, Any] = {
        "name": "picky",
        "source": "input.items",
        "steps": [{"name": "check", "fn": picky}],
    }
    with pytest.raises(
        LLMSpellError,
        match=r"workflow 'picky': step 'check' \(item 2\) failed: ValueError: two is not allowed",
    ):
        await StreamingWorkflow(spec, kit.catalog).execute({"items": [0, 1, 2, 3]}, kit.ctx)

    lenient = StreamingWorkflow({**spec, "error_strategy": "continue"}, kit.catalog)
    result = await lenient.execute({"items": [0, 1, 2, 3]}, kit.ctx)
    assert result.result["final"] == [0, 1, 3]
    assert not result.success
    check = result.result["steps"]["check"]
    assert check["result"]["errors"] == 1
    assert check["error"]["message"] == "ValueError: two is not allowed"


async def test_source_errors_name_the_source(kit: Kit) -> None:
    async def broken(value: Any) -> AsyncIterator[int]:
        yield 1
        raise RuntimeError("source died")

    wf = StreamingWorkflow(
        {"name": "s", "steps": [{"name": "gen", "fn": broken}, {"name": "id", "fn": same}]},
        kit.catalog,
    )
    with pytest.raises(
        LLMSpellError, match=r"workflow 's': source 'gen' failed: RuntimeError: source died"
    ):
        await wf.execute({}, kit.ctx)


async def test_stream_references_only_in_streaming(kit: Kit) -> None:
    with pytest.raises(ValidationError, match="can only be used in a streaming workflow"):
        kit.catalog.create_workflow(
            "sequential", {"steps": [{"name": "a", "fn": same, "input": "{{stream.item}}"}]}
        )
    with pytest.raises(ValidationError, match=r"source must be a step or 'input\.<key>'"):
        StreamingWorkflow({"source": "items", "steps": [{"name": "a", "fn": same}]}, kit.catalog)
