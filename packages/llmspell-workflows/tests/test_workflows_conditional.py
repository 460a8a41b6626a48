from __future__ import annotations

from typing import Any

import pytest
from workflows_testkit import Kit

from llmspell_core.errors import ValidationError
from llmspell_workflows import ConditionalWorkflow


def _say(name: str, text: str) -> dict[str, Any]:
    return {"name": name, "tool": "wf-upper", "input": {"text": text}}


async def test_then_else_follow_the_condition(kit: Kit) -> None:
    spec: dict[str, Any] = {
        "name": "mode",
        "condition": {"type": "shared_data_equals", "key": "mode", "value": "fast"},
        "then_steps": [_say("quick", "fast path")],
        "else_steps": [_say("slow", "slow path")],
    }
    wf = kit.catalog.create_workflow("conditional", spec)
    fast = await wf.execute({"mode": "fast"}, kit.ctx)
    slow = await wf.execute({"mode": "careful"}, kit.ctx)
    assert fast.text == "FAST PATH"
    assert fast.metadata["branch"] == "then"
    assert list(fast.result["steps"]) == ["quick"]
    assert slow.text == "SLOW PATH"
    assert slow.metadata["branch"] == "else"


async def test_first_matching_branch_runs_else_default(kit: Kit) -> None:
    wf = ConditionalWorkflow(
        {
            "name": "route",
            "branches": [
                {"name": "never", "condition": {"type": "never"}, "steps": [_say("n", "no")]},
                {
                    "name": "has_email",
                    "condition": {"type": "shared_data_exists", "key": "user.email"},
                    "steps": [_say("mail", "{{input.user.email}}")],
                },
                {"name": "always", "condition": "always", "steps": [_say("a", "always")]},
            ],
            "default_branch": {"steps": [_say("fallback", "default")]},
        },
        kit.catalog,
    )
    with_email = await wf.execute({"user": {"email": "a@b.c"}}, kit.ctx)
    assert with_email.text == "A@B.C"
    assert with_email.metadata["matched_branches"] == ["has_email"]
    without = await wf.execute({"user": {}}, kit.ctx)
    assert without.metadata["branch"] == "always"


async def test_default_branch_when_nothing_matches(kit: Kit) -> None:
    wf = ConditionalWorkflow(
        {
            "name": "d",
            "branches": [{"condition": False, "steps": [_say("x", "x")]}],
            "default_branch": [_say("fallback", "default")],
        },
        kit.catalog,
    )
    result = await wf.execute({}, kit.ctx)
    assert result.text == "DEFAULT"
    assert result.metadata["branch"] == "default"


async def test_step_output_conditions_after_pre_steps(kit: Kit) -> None:
    kit.agent(
        "classifier",
        lambda request: (
            "category: URGENT" if "fire" in request.messages[-1].content else "category: later"
        ),
    )
    spec: dict[str, Any] = {
        "name": "triage",
        "steps": [{"name": "classify", "agent": "classifier", "input": "{{input.text}}"}],
        "branches": [
            {
                "name": "urgent",
                "condition": {
                    "type": "step_output_contains",
                    "step": "classify",
                    "value": "URGENT",
                },
                "steps": [_say("page", "paging: {{input.text}}")],
            },
            {
                "name": "ok",
                "condition": {
                    "type": "and",
                    "conditions": [
                        {"type": "step_succeeded", "step": "classify"},
                        {
                            "type": "not",
                            "condition": {
                                "type": "step_output_equals",
                                "step": "classify",
                                "expected": "x",
                            },
                        },
                    ],
                },
                "steps": [_say("queue", "queued")],
            },
        ],
    }
    wf = ConditionalWorkflow(spec, kit.catalog)
    assert (await wf.execute({"text": "fire in hall"}, kit.ctx)).text == "PAGING: FIRE IN HALL"
    assert (await wf.execute({"text": "printer jam"}, kit.ctx)).text == "QUEUED"


async def test_function_conditions_and_all_matching(kit: Kit) -> None:
    calls: list[dict[str, Any]] = []

    def big(context: dict[str, Any]) -> bool:
        calls.append(context)
        return context["input"]["n"] > 10

    def even(context: dict[str, Any]) -> bool:
        return context["input"]["n"] % 2 == 0

    wf = ConditionalWorkflow(
        {
            "name": "many",
            "execute_all_matching": True,
            "branches": [
                {"name": "big", "condition": big, "steps": [_say("b", "big")]},
                {
                    "name": "even",
                    "condition": {"type": "function", "fn": even},
                    "steps": [_say("e", "even")],
                },
                {
                    "name": "or",
                    "condition": {
                        "type": "or",
                        "conditions": [
                            "never",
                            {"type": "shared_data_equals", "key": "n", "value": 12},
                        ],
                    },
                    "steps": [_say("o", "twelve")],
                },
            ],
        },
        kit.catalog,
    )
    result = await wf.execute({"n": 12}, kit.ctx)
    assert result.metadata["matched_branches"] == ["big", "even", "or"]
    assert result.text == "TWELVE"
    assert calls[0]["workflow"] == "many"
    small = await wf.execute({"n": 3}, kit.ctx)
    assert small.metadata["matched_branches"] == []
    assert small.result["final"] is None


async def test_shared_data_reads_state(kit: Kit) -> None:
    await kit.ctx.state.set("global", "feature", {"enabled": True})
    wf = ConditionalWorkflow(
        {
            "condition": {"type": "shared_data_equals", "key": "feature.enabled", "value": True},
            "then_steps": [_say("on", "on")],
            "else_steps": [_say("off", "off")],
        },
        kit.catalog,
    )
    assert (await wf.execute({}, kit.ctx)).text == "ON"
    await kit.ctx.state.set("global", "feature", {"enabled": 1})
    # True and 1 are different JSON values
    assert (await wf.execute({}, kit.ctx)).text == "OFF"


async def test_a_failing_condition_names_the_branch(kit: Kit) -> None:
    def broken(context: dict[str, Any]) -> bool:
        raise RuntimeError("bad predicate")

    wf = ConditionalWorkflow(
        {"name": "c", "branches": [{"name": "b1", "condition": broken, "steps": [_say("x", "x")]}]},
        kit.catalog,
    )
    with pytest.raises(
        Exception,
        match=r"workflow 'c': the condition of branch 'b1' failed: RuntimeError: bad predicate",
    ):
        await wf.execute({}, kit.ctx)


async def test_branch_steps_may_share_names_but_bad_shapes_are_rejected(kit: Kit) -> None:
    ConditionalWorkflow(
        {
            "condition": "always",
            "then_steps": [_say("reply", "a")],
            "else_steps": [_say("reply", "b")],
        },
        kit.catalog,
    )
    with pytest.raises(ValidationError, match="has no condition"):
        ConditionalWorkflow({"branches": [{"steps": [_say("x", "x")]}]}, kit.catalog)
    with pytest.raises(ValidationError, match="needs 'step'"):
        ConditionalWorkflow(
            {"condition": {"type": "step_succeeded"}, "then_steps": [_say("x", "x")]}, kit.catalog
        )
    with pytest.raises(ValidationError, match="names step 'nope'"):
        ConditionalWorkflow(
            {"condition": {"type": "step_failed", "step": "nope"}, "then_steps": [_say("x", "x")]},
            kit.catalog,
        )
