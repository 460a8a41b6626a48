"""web-searcher: web search through DuckDuckGo (no key) or Brave, Tavily, SerpApi, Bing, Google.

Keys come from ``[tools.web_searcher.providers.<name>] api_key`` or the provider's environment
variable; each provider's ``base_url`` can be overridden there too (a proxy, or a local test
server). Results always have the same shape: ``{title, url, snippet, rank, provider}``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, cast
from urllib.parse import parse_qs, urljoin, urlsplit

from pydantic import BaseModel, ConfigDict, Field

from llmspell_core.errors import ConfigError, ToolError
from llmspell_core.tool_types import SecurityLevel, ToolOutput
from llmspell_tools.framework import BaseTool, Invocation, ToolParams, example, section_key
from llmspell_tools.network import (
    HttpResponse,
    NetworkSettings,
    SafeHttpClient,
    find_secret,
    redact_text,
    redact_url,
)
from llmspell_tools.web._html import node_text, parse_html

__all__ = ["PROVIDERS", "WebSearcher", "WebSearcherParams", "WebSearcherSettings"]

ProviderName = Literal["duckduckgo", "brave", "tavily", "serpapi", "bing", "google"]


@dataclass(frozen=True)
class _Provider:
    base_url: str
    key_env: tuple[str, ...]
    needs_key: bool = True


PROVIDERS: dict[str, _Provider] = {
    "duckduckgo": _Provider("https://html.duckduckgo.com/html/", (), needs_key=False),
    "brave": _Provider(
        "https://api.search.brave.com/res/v1/web/search", ("BRAVE_API_KEY", "BRAVE_SEARCH_API_KEY")
    ),
    "tavily": _Provider("https://api.tavily.com/search", ("TAVILY_API_KEY",)),
    "serpapi": _Provider("https://serpapi.com/search.json", ("SERPAPI_API_KEY", "SERPAPI_KEY")),
    "bing": _Provider(
        "https://api.bing.microsoft.com/v7.0/search", ("BING_API_KEY", "BING_SEARCH_API_KEY")
    ),
    "google": _Provider(
        "https://www.googleapis.com/customsearch/v1",
        ("GOOGLE_SEARCH_API_KEY", "GOOGLE_API_KEY"),
    ),
}


class ProviderSettings(BaseModel):
    """``[tools.web_searcher.providers.<name>]``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    api_key: str | None = None
    base_url: str | None = None
    #: Google Programmable Search engine id (``cx``); env GOOGLE_SEARCH_ENGINE_ID.
    engine_id: str | None = None


class WebSearcherSettings(NetworkSettings):
    default_provider: ProviderName | None = None
    providers: dict[ProviderName, ProviderSettings] = Field(
        default_factory=dict[ProviderName, ProviderSettings]
    )


class WebSearcherParams(ToolParams):
    query: str = Field(min_length=1, max_length=2000, description="what to search for")
    provider: ProviderName | None = Field(
        default=None, description="duckduckgo (no key), brave, tavily, serpapi, bing, google"
    )
    max_results: int = Field(default=10, ge=1, le=50, description="at most this many results")
    region: str | None = Field(default=None, description="region/market code, e.g. us-en")
    safe_search: bool = Field(default=True, description="ask the provider to filter results")


Hit = dict[str, Any]


def _hit(title: Any, url: Any, snippet: Any) -> Hit:
    return {"title": str(title or ""), "url": str(url or ""), "snippet": str(snippet or "")}


def _items(data: Any, *path: str) -> list[dict[str, Any]]:
    node = data
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType]
    if not isinstance(node, list):
        return []
    return [cast("dict[str, Any]", i) for i in node if isinstance(i, dict)]  # pyright: ignore[reportUnknownVariableType]


def _duckduckgo_url(href: str) -> str:
    """DuckDuckGo wraps results as ``//duckduckgo.com/l/?uddg=<target>``; unwrap them."""
    absolute = urljoin("https://duckduckgo.com/", href)
    parts = urlsplit(absolute)
    if parts.path.startswith("/l/"):
        target = parse_qs(parts.query).get("uddg")
        if target:
            return target[0]
    return absolute


def _parse_duckduckgo(response: HttpResponse, tool: str) -> list[Hit]:
    tree = parse_html(response.text, tool)
    hits: list[Hit] = []
    for node in tree.css("div.result"):
        link = node.css_first("a.result__a")
        if link is None:
            continue
        snippet = node.css_first(".result__snippet")
        hits.append(
            _hit(
                node_text(link),
                _duckduckgo_url(link.attributes.get("href") or ""),
                node_text(snippet) if snippet is not None else "",
            )
        )
    return hits


_PARSERS: dict[str, Callable[[Any], list[Hit]]] = {
    "brave": lambda d: [
        _hit(i.get("title"), i.get("url"), i.get("description"))
        for i in _items(d, "web", "results")
    ],
    "tavily": lambda d: [
        _hit(i.get("title"), i.get("url"), i.get("content")) for i in _items(d, "results")
    ],
    "serpapi": lambda d: [
        _hit(i.get("title"), i.get("link"), i.get("snippet")) for i in _items(d, "organic_results")
    ],
    "bing": lambda d: [
        _hit(i.get("name"), i.get("url"), i.get("snippet")) for i in _items(d, "webPages", "value")
    ],
    "google": lambda d: [
        _hit(i.get("title"), i.get("link"), i.get("snippet")) for i in _items(d, "items")
    ],
}


class WebSearcher(BaseTool[WebSearcherParams]):
    tool_name = "web-searcher"
    description = (
        "Search the web and get titles, URLs and snippets; providers: duckduckgo (no key), "
        "brave, tavily, serpapi, bing, google (keys from config or environment)."
    )
    tool_category = "web"
    tags = ("search", "web", "research")
    params_model = WebSearcherParams
    settings_model = WebSearcherSettings
    security_level = SecurityLevel.RESTRICTED
    timeout_seconds = 60.0
    examples: ClassVar[tuple[dict[str, Any], ...]] = (
        example("Search with the default provider", query="lua spells", max_results=5),
    )

    async def run(self, params: WebSearcherParams, call: Invocation) -> ToolOutput:
        settings = call.settings
        assert isinstance(settings, WebSearcherSettings)
        name: ProviderName = params.provider or settings.default_provider or "duckduckgo"
        call.operation = name
        provider = PROVIDERS[name]
        own = settings.providers.get(name) or ProviderSettings()
        base_url = own.base_url or provider.base_url
        key_name = f"{section_key(self.name)[:-1]}.providers.{name}] api_key"
        key = find_secret(
            call.config, self.name, "api_key", provider.key_env, configured=own.api_key
        )
        if provider.needs_key and not key:
            raise ConfigError(
                f"web-searcher: provider '{name}' needs an API key; set {key_name} or the "
                f"environment variable {' or '.join(provider.key_env)} (or use provider "
                "'duckduckgo', which needs none)",
                details={"provider": name, "config_key": key_name, "env": list(provider.key_env)},
            )
        n = params.max_results
        async with SafeHttpClient.for_call(call) as http:
            if name == "duckduckgo":
                form = {"q": params.query, "kl": params.region or "wt-wt"}
                if not params.safe_search:
                    form["kp"] = "-2"
                response = await http.request("POST", base_url, data=form)
            elif name == "brave":
                query: dict[str, Any] = {"q": params.query, "count": min(n, 20)}
                if params.region:
                    query["country"] = params.region
                query["safesearch"] = "moderate" if params.safe_search else "off"
                response = await http.request(
                    "GET",
                    base_url,
                    params=query,
                    headers={"X-Subscription-Token": str(key), "Accept": "application/json"},
                )
            elif name == "tavily":
                response = await http.request(
                    "POST",
                    base_url,
                    json={"query": params.query, "max_results": n},
                    headers={"Authorization": f"Bearer {key}"},
                )
            elif name == "serpapi":
                response = await http.request(
                    "GET",
                    base_url,
                    params={"q": params.query, "api_key": str(key), "engine": "google", "num": n},
                )
            elif name == "bing":
                query = {"q": params.query, "count": n}
                if params.region:
                    query["mkt"] = params.region
                query["safeSearch"] = "Moderate" if params.safe_search else "Off"
                response = await http.request(
                    "GET", base_url, params=query, headers={"Ocp-Apim-Subscription-Key": str(key)}
                )
            else:
                engine = find_secret(
                    call.config,
                    self.name,
                    "engine_id",
                    ("GOOGLE_SEARCH_ENGINE_ID",),
                    configured=own.engine_id,
                )
                if not engine:
                    raise ConfigError(
                        "web-searcher: provider 'google' needs a search engine id; set "
                        f"{key_name[: -len('api_key')]}engine_id or GOOGLE_SEARCH_ENGINE_ID",
                        details={"provider": name},
                    )
                response = await http.request(
                    "GET",
                    base_url,
                    params={
                        "q": params.query,
                        "key": str(key),
                        "cx": engine,
                        "num": min(n, 10),
                        "safe": "active" if params.safe_search else "off",
                    },
                )
        secrets = [key]
        if not 200 <= response.status_code < 300:
            detail = redact_text(response.text[:300], secrets)
            raise ToolError(
                f"web-searcher: {name} answered HTTP {response.status_code}: {detail}",
                code=f"HTTP_{response.status_code}",
                details={"provider": name, "status_code": response.status_code},
            )
        if name == "duckduckgo":
            hits = _parse_duckduckgo(response, self.name)
        else:
            try:
                data = response.json()
            except ValueError as exc:
                raise ToolError(
                    f"web-searcher: {name} returned invalid JSON: {exc}", code="INVALID_JSON"
                ) from None
            hits = _PARSERS[name](data)
        hits = [h for h in hits if h["url"]][:n]
        for rank, hit in enumerate(hits, start=1):
            hit["rank"] = rank
            hit["provider"] = name
            hit["snippet"] = redact_text(hit["snippet"], secrets)
        result = {
            "query": params.query,
            "provider": name,
            "results": hits,
            "count": len(hits),
            "endpoint": redact_url(base_url),
        }
        text = "\n".join(f"{h['rank']}. {h['title']} — {h['url']}\n   {h['snippet']}" for h in hits)
        return call.ok(text or f"no results for '{params.query}'", result, provider=name)
