from __future__ import annotations

from typing import Any

import pytest
from workflows_testkit import Kit

from llmspell_core.errors import ValidationError
from llmspell_workflows import LoopWorkflow


def one() -> int:
    return 1


async def test_range_loop_stops_before_end(kit: Kit) -> None:
    wf = kit.catalog.create_workflow(
        "loop",
        {
            "name": "squares",
            "iterator": {"range": {"start": 1, "end": 5, "step": 1}},
            "body": [
                {
                    "name": "sq",
                    "tool": "wf-add",
                    "input": {"a": "{{loop.item}}", "b": "{{loop.index}}"},
                },
            ],
        },
    )
    result = await wf.execute({}, kit.ctx)
    assert [c["a"] for c in kit.add.calls] == [1, 2, 3, 4]
    assert [c["b"] for c in kit.add.calls] == [0, 1, 2, 3]
    assert result.metadata["iterations_completed"] == 4
    assert result.metadata["break_reason"] == "completed"
    assert result.metadata["total_steps"] == 4
    assert [it["steps"]["sq"]["result"]["sum"] for it in result.result["iterations"]] == [
        1,
        3,
        5,
        7,
    ]
    assert result.text == "7"


async def test_collection_loop_with_item_paths(kit: Kit) -> None:
    items = [{"name": "apple", "qty": 2}, {"name": "pear", "qty": 3}]
    wf = LoopWorkflow(
        {
            "name": "stock",
            "iterator": {"collection": items},
            "body": [
                {
                    "name": "label",
                    "tool": "wf-upper",
                    "input": {
                        "text": "{{loop.number}}. {{loop.item.name}} x{{loop:current_item.qty}}"
                    },
                },
            ],
        },
        kit.catalog,
    )
    result = await wf.execute({}, kit.ctx)
    labels = [it["steps"]["label"]["text"] for it in result.result["iterations"]]
    assert labels == ["1. APPLE X2", "2. PEAR X3"]
    # result.steps holds the latest iteration
    assert result.result["steps"]["label"]["text"] == "2. PEAR X3"


async def test_while_loop_with_function_condition_and_max_iterations(kit: Kit) -> None:
    counter = {"n": 0}

    def bump() -> int:
        counter["n"] += 1
        return counter["n"]

    def below_three(ctx: dict[str, Any]) -> bool:
        return counter["n"] < 3

    wf = LoopWorkflow(
        {
            "name": "until",
            "iterator": {"while_condition": below_three},
            "body": [{"name": "bump", "fn": bump}],
        },
        kit.catalog,
    )
    result = await wf.execute({}, kit.ctx)
    assert counter["n"] == 3
    assert result.metadata["break_reason"] == "condition"

    forever = LoopWorkflow(
        {
            "name": "forever",
            "while": "always",
            "max_iterations": 5,
            "body": [{"name": "bump", "fn": bump}],
        },
        kit.catalog,
    )
    result = await forever.execute({}, kit.ctx)
    assert result.metadata["iterations_completed"] == 5
    assert result.metadata["break_reason"] == "max_iterations"


async def test_while_loop_without_a_limit_is_capped(kit: Kit) -> None:
    wf = LoopWorkflow(
        {
            "name": "capped",
            "iterator": {"while": "always"},
            "body": [{"name": "n", "fn": one}],
            "aggregation": "none",
        },
        kit.catalog,
    )
    result = await wf.execute({}, kit.ctx)
    assert result.metadata["iterations_completed"] == 100
    assert result.result["iterations"] == []


async def test_break_when_checks_after_each_iteration(kit: Kit) -> None:
    wf = LoopWorkflow(
        {
            "name": "search",
            "collection": ["a", "b", "needle", "c"],
            "body": [{"name": "look", "tool": "wf-upper", "input": {"text": "{{loop.item}}"}}],
            "break_when": {"type": "step_output_contains", "step": "look", "value": "NEEDLE"},
            "aggregation_strategy": "last_only",
        },
        kit.catalog,
    )
    result = await wf.execute({}, kit.ctx)
    assert result.metadata["break_reason"] == "break_when"
    assert result.metadata["iterations_completed"] == 3
    assert [it["item"] for it in result.result["iterations"]] == ["needle"]


async def test_loop_body_steps_see_earlier_body_steps_of_the_same_iteration(kit: Kit) -> None:
    def collect(value: Any, ctx: dict[str, Any]) -> str:
        return f"{ctx['loop']['index']}:{value}"

    wf = LoopWorkflow(
        {
            "name": "chain",
            "iterator": {"range": {"end": 3}},
            "body": [
                {"name": "up", "tool": "wf-upper", "input": {"text": "item{{loop.item}}"}},
                {"name": "tag", "fn": collect, "input": "{{steps.up.text}}"},
            ],
        },
        kit.catalog,
    )
    result = await wf.execute({}, kit.ctx)
    assert [it["steps"]["tag"]["result"] for it in result.result["iterations"]] == [
        "0:ITEM0",
        "1:ITEM1",
        "2:ITEM2",
    ]


async def test_loop_spec_errors(kit: Kit) -> None:
    body = [{"name": "x", "fn": one}]
    with pytest.raises(ValidationError, match="exactly one iterator"):
        LoopWorkflow(
            {"iterator": {"range": {"end": 2}, "collection": [1]}, "body": body}, kit.catalog
        )
    with pytest.raises(ValidationError, match="range step must not be 0"):
        LoopWorkflow({"iterator": {"range": {"end": 2, "step": 0}}, "body": body}, kit.catalog)
    with pytest.raises(ValidationError, match=r"\{\{loop.item\}\} can only be used in a loop body"):
        kit.catalog.create_workflow(
            "sequential",
            {"steps": [{"name": "a", "tool": "wf-upper", "input": {"text": "{{loop.item}}"}}]},
        )
