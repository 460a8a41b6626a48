"""web-scraper: fetch a page and extract its text, links, metadata and CSS-selected parts.

Plain fetches use the SSRF-guarded HTTP client; ``render_js`` loads the page in a real
headless Chromium whose every request goes through that same client (see ``_browser``), so
pages built by JavaScript can be scraped without giving the browser its own network access.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from llmspell_core.tool_types import SecurityLevel, ToolOutput
from llmspell_tools.framework import BaseTool, Invocation, ToolParams, example
from llmspell_tools.network import NetworkSettings, SafeHttpClient, redact_url
from llmspell_tools.web._browser import find_chromium, render_page
from llmspell_tools.web._html import (
    extract_links,
    extract_metadata,
    parse_html,
    readable_text,
    select,
)

__all__ = ["WebScraper", "WebScraperParams", "WebScraperSettings"]


class WebScraperParams(ToolParams):
    url: str = Field(min_length=1, description="http(s) page to scrape")
    selector: str | None = Field(default=None, description="CSS selector: text of each match")
    selectors: dict[str, str] | None = Field(
        default=None, description="named CSS selectors: {name: selector} -> {name: [texts]}"
    )
    extract_text: bool = Field(default=True, description="include the page's readable text")
    extract_links: bool = Field(default=False, description="include links (absolute URLs)")
    extract_metadata: bool = Field(
        default=True, description="title, description, canonical, OpenGraph, Twitter"
    )
    include_html: bool = Field(default=False, description="include the (rendered) HTML")
    render_js: bool = Field(
        default=False, description="render with headless Chromium before extracting"
    )
    wait_for: str | None = Field(
        default=None, description="render_js: CSS selector to wait for before extracting"
    )
    wait_ms: int = Field(default=0, ge=0, le=30_000, description="render_js: extra wait, ms")
    max_links: int = Field(default=200, ge=1, le=5000, description="at most this many links")
    max_matches: int = Field(default=100, ge=1, le=5000, description="matches per selector")


class WebScraperSettings(NetworkSettings):
    chromium_path: str | None = None


class WebScraper(BaseTool[WebScraperParams]):
    tool_name = "web-scraper"
    description = (
        "Fetch a web page and extract readable text, links, metadata (OpenGraph too) and "
        "CSS-selected elements; can render JavaScript in headless Chromium first."
    )
    tool_category = "web"
    tags = ("web", "scrape", "html", "css", "browser")
    params_model = WebScraperParams
    settings_model = WebScraperSettings
    security_level = SecurityLevel.RESTRICTED
    timeout_seconds = 90.0
    examples: ClassVar[tuple[dict[str, Any], ...]] = (
        example("Text and metadata of a page", url="http://example.com/"),
        example(
            "List items by CSS selector, with links",
            url="http://example.com/",
            selector="li.item",
            extract_links=True,
        ),
    )

    async def run(self, params: WebScraperParams, call: Invocation) -> ToolOutput:
        call.operation = "render" if params.render_js else "scrape"
        settings = call.settings
        assert isinstance(settings, WebScraperSettings)
        async with SafeHttpClient.for_call(call) as http:
            if params.render_js:
                chromium = find_chromium(settings.chromium_path, self.name)
                remaining = call.ctx.remaining()
                budget = min(remaining, 60.0) if remaining is not None else 60.0
                page = await render_page(
                    params.url,
                    http,
                    chromium=chromium,
                    timeout_ms=budget * 1000.0,
                    wait_for=params.wait_for,
                    wait_ms=params.wait_ms,
                    tool=self.name,
                )
                html, final_url, status = page.html, page.final_url, page.status_code or 200
                content_type = "text/html"
                truncated = page.truncated
                extra: dict[str, Any] = {
                    "browser_requests": page.requests,
                    "blocked_requests": page.blocked,
                }
            else:
                response = await http.request("GET", params.url)
                html, final_url, status = response.text, response.url, response.status_code
                content_type = response.content_type
                truncated = response.truncated
                extra = {"redirects": [redact_url(u) for u in response.redirects]}
        call.truncated = call.truncated or truncated
        result: dict[str, Any] = {
            "url": redact_url(params.url),
            "final_url": redact_url(final_url),
            "status_code": status,
            "content_type": content_type or None,
            "rendered": params.render_js,
            **extra,
        }
        is_html = params.render_js or "html" in content_type or content_type == ""
        text = ""
        if is_html:
            tree = parse_html(html, self.name)
            text = readable_text(tree)
            metadata = extract_metadata(tree, final_url)
            result["title"] = metadata["title"]
            if params.extract_metadata:
                result["metadata"] = metadata
            if params.extract_links:
                result["links"] = extract_links(tree, final_url, params.max_links)
            if params.selector is not None:
                result["selected"] = select(
                    tree, params.selector, params.max_matches, field="selector"
                )
            if params.selectors:
                result["fields"] = {
                    name: select(tree, css, params.max_matches, field=f"selectors.{name}")
                    for name, css in params.selectors.items()
                }
        else:
            text = html
            result["title"] = None
        if params.extract_text:
            result["text"] = call.limit_text(text)
        if params.include_html:
            result["html"] = call.limit_text(html)
        if not 200 <= status < 400:
            return call.fail(
                f"HTTP {status} from {redact_url(final_url)}", f"HTTP_{status}", result
            )
        summary = text if text else f"{redact_url(final_url)}: no text"
        return call.ok(summary, result, status_code=status, rendered=params.render_js)
