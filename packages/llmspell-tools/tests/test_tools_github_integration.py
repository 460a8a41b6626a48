"""github-integration against a server speaking the GitHub REST API (token, pagination, errors)."""

from __future__ import annotations

from typing import Any

import pytest
from web_fake_server import GITHUB_TOKEN, FakeWebServer
from web_tool_support import local_config, local_context, shared_server

from llmspell_core.config import LLMSpellConfig
from llmspell_core.context import ExecutionContext
from llmspell_core.errors import ConfigError, SecurityError
from llmspell_core.testing.contracts import ToolContract
from llmspell_core.tool import Tool
from llmspell_core.tool_types import ToolOutput
from llmspell_tools.api.github_integration import GithubIntegration


def ctx(web: FakeWebServer, token: str | None = GITHUB_TOKEN, **extra: Any) -> ExecutionContext:
    section: dict[str, Any] = {"api_base_url": web.url("/github"), **extra}
    if token is not None:
        section["token"] = token
    return local_context(web, tools={"github_integration": section})


class TestGithubContract(ToolContract):
    def make_tool(self) -> Tool:
        return GithubIntegration()

    def make_context(self) -> ExecutionContext:
        return ctx(shared_server())

    def invalid_params(self) -> list[dict[str, Any]]:
        return [
            {},
            {"operation": "get_issue", "owner": "o", "repo": "r"},
            {"operation": "create_issue", "owner": "o", "repo": "r"},
            {"operation": "get_file", "owner": "o", "repo": "r"},
            {"operation": "list_issues", "owner": "o", "repo": "r", "state": "merged"},
        ]


async def gh(context: ExecutionContext, **params: Any) -> ToolOutput:
    return await GithubIntegration().execute(params, context)


async def test_repo_and_auth_header(web: FakeWebServer) -> None:
    out = await gh(ctx(web), operation="get_repo", owner="octo", repo="spells")
    assert out.result["stargazers_count"] == 42
    sent = web.requests_to("/github/repos/octo/spells")[-1].headers
    assert sent["authorization"] == f"Bearer {GITHUB_TOKEN}"
    assert sent["accept"] == "application/vnd.github+json"
    assert GITHUB_TOKEN not in str(out.model_dump())


async def test_issues_follow_pagination_up_to_limit(web: FakeWebServer) -> None:
    out = await gh(
        ctx(web), operation="list_issues", owner="octo", repo="spells", state="all", limit=5
    )
    assert [i["number"] for i in out.result["issues"]] == [1, 2, 3, 4, 5]
    everything = await gh(
        ctx(web), operation="list_issues", owner="octo", repo="spells", state="all", limit=100
    )
    assert everything.result["count"] == 7
    open_only = await gh(ctx(web), operation="list_issues", owner="octo", repo="spells")
    assert {i["state"] for i in open_only.result["issues"]} == {"open"}
    assert "#1 Issue 1" in open_only.text


async def test_small_pages_are_walked(web: FakeWebServer) -> None:
    before = len(web.requests_to("/github/repos/octo/spells/issues"))
    out = await gh(
        ctx(web), operation="list_issues", owner="octo", repo="spells", state="all", limit=3
    )
    assert out.result["count"] == 3
    assert len(web.requests_to("/github/repos/octo/spells/issues")) == before + 1


async def test_issue_pull_and_file(web: FakeWebServer) -> None:
    issue = await gh(ctx(web), operation="get_issue", owner="octo", repo="spells", number=3)
    assert issue.result["labels"] == ["bug"]
    assert issue.result["author"] == "octocat"
    pulls = await gh(ctx(web), operation="list_pulls", owner="octo", repo="spells")
    assert [p["head"] for p in pulls.result["pull_requests"]] == [
        "feature-1",
        "feature-2",
        "feature-3",
    ]
    pull = await gh(ctx(web), operation="get_pull", owner="octo", repo="spells", number=12)
    assert pull.result["title"] == "PR 2"
    assert pull.result["base"] == "main"
    readme = await gh(
        ctx(web), operation="get_file", owner="octo", repo="spells", path="README.md", ref="v1"
    )
    assert readme.result["content"] == "# Spells\n\nHello from the fake GitHub.\n"
    assert readme.text.startswith("# Spells")
    assert web.requests_to("/github/repos/octo/spells/contents/README.md")[-1].query["ref"] == [
        "v1"
    ]
    repos = await gh(ctx(web), operation="list_repos", owner="octo")
    assert repos.result["repositories"][0]["full_name"] == "octo/spells"


async def test_create_issue(web: FakeWebServer) -> None:
    out = await gh(
        ctx(web),
        operation="create_issue",
        owner="octo",
        repo="spells",
        title="From a spell",
        body="details",
        labels=["bot"],
    )
    assert out.success
    assert out.result["title"] == "From a spell"
    assert out.result["labels"] == ["bot"]
    assert web.created_issues[-1]["body"] == "details"


async def test_create_issue_is_privileged(web: FakeWebServer) -> None:
    from llmspell_core.errors import SecurityError as Denied

    base = local_config(
        web,
        tools={"github_integration": {"api_base_url": web.url("/github"), "token": GITHUB_TOKEN}},
    )
    locked = LLMSpellConfig.model_validate(
        {**base.model_dump(), "runtime": {"security": {"allow_privileged_tools": False}}}
    )
    with pytest.raises(Denied) as info:
        await gh(
            ExecutionContext(config=locked),
            operation="create_issue",
            owner="octo",
            repo="spells",
            title="x",
        )
    assert "allow_privileged_tools" in info.value.message
    reading = await gh(
        ExecutionContext(config=locked), operation="get_repo", owner="octo", repo="spells"
    )
    assert reading.success


async def test_errors(web: FakeWebServer, monkeypatch: pytest.MonkeyPatch) -> None:
    missing = await gh(ctx(web), operation="get_repo", owner="octo", repo="nope")
    assert not missing.success
    assert missing.error is not None
    assert missing.error.code == "HTTP_404"
    bad = await gh(ctx(web, token="wrong"), operation="get_repo", owner="octo", repo="spells")
    assert bad.error is not None
    assert bad.error.code == "HTTP_401"
    assert "Bad credentials" in bad.text
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.delenv("GH_TOKEN", raising=False)
    with pytest.raises(ConfigError) as info:
        await gh(ctx(web, token=None), operation="get_repo", owner="octo", repo="spells")
    assert "[tools.github_integration] token" in info.value.message
    monkeypatch.setenv("GITHUB_TOKEN", GITHUB_TOKEN)
    assert (
        await gh(ctx(web, token=None), operation="get_repo", owner="octo", repo="spells")
    ).success
    with pytest.raises(SecurityError):
        await gh(
            local_context(
                web,
                allow=False,
                tools={"github_integration": {"api_base_url": web.url("/github"), "token": "t"}},
            ),
            operation="get_repo",
            owner="octo",
            repo="spells",
        )
