"""BaseTool: schema, validation, security, timeouts, bounds, config and the builtin pack."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any, ClassVar, Literal

import pytest
from pydantic import Field

from llmspell_core.catalog import Catalog
from llmspell_core.config import LLMSpellConfig, RuntimeConfig, SecurityConfig
from llmspell_core.context import ExecutionContext
from llmspell_core.errors import (
    ConfigError,
    NotFoundError,
    SecurityError,
    TimeoutError,
    ToolError,
    ValidationError,
)
from llmspell_core.registry import registry
from llmspell_core.tool_types import SecurityLevel, ToolOutput
from llmspell_tools.framework import (
    ALLOWED_PATHS_KEY,
    BaseTool,
    Invocation,
    ToolParams,
    ToolSettings,
    allowed_hosts,
    allowed_roots,
    example,
)
from llmspell_tools.pack import builtin_tool_classes, builtin_tools


class EchoParams(ToolParams):
    operation: Literal["echo", "sleep", "boom", "missing", "big", "rows", "privileged"] = "echo"
    text: str | None = Field(default=None, description="what to echo")
    seconds: float = 0.0
    count: int = Field(default=1, ge=1, le=5)

    required_for: ClassVar[dict[str, tuple[str, ...]]] = {"echo": ("text",)}


class EchoSettings(ToolSettings):
    greeting: str = "hi"


class EchoTool(BaseTool[EchoParams]):
    tool_name = "test-echo"
    description = "Echo for framework tests."
    params_model = EchoParams
    settings_model = EchoSettings
    timeout_seconds = 2.0
    max_output_bytes = 64
    max_rows = 3
    privileged_operations = frozenset({"privileged"})
    aliases = ("test-echo-alias",)
    examples = (example("Echo", text="x"),)

    async def run(self, params: EchoParams, call: Invocation) -> ToolOutput:
        match params.operation:
            case "sleep":
                await asyncio.sleep(params.seconds)
            case "boom":
                raise RuntimeError("kaput")
            case "missing":
                raise FileNotFoundError(2, "No such file", "/definitely/not/here.txt")
            case "big":
                return call.ok("é" * 100)
            case "rows":
                return call.ok("rows", {"rows": call.limit_rows(list(range(10)))})
            case _:
                pass
        greeting = call.settings.model_dump().get("greeting")
        return call.ok(f"{greeting} {params.text}", {"text": params.text}, extra=1)


def context(**tools: dict[str, Any]) -> ExecutionContext:
    return ExecutionContext(config=LLMSpellConfig(tools=tools))


async def test_schema_comes_from_the_model() -> None:
    schema = EchoTool().spec.parameters
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False
    assert schema["properties"]["text"] == {"type": "string", "description": "what to echo"}
    assert "title" not in schema
    assert schema["properties"]["count"]["maximum"] == 5
    rule = schema["allOf"][0]
    assert rule["if"]["properties"]["operation"]["const"] == "echo"
    assert rule["then"]["required"] == ["text"]


async def test_result_metadata_and_settings() -> None:
    out = await EchoTool().execute({"text": "ada"}, context(test_echo={"greeting": "hello"}))
    assert out.success
    assert out.text == "hello ada"
    assert out.result == {"text": "ada"}
    assert out.metadata["operation"] == "echo"
    assert out.metadata["truncated"] is False
    assert out.metadata["extra"] == 1
    assert out.metadata["duration_ms"] >= 0


@pytest.mark.parametrize(
    ("params", "field", "rule", "words"),
    [
        ({"txt": "a"}, "txt", "extra_forbidden", "did you mean 'text'"),
        ({"count": 9, "text": "a"}, "count", "less_than_equal", "count"),
        ({"operation": "dance"}, "operation", "literal_error", "operation"),
        ({"operation": "echo"}, "text", "required", "required for operation 'echo'"),
        ({"text": 3}, "text", "string_type", "text"),
    ],
)
async def test_invalid_params_name_field_and_rule(
    params: dict[str, Any], field: str, rule: str, words: str
) -> None:
    with pytest.raises(ValidationError) as info:
        await EchoTool().execute(params, context())
    assert info.value.details["field"] == field
    assert info.value.details["rule"] == rule
    assert words in info.value.message
    assert info.value.message.startswith("test-echo")


async def test_timeout_names_the_config_key() -> None:
    with pytest.raises(TimeoutError) as info:
        await EchoTool().execute(
            {"operation": "sleep", "seconds": 5}, context(test_echo={"timeout_seconds": 0.05})
        )
    assert "[tools.test_echo] timeout_seconds" in info.value.message
    assert info.value.code == "TIMEOUT"


async def test_spell_deadline_bounds_the_tool() -> None:
    ctx = ExecutionContext.with_timeout(0.05)
    with pytest.raises(TimeoutError) as info:
        await EchoTool().execute({"operation": "sleep", "seconds": 5}, ctx)
    assert "time limit" in info.value.message


async def test_unexpected_errors_become_tool_errors() -> None:
    with pytest.raises(ToolError) as info:
        await EchoTool().execute({"operation": "boom"}, context())
    assert "kaput" in info.value.message
    assert info.value.details["type"] == "RuntimeError"
    with pytest.raises(NotFoundError):
        await EchoTool().execute({"operation": "missing"}, context())


async def test_output_is_bounded_and_marked_truncated() -> None:
    out = await EchoTool().execute({"operation": "big"}, context())
    assert len(out.text.encode()) <= 64
    assert out.metadata["truncated"] is True
    rows = await EchoTool().execute({"operation": "rows"}, context(test_echo={"max_rows": 2}))
    assert rows.result == {"rows": [0, 1]}
    assert rows.metadata["truncated"] is True


async def test_privileged_operation_needs_config() -> None:
    denied = LLMSpellConfig(
        runtime=RuntimeConfig(security=SecurityConfig(allow_privileged_tools=False))
    )
    with pytest.raises(SecurityError) as info:
        await EchoTool().execute({"operation": "privileged"}, ExecutionContext(config=denied))
    assert "[runtime.security] allow_privileged_tools" in info.value.message
    out = await EchoTool().execute({"operation": "privileged"}, context())
    assert out.success


async def test_bad_tool_section_is_a_config_error() -> None:
    with pytest.raises(ConfigError) as info:
        await EchoTool().execute({"text": "a"}, context(test_echo={"colour": "red"}))
    assert "[tools.test_echo] colour" in info.value.message
    with pytest.raises(ConfigError):
        await EchoTool().execute({"text": "a"}, context(test_echo={"timeout_seconds": -1}))


async def test_cancelled_context_stops_before_running() -> None:
    ctx = context()
    ctx.cancellation.cancel("user pressed Ctrl-C")
    with pytest.raises(Exception, match="cancelled"):
        await EchoTool().execute({"text": "a"}, ctx)


def test_alias_instance_has_its_own_name() -> None:
    alias = EchoTool("test-echo-alias")
    assert alias.name == "test-echo-alias"
    assert alias.spec.name == "test-echo-alias"
    assert "alias of test-echo" in alias.spec.description


def test_allowed_roots_and_safe_path(tmp_path: Path) -> None:
    config = LLMSpellConfig(tools={"filesystem": {"allowed_paths": [str(tmp_path)]}})
    assert allowed_roots(config) == [tmp_path]
    assert Path.cwd() in allowed_roots(LLMSpellConfig())
    call = Invocation("t", "op", ExecutionContext(config=config), ToolSettings(), 10, 10)
    inside = tmp_path / "a.txt"
    inside.write_text("x")
    assert call.safe_path(str(inside), must_exist=True) == inside.resolve()
    with pytest.raises(SecurityError) as info:
        call.safe_path("/etc/passwd")
    assert ALLOWED_PATHS_KEY in info.value.message
    assert info.value.details["rule"]
    bad = LLMSpellConfig(tools={"filesystem": {"allowed_paths": "/tmp"}})
    with pytest.raises(ConfigError, match="allowed_paths"):
        allowed_roots(bad)


def test_allowed_hosts_merge_network_and_tool_sections() -> None:
    config = LLMSpellConfig(
        tools={
            "network": {"allowed_hosts": ["127.0.0.1"]},
            "service_checker": {"allowed_hosts": ["LocalHost"]},
        }
    )
    assert allowed_hosts(config) == {"127.0.0.1"}
    assert allowed_hosts(config, "service-checker") == {"127.0.0.1", "localhost"}


def test_builtin_pack_lists_every_tool_once_plus_aliases() -> None:
    names = [t.name for t in builtin_tools()]
    assert len(names) == len(set(names))
    expected = {
        "calculator", "text-manipulator", "datetime-handler", "uuid-generator",
        "hash-calculator", "base64-encoder", "diff-calculator", "data-validator",
        "template-engine", "template-creator", "citation-formatter", "json-processor",
        "csv-analyzer", "graph-builder",
    }  # fmt: skip
    assert expected <= set(names)
    assert all(cls.__module__.startswith("llmspell_tools.") for cls in builtin_tool_classes())


def test_pack_is_registered_as_an_entry_point() -> None:
    assert "builtin" in registry.names("llmspell.tools")
    catalog = Catalog()
    assert catalog.get_tool("calculator").category == "utility"
    with pytest.raises(NotFoundError, match="did you mean calculator"):
        catalog.get_tool("calculatr")


def test_tool_modules_import_no_heavy_libraries() -> None:
    """The pack imports every tool module; their heavy libraries must stay lazy."""
    import subprocess
    import sys

    code = (
        "import sys; import llmspell_tools.pack as p; p.builtin_tools(); "
        "heavy = ['jinja2', 'networkx', 'jsonschema', 'jmespath', 'jq', 'deepdiff', "
        "'simpleeval', 'dateutil', 'yaml', 'bibtexparser', 'polars']; "
        "print([m for m in heavy if m in sys.modules])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=os.environ
    )
    assert out.stdout.strip() == "[]", out.stdout


def test_security_levels_are_declared() -> None:
    levels = {cls.tool_name: cls.security_level for cls in builtin_tool_classes()}
    assert levels["calculator"] is SecurityLevel.SAFE
    assert levels["hash-calculator"] is SecurityLevel.RESTRICTED
