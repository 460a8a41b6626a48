"""web-searcher: each provider's wire format against search-shaped APIs on the local server."""

from __future__ import annotations

import json
from typing import Any

import pytest
from web_fake_server import GOOGLE_CX, SEARCH_KEYS, FakeWebServer
from web_tool_support import local_context, shared_server

from llmspell_core.context import ExecutionContext
from llmspell_core.errors import ConfigError, SecurityError, ToolError
from llmspell_core.testing.contracts import ToolContract
from llmspell_core.tool import Tool
from llmspell_core.tool_types import ToolOutput
from llmspell_tools.web.web_searcher import WebSearcher

PATHS = {
    "duckduckgo": "/search/duckduckgo/html/",
    "brave": "/search/brave/res/v1/web/search",
    "tavily": "/search/tavily/search",
    "serpapi": "/search/serpapi/search.json",
    "bing": "/search/bing/v7.0/search",
    "google": "/search/google/customsearch/v1",
}


def providers(web: FakeWebServer, keys: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, path in PATHS.items():
        entry: dict[str, Any] = {"base_url": web.url(path)}
        if keys and name in SEARCH_KEYS:
            entry["api_key"] = SEARCH_KEYS[name]
        if name == "google":
            entry["engine_id"] = GOOGLE_CX
        out[name] = entry
    return out


def context(web: FakeWebServer, keys: bool = True, **extra: Any) -> ExecutionContext:
    section = {"providers": providers(web, keys), **extra}
    return local_context(web, tools={"web_searcher": section})


class TestWebSearcherContract(ToolContract):
    def make_tool(self) -> Tool:
        return WebSearcher()

    def make_context(self) -> ExecutionContext:
        return context(shared_server())

    def invalid_params(self) -> list[dict[str, Any]]:
        return [
            {},
            {"query": ""},
            {"query": "x", "provider": "altavista"},
            {"query": "x", "max_results": 0},
        ]


async def search(ctx: ExecutionContext, **params: Any) -> ToolOutput:
    return await WebSearcher().execute(params, ctx)


@pytest.mark.parametrize("provider", list(PATHS))
async def test_every_provider(web: FakeWebServer, provider: str) -> None:
    out = await search(context(web), query="lua spells", provider=provider, max_results=2)
    assert out.success
    assert out.result["provider"] == provider
    hits = out.result["results"]
    assert [h["url"] for h in hits] == ["https://example.com/lua", "https://example.com/js"]
    assert hits[0]["title"] == "Lua spells guide"
    assert hits[0]["rank"] == 1
    assert hits[0]["snippet"].startswith("How to write Lua spells.")
    assert "1. Lua spells guide — https://example.com/lua" in out.text
    dumped = json.dumps(out.model_dump())
    for key in SEARCH_KEYS.values():
        assert key not in dumped


async def test_duckduckgo_sends_the_query_as_a_form(web: FakeWebServer) -> None:
    await search(context(web), query="spell books")
    sent = web.requests_to(PATHS["duckduckgo"])[-1]
    assert sent.method == "POST"
    assert b"q=spell+books" in sent.body


async def test_default_provider_from_config(web: FakeWebServer) -> None:
    out = await search(context(web, default_provider="brave"), query="x")
    assert out.result["provider"] == "brave"


async def test_missing_key_names_config_and_env(
    web: FakeWebServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TAVILY_API_KEY", raising=False)
    with pytest.raises(ConfigError) as info:
        await search(context(web, keys=False), query="x", provider="tavily")
    assert "[tools.web_searcher.providers.tavily] api_key" in info.value.message
    assert "TAVILY_API_KEY" in info.value.message
    monkeypatch.setenv("TAVILY_API_KEY", SEARCH_KEYS["tavily"])
    assert (await search(context(web, keys=False), query="x", provider="tavily")).success


async def test_wrong_key_is_an_error_without_the_key(web: FakeWebServer) -> None:
    ctx = local_context(
        web,
        tools={
            "web_searcher": {
                "providers": {
                    "serpapi": {"base_url": web.url(PATHS["serpapi"]), "api_key": "wrong-key-zzz"}
                }
            }
        },
    )
    with pytest.raises(ToolError) as info:
        await search(ctx, query="x", provider="serpapi")
    assert info.value.code == "HTTP_401"
    assert "wrong-key-zzz" not in info.value.message


async def test_loopback_base_url_needs_allow_list(web: FakeWebServer) -> None:
    ctx = local_context(web, allow=False, tools={"web_searcher": {"providers": providers(web)}})
    with pytest.raises(SecurityError):
        await search(ctx, query="x")
