"""url-analyzer: URL parts, DNS and SSRF verdicts without contact, and metadata fetches."""

from __future__ import annotations

from typing import Any

import pytest
from web_fake_server import FakeWebServer
from web_tool_support import local_context

from llmspell_core.context import ExecutionContext
from llmspell_core.testing.contracts import ToolContract
from llmspell_core.tool import Tool
from llmspell_core.tool_types import ToolOutput
from llmspell_tools.web.url_analyzer import UrlAnalyzer


class TestUrlAnalyzerContract(ToolContract):
    def make_tool(self) -> Tool:
        return UrlAnalyzer()

    def make_context(self) -> ExecutionContext:
        return local_context()

    def invalid_params(self) -> list[dict[str, Any]]:
        return [
            {},
            {"url": ""},
            {"url": "http://x", "max_bytes": 0},
            {"url": "x", "fetch": "maybe"},
        ]


async def analyze(
    web: FakeWebServer, context: ExecutionContext | None = None, **params: Any
) -> ToolOutput:
    return await UrlAnalyzer().execute(params, context or local_context(web))


async def test_parts(web: FakeWebServer) -> None:
    out = await analyze(
        web,
        url="https://user:pw@docs.example.co.uk:8443/a/b%20c.html?q=1&q=2&x=#frag",
        resolve=False,
    )
    r = out.result
    assert r["valid"]
    assert r["scheme"] == "https"
    assert r["host"] == "docs.example.co.uk"
    assert (r["port"], r["effective_port"]) == (8443, 8443)
    assert r["path_segments"] == ["a", "b c.html"]
    assert r["extension"] == "html"
    assert r["query"] == {"q": ["1", "2"], "x": [""]}
    assert r["fragment"] == "frag"
    assert r["username"] == "user"
    assert r["has_credentials"]
    assert "pw" not in r["url"]
    assert (r["tld"], r["subdomain"]) == ("uk", "docs.example")
    assert "addresses" not in r


async def test_invalid_url_is_reported_not_raised(web: FakeWebServer) -> None:
    out = await analyze(web, url="not a url")
    assert out.success
    assert out.result["valid"] is False


@pytest.mark.parametrize(
    ("url", "rule"),
    [
        ("http://127.0.0.1/", "ssrf_loopback_address"),
        ("http://169.254.169.254/latest/", "ssrf_metadata_address"),
        ("http://metadata.google.internal/", "ssrf_metadata_address"),
        ("http://[fd00:ec2::254]/", "ssrf_metadata_address"),
        ("http://10.1.1.1/", "ssrf_private_address"),
        ("http://localhost/", "ssrf_loopback_address"),
    ],
)
async def test_policy_verdict_without_contact(web: FakeWebServer, url: str, rule: str) -> None:
    before = len(web.requests)
    out = await analyze(web, local_context(web, allow=False), url=url, fetch=True)
    verdict = out.result["network_policy"]
    assert verdict["allowed"] is False
    assert verdict["rule"] == rule
    assert "[tools.url_analyzer] allowed_hosts" in verdict["message"]
    assert "fetched" not in out.result
    assert len(web.requests) == before


async def test_resolve_and_fetch_metadata(web: FakeWebServer) -> None:
    out = await analyze(web, url=f"http://localhost:{web.port}/", fetch=True)
    r = out.result
    assert {"address": "127.0.0.1", "version": 4, "kind": "loopback"} in r["addresses"]
    assert r["public"] is False
    assert r["network_policy"]["allowed"] is True
    fetched = r["fetched"]
    assert fetched["status_code"] == 200
    assert fetched["title"] == "Spell Home"
    assert fetched["metadata"]["open_graph"]["title"] == "Spell OG Title"
    assert "Spell Home" in out.text


async def test_public_address_is_public(web: FakeWebServer) -> None:
    out = await analyze(web, url="http://8.8.8.8/", fetch=False)
    assert out.result["public"] is True
    assert out.result["network_policy"]["allowed"] is True
