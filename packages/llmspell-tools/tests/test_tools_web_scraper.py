"""web-scraper against local pages, and JS rendering in the real system Chromium."""

from __future__ import annotations

import os
from typing import Any

import pytest
from web_fake_server import FakeWebServer
from web_tool_support import local_context

from llmspell_core.context import ExecutionContext
from llmspell_core.errors import SecurityError, ToolError, ValidationError
from llmspell_core.testing.contracts import ToolContract
from llmspell_core.tool import Tool
from llmspell_core.tool_types import ToolOutput
from llmspell_tools.web._browser import DEFAULT_CHROMIUM
from llmspell_tools.web.web_scraper import WebScraper

HAS_CHROMIUM = os.path.isfile(DEFAULT_CHROMIUM) and os.access(DEFAULT_CHROMIUM, os.X_OK)
needs_chromium = pytest.mark.skipif(
    not HAS_CHROMIUM,
    reason=f"JS rendering needs Debian's chromium at {DEFAULT_CHROMIUM} "
    "(apt-get install -y chromium; .ci/run installs it)",
)


class TestWebScraperContract(ToolContract):
    def make_tool(self) -> Tool:
        return WebScraper()

    def make_context(self) -> ExecutionContext:
        return local_context()

    def invalid_params(self) -> list[dict[str, Any]]:
        return [{}, {"url": ""}, {"url": "http://x", "max_links": 0}, {"url": "x", "wait_ms": -1}]


async def scrape(
    web: FakeWebServer, context: ExecutionContext | None = None, **params: Any
) -> ToolOutput:
    return await WebScraper().execute(params, context or local_context(web))


async def test_text_and_metadata(web: FakeWebServer) -> None:
    out = await scrape(web, url=web.url("/"))
    assert out.success
    result = out.result
    assert result["title"] == "Spell Home"
    assert "Welcome to spells" in result["text"]
    assert "Spells drive agents and tools." in result["text"].splitlines()
    assert "script text" not in result["text"]
    meta = result["metadata"]
    assert meta["description"] == "A home for spells"
    assert meta["open_graph"] == {
        "title": "Spell OG Title",
        "type": "website",
        "image": web.url("/og.png"),
    }
    assert meta["twitter"] == {"card": "summary"}
    assert meta["canonical"] == web.url("/")
    assert out.text.startswith("Spell Home") or "Welcome to spells" in out.text


async def test_links_and_selectors(web: FakeWebServer) -> None:
    out = await scrape(
        web,
        url=web.url("/"),
        selector="li.item",
        selectors={"heading": "h1", "intro": "p.intro", "none": ".missing"},
        extract_links=True,
        max_matches=2,
    )
    assert out.result["selected"] == ["alpha", "beta"]
    assert out.result["fields"] == {
        "heading": ["Welcome to spells"],
        "intro": ["Spells drive agents and tools."],
        "none": [],
    }
    links = {link["url"]: link for link in out.result["links"]}
    assert links[web.url("/page/1")]["internal"] is True
    assert links["https://example.org/out"]["internal"] is False
    assert links["mailto:a@b.c"]["scheme"] == "mailto"


async def test_bad_selector_names_the_field(web: FakeWebServer) -> None:
    with pytest.raises(ValidationError) as info:
        await scrape(web, url=web.url("/"), selectors={"x": "li[[["})
    assert info.value.details["field"] == "selectors.x"


async def test_non_html_and_errors(web: FakeWebServer) -> None:
    data = await scrape(web, url=web.url("/api/data"))
    assert '"value": 42' in data.result["text"]
    missing = await scrape(web, url=web.url("/status/404"))
    assert not missing.success
    assert missing.error is not None
    assert missing.error.code == "HTTP_404"


async def test_without_js_the_script_output_is_absent(web: FakeWebServer) -> None:
    out = await scrape(web, url=web.url("/js"), selector="#out")
    assert out.result["selected"] == ["waiting"]


async def test_loopback_and_redirects_refused_by_default(web: FakeWebServer) -> None:
    with pytest.raises(SecurityError) as info:
        await scrape(web, local_context(web, allow=False), url=web.url("/"))
    assert "[tools.web_scraper] allowed_hosts" in info.value.message
    with pytest.raises(SecurityError):
        await scrape(web, url=web.url("/redirect/metadata"))


async def test_missing_browser_is_explained(web: FakeWebServer) -> None:
    context = local_context(web, tools={"web_scraper": {"chromium_path": "/nonexistent/chromium"}})
    with pytest.raises(ToolError) as info:
        await scrape(web, context, url=web.url("/js"), render_js=True)
    assert info.value.code == "BROWSER_MISSING"
    assert "[tools.web_scraper] chromium_path" in info.value.message


@needs_chromium
@pytest.mark.service
async def test_js_rendering_in_real_chromium(web: FakeWebServer) -> None:
    before = len(web.requests)
    out = await scrape(
        web,
        local_context(web, timeout=90),
        url=web.url("/js"),
        render_js=True,
        wait_for="#fetched",
        selectors={"out": "#out", "fetched": "#fetched", "ssrf": "#ssrf"},
        include_html=True,
    )
    assert out.success, out.error
    fields = out.result["fields"]
    assert fields["out"] == ["rendered by javascript"]
    assert fields["fetched"] == ["fetched 42"]  # the page's own fetch went through the guard
    assert fields["ssrf"] == ["metadata blocked"]  # ...and its metadata fetch was refused
    assert {"url": "http://169.254.169.254/latest/meta-data/", "rule": "ssrf_metadata_address"} in (
        out.result["blocked_requests"]
    )
    assert "rendered by javascript" in out.result["text"]
    paths = [r.path for r in web.requests[before:]]
    assert "/js" in paths
    assert "/api/data" in paths
    assert out.metadata["rendered"] is True


@needs_chromium
@pytest.mark.service
async def test_browser_navigation_obeys_the_policy(web: FakeWebServer) -> None:
    with pytest.raises(SecurityError) as info:
        await scrape(
            web, local_context(web, allow=False, timeout=90), url=web.url("/js"), render_js=True
        )
    assert info.value.details["rule"] == "ssrf_loopback_address"
