"""api-tester: assertions on status, JSON paths, schema, headers, body and latency."""

from __future__ import annotations

from typing import Any

import pytest
from web_fake_server import FakeWebServer
from web_tool_support import local_context

from llmspell_core.context import ExecutionContext
from llmspell_core.errors import SecurityError, ValidationError
from llmspell_core.testing.contracts import ToolContract
from llmspell_core.tool import Tool
from llmspell_core.tool_types import ToolOutput
from llmspell_tools.api.api_tester import ApiTester


class TestApiTesterContract(ToolContract):
    def make_tool(self) -> Tool:
        return ApiTester()

    def make_context(self) -> ExecutionContext:
        return local_context()

    def invalid_params(self) -> list[dict[str, Any]]:
        return [
            {},
            {"url": "http://x", "expect": {"statuz": 200}},
            {"url": "http://x", "expect": {"max_latency_ms": 0}},
            {"url": "http://x", "expect": {"json": {"a[": 1}}},
            {"url": "http://x", "expect": {"json_schema": {"type": "nope"}}},
        ]


async def run(web: FakeWebServer, **params: Any) -> ToolOutput:
    return await ApiTester().execute(params, local_context(web))


async def test_all_checks_pass(web: FakeWebServer) -> None:
    out = await run(
        web,
        url=web.url("/api/data"),
        name="data endpoint",
        expect={
            "status": [200, 201],
            "json": {"value": 42, "items[1]": "b", "nested.ok": True},
            "json_exists": ["items"],
            "json_schema": {
                "type": "object",
                "required": ["value"],
                "properties": {"value": {"type": "integer"}},
            },
            "content_type": "application/json",
            "max_latency_ms": 60000,
            "body_contains": ['"value": 42'],
        },
    )
    assert out.success, out.text
    report = out.result
    assert report["passed"]
    assert report["total"] == 9
    assert report["failed"] == 0
    assert report["name"] == "data endpoint"
    assert out.text.startswith("data endpoint: 9/9 checks passed")


async def test_failures_are_all_reported(web: FakeWebServer) -> None:
    out = await run(
        web,
        url=web.url("/api/data"),
        expect={
            "status": 201,
            "json": {"value": 41, "missing": 1},
            "json_schema": {"type": "object", "properties": {"value": {"type": "string"}}},
            "headers": {"content-type": "text/html"},
            "max_latency_ms": 0.0001,
        },
    )
    assert not out.success
    assert out.error is not None
    assert out.error.code == "ASSERTION_FAILED"
    failed = {a["check"]: a for a in out.result["assertions"] if not a["passed"]}
    assert set(failed) == {
        "status",
        "json:value",
        "json:missing",
        "json_schema",
        "header:content-type",
        "latency_ms",
    }
    assert failed["json:value"]["actual"] == 42
    assert failed["json_schema"]["actual"] == ["value: 42 is not of type 'string'"]
    assert "FAIL status: expected 201, got 200" in out.text


async def test_request_with_body_and_auth(web: FakeWebServer) -> None:
    out = await run(
        web,
        url=web.url("/echo"),
        method="POST",
        json={"a": 1},
        auth={"type": "bearer", "token": "tok-secret-9"},
        expect={"json": {"method": "POST", "json.a": 1}},
    )
    assert out.success
    assert "tok-secret-9" not in str(out.model_dump())


async def test_non_json_body_fails_json_checks(web: FakeWebServer) -> None:
    out = await run(web, url=web.url("/"), expect={"json_exists": ["x"]})
    assert not out.success


async def test_bad_expression_and_ssrf(web: FakeWebServer) -> None:
    with pytest.raises(ValidationError) as info:
        await run(web, url=web.url("/"), expect={"json_exists": ["a[["]})
    assert info.value.details["field"] == "expect.json_exists.0"
    with pytest.raises(SecurityError):
        await ApiTester().execute({"url": web.url("/")}, local_context(web, allow=False))
