"""url-analyzer: take a URL apart, resolve its host, judge it by the SSRF rules, fetch metadata.

Analysis never raises for a refused target: it reports which rule would refuse it (and the
config key that would allow it) and skips the fetch, so a spell can vet URLs before using them.
"""

from __future__ import annotations

import posixpath
from typing import Any, ClassVar
from urllib.parse import parse_qs, unquote, urlsplit

from pydantic import Field

from llmspell_core.errors import LLMSpellError, SecurityError
from llmspell_core.tool_types import SecurityLevel, ToolOutput
from llmspell_tools.framework import BaseTool, Invocation, ToolParams, example
from llmspell_tools.network import (
    NetworkPolicy,
    NetworkSettings,
    SafeHttpClient,
    address_kind,
    parse_address,
    redact_headers,
    redact_url,
)
from llmspell_tools.web._html import extract_metadata, parse_html

__all__ = ["UrlAnalyzer", "UrlAnalyzerParams"]

_DEFAULT_PORTS = {"http": 80, "https": 443, "ftp": 21, "ws": 80, "wss": 443}


class UrlAnalyzerParams(ToolParams):
    url: str = Field(min_length=1, description="the URL to analyse")
    resolve: bool = Field(default=True, description="look up the host's addresses (DNS)")
    fetch: bool = Field(
        default=False, description="fetch it: status, headers, title, description, OpenGraph"
    )
    max_bytes: int = Field(
        default=512_000, gt=0, le=10_000_000, description="fetch: read at most this much"
    )


def _parts(url: str) -> dict[str, Any] | None:
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if not parts.scheme or not (parts.netloc or parts.scheme in ("mailto", "data", "file")):
        return None
    host = (parts.hostname or "").lower()
    ip = parse_address(host) if host else None
    labels = [label for label in host.split(".") if label] if host and ip is None else []
    path = unquote(parts.path)
    extension = posixpath.splitext(path)[1].lstrip(".").lower() or None
    return {
        "scheme": parts.scheme.lower(),
        "host": host or None,
        "port": port,
        "effective_port": port or _DEFAULT_PORTS.get(parts.scheme.lower()),
        "path": parts.path or "/",
        "path_segments": [s for s in path.split("/") if s],
        "extension": extension,
        "query_string": parts.query or None,
        "query": parse_qs(parts.query, keep_blank_values=True),
        "fragment": parts.fragment or None,
        "username": parts.username,
        "has_credentials": parts.password is not None,
        "is_ip": ip is not None,
        "ip_version": ip.version if ip is not None else None,
        "tld": labels[-1] if len(labels) > 1 else None,
        "domain": ".".join(labels[-2:]) if len(labels) > 1 else (host or None),
        "subdomain": ".".join(labels[:-2]) or None if len(labels) > 2 else None,
    }


class UrlAnalyzer(BaseTool[UrlAnalyzerParams]):
    tool_name = "url-analyzer"
    description = (
        "Analyse a URL: its parts and query, the host's addresses and whether network tools "
        "may reach it; optionally fetch its status, headers, title and OpenGraph metadata."
    )
    tool_category = "web"
    tags = ("url", "web", "dns", "metadata", "opengraph")
    params_model = UrlAnalyzerParams
    settings_model = NetworkSettings
    security_level = SecurityLevel.RESTRICTED
    timeout_seconds = 60.0
    examples: ClassVar[tuple[dict[str, Any], ...]] = (
        example("Parse a URL", url="https://docs.example.com/a/b.html?q=1#top", resolve=False),
        example("Fetch a page's metadata", url="http://example.com/", fetch=True),
    )

    async def run(self, params: UrlAnalyzerParams, call: Invocation) -> ToolOutput:
        call.operation = "fetch" if params.fetch else "analyze"
        url = params.url.strip()
        parts = _parts(url)
        if parts is None:
            result: dict[str, Any] = {"url": redact_url(url), "valid": False}
            return call.ok(f"{redact_url(url)} is not a valid absolute URL", result)
        result = {"url": redact_url(url), "valid": True, **parts}
        policy = NetworkPolicy.from_config(call.config, call.tool_name, call.settings)
        verdict: dict[str, Any] = {"allowed": True, "rule": None, "message": None}
        try:
            policy.check_url(url)
            if params.resolve or params.fetch:
                addresses = await self._addresses(policy, parts)
                result["addresses"] = addresses
                host = str(parts["host"])
                for entry in addresses:
                    policy.check_address(host, entry["address"])
        except SecurityError as exc:
            verdict = {"allowed": False, "rule": exc.details.get("rule"), "message": exc.message}
        except OSError as exc:
            result["addresses"] = []
            result["resolve_error"] = str(exc)
        result["network_policy"] = verdict
        if "addresses" in result:
            result["public"] = bool(result["addresses"]) and all(
                a["kind"] is None for a in result["addresses"]
            )
        if params.fetch and verdict["allowed"] and "resolve_error" not in result:
            result["fetched"] = await self._fetch(call, url, params.max_bytes)
        summary = f"{result['scheme']} URL for {result['host'] or '(no host)'}"
        if not verdict["allowed"]:
            summary += f"; network tools would refuse it ({verdict['rule']})"
        fetched = result.get("fetched")
        if isinstance(fetched, dict):
            summary += f"; HTTP {fetched.get('status_code')}"
            if fetched.get("title"):
                summary += f" '{fetched['title']}'"
        return call.ok(summary, result)

    @staticmethod
    async def _addresses(policy: NetworkPolicy, parts: dict[str, Any]) -> list[dict[str, Any]]:
        host = parts["host"]
        if not host:
            return []
        literal = parse_address(host)
        found = (
            [str(literal)]
            if literal
            else await policy.resolver(host, parts["effective_port"] or 80)
        )
        out: list[dict[str, Any]] = []
        for address in found:
            ip = parse_address(address)
            out.append(
                {
                    "address": address,
                    "version": ip.version if ip else None,
                    "kind": address_kind(ip) if ip else "unparsable",
                }
            )
        return out

    async def _fetch(self, call: Invocation, url: str, max_bytes: int) -> dict[str, Any]:
        try:
            async with SafeHttpClient.for_call(call) as http:
                response = await http.request("GET", url, max_bytes=max_bytes)
        except SecurityError:
            raise
        except LLMSpellError as exc:
            return {"error": exc.message, "code": exc.code}
        fetched: dict[str, Any] = {
            "status_code": response.status_code,
            "final_url": redact_url(response.url),
            "redirects": [redact_url(u) for u in response.redirects],
            "content_type": response.content_type or None,
            "content_length": response.header("content-length"),
            "server": response.header("server"),
            "headers": redact_headers(response.headers),
            "elapsed_ms": response.elapsed_ms,
            "title": None,
        }
        if "html" in response.content_type:
            metadata = extract_metadata(parse_html(response.text, self.name), response.url)
            fetched["title"] = metadata["title"]
            fetched["metadata"] = metadata
        return fetched
