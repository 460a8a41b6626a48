"""http-requester against the local fake web server: methods, bodies, auth, retries, limits."""

from __future__ import annotations

import json
import socket
from typing import Any

import pytest
from web_fake_server import FakeWebServer
from web_tool_support import local_context

from llmspell_core.context import ExecutionContext
from llmspell_core.errors import SecurityError, TimeoutError, ToolError, ValidationError
from llmspell_core.testing.contracts import ToolContract
from llmspell_core.tool import Tool
from llmspell_core.tool_types import ToolOutput
from llmspell_tools.api.http_requester import HttpRequester


class TestHttpRequesterContract(ToolContract):
    def make_tool(self) -> Tool:
        return HttpRequester()

    def make_context(self) -> ExecutionContext:
        return local_context()

    def invalid_params(self) -> list[dict[str, Any]]:
        return [
            {},
            {"url": ""},
            {"url": "http://x", "method": "FETCH"},
            {"url": "http://x", "retries": 11},
            {"url": "http://x", "auth": {"type": "digest"}},
            {"url": "http://x", "auth": {"type": "bearer", "tok": "x"}},
            {"url": "http://x", "body": "a", "json": {"b": 1}},
            {"url": "http://x", "auth": {"type": "bearer"}},
            {"urll": "http://x"},
        ]


async def call(
    web: FakeWebServer, context: ExecutionContext | None = None, **params: Any
) -> ToolOutput:
    return await HttpRequester().execute(params, context or local_context(web))


async def test_get_json(web: FakeWebServer) -> None:
    out = await call(web, url=web.url("/api/data"))
    assert out.success
    assert out.result["status_code"] == 200
    assert out.result["body"] == {"value": 42, "items": ["a", "b"], "nested": {"ok": True}}
    assert json.loads(out.text)["value"] == 42
    assert out.metadata["operation"] == "GET"
    assert out.metadata["truncated"] is False


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
async def test_methods_and_json_body(web: FakeWebServer, method: str) -> None:
    out = await call(web, url=web.url("/echo"), method=method, json={"n": 1, "s": "x"})
    echoed = out.result["body"]
    assert echoed["method"] == method
    assert echoed["json"] == {"n": 1, "s": "x"}
    assert echoed["headers"]["content-type"] == "application/json"


async def test_head_has_no_body(web: FakeWebServer) -> None:
    out = await call(web, url=web.url("/echo"), method="HEAD")
    assert out.success
    assert out.result["body"] == ""
    assert out.result["size"] == 0


async def test_query_form_and_raw_body(web: FakeWebServer) -> None:
    q = await call(web, url=web.url("/echo?x=0"), query={"a": 1, "b": ["p", "q"], "c": True})
    assert q.result["body"]["query"]["a"] == "1"
    form = await call(web, url=web.url("/echo"), method="POST", form={"k": "v w"})
    assert form.result["body"]["body"] == "k=v+w"
    assert form.result["body"]["headers"]["content-type"] == "application/x-www-form-urlencoded"
    raw = await call(
        web,
        url=web.url("/echo"),
        method="POST",
        body="<x/>",
        headers={"Content-Type": "application/xml", "X-Custom": "1"},
    )
    assert raw.result["body"]["body"] == "<x/>"
    assert raw.result["body"]["headers"]["x-custom"] == "1"


async def test_bearer_and_basic_auth_never_echoed(web: FakeWebServer) -> None:
    bearer = await call(
        web, url=web.url("/echo"), auth={"type": "bearer", "token": "sekrit-token-123"}
    )
    sent = web.requests_to("/echo")[-1].headers["authorization"]
    assert sent == "Bearer sekrit-token-123"
    dumped = json.dumps(bearer.model_dump()) + bearer.text
    assert "sekrit-token-123" not in dumped
    assert bearer.result["body"]["headers"]["authorization"] == "Bearer [REDACTED]"
    basic = await call(
        web, url=web.url("/echo"), auth={"type": "basic", "username": "ada", "password": "pa55word"}
    )
    assert web.requests_to("/echo")[-1].headers["authorization"].startswith("Basic ")
    dumped = json.dumps(basic.model_dump()) + basic.text
    assert "pa55word" not in dumped
    assert "YWRhOnBhNTV3b3Jk" not in dumped  # base64 of ada:pa55word
    header = await call(web, url=web.url("/echo"), headers={"X-Api-Key": "key-abcdef"})
    assert "key-abcdef" not in json.dumps(header.model_dump())
    assert header.result["headers"]["set-cookie"] == "[REDACTED]"


async def test_retries_on_5xx_then_succeeds(web: FakeWebServer) -> None:
    out = await call(web, url=web.url("/flaky?key=r1&fail=2"), retry_delay=0)
    assert out.success
    assert out.result["attempts"] == 3
    assert out.result["body"] == {"attempt": 3, "ok": True}


async def test_retries_on_429_with_retry_after(web: FakeWebServer) -> None:
    out = await call(web, url=web.url("/flaky?key=r2&fail=1&code=429"), retry_delay=5)
    assert out.success
    assert out.result["attempts"] == 2


async def test_gives_up_with_soft_failure(web: FakeWebServer) -> None:
    out = await call(web, url=web.url("/flaky?key=r3&fail=5"), retries=1, retry_delay=0)
    assert not out.success
    assert out.error is not None
    assert out.error.code == "HTTP_503"
    assert out.result["attempts"] == 2
    assert out.result["status_code"] == 503


async def test_http_error_status_is_soft_failure(web: FakeWebServer) -> None:
    out = await call(web, url=web.url("/status/404"), retries=0)
    assert not out.success
    assert out.error is not None
    assert out.error.code == "HTTP_404"
    assert out.result["body"] == {"status": 404}


async def test_size_limit_truncates(web: FakeWebServer) -> None:
    out = await call(web, url=web.url("/large?size=50000"), max_bytes=1234)
    assert out.result["size"] == 1234
    assert out.result["truncated"] is True
    assert out.metadata["truncated"] is True


async def test_base64_response(web: FakeWebServer) -> None:
    out = await call(web, url=web.url("/large?size=3"), response_type="base64")
    assert out.result["body"] == "eHh4"


async def test_json_expected_but_not_json(web: FakeWebServer) -> None:
    out = await call(web, url=web.url("/"), response_type="json")
    assert not out.success
    assert out.error is not None
    assert out.error.code == "INVALID_JSON"


async def test_timeout(web: FakeWebServer) -> None:
    with pytest.raises(TimeoutError):
        await call(web, url=web.url("/slow?delay=2"), timeout_seconds=0.2, retries=0)


async def test_unreachable_after_retries(web: FakeWebServer) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(ToolError) as info:
        await call(web, url=f"http://127.0.0.1:{port}/", retries=1, retry_delay=0)
    assert info.value.code == "NETWORK_ERROR"


async def test_loopback_refused_without_allow_list(web: FakeWebServer) -> None:
    before = len(web.requests)
    with pytest.raises(SecurityError) as info:
        await call(web, local_context(web, allow=False), url=web.url("/echo"))
    assert "[tools.http_requester] allowed_hosts" in info.value.message
    assert len(web.requests) == before
    own = local_context(
        web, allow=False, tools={"http_requester": {"allowed_hosts": ["127.0.0.1"]}}
    )
    assert (await call(web, own, url=web.url("/echo"))).success


async def test_redirect_to_metadata_refused(web: FakeWebServer) -> None:
    with pytest.raises(SecurityError) as info:
        await call(web, url=web.url("/redirect/metadata"))
    assert info.value.details["rule"] == "ssrf_metadata_address"


async def test_redirects_reported(web: FakeWebServer) -> None:
    out = await call(web, url=web.url("/redirect/chain/2"))
    assert len(out.result["redirects"]) == 2
    assert out.result["url"] == web.url("/echo")
    kept = await call(web, url=web.url("/redirect/chain/2"), follow_redirects=False)
    assert kept.success
    assert kept.result["status_code"] == 302


async def test_one_body_only(web: FakeWebServer) -> None:
    with pytest.raises(ValidationError) as info:
        await call(web, url=web.url("/echo"), body="x", form={"a": "b"})
    assert info.value.details["field"] == "form"
