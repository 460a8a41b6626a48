"""webpage-monitor: snapshots kept in State, unified diffs when the local page changes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from web_fake_server import FakeWebServer
from web_tool_support import local_context

from llmspell_core.context import ExecutionContext
from llmspell_core.errors import SecurityError, ValidationError
from llmspell_core.testing.contracts import ToolContract
from llmspell_core.tool import Tool
from llmspell_core.tool_types import ToolOutput
from llmspell_tools.web.webpage_monitor import STATE_SCOPE, WebpageMonitor


class TestWebpageMonitorContract(ToolContract):
    def make_tool(self) -> Tool:
        return WebpageMonitor()

    def make_context(self) -> ExecutionContext:
        return local_context()

    def invalid_params(self) -> list[dict[str, Any]]:
        return [{}, {"url": ""}, {"url": "http://x", "context_lines": -1}]


@pytest.fixture
def web() -> Iterator[FakeWebServer]:
    with FakeWebServer() as server:
        yield server


async def check(web: FakeWebServer, ctx: ExecutionContext, **params: Any) -> ToolOutput:
    return await WebpageMonitor().execute({"url": web.url("/monitor"), **params}, ctx)


async def test_first_check_then_unchanged_then_diff(web: FakeWebServer) -> None:
    ctx = local_context(web)
    first = await check(web, ctx, selector="#main")
    assert first.result["first_check"] is True
    assert first.result["changed"] is False
    stored = await ctx.state.get(STATE_SCOPE, web.url("/monitor"))
    assert stored["text"] == "version one\nstable line"
    same = await check(web, ctx, selector="#main")
    assert same.result["changed"] is False
    assert same.result["diff"] == ""
    web.set_monitor_text("version two\nstable line\nnew line\n")
    changed = await check(web, ctx, selector="#main")
    r = changed.result
    assert r["changed"] is True
    assert (r["added_lines"], r["removed_lines"]) == (2, 1)
    assert "-version one" in r["diff"]
    assert "+version two" in r["diff"]
    assert "+new line" in r["diff"]
    assert r["previous_hash"] == same.result["hash"]
    assert "changed: +2 -1" in changed.text


async def test_whole_page_with_ignored_lines(web: FakeWebServer) -> None:
    ctx = local_context(web)
    await check(web, ctx, key="whole", ignore_patterns=[r"^\d+\.\d+$"])
    again = await check(web, ctx, key="whole", ignore_patterns=[r"^\d+\.\d+$"])
    assert again.result["changed"] is False  # the clock line is ignored
    noisy = await check(web, ctx, key="whole")
    assert noisy.result["changed"] is True


async def test_reset_and_separate_keys(web: FakeWebServer) -> None:
    ctx = local_context(web)
    await check(web, ctx, selector="#main", key="a")
    assert (await check(web, ctx, selector="#main", key="a", reset=True)).result["first_check"]
    assert (await check(web, ctx, selector="#main", key="b")).result["first_check"]


async def test_errors(web: FakeWebServer) -> None:
    ctx = local_context(web)
    with pytest.raises(ValidationError):
        await check(web, ctx, ignore_patterns=["("])
    gone = await WebpageMonitor().execute({"url": web.url("/status/500")}, ctx)
    assert not gone.success
    assert gone.error is not None
    assert gone.error.code == "HTTP_500"
    with pytest.raises(SecurityError):
        await check(web, local_context(web, allow=False))
