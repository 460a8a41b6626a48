"""webhook-caller: signed deliveries verified by a real receiver, retries, secret handling."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from web_fake_server import WEBHOOK_SECRET, FakeWebServer
from web_tool_support import local_context

from llmspell_core.context import ExecutionContext
from llmspell_core.errors import SecurityError
from llmspell_core.testing.contracts import ToolContract
from llmspell_core.tool import Tool
from llmspell_core.tool_types import ToolOutput
from llmspell_tools.api.webhook_caller import WebhookCaller, sign_body


class TestWebhookCallerContract(ToolContract):
    def make_tool(self) -> Tool:
        return WebhookCaller()

    def make_context(self) -> ExecutionContext:
        return local_context()

    def invalid_params(self) -> list[dict[str, Any]]:
        return [{}, {"url": ""}, {"url": "http://x", "retries": -1}]


@pytest.fixture
def web() -> Iterator[FakeWebServer]:
    with FakeWebServer() as server:
        yield server


def ctx(web: FakeWebServer, **section: Any) -> ExecutionContext:
    return local_context(web, tools={"webhook_caller": section} if section else None)


async def call(context: ExecutionContext, **params: Any) -> ToolOutput:
    return await WebhookCaller().execute(params, context)


async def test_signed_delivery_is_verified_by_receiver(web: FakeWebServer) -> None:
    out = await call(
        ctx(web, secret=WEBHOOK_SECRET),
        url=web.url("/webhook"),
        payload={"event": "done", "n": 1, "text": "héllo"},
        event="spell.done",
    )
    assert out.success
    assert out.result["delivered"]
    assert out.result["signed"]
    received = web.webhooks
    assert len(received) == 1
    assert received[0]["verified"] is True
    assert json.loads(received[0]["body"]) == {"event": "done", "n": 1, "text": "héllo"}
    headers = received[0]["headers"]
    assert headers["x-webhook-event"] == "spell.done"
    assert headers["x-webhook-id"] == out.result["delivery_id"]
    assert WEBHOOK_SECRET not in json.dumps(out.model_dump())


async def test_wrong_secret_is_rejected_by_receiver(web: FakeWebServer) -> None:
    out = await call(ctx(web), url=web.url("/webhook"), payload={"a": 1}, secret="wrong", retries=0)
    assert not out.success
    assert out.error is not None
    assert out.error.code == "HTTP_401"
    assert web.webhooks[0]["verified"] is False


async def test_env_secret_and_custom_header(
    web: FakeWebServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LLMSPELL_WEBHOOK_SECRET", WEBHOOK_SECRET)
    out = await call(
        ctx(web, signature_header="X-Hub-Signature-256"),
        url=web.url("/webhook?header=x-hub-signature-256"),
        payload=[1, 2],
    )
    assert out.success
    assert web.webhooks[-1]["verified"]


async def test_retries_keep_the_delivery_id(web: FakeWebServer) -> None:
    out = await call(
        ctx(web, secret=WEBHOOK_SECRET),
        url=web.url("/webhook?fail=2"),
        payload={"x": 1},
        retry_delay=0,
    )
    assert out.success
    assert out.result["attempts"] == 3
    deliveries = [r.headers["x-webhook-id"] for r in web.requests_to("/webhook")]
    assert len(deliveries) == 3
    assert len(set(deliveries)) == 1


async def test_unsigned_when_no_secret(web: FakeWebServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LLMSPELL_WEBHOOK_SECRET", raising=False)
    out = await call(ctx(web), url=web.url("/echo"), payload={"a": 1})
    assert out.success
    assert out.result["signed"] is False
    assert "x-signature-256" not in web.requests_to("/echo")[-1].headers


def test_signature_format() -> None:
    # The RFC-style HMAC-SHA256 test vector.
    body = b"The quick brown fox jumps over the lazy dog"
    expected = "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
    assert sign_body("key", body) == f"sha256={expected}"


async def test_private_target_refused(web: FakeWebServer) -> None:
    with pytest.raises(SecurityError):
        await call(local_context(web, allow=False), url=web.url("/webhook"), payload={})
    with pytest.raises(SecurityError):
        await call(ctx(web), url="http://169.254.169.254/hook", payload={})
