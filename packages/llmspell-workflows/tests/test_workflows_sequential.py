from __future__ import annotations

from typing import Any

import pytest
from workflows_testkit import Kit, upper_step

from llmspell_core.errors import NotFoundError, ValidationError
from llmspell_core.provider import CompletionRequest
from llmspell_workflows import SequentialWorkflow


async def test_tool_steps_pass_data_through_references(kit: Kit) -> None:
    wf = kit.catalog.create_workflow(
        "sequential",
        {
            "name": "pipeline",
            "steps": [
                upper_step("shout", "{{input.topic}}"),
                {
                    "name": "sum",
                    "type": "tool",
                    "tool": "wf-add",
                    "input": {"a": "{{steps.shout.result.length}}", "b": 10},
                },
                upper_step("report", "{{steps.shout.text}} has {{steps.sum.result.sum}} points"),
            ],
        },
    )
    result = await wf.execute({"topic": "bees"}, kit.ctx)

    assert result.success
    steps = result.result["steps"]
    assert steps["shout"]["text"] == "BEES"
    # a whole-string reference keeps its type: 4 (an int) + 10
    assert kit.add.calls == [{"a": 4, "b": 10}]
    assert steps["sum"]["result"] == {"sum": 14}
    assert result.text == "BEES HAS 14 POINTS"
    assert result.result["final"] == steps["report"]
    meta = result.metadata
    assert meta["workflow_type"] == "sequential"
    assert (meta["total_steps"], meta["successful_steps"], meta["failed_steps"]) == (3, 3, 0)
    assert meta["execution_id"].startswith("exec_")
    assert meta["duration_ms"] >= 0


async def test_step_outputs_are_recorded_in_state_under_the_execution(kit: Kit) -> None:
    wf = SequentialWorkflow(
        {"name": "s", "steps": [upper_step("a", "x")]},
        kit.catalog,
    )
    first = await wf.execute({}, kit.ctx)
    second = await wf.execute({}, kit.ctx)
    scope = f"workflow:{first.metadata['execution_id']}"
    assert first.metadata["execution_id"] != second.metadata["execution_id"]
    assert await kit.ctx.state.list_keys(scope) == ["a"]
    stored = await kit.ctx.state.get(scope, "a")
    assert stored["text"] == "X"
    assert stored["metadata"]["step_type"] == "tool"


async def test_agent_steps_by_name_and_by_object(kit: Kit) -> None:
    def summarise(request: CompletionRequest) -> str:
        return f"summary of [{request.messages[-1].content}]"

    kit.agent("summariser", summarise)
    critic = kit.agent("critic", ["looks good"])
    wf = kit.catalog.create_workflow(
        "sequential",
        {
            "name": "write",
            "steps": [
                upper_step("draft", "{{input.text}}"),
                # no input: an agent step reads the previous step's text
                {"name": "sum", "agent": "summariser"},
                {
                    "name": "review",
                    "type": "agent",
                    "agent": critic,
                    "input": {"text": "{{steps.sum.text}}"},
                },
            ],
        },
    )
    result = await wf.execute({"text": "hello"}, kit.ctx)
    assert result.result["steps"]["sum"]["text"] == "summary of [HELLO]"
    assert critic.prompts == ["summary of [HELLO]"]
    assert result.text == "looks good"
    assert result.result["steps"]["sum"]["metadata"]["agent"] == "summariser"
    assert result.result["steps"]["sum"]["metadata"]["output_tokens"] > 0


async def test_unknown_agent_names_the_known_ones(kit: Kit) -> None:
    kit.agent("writer")
    wf = kit.catalog.create_workflow(
        "sequential", {"name": "w", "steps": [{"name": "a", "agent": "writr"}]}
    )
    with pytest.raises(
        NotFoundError, match=r"step 'a' failed: unknown agent 'writr' \(did you mean writer\?\)"
    ):
        await wf.execute({"text": "x"}, kit.ctx)


async def test_function_steps_sync_async_and_one_argument(kit: Kit) -> None:
    seen: list[Any] = []

    def double(value: dict[str, Any], context: dict[str, Any]) -> int:
        seen.append(sorted(context))
        return int(value["n"]) * 2

    async def describe(value: int) -> dict[str, Any]:
        return {"success": True, "text": f"got {value}", "result": {"value": value}}

    def increment(prev: dict[str, Any]) -> int:
        return prev["result"]["value"] + 1

    wf = SequentialWorkflow(
        {
            "name": "fns",
            "steps": [
                {"name": "double", "type": "function", "fn": double, "input": {"n": "{{input.n}}"}},
                {"name": "describe", "fn": describe, "input": "{{steps.double.result}}"},
                {"name": "last", "fn": increment},
            ],
        },
        kit.catalog,
    )
    result = await wf.execute({"n": 21}, kit.ctx)
    steps = result.result["steps"]
    assert steps["double"]["result"] == 42
    assert steps["double"]["text"] == "42"
    assert steps["describe"]["text"] == "got 42"
    assert steps["last"]["result"] == 43
    assert seen == [["execution_id", "input", "state_scope", "step", "steps", "workflow"]]


async def test_function_returning_a_failed_table_is_a_failed_step(kit: Kit) -> None:
    def refuse() -> dict[str, Any]:
        return {"success": False, "error": "nope"}

    wf = SequentialWorkflow(
        {
            "name": "soft",
            "error_strategy": "continue",
            "steps": [{"name": "f", "fn": refuse}],
        },
        kit.catalog,
    )
    result = await wf.execute({}, kit.ctx)
    assert not result.success
    assert result.result["steps"]["f"]["error"] == {"message": "nope", "code": "FUNCTION_FAILED"}


async def test_nested_workflows_by_spec_name_and_object(kit: Kit) -> None:
    inner = kit.catalog.create_workflow(
        "sequential",
        {
            "name": "inner",
            "steps": [upper_step("up", "{{input.word}}")],
        },
    )
    outer = kit.catalog.create_workflow(
        "sequential",
        {
            "name": "outer",
            "steps": [
                {"name": "by_name", "workflow": "inner", "input": {"word": "one"}},
                {
                    "name": "by_object",
                    "type": "workflow",
                    "workflow": inner,
                    "input": {"word": "two"},
                },
                {
                    "name": "by_spec",
                    "workflow": {
                        "type": "sequential",
                        "steps": [
                            {"name": "add", "tool": "wf-add", "input": {"a": "{{input.a}}", "b": 1}}
                        ],
                    },
                    "input": {"a": 41},
                },
                inner,  # a workflow object as a step; uses the outer input
            ],
        },
    )
    result = await outer.execute({"word": "three"}, kit.ctx)
    steps = result.result["steps"]
    assert steps["by_name"]["text"] == "ONE"
    assert steps["by_object"]["text"] == "TWO"
    assert steps["by_spec"]["result"]["final"]["result"] == {"sum": 42}
    assert steps["inner"]["text"] == "THREE"
    assert steps["by_name"]["metadata"]["workflow_type"] == "sequential"


async def test_unknown_step_reference_is_rejected_when_built(kit: Kit) -> None:
    with pytest.raises(ValidationError) as caught:
        SequentialWorkflow(
            {
                "name": "typo",
                "steps": [
                    upper_step("a", "x"),
                    upper_step("b", "{{steps.aa.text}}"),
                ],
            },
            kit.catalog,
        )
    message = str(caught.value)
    assert "step 'b'" in message
    assert "{{steps.aa.text}} refers to no step of this workflow (steps: a, b)" in message


async def test_missing_path_in_a_result_names_step_and_reference(kit: Kit) -> None:
    wf = SequentialWorkflow(
        {
            "name": "paths",
            "steps": [
                upper_step("a", "x"),
                upper_step("b", "{{steps.a.result.nope}}"),
            ],
        },
        kit.catalog,
    )
    with pytest.raises(ValidationError) as caught:
        await wf.execute({}, kit.ctx)
    assert str(caught.value) == (
        "workflow 'paths': step 'b': cannot resolve {{steps.a.result.nope}}: "
        "steps.a.result has no key 'nope' (keys: text, length)"
    )


async def test_missing_input_key_is_an_error(kit: Kit) -> None:
    wf = SequentialWorkflow(
        {
            "name": "w",
            "steps": [upper_step("a", "{{input.topic}}")],
        },
        kit.catalog,
    )
    with pytest.raises(
        ValidationError,
        match=r"step 'a': cannot resolve \{\{input.topic\}\}: input has no key 'topic'",
    ):
        await wf.execute({"subject": "x"}, kit.ctx)


async def test_rs_llmspell_reference_spellings(kit: Kit) -> None:
    wf = SequentialWorkflow(
        {
            "name": "legacy",
            "steps": [
                upper_step("a", "abc"),
                upper_step("b", "{{step:a:output}}-{{step:a:output.length}}"),
            ],
        },
        kit.catalog,
    )
    result = await wf.execute({}, kit.ctx)
    assert result.text == "ABC-3"


async def test_spec_errors_name_the_step_and_field(kit: Kit) -> None:
    with pytest.raises(ValidationError) as caught:
        SequentialWorkflow(
            {
                "name": "bad",
                "steps": [upper_step("ok"), {"name": "fetch", "tol": "x"}],
            },
            kit.catalog,
        )
    assert "invalid sequential workflow 'bad'" in str(caught.value)
    assert "steps[2] ('fetch')" in str(caught.value)
    with pytest.raises(ValidationError, match="unknown step type 'tol'"):
        SequentialWorkflow({"steps": [{"name": "x", "type": "tol"}]}, kit.catalog)
    with pytest.raises(ValidationError, match="it has no steps"):
        SequentialWorkflow({"name": "empty", "steps": []}, kit.catalog)
    with pytest.raises(ValidationError, match="two steps are named 'a'"):
        SequentialWorkflow(
            {"steps": [upper_step("a"), upper_step("a")]},
            kit.catalog,
        )
    with pytest.raises(ValidationError, match="unknown error_strategy 'sometimes'"):
        SequentialWorkflow(
            {"steps": [upper_step("a")], "error_strategy": "sometimes"},
            kit.catalog,
        )


async def test_guarded_step_is_skipped_and_counted(kit: Kit) -> None:
    wf = SequentialWorkflow(
        {
            "name": "guard",
            "steps": [
                upper_step("a", "x"),
                upper_step("b", "y", condition={"type": "never"}),
                upper_step(
                    "c", "z", condition={"type": "step_output_contains", "step": "a", "value": "X"}
                ),
            ],
        },
        kit.catalog,
    )
    result = await wf.execute({}, kit.ctx)
    assert result.result["steps"]["b"]["skipped"] is True
    assert result.text == "Z"
    assert result.metadata["skipped_steps"] == 1
    assert result.metadata["total_steps"] == 2


async def test_validate_reports_unknown_components(kit: Kit) -> None:
    wf = SequentialWorkflow(
        {
            "name": "v",
            "steps": [
                {"name": "a", "tool": "wf-uper"},
                {"name": "b", "agent": "nobody"},
                {"name": "c", "workflow": "nowhere"},
            ],
        },
        kit.catalog,
    )
    problems = wf.validate()
    assert problems[0].startswith("step 'a': unknown tool 'wf-uper' (did you mean wf-upper")
    assert problems[1:] == [
        "step 'b': unknown agent 'nobody'",
        "step 'c': unknown workflow 'nowhere'",
    ]
