"""text-manipulator: every operation and its option errors."""

from __future__ import annotations

from typing import Any

import pytest

from llmspell_core.context import ExecutionContext
from llmspell_core.errors import ValidationError
from llmspell_core.testing.contracts import ToolContract
from llmspell_core.tool import Tool
from llmspell_tools.utility.text_manipulator import TextManipulator


class TestTextManipulatorContract(ToolContract):
    def make_tool(self) -> Tool:
        return TextManipulator()

    def invalid_params(self) -> list[dict[str, Any]]:
        return [
            {"operation": "shout", "input": "x"},
            {"operation": "uppercase"},
            {"operation": "replace", "input": "x"},
            {"operation": "replace", "input": "x", "options": {"from": "x", "too": "y"}},
        ]


async def text(operation: str, value: str | None = "", **options: Any) -> Any:
    params: dict[str, Any] = {"operation": operation, "options": options}
    if value is not None:
        params["input"] = value
    out = await TextManipulator().execute(params, ExecutionContext())
    assert out.metadata["operation"] == operation
    return out.result["result"]


@pytest.mark.parametrize(
    ("operation", "value", "options", "expected"),
    [
        ("uppercase", "hello", {}, "HELLO"),
        ("lowercase", "HeLLo", {}, "hello"),
        ("reverse", "hello", {}, "olleh"),
        ("trim", "  hi \n", {}, "hi"),
        ("replace", "a-b-c", {"from": "-", "to": "+"}, "a+b+c"),
        ("replace", "a-b-c", {"from": "-", "to": "+", "count": 1}, "a+b-c"),
        ("replace", "a1b22", {"from": r"\d+", "to": "#", "regex": True}, "a#b#"),
        ("substring", "hello world", {"start": 6}, "world"),
        ("substring", "hello world", {"start": 0, "end": 5}, "hello"),
        ("split", "a b  c", {}, ["a", "b", "c"]),
        ("split", "a,b,,c", {"separator": ","}, ["a", "b", "", "c"]),
        ("snake_case", "HelloWorld HTTPServer", {}, "hello_world_http_server"),
        ("camel_case", "hello_world-again", {}, "helloWorldAgain"),
        ("pascal_case", "hello world", {}, "HelloWorld"),
        ("sanitize", "  Hello\x00World\x07  ", {}, "HelloWorld"),
        ("truncate", "abcdefghij", {"length": 6}, "abc..."),
        ("truncate", "abc", {"length": 6}, "abc"),
        ("indent", "a\nb", {"prefix": "> "}, "> a\n> b"),
        ("dedent", "    line1\n    line2", {}, "line1\nline2"),
        ("normalize_whitespace", "hello \t\n  world", {}, "hello world"),
        ("word_wrap", "one two three four", {"width": 9}, "one two\nthree\nfour"),
    ],
)
async def test_operations(
    operation: str, value: str, options: dict[str, Any], expected: Any
) -> None:
    assert await text(operation, value, **options) == expected


async def test_join_parts_or_lines() -> None:
    assert await text("join", None, parts=["a", "b"], separator="-") == "a-b"
    assert await text("join", "x\ny") == "x y"


async def test_bad_regex_names_the_option() -> None:
    with pytest.raises(ValidationError) as info:
        await text("replace", "x", **{"from": "(", "to": "y", "regex": True})
    assert info.value.details["field"] == "options.from"


async def test_substring_needs_start() -> None:
    with pytest.raises(ValidationError) as info:
        await text("substring", "abc", end=2)
    assert info.value.details["field"] == "options.start"
