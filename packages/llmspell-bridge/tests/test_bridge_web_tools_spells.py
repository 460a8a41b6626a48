"""Lua and JavaScript spells chaining the network tools against real local services.

The services are the llmspell-tools test server (pages, sitemap, GitHub-, Slack-, GraphQL-
and search-shaped APIs, a webhook receiver that checks HMAC signatures), started here as a
separate process — the bridge never imports llmspell-tools; the tools come through the
``llmspell.tools`` entry points, so without that pack installed these tests skip.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from llmspell_bridge import ScriptRuntime
from llmspell_core.catalog import Catalog
from llmspell_core.config import LLMSpellConfig
from llmspell_core.errors import LLMSpellError

SPELLS = Path(__file__).parent / "spells"
SERVER = Path(__file__).parents[2] / "llmspell-tools" / "tests" / "web_fake_server.py"
CHROMIUM = "/usr/bin/chromium"
HAS_CHROMIUM = os.access(CHROMIUM, os.X_OK)

pytestmark = [
    pytest.mark.skipif(
        Catalog().find_tool("http-requester") is None,
        reason="the built-in network tools (llmspell-tools[web]) are not installed",
    ),
    pytest.mark.skipif(not SERVER.is_file(), reason=f"the test web server is missing: {SERVER}"),
]

# Secrets the fake services accept (see web_fake_server.py).
GITHUB_TOKEN = "ghp_testtoken123"
SLACK_TOKEN = "xoxb-test-token"
WEBHOOK_SECRET = "whsec-test-secret"

EXPECTED: dict[str, Any] = {
    "sitemap_count": 4,
    "titles": ["Page 1", "Page 2"],
    "api_value": 42,
    "api_test_passed": True,
    "graphql": "hello lua",
    "search_first": "https://example.com/lua",
    "open_issues": 4,
    "readme_title": "Spells",
    "monitor_changed": True,
    "monitor_added": 1,
    "webhook_signed": True,
    "slack_ts": "1700000000.000100",
    "metadata_refused": True,
    "private_rule": "ssrf_private_address",
    "rendered": "rendered by javascript",
}


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    process = subprocess.Popen([sys.executable, str(SERVER)], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        assert line.startswith("http://127.0.0.1:"), line
        yield line
    finally:
        process.terminate()
        process.wait(timeout=10)


def config(base: str, *, allow: bool = True) -> LLMSpellConfig:
    network: dict[str, Any] = {"rate_limit_per_second": 1000.0, "rate_limit_burst": 1000}
    if allow:
        network["allowed_hosts"] = ["127.0.0.1"]
    return LLMSpellConfig(
        tools={
            "network": network,
            "web_searcher": {
                "providers": {"duckduckgo": {"base_url": f"{base}/search/duckduckgo/html/"}}
            },
            "webhook_caller": {"secret": WEBHOOK_SECRET},
            "github_integration": {"token": GITHUB_TOKEN, "api_base_url": f"{base}/github"},
            "slack_integration": {"bot_token": SLACK_TOKEN, "api_base_url": f"{base}/slack/api"},
        }
    )


def run(spell: str, base: str, cfg: LLMSpellConfig, js: bool) -> Any:
    lines: list[str] = []
    args = ["--base", base, "--js", "1" if js else "0"]
    with ScriptRuntime(config=cfg, stdout=lines.append, stderr=lines.append) as rt:
        return rt.run_file(SPELLS / spell, args)


@pytest.mark.service
@pytest.mark.parametrize("spell", ["web_research.lua", "web_research.js"])
def test_research_pipeline(base_url: str, spell: str) -> None:
    if not HAS_CHROMIUM:
        print(f"JS rendering step skipped: no Chromium at {CHROMIUM} (apt-get install chromium)")
    report = run(spell, base_url, config(base_url), HAS_CHROMIUM)
    assert report == EXPECTED


@pytest.mark.parametrize("spell", ["web_research.lua", "web_research.js"])
def test_without_allow_list_the_spell_fails_at_the_first_request(base_url: str, spell: str) -> None:
    with pytest.raises(LLMSpellError) as info:
        run(spell, base_url, config(base_url, allow=False), js=False)
    message = str(info.value)
    assert "ssrf_loopback_address" in message
    assert "[tools.network] allowed_hosts" in message
