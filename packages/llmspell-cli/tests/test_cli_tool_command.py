"""``llmspell tool list|info|invoke``: output, parameter parsing and exit codes."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result

from llmspell_cli.commands.tool import parse_params, tool
from llmspell_core.agent_io import ErrorInfo
from llmspell_core.context import ExecutionContext
from llmspell_core.errors import ValidationError
from llmspell_core.registry import registry
from llmspell_core.tool import Tool
from llmspell_core.tool_types import SecurityLevel, ToolOutput, ToolSpec


class Greeter(Tool):
    security_level = SecurityLevel.SAFE

    @property
    def spec(self) -> ToolSpec:
        return ToolSpec(
            name="cli-greeter",
            description="Greets someone.",
            category="cli-test",
            parameters={
                "type": "object",
                "properties": {"name": {"type": "string"}, "times": {"type": "integer"}},
                "required": ["name"],
            },
            examples=[{"description": "Greet", "params": {"name": "ada"}}],
        )

    async def execute(self, params: dict[str, Any], ctx: ExecutionContext) -> ToolOutput:
        name = params.get("name")
        if not isinstance(name, str):
            raise ValidationError(
                "cli-greeter: parameter 'name' is required (rule: required)",
                details={"field": "name", "rule": "required"},
            )
        if name == "slow":
            await asyncio.sleep(5)
        times = params.get("times", 1)
        if name == "nobody":
            return ToolOutput(
                success=False, text="no one to greet", error=ErrorInfo(message="nobody", code="E")
            )
        return ToolOutput(text=" ".join([f"hello {name}"] * times), result={"params": params})


@pytest.fixture(autouse=True)
def greeter_pack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LLMSPELL_CONFIG", raising=False)
    monkeypatch.delenv("LLMSPELL_PROFILE", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    with registry.override("llmspell.tools", "cli-test-pack", lambda: [Greeter()]):
        yield


def run(*args: str) -> Result:
    return CliRunner().invoke(tool, list(args))


def test_list_text_and_json() -> None:
    text = run("list")
    assert text.exit_code == 0, text.output
    assert "cli-greeter" in text.output
    data = json.loads(run("list", "--category", "cli-test", "--json").output)
    assert data == [
        {
            "name": "cli-greeter",
            "category": "cli-test",
            "version": "0.1.0",
            "security_level": "safe",
            "description": "Greets someone.",
            "tags": [],
        }
    ]


def test_list_unknown_category_is_usage_error() -> None:
    result = run("list", "--category", "nope")
    assert result.exit_code == 2
    assert "categories:" in result.output


def test_info_shows_schema_and_examples() -> None:
    result = run("info", "cli-greeter")
    assert result.exit_code == 0
    assert '"required": [' in result.output
    assert 'llmspell tool invoke cli-greeter --params \'{"name": "ada"}\'' in result.output
    data = json.loads(run("info", "cli-greeter", "--json").output)
    assert data["parameters"]["required"] == ["name"]
    assert data["timeout_seconds"] == 30.0


def test_unknown_tool_suggests_and_exits_1() -> None:
    for command in (["info", "cli-greeterr"], ["invoke", "cli-greeterr"]):
        result = run(*command)
        assert result.exit_code == 1
        assert "unknown tool 'cli-greeterr' (did you mean cli-greeter?)" in result.output


def test_invoke_with_json_and_pairs() -> None:
    result = run("invoke", "cli-greeter", "--params", '{"name": "ada"}', "-p", "times=2")
    assert result.exit_code == 0, result.output
    assert result.output == "hello ada hello ada\n"
    table = json.loads(run("invoke", "cli-greeter", "-p", "name=bob", "--json").output)
    assert table["success"] is True
    assert table["result"] == {"params": {"name": "bob"}}


def test_invalid_params_exit_1_naming_the_field() -> None:
    result = run("invoke", "cli-greeter", "-p", "times=3")
    assert result.exit_code == 1
    assert "parameter 'name' is required" in result.output


@pytest.mark.parametrize(
    "args",
    [["--params", "{nope"], ["--params", "[1, 2]"], ["-p", "novalue"], ["-p", "=x"]],
)
def test_bad_command_line_exits_2(args: list[str]) -> None:
    result = run("invoke", "cli-greeter", *args)
    assert result.exit_code == 2, result.output


def test_soft_failure_prints_text_and_exits_1() -> None:
    result = run("invoke", "cli-greeter", "-p", "name=nobody")
    assert result.exit_code == 1
    assert "no one to greet" in result.output


def test_timeout_exits_124() -> None:
    result = run("invoke", "cli-greeter", "-p", "name=slow", "--timeout", "0.1")
    assert result.exit_code == 124, result.output
    assert "did not finish within 0.1 s" in result.output


def test_parse_params_types_and_nesting() -> None:
    assert parse_params(
        '{"a": 1}', ("b=2", "c=hello", "d=true", 'e={"x": 1}', "f.g.h=null", "a=3")
    ) == {"a": 3, "b": 2, "c": "hello", "d": True, "e": {"x": 1}, "f": {"g": {"h": None}}}
    with pytest.raises(click.BadParameter):
        parse_params(None, ("a=1", "a.b=2"))


def test_string_parameters_keep_their_text() -> None:
    schema = {
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "n": {"type": "integer"},
            "opts": {"type": "object", "properties": {"sep": {"type": ["string", "null"]}}},
        },
    }
    params = parse_params(None, ("name=1", "n=1", "opts.sep=null", "other=true"), schema)
    assert params == {"name": "1", "n": 1, "opts": {"sep": "null"}, "other": True}
    result = run("invoke", "cli-greeter", "-p", "name=007")
    assert result.output == "hello 007\n"


def test_reachable_from_the_llmspell_command() -> None:
    """The ``llmspell.cli`` entry point puts ``tool`` under ``llmspell`` with its options."""
    from llmspell_cli.main import cli

    result = CliRunner().invoke(cli, ["tool", "invoke", "cli-greeter", "-p", "name=ada"])
    assert result.exit_code == 0, result.output
    assert result.output == "hello ada\n"
    unknown = CliRunner().invoke(cli, ["tool", "info", "cli-greeterr"])
    assert unknown.exit_code == 1
    assert "did you mean cli-greeter" in unknown.output
