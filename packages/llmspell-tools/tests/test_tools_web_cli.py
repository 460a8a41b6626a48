"""`llmspell tool invoke <name> --params '{...}'` for every network tool, as a real subprocess.

The CLI reads an llmspell.toml that allow-lists 127.0.0.1 and points each service's base URL
at the local fake web server; a second run without the allow-list shows the refusal.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from web_fake_server import GITHUB_TOKEN, SLACK_TOKEN, WEBHOOK_SECRET, FakeWebServer

pytestmark = pytest.mark.slow


def _llmspell() -> str | None:
    beside = Path(sys.executable).with_name("llmspell")
    return str(beside) if beside.exists() else shutil.which("llmspell")


LLMSPELL = _llmspell()
needs_cli = pytest.mark.skipif(LLMSPELL is None, reason="the llmspell CLI is not installed")


def config_file(directory: Path, web: FakeWebServer, *, allow: bool) -> Path:
    allowed = 'allowed_hosts = ["127.0.0.1"]\n' if allow else ""
    text = f"""
[tools.network]
{allowed}rate_limit_per_second = 1000.0
rate_limit_burst = 1000

[tools.web_searcher.providers.duckduckgo]
base_url = "{web.url("/search/duckduckgo/html/")}"

[tools.webhook_caller]
secret = "{WEBHOOK_SECRET}"

[tools.github_integration]
token = "{GITHUB_TOKEN}"
api_base_url = "{web.url("/github")}"

[tools.slack_integration]
bot_token = "{SLACK_TOKEN}"
api_base_url = "{web.url("/slack/api")}"
"""
    path = directory / ("allow.toml" if allow else "strict.toml")
    path.write_text(text)
    return path


def invoke(config: Path, name: str, params: dict[str, Any]) -> subprocess.CompletedProcess[str]:
    assert LLMSPELL is not None
    return subprocess.run(
        [
            LLMSPELL,
            "tool",
            "--config",
            str(config),
            "invoke",
            name,
            "--params",
            json.dumps(params),
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


Check = Callable[[dict[str, Any]], Any]

CASES: list[tuple[str, dict[str, Any], Check]] = [
    ("http-requester", {"url": "{base}/api/data"}, lambda r: r["result"]["body"]["value"] == 42),
    ("web-scraper", {"url": "{base}/", "selector": "li.item"}, lambda r: r["result"]["selected"][0] == "alpha"),
    ("url-analyzer", {"url": "{base}/", "fetch": True}, lambda r: r["result"]["fetched"]["title"] == "Spell Home"),
    ("api-tester", {"url": "{base}/api/data", "expect": {"json": {"value": 42}}}, lambda r: r["result"]["passed"]),
    ("webhook-caller", {"url": "{base}/webhook", "payload": {"a": 1}}, lambda r: r["result"]["delivered"]),
    ("webpage-monitor", {"url": "{base}/monitor", "selector": "#main"}, lambda r: r["result"]["first_check"]),
    ("sitemap-crawler", {"url": "{base}/sitemap.xml"}, lambda r: r["result"]["count"] == 4),
    ("graphql-query", {"endpoint": "{base}/graphql", "query": "{ hello }"}, lambda r: r["result"]["data"]["hello"] == "hello world"),
    ("web-searcher", {"query": "spells", "max_results": 2}, lambda r: r["result"]["count"] == 2),
    ("github-integration", {"operation": "get_issue", "owner": "octo", "repo": "spells", "number": 1}, lambda r: r["result"]["title"] == "Issue 1"),
    ("slack-integration", {"operation": "list_channels", "limit": 2}, lambda r: r["result"]["count"] == 2),
]  # fmt: skip


def _fill(value: Any, base: str) -> Any:
    if isinstance(value, str):
        return value.replace("{base}", base)
    if isinstance(value, dict):
        return {k: _fill(v, base) for k, v in value.items()}  # pyright: ignore[reportUnknownVariableType]
    return value


@needs_cli
@pytest.mark.parametrize(("name", "params", "check"), CASES, ids=[c[0] for c in CASES])
def test_cli_invokes_each_network_tool(
    web: FakeWebServer, tmp_path: Path, name: str, params: dict[str, Any], check: Check
) -> None:
    done = invoke(config_file(tmp_path, web, allow=True), name, _fill(params, web.base_url))
    assert done.returncode == 0, done.stderr
    table = json.loads(done.stdout)
    assert table["success"] is True, table
    assert check(table), table
    for secret in (GITHUB_TOKEN, SLACK_TOKEN, WEBHOOK_SECRET):
        assert secret not in done.stdout + done.stderr


@needs_cli
def test_cli_refuses_loopback_without_allow_list(web: FakeWebServer, tmp_path: Path) -> None:
    done = invoke(
        config_file(tmp_path, web, allow=False), "http-requester", {"url": web.url("/echo")}
    )
    assert done.returncode != 0
    assert "ssrf_loopback_address" in done.stderr
    assert "[tools.network] allowed_hosts" in done.stderr
