"""github-integration: repositories, issues, pull requests and file contents via GitHub's REST API.

The token comes from ``[tools.github_integration] token`` or ``GITHUB_TOKEN`` / ``GH_TOKEN``;
``api_base_url`` points it at GitHub Enterprise (or a local test server). Lists follow
``Link: rel="next"`` pages up to ``limit``. Creating issues and comments writes to GitHub, so
those operations are privileged.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from typing import Any, ClassVar, Literal, cast
from urllib.parse import quote

from pydantic import Field

from llmspell_core.errors import ConfigError, ValidationError
from llmspell_core.tool_types import SecurityLevel, ToolOutput
from llmspell_tools.framework import BaseTool, Invocation, ToolParams, example, section_key
from llmspell_tools.network import (
    HttpResponse,
    NetworkSettings,
    SafeHttpClient,
    given,
    redact_text,
    setting_or_env,
)

__all__ = ["GithubIntegration", "GithubIntegrationParams", "GithubSettings"]

DEFAULT_API = "https://api.github.com"
_NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="next"')

Operation = Literal[
    "get_repo",
    "list_repos",
    "list_issues",
    "get_issue",
    "create_issue",
    "comment_issue",
    "list_pulls",
    "get_pull",
    "get_file",
]


class GithubSettings(NetworkSettings):
    token: str | None = None
    api_base_url: str | None = None


class GithubIntegrationParams(ToolParams):
    operation: Operation = Field(description="what to do")
    owner: str | None = Field(default=None, description="user or organisation")
    repo: str | None = Field(default=None, description="repository name")
    number: int | None = Field(default=None, ge=1, description="issue or pull request number")
    title: str | None = Field(default=None, description="create_issue: title")
    body: str | None = Field(default=None, description="create_issue/comment_issue: text")
    labels: list[str] | None = Field(default=None, description="create_issue: labels")
    state: Literal["open", "closed", "all"] = Field(default="open", description="list filter")
    path: str | None = Field(default=None, description="get_file: path in the repository")
    ref: str | None = Field(default=None, description="get_file: branch, tag or commit")
    limit: int = Field(default=30, ge=1, le=1000, description="lists: at most this many")

    required_for: ClassVar[dict[str, tuple[str, ...]]] = {
        "get_repo": ("owner", "repo"),
        "list_repos": ("owner",),
        "list_issues": ("owner", "repo"),
        "get_issue": ("owner", "repo", "number"),
        "create_issue": ("owner", "repo", "title"),
        "comment_issue": ("owner", "repo", "number", "body"),
        "list_pulls": ("owner", "repo"),
        "get_pull": ("owner", "repo", "number"),
        "get_file": ("owner", "repo", "path"),
    }


def _seg(value: str | None) -> str:
    return quote(str(value), safe="")


def _issue(item: dict[str, Any]) -> dict[str, Any]:
    user: Any = item.get("user") or {}
    labels: Any = item.get("labels") or []
    return {
        "number": item.get("number"),
        "title": item.get("title"),
        "state": item.get("state"),
        "body": item.get("body"),
        "url": item.get("html_url"),
        "author": user.get("login") if isinstance(user, dict) else None,  # pyright: ignore[reportUnknownMemberType]
        "labels": [
            lbl.get("name") if isinstance(lbl, dict) else str(lbl)  # pyright: ignore[reportUnknownMemberType, reportUnknownArgumentType]
            for lbl in labels  # pyright: ignore[reportUnknownVariableType]
        ],
        "comments": item.get("comments"),
        "created_at": item.get("created_at"),
        "updated_at": item.get("updated_at"),
        "is_pull_request": "pull_request" in item,
    }


def _pull(item: dict[str, Any]) -> dict[str, Any]:
    out = _issue(item)
    head: Any = item.get("head") or {}
    base: Any = item.get("base") or {}
    out.update(
        head=head.get("ref") if isinstance(head, dict) else None,  # pyright: ignore[reportUnknownMemberType]
        base=base.get("ref") if isinstance(base, dict) else None,  # pyright: ignore[reportUnknownMemberType]
        draft=item.get("draft"),
        merged=item.get("merged"),
        is_pull_request=True,
    )
    return out


#: Operations on issues and pull requests: (API path, record builder, list result key or None
#: for a single item).
_THREADS: dict[str, tuple[str, Callable[[dict[str, Any]], dict[str, Any]], str | None]] = {
    "list_issues": ("issues", _issue, "issues"),
    "get_issue": ("issues", _issue, None),
    "list_pulls": ("pulls", _pull, "pull_requests"),
    "get_pull": ("pulls", _pull, None),
}


class GithubIntegration(BaseTool[GithubIntegrationParams]):
    tool_name = "github-integration"
    description = (
        "Work with GitHub: get a repository, list repositories, list/get/create issues and "
        "comments, list/get pull requests, read a file's contents (token from config/env)."
    )
    tool_category = "api"
    tags = ("github", "git", "issues", "pull-requests", "api")
    params_model = GithubIntegrationParams
    settings_model = GithubSettings
    security_level = SecurityLevel.RESTRICTED
    privileged_operations = frozenset({"create_issue", "comment_issue"})
    timeout_seconds = 120.0
    examples: ClassVar[tuple[dict[str, Any], ...]] = (
        example(
            "Open issues of a repository", operation="list_issues", owner="octo", repo="spells"
        ),
        example("Read a file", operation="get_file", owner="octo", repo="spells", path="README.md"),
    )

    async def run(self, params: GithubIntegrationParams, call: Invocation) -> ToolOutput:
        try:
            return await self._operate(params, call)
        except _GithubHttpError as exc:
            call.metadata["status_code"] = exc.status
            return call.fail(
                f"github-integration {params.operation}: {exc.message} (HTTP {exc.status})",
                f"HTTP_{exc.status}",
                {"status_code": exc.status, "message": exc.message},
            )

    async def _operate(self, params: GithubIntegrationParams, call: Invocation) -> ToolOutput:
        settings = call.settings
        assert isinstance(settings, GithubSettings)
        token = setting_or_env(call, "token", "GITHUB_TOKEN", "GH_TOKEN")
        if not token:
            raise ConfigError(
                f"github-integration: no GitHub token; set {section_key(self.name)} token or "
                "the environment variable GITHUB_TOKEN (or GH_TOKEN)",
                details={"config_key": f"{section_key(self.name)} token", "env": "GITHUB_TOKEN"},
            )
        api = (settings.api_base_url or DEFAULT_API).rstrip("/")
        headers = {
            "Authorization": f"Bearer {token}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
        }
        repo_path = f"{api}/repos/{_seg(params.owner)}/{_seg(params.repo)}"
        op = params.operation
        async with SafeHttpClient.for_call(call, headers=headers) as http:
            if op == "get_repo":
                data = await self._get(http, repo_path, token)
                return self._done(call, data, f"{data.get('full_name')}: {data.get('description')}")
            if op == "list_repos":
                items = await self._list(
                    http, f"{api}/users/{_seg(params.owner)}/repos", {}, params.limit, token
                )
                repos = [
                    {k: r.get(k) for k in ("full_name", "name", "description", "private", "html_url", "language", "stargazers_count")}
                    for r in items
                ]  # fmt: skip
                return self._listed(
                    call, repos, "repositories", [str(r["full_name"]) for r in repos]
                )
            if op in _THREADS:
                return await self._thread(http, call, params, repo_path, token)
            if op == "create_issue":
                payload = given(title=params.title, body=params.body, labels=params.labels or None)
                response = await http.request("POST", f"{repo_path}/issues", json=payload)
                data = _issue(self._json(response, token))
                return self._done(call, data, f"created #{data['number']} {data['title']}")
            if op == "comment_issue":
                response = await http.request(
                    "POST",
                    f"{repo_path}/issues/{params.number}/comments",
                    json={"body": params.body},
                )
                comment = self._json(response, token)
                data = {"id": comment.get("id"), "url": comment.get("html_url")}
                return self._done(call, data, f"commented on #{params.number}")
            path = "/".join(quote(part, safe="") for part in str(params.path).split("/") if part)
            query = {"ref": params.ref} if params.ref else None
            data = await self._get(http, f"{repo_path}/contents/{path}", token, query)
            return self._file(call, data, params)

    # -- helpers -------------------------------------------------------------------------
    async def _thread(
        self,
        http: SafeHttpClient,
        call: Invocation,
        params: GithubIntegrationParams,
        repo_path: str,
        token: str,
    ) -> ToolOutput:
        """list_issues / get_issue / list_pulls / get_pull: one shape, two kinds of thread."""
        path, record, key = _THREADS[params.operation]
        url = f"{repo_path}/{path}"
        if key is None:
            data = record(await self._get(http, f"{url}/{params.number}", token))
            return self._done(call, data, f"#{data['number']} {data['title']}")
        items = await self._list(http, url, {"state": params.state}, params.limit, token)
        threads = [record(i) for i in items]
        return self._listed(call, threads, key, [f"#{t['number']} {t['title']}" for t in threads])

    def _json(self, response: HttpResponse, token: str) -> dict[str, Any]:
        try:
            body: Any = response.json()
        except ValueError:
            body = None
        if not 200 <= response.status_code < 300:
            envelope = cast("dict[str, Any]", body) if isinstance(body, dict) else {}
            message = str(envelope.get("message") or response.text[:200])
            raise _GithubHttpError(
                response.status_code, redact_text(f"GitHub: {message}", [token]), response.url
            )
        if isinstance(body, list):
            return {"items": body}
        if not isinstance(body, dict):
            raise _GithubHttpError(
                response.status_code, "GitHub returned a non-JSON body", response.url
            )
        return dict(body)  # pyright: ignore[reportUnknownArgumentType]

    async def _get(
        self,
        http: SafeHttpClient,
        url: str,
        token: str,
        query: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        return self._json(await http.request("GET", url, params=query), token)

    async def _list(
        self,
        http: SafeHttpClient,
        url: str,
        query: dict[str, Any],
        limit: int,
        token: str,
    ) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        page_query: dict[str, Any] | None = {**query, "per_page": min(100, limit)}
        next_url: str | None = url
        while next_url and len(items) < limit:
            response = await http.request("GET", next_url, params=page_query)
            body = self._json(response, token)
            page: Any = body.get("items", [])
            items.extend(i for i in page if isinstance(i, dict))  # pyright: ignore[reportUnknownVariableType, reportUnknownArgumentType]
            match = _NEXT.search(response.header("link") or "")
            next_url = match.group(1) if match else None
            page_query = None  # the next link carries its own query
        return items[:limit]

    @staticmethod
    def _done(call: Invocation, data: dict[str, Any], text: str) -> ToolOutput:
        return call.ok(text, data)

    @staticmethod
    def _listed(
        call: Invocation, items: list[dict[str, Any]], key: str, lines: list[str]
    ) -> ToolOutput:
        return call.ok(
            "\n".join(lines) or f"no {key.replace('_', ' ')}", {key: items, "count": len(items)}
        )

    @staticmethod
    def _file(
        call: Invocation, data: dict[str, Any], params: GithubIntegrationParams
    ) -> ToolOutput:
        if data.get("type") != "file":
            raise ValidationError(
                f"github-integration: '{params.path}' is a {data.get('type') or 'directory'}, "
                "not a file",
                details={"field": "path", "rule": "file"},
            )
        raw = str(data.get("content") or "")
        try:
            content_bytes = (
                base64.b64decode(raw) if data.get("encoding") == "base64" else raw.encode()
            )
        except binascii.Error as exc:
            raise _GithubHttpError(200, f"GitHub sent undecodable content: {exc}", "") from None
        try:
            content: str | None = content_bytes.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError:
            content = base64.b64encode(content_bytes).decode()
            encoding = "base64"
        result = {
            "path": data.get("path"),
            "name": data.get("name"),
            "sha": data.get("sha"),
            "size": data.get("size"),
            "url": data.get("html_url"),
            "ref": params.ref,
            "encoding": encoding,
            "content": call.limit_text(content),
        }
        text = str(result["content"]) if encoding == "utf-8" else f"{params.path}: binary"
        return call.ok(text, result)


class _GithubHttpError(Exception):
    """GitHub answered with an error status; :meth:`GithubIntegration.run` reports it softly."""

    def __init__(self, status: int, message: str, url: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.url = url
