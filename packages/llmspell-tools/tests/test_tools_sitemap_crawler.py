"""sitemap-crawler: sitemaps, index files (gzip too), discovery, bounds, unsafe XML, SSRF."""

from __future__ import annotations

from typing import Any

import pytest
from web_fake_server import BILLION_LAUGHS, FakeWebServer
from web_tool_support import local_context

from llmspell_core.context import ExecutionContext
from llmspell_core.errors import SecurityError, ToolError, ValidationError
from llmspell_core.testing.contracts import ToolContract
from llmspell_core.tool import Tool
from llmspell_core.tool_types import ToolOutput
from llmspell_tools.web.sitemap_crawler import SitemapCrawler, parse_sitemap


class TestSitemapCrawlerContract(ToolContract):
    def make_tool(self) -> Tool:
        return SitemapCrawler()

    def make_context(self) -> ExecutionContext:
        return local_context()

    def invalid_params(self) -> list[dict[str, Any]]:
        return [{}, {"url": ""}, {"url": "http://x", "max_urls": 0}, {"url": "x", "max_depth": 11}]


async def crawl(
    web: FakeWebServer, context: ExecutionContext | None = None, **params: Any
) -> ToolOutput:
    return await SitemapCrawler().execute(params, context or local_context(web))


async def test_plain_sitemap(web: FakeWebServer) -> None:
    out = await crawl(web, url=web.url("/sitemap.xml"))
    assert out.result["count"] == 4
    first = out.result["urls"][0]
    assert first["loc"] == web.url("/")
    assert (first["lastmod"], first["changefreq"], first["priority"]) == (
        "2024-01-01",
        "weekly",
        0.1,
    )
    assert out.text.splitlines()[1] == web.url("/page/1")


async def test_index_with_gzip_child(web: FakeWebServer) -> None:
    out = await crawl(web, url=web.url("/sitemap_index.xml"))
    locs = [u["loc"] for u in out.result["urls"]]
    assert locs == [web.url(f"/page/{i}") for i in range(1, 9)]
    assert out.result["sitemaps"] == [
        web.url("/sitemap_index.xml"),
        web.url("/sitemap-a.xml"),
        web.url("/sitemap-b.xml.gz"),
    ]


async def test_discovers_through_robots(web: FakeWebServer) -> None:
    out = await crawl(web, url=web.url("/"))
    assert out.result["sitemaps"][0] == web.url("/sitemap_index.xml")
    assert out.result["count"] == 8


async def test_bounds(web: FakeWebServer) -> None:
    few = await crawl(web, url=web.url("/sitemap-big.xml"), max_urls=25)
    assert few.result["count"] == 25
    assert few.result["limited"]
    assert few.metadata["truncated"]
    shallow = await crawl(web, url=web.url("/sitemap-deep.xml"), max_depth=1)
    assert shallow.result["count"] == 0
    assert shallow.result["limited"]
    deep = await crawl(web, url=web.url("/sitemap-deep.xml"), max_depth=2)
    assert deep.result["count"] == 4
    loop = await crawl(web, url=web.url("/sitemap-loop.xml"))
    assert loop.result["count"] == 4
    assert len(loop.result["sitemaps"]) == 2
    files = await crawl(web, url=web.url("/sitemap_index.xml"), max_sitemaps=2)
    assert files.result["count"] == 5
    assert files.result["limited"]


async def test_filters_and_page_fetch(web: FakeWebServer) -> None:
    out = await crawl(
        web,
        url=web.url("/sitemap_index.xml"),
        include=r"/page/[1-4]$",
        exclude="/page/2",
        fetch_pages=True,
        max_pages=2,
    )
    assert [u["loc"] for u in out.result["urls"]] == [web.url(f"/page/{i}") for i in (1, 3, 4)]
    assert out.result["pages"] == [
        {
            "url": web.url("/page/1"),
            "status_code": 200,
            "title": "Page 1",
            "final_url": web.url("/page/1"),
        },
        {
            "url": web.url("/page/3"),
            "status_code": 200,
            "title": "Page 3",
            "final_url": web.url("/page/3"),
        },
    ]
    with pytest.raises(ValidationError):
        await crawl(web, url=web.url("/sitemap.xml"), include="(")


def test_entity_expansion_is_refused() -> None:
    with pytest.raises(ValueError, match="unsafe XML"):
        parse_sitemap(BILLION_LAUGHS)


async def test_unsafe_or_missing_sitemap_is_an_error(web: FakeWebServer) -> None:
    with pytest.raises(ToolError) as info:
        await crawl(web, url=web.url("/sitemap-evil.xml"))
    assert "unsafe XML" in info.value.message
    with pytest.raises(ToolError):
        await crawl(web, url=web.url("/sitemap-missing.xml"))


async def test_private_child_sitemap_is_refused_and_reported(web: FakeWebServer) -> None:
    out = await crawl(web, url=web.url("/sitemap-private.xml"))
    assert out.result["count"] == 0
    assert out.result["errors"][0]["rule"] == "ssrf_metadata_address"
    with pytest.raises(SecurityError):
        await crawl(web, local_context(web, allow=False), url=web.url("/sitemap.xml"))
