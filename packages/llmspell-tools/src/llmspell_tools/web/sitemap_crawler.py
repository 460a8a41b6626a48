"""sitemap-crawler: list a site's URLs from sitemap.xml and sitemap index files, bounded.

Given a site root it looks for ``Sitemap:`` lines in robots.txt, then ``/sitemap.xml``.
Index files are followed breadth-first up to ``max_depth`` levels and ``max_sitemaps`` files;
each seen once (loops end). XML is parsed with defusedxml (no entity expansion, no DTDs),
gzip is inflated with a cap, and every fetch — sitemaps and pages — goes through the SSRF
guard, so a sitemap pointing at a private address is refused like any other request.
"""

from __future__ import annotations

import re
import zlib
from collections import deque
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit

from pydantic import Field

from llmspell_core.errors import LLMSpellError, SecurityError, ToolError, ValidationError
from llmspell_core.extras import import_optional
from llmspell_core.tool_types import SecurityLevel, ToolOutput
from llmspell_tools.framework import BaseTool, Invocation, ToolParams, example
from llmspell_tools.network import HttpResponse, NetworkSettings, SafeHttpClient, redact_url
from llmspell_tools.web._html import extract_metadata, parse_html

__all__ = ["SitemapCrawler", "SitemapCrawlerParams", "parse_sitemap"]

_MAX_INFLATED = 50_000_000


class SitemapCrawlerParams(ToolParams):
    url: str = Field(min_length=1, description="a sitemap URL, or a site root to discover it")
    max_urls: int = Field(default=1000, ge=1, le=50_000, description="stop after this many")
    max_depth: int = Field(default=3, ge=0, le=10, description="index levels to follow")
    max_sitemaps: int = Field(default=50, ge=1, le=1000, description="sitemap files to read")
    include: str | None = Field(default=None, description="regex: keep only matching URLs")
    exclude: str | None = Field(default=None, description="regex: drop matching URLs")
    fetch_pages: bool = Field(
        default=False, description="also fetch each listed page (status and title)"
    )
    max_pages: int = Field(default=20, ge=1, le=500, description="fetch_pages: at most this")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _inflate(data: bytes) -> bytes:
    if not data.startswith(b"\x1f\x8b"):
        return data
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = inflater.decompress(data, _MAX_INFLATED)
    if inflater.unconsumed_tail:
        raise ValueError(f"gzip sitemap inflates past {_MAX_INFLATED} bytes")
    return out


def parse_sitemap(data: bytes) -> tuple[str, list[dict[str, Any]]]:
    """``("urlset" | "sitemapindex", entries)``; raises ValueError on unsafe or bad XML."""
    import_optional(
        "defusedxml", what="sitemap-crawler XML parsing", distribution="llmspell-tools", extra="web"
    )
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        root = fromstring(_inflate(data))
    except DefusedXmlException as exc:
        raise ValueError(f"unsafe XML refused ({type(exc).__name__})") from None
    except (ParseError, zlib.error) as exc:
        raise ValueError(f"not valid XML: {exc}") from None
    kind = _local(root.tag)
    if kind not in ("urlset", "sitemapindex"):
        raise ValueError(f"not a sitemap (root element <{kind}>)")
    entries: list[dict[str, Any]] = []
    for item in root:
        fields = {_local(child.tag): (child.text or "").strip() for child in item}
        loc = fields.get("loc")
        if not loc:
            continue
        entry: dict[str, Any] = {"loc": loc}
        for name in ("lastmod", "changefreq", "priority"):
            if fields.get(name):
                entry[name] = fields[name]
        if "priority" in entry:
            try:
                entry["priority"] = float(entry["priority"])
            except ValueError:
                del entry["priority"]
        entries.append(entry)
    return kind, entries


def _regex(pattern: str | None, field: str) -> re.Pattern[str] | None:
    if pattern is None:
        return None
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ValidationError(
            f"sitemap-crawler: '{field}' is not a valid regex: {exc}",
            details={"field": field, "rule": "regex"},
        ) from None


class SitemapCrawler(BaseTool[SitemapCrawlerParams]):
    tool_name = "sitemap-crawler"
    description = (
        "Read a site's sitemap.xml (and sitemap index files, gzip too) and list its URLs "
        "with lastmod/priority; bounded by URL, file and depth limits; can fetch the pages."
    )
    tool_category = "web"
    tags = ("web", "sitemap", "crawl", "seo")
    params_model = SitemapCrawlerParams
    settings_model = NetworkSettings
    security_level = SecurityLevel.RESTRICTED
    timeout_seconds = 180.0
    examples: ClassVar[tuple[dict[str, Any], ...]] = (
        example("URLs of a site", url="http://example.com/sitemap.xml", max_urls=100),
    )

    async def run(self, params: SitemapCrawlerParams, call: Invocation) -> ToolOutput:
        call.operation = "crawl" if params.fetch_pages else "list"
        include = _regex(params.include, "include")
        exclude = _regex(params.exclude, "exclude")
        urls: list[dict[str, Any]] = []
        seen_urls: set[str] = set()
        visited: list[str] = []
        errors: list[dict[str, Any]] = []
        limited = False
        async with SafeHttpClient.for_call(call) as http:
            starts = await self._starting_points(http, params.url)
            queue: deque[tuple[str, int]] = deque((s, 0) for s in starts)
            queued = set(starts)
            while queue:
                call.check()
                sitemap_url, depth = queue.popleft()
                if len(visited) >= params.max_sitemaps:
                    limited = True
                    break
                visited.append(sitemap_url)
                try:
                    response = await http.request("GET", sitemap_url)
                    if response.status_code != 200:
                        raise ValueError(f"HTTP {response.status_code}")
                    kind, entries = parse_sitemap(response.content)
                except SecurityError as exc:
                    if depth == 0:  # the sitemap asked for is refused: that is the answer
                        raise
                    errors.append(self._error(sitemap_url, exc.message, exc.details.get("rule")))
                    continue
                except (ValueError, LLMSpellError) as exc:
                    errors.append(self._error(sitemap_url, str(exc), None))
                    continue
                if kind == "sitemapindex":
                    if depth >= params.max_depth:
                        limited = limited or bool(entries)
                        continue
                    for entry in entries:
                        child = urljoin(sitemap_url, entry["loc"])
                        if child not in queued:
                            queued.add(child)
                            queue.append((child, depth + 1))
                    continue
                for entry in entries:
                    loc = entry["loc"]
                    if loc in seen_urls:
                        continue
                    if include is not None and not include.search(loc):
                        continue
                    if exclude is not None and exclude.search(loc):
                        continue
                    if len(urls) >= params.max_urls:
                        limited = True
                        break
                    seen_urls.add(loc)
                    urls.append({**entry, "sitemap": sitemap_url})
            pages = (
                await self._fetch_pages(http, call, urls, params) if params.fetch_pages else None
            )
        if not visited or (errors and not urls and len(errors) == len(visited)):
            detail = "; ".join(f"{e['sitemap']}: {e['error']}" for e in errors) or "none found"
            raise ToolError(
                f"sitemap-crawler: no readable sitemap for {redact_url(params.url)} ({detail})",
                code="SITEMAP_ERROR",
                details={"errors": errors},
            )
        call.truncated = call.truncated or limited
        result: dict[str, Any] = {
            "url": redact_url(params.url),
            "urls": urls,
            "count": len(urls),
            "sitemaps": visited,
            "errors": errors,
            "limited": limited,
        }
        if pages is not None:
            result["pages"] = pages
        text = "\n".join(u["loc"] for u in urls)
        return call.ok(text or "no URLs listed", result, sitemaps=len(visited))

    @staticmethod
    def _error(url: str, message: str, rule: Any) -> dict[str, Any]:
        return {"sitemap": redact_url(url), "error": message, "rule": rule}

    @staticmethod
    async def _starting_points(http: SafeHttpClient, url: str) -> list[str]:
        path = urlsplit(url).path
        if path.endswith((".xml", ".xml.gz", ".gz")) or "sitemap" in path:
            return [url]
        root = urljoin(url, "/")
        found: list[str] = []
        try:
            robots = await http.request("GET", urljoin(root, "/robots.txt"), max_bytes=500_000)
        except SecurityError:
            raise
        except LLMSpellError:
            robots = None
        if robots is not None and robots.status_code == 200:
            for line in robots.text.splitlines():
                name, _, value = line.partition(":")
                if name.strip().lower() == "sitemap" and value.strip():
                    found.append(urljoin(root, value.strip()))
        return found or [urljoin(root, "/sitemap.xml")]

    async def _fetch_pages(
        self,
        http: SafeHttpClient,
        call: Invocation,
        urls: list[dict[str, Any]],
        params: SitemapCrawlerParams,
    ) -> list[dict[str, Any]]:
        pages: list[dict[str, Any]] = []
        for entry in urls[: params.max_pages]:
            call.check()
            loc = entry["loc"]
            try:
                response: HttpResponse = await http.request("GET", loc, max_bytes=1_000_000)
            except LLMSpellError as exc:
                pages.append({"url": loc, "error": exc.message, "code": exc.code})
                continue
            title = None
            if "html" in response.content_type:
                title = extract_metadata(parse_html(response.text, self.name), response.url)[
                    "title"
                ]
            pages.append(
                {
                    "url": loc,
                    "status_code": response.status_code,
                    "title": title,
                    "final_url": response.url,
                }
            )
        if len(urls) > params.max_pages:
            call.truncated = True
        return pages
