"""environment-reader: get/list/pattern with secrets redacted, and privileged set."""

from __future__ import annotations

import os
from typing import Any

import pytest

from llmspell_core.config import LLMSpellConfig, RuntimeConfig, SecurityConfig
from llmspell_core.context import ExecutionContext
from llmspell_core.errors import SecurityError, ValidationError
from llmspell_core.testing.contracts import ToolContract
from llmspell_core.tool import Tool
from llmspell_tools.system.environment_reader import REDACTED, EnvironmentReader, is_secret_name


class TestEnvironmentReaderContract(ToolContract):
    def make_tool(self) -> Tool:
        return EnvironmentReader()

    def invalid_params(self) -> list[dict[str, Any]]:
        return [
            {"operation": "get"},
            {"operation": "pattern"},
            {"operation": "set", "variable_name": "X"},
            {"operation": "delete", "variable_name": "X"},
            {"operation": "get", "variable": "PATH"},
        ]


def ctx(privileged: bool = True, **section: Any) -> ExecutionContext:
    tools = {"environment_reader": section} if section else {}
    runtime = RuntimeConfig(security=SecurityConfig(allow_privileged_tools=privileged))
    return ExecutionContext(config=LLMSpellConfig(tools=tools, runtime=runtime))


async def run(params: dict[str, Any], context: ExecutionContext | None = None) -> Any:
    return await EnvironmentReader().execute(params, context or ctx())


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLMSPELL_T_PLAIN", "visible")
    monkeypatch.setenv("LLMSPELL_T_API_KEY", "sk-abc123")
    monkeypatch.setenv("LLMSPELL_T_GITHUB_TOKEN", "ghp_secret")
    monkeypatch.setenv("LLMSPELL_T_DB_PASSWORD", "hunter2")
    monkeypatch.setenv("LLMSPELL_T_DATABASE_URL", "postgres://app:s3cret@db.internal:5432/app")
    monkeypatch.setenv("LLMSPELL_T_HOMEPAGE", "https://example.org/docs")


async def test_get_plain_and_missing(env: None) -> None:
    out = await run({"operation": "get", "variable_name": "LLMSPELL_T_PLAIN"})
    assert out.text == "visible"
    assert out.result == {
        "variable_name": "LLMSPELL_T_PLAIN",
        "value": "visible",
        "found": True,
        "redacted": False,
    }
    missing = await run({"operation": "get", "name": "LLMSPELL_T_NOT_SET"})
    assert missing.result["found"] is False
    assert missing.result["value"] is None


@pytest.mark.parametrize(
    "name",
    [
        "LLMSPELL_T_API_KEY",
        "LLMSPELL_T_GITHUB_TOKEN",
        "LLMSPELL_T_DB_PASSWORD",
        "LLMSPELL_T_DATABASE_URL",
    ],
)
async def test_secrets_are_redacted_on_get(env: None, name: str) -> None:
    out = await run({"operation": "get", "variable_name": name})
    assert out.text == REDACTED
    assert out.result["value"] == REDACTED
    assert out.result["redacted"] is True
    assert os.environ[name] not in str(out.model_dump())


async def test_list_and_pattern_redact_and_bound(env: None) -> None:
    listed = await run({"operation": "list"})
    variables = listed.result["variables"]
    assert variables["LLMSPELL_T_PLAIN"] == "visible"
    assert variables["LLMSPELL_T_HOMEPAGE"] == "https://example.org/docs"
    assert variables["LLMSPELL_T_API_KEY"] == REDACTED
    assert "sk-abc123" not in listed.text
    assert "s3cret" not in listed.text
    assert "hunter2" not in listed.text
    assert "LLMSPELL_T_API_KEY" in listed.result["redacted"]
    matched = await run({"operation": "pattern", "pattern": "LLMSPELL_T_*"})
    assert set(matched.result["variables"]) == {
        "LLMSPELL_T_PLAIN",
        "LLMSPELL_T_API_KEY",
        "LLMSPELL_T_GITHUB_TOKEN",
        "LLMSPELL_T_DB_PASSWORD",
        "LLMSPELL_T_DATABASE_URL",
        "LLMSPELL_T_HOMEPAGE",
    }
    names_only = await run(
        {"operation": "pattern", "pattern": "LLMSPELL_T_P*", "include_values": False}
    )
    assert names_only.result["variables"] == {"LLMSPELL_T_PLAIN": None}
    assert names_only.text == "LLMSPELL_T_PLAIN"
    bounded = await run({"operation": "list"}, ctx(max_rows=2))
    assert len(bounded.result["variables"]) == 2
    assert bounded.result["count"] > 2
    assert bounded.metadata["truncated"] is True


async def test_settings_extend_and_relax_redaction(env: None) -> None:
    out = await run(
        {"operation": "pattern", "pattern": "LLMSPELL_T_*"},
        ctx(redact_patterns=["*_HOMEPAGE"], reveal=["LLMSPELL_T_DB_PASSWORD"]),
    )
    assert out.result["variables"]["LLMSPELL_T_HOMEPAGE"] == REDACTED
    assert out.result["variables"]["LLMSPELL_T_DB_PASSWORD"] == "hunter2"


def test_secret_name_rules() -> None:
    for name in (
        "OPENAI_API_KEY",
        "aws_secret_access_key",
        "SLACK_TOKEN",
        "MYSQL_PWD",
        "AUTH_HEADER",
    ):
        assert is_secret_name(name), name
    for name in ("PATH", "HOME", "PWD", "OLDPWD", "LANG", "SHELL", "TERM"):
        assert not is_secret_name(name), name


async def test_set_needs_privilege(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLMSPELL_T_SET", "before")
    with pytest.raises(SecurityError) as info:
        await run(
            {"operation": "set", "variable_name": "LLMSPELL_T_SET", "value": "after"},
            ctx(privileged=False),
        )
    assert "[runtime.security] allow_privileged_tools" in info.value.message
    assert os.environ["LLMSPELL_T_SET"] == "before"
    out = await run({"operation": "set", "variable_name": "LLMSPELL_T_SET", "value": "after"})
    assert out.success
    assert os.environ["LLMSPELL_T_SET"] == "after"
    hidden = await run(
        {"operation": "set", "variable_name": "LLMSPELL_T_SET_TOKEN", "value": "t0k"}
    )
    monkeypatch.delenv("LLMSPELL_T_SET_TOKEN")
    assert hidden.result["value"] == REDACTED
    with pytest.raises(ValidationError):
        await run({"operation": "set", "variable_name": "BAD NAME", "value": "x"})


async def test_reading_works_without_privilege(env: None) -> None:
    out = await run(
        {"operation": "get", "variable_name": "LLMSPELL_T_PLAIN"}, ctx(privileged=False)
    )
    assert out.text == "visible"
