"""slack-integration against a server speaking Slack's Web API and incoming webhooks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from web_fake_server import SLACK_TOKEN, FakeWebServer
from web_tool_support import local_context, shared_server

from llmspell_core.context import ExecutionContext
from llmspell_core.errors import ConfigError, SecurityError, ToolError, ValidationError
from llmspell_core.testing.contracts import ToolContract
from llmspell_core.tool import Tool
from llmspell_core.tool_types import ToolOutput
from llmspell_tools.communication.slack_integration import SlackIntegration


def ctx(web: FakeWebServer, token: str | None = SLACK_TOKEN, **extra: Any) -> ExecutionContext:
    section: dict[str, Any] = {"api_base_url": web.url("/slack/api"), **extra}
    if token is not None:
        section["bot_token"] = token
    return local_context(web, tools={"slack_integration": section})


class TestSlackContract(ToolContract):
    def make_tool(self) -> Tool:
        return SlackIntegration()

    def make_context(self) -> ExecutionContext:
        return ctx(shared_server())

    def invalid_params(self) -> list[dict[str, Any]]:
        return [{"operation": "dm"}, {"limit": 0}, {"operation": "list_channels", "limit": 1001}]


@pytest.fixture
def web() -> Iterator[FakeWebServer]:
    with FakeWebServer() as server:
        yield server


async def slack(context: ExecutionContext, **params: Any) -> ToolOutput:
    return await SlackIntegration().execute(params, context)


async def test_post_message(web: FakeWebServer) -> None:
    out = await slack(ctx(web), channel="C001", text="hello *spell*", thread_ts="1.2")
    assert out.success
    assert out.result == {"channel": "C001", "ts": "1700000000.000100", "ok": True}
    assert web.slack_messages == [
        {"via": "api", "channel": "C001", "text": "hello *spell*", "thread_ts": "1.2"}
    ]
    sent = web.requests_to("/slack/api/chat.postMessage")[-1]
    assert sent.headers["authorization"] == f"Bearer {SLACK_TOKEN}"
    assert SLACK_TOKEN not in str(out.model_dump())


async def test_default_channel_and_blocks(web: FakeWebServer) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}]
    out = await slack(ctx(web, default_channel="C002"), blocks=blocks)
    assert out.success
    assert web.slack_messages[-1]["blocks"] == blocks


async def test_list_channels_pages(web: FakeWebServer) -> None:
    out = await slack(ctx(web), operation="list_channels", limit=4)
    assert [c["name"] for c in out.result["channels"]] == [f"channel-{i}" for i in range(1, 5)]
    everything = await slack(ctx(web), operation="list_channels")
    assert everything.result["count"] == 5
    assert "#channel-1 (C001)" in everything.text


async def test_slack_errors_are_soft(web: FakeWebServer) -> None:
    out = await slack(ctx(web), channel="C404", text="x")
    assert not out.success
    assert out.error is not None
    assert out.error.code == "SLACK_CHANNEL_NOT_FOUND"
    bad = await slack(ctx(web, token="xoxb-wrong"), operation="list_channels")
    assert bad.error is not None
    assert bad.error.code == "SLACK_INVALID_AUTH"


async def test_webhook(web: FakeWebServer) -> None:
    hook = web.url("/slack/webhook/T000/B000/XXXX")
    out = await slack(
        ctx(web, token=None, webhook_url=hook), operation="send_webhook", text="via hook"
    )
    assert out.success
    assert web.slack_messages[-1] == {"via": "webhook", "text": "via hook"}
    assert "XXXX" not in str(out.model_dump())
    wrong = await slack(
        ctx(web),
        operation="send_webhook",
        text="x",
        webhook_url=web.url("/slack/webhook/T0/B0/bad"),
    )
    assert not wrong.success
    assert wrong.error is not None
    assert wrong.error.code == "HTTP_404"
    assert "bad" not in (wrong.error.message if wrong.error else "")


async def test_missing_inputs(web: FakeWebServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    monkeypatch.delenv("SLACK_WEBHOOK_URL", raising=False)
    with pytest.raises(ConfigError) as info:
        await slack(ctx(web, token=None), channel="C001", text="x")
    assert "[tools.slack_integration] bot_token" in info.value.message
    with pytest.raises(ConfigError):
        await slack(ctx(web, token=None), operation="send_webhook", text="x")
    with pytest.raises(ValidationError):
        await slack(ctx(web), text="no channel")
    with pytest.raises(ValidationError):
        await slack(ctx(web), channel="C001")
    monkeypatch.setenv("SLACK_BOT_TOKEN", SLACK_TOKEN)
    assert (await slack(ctx(web, token=None), channel="C001", text="env token")).success


async def test_loopback_api_needs_allow_list(web: FakeWebServer) -> None:
    context = local_context(
        web,
        allow=False,
        tools={"slack_integration": {"api_base_url": web.url("/slack/api"), "bot_token": "t"}},
    )
    with pytest.raises(SecurityError):
        await slack(context, operation="list_channels")


async def test_an_answer_that_is_not_json(web: FakeWebServer) -> None:
    with pytest.raises(ToolError) as info:  # an HTML page where the Web API should be
        await slack(ctx(web, api_base_url=web.url("/page")), channel="C001", text="hi")
    assert info.value.code == "HTTP_200"
    assert "slack-integration: Slack answered HTTP 200 with a non-JSON body" in info.value.message
    assert SLACK_TOKEN not in info.value.message
