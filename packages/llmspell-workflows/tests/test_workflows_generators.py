"""Steps that produce items on demand: generators, ``generator=`` steps and script iterators."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from workflows_testkit import Backlog, FakeScriptFunction, Kit

from llmspell_core.errors import ValidationError
from llmspell_workflows import SequentialWorkflow, StreamingWorkflow


def letters(value: Any) -> Iterator[str]:
    yield from "abc"


async def pairs(item: int) -> AsyncIterator[int]:
    yield item
    yield item * 10


async def test_generator_steps_in_a_streaming_workflow(kit: Kit) -> None:
    wf = StreamingWorkflow(
        {
            "name": "gen",
            "source": {"name": "count", "generator": letters},
            "steps": [{"name": "upper", "fn": str.upper}],
        },
        kit.catalog,
    )
    result = await wf.execute({}, kit.ctx)
    assert result.result["final"] == ["A", "B", "C"]

    fan_out = StreamingWorkflow(
        {"name": "fan", "source": "input.n", "steps": [{"name": "pairs", "generator": pairs}]},
        kit.catalog,
    )
    result = await fan_out.execute({"n": [1, 2]}, kit.ctx)
    assert result.result["final"] == [1, 10, 2, 20]


async def test_generators_outside_streaming_give_a_list(kit: Kit) -> None:
    def squares(value: Any) -> Iterator[int]:  # a plain fn= that happens to be a generator
        return (i * i for i in range(4))

    wf = SequentialWorkflow(
        {
            "name": "collect",
            "steps": [
                {"name": "letters", "generator": letters},
                {"name": "squares", "fn": squares},
                {"name": "pairs", "generator": pairs, "input": 3},
            ],
        },
        kit.catalog,
    )
    result = await wf.execute({}, kit.ctx)
    steps = result.result["steps"]
    assert steps["letters"]["result"] == ["a", "b", "c"]
    assert steps["squares"]["result"] == [0, 1, 4, 9]
    assert steps["pairs"]["result"] == [3, 30]
    # recorded in State as data, not as a generator object
    assert (
        await kit.catalog.state.get(result.metadata["state_scope"], "letters") == steps["letters"]
    )


def returning(iterator: Countdown) -> FakeScriptFunction:
    """A script function step whose call returns ``iterator`` as a script function."""

    def step(value: Any, ctx: Any) -> FakeScriptFunction:
        return FakeScriptFunction(iterator)

    return FakeScriptFunction(step)


class Countdown:
    """A script iterator: each call gives the next number, then nil; counts what it handed out."""

    def __init__(self, start: int) -> None:
        self.left = start
        self.handed_out = 0

    def __call__(self) -> int | None:
        if self.left == 0:
            return None
        self.left -= 1
        self.handed_out += 1
        return self.left


async def test_a_returned_script_iterator_is_pulled_lazily(kit: Kit) -> None:
    countdown = Countdown(200)
    backlog = Backlog(lambda: countdown.handed_out)
    wf = StreamingWorkflow(
        {
            "name": "lazy",
            "buffer_size": 3,
            "collect": False,
            "source": {"name": "countdown", "fn": returning(countdown)},
            "steps": [{"name": "slow", "fn": backlog.consume}],
        },
        kit.catalog,
    )
    result = await wf.execute({}, kit.ctx)
    assert result.metadata["items_out"] == 200
    assert backlog.consumed == 200
    assert backlog.widest <= 3 + 2  # pulled only as the queue had room, never all at once

    # outside a streaming workflow the iterator's items are the step's result
    collected = SequentialWorkflow(
        {"steps": [{"name": "c", "fn": returning(Countdown(3))}]}, kit.catalog
    )
    assert (await collected.execute({}, kit.ctx)).result["final"]["result"] == [2, 1, 0]


def test_generator_spec_errors(kit: Kit) -> None:
    with pytest.raises(ValidationError, match="either fn= or generator=, not both"):
        SequentialWorkflow(
            {"steps": [{"name": "g", "fn": letters, "generator": letters}]}, kit.catalog
        )
    with pytest.raises(
        ValidationError, match="must reach the workflow through the Workflow global"
    ):
        SequentialWorkflow(
            {"steps": [{"name": "g", "generator": FakeScriptFunction(letters)}]}, kit.catalog
        )
