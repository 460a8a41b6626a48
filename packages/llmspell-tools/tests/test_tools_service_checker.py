"""service-checker: real local TCP and HTTP servers, DNS of localhost, and SSRF refusals."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from llmspell_core.config import LLMSpellConfig
from llmspell_core.context import ExecutionContext
from llmspell_core.errors import SecurityError, ValidationError
from llmspell_core.testing.contracts import ToolContract
from llmspell_core.tool import Tool
from llmspell_tools.system.service_checker import ServiceChecker


class TestServiceCheckerContract(ToolContract):
    def make_tool(self) -> Tool:
        return ServiceChecker()

    def invalid_params(self) -> list[dict[str, Any]]:
        return [
            {},
            {"target": ""},
            {"target": "x", "check_type": "icmp"},
            {"target": "x", "timeout_seconds": 61},
            {"target": "x", "port": 70000},
            {"target": "127.0.0.1", "check_type": "tcp"},
        ]


def ctx(allowed: list[str] | None = None, own: list[str] | None = None) -> ExecutionContext:
    tools: dict[str, dict[str, Any]] = {}
    if allowed is not None:
        tools["network"] = {"allowed_hosts": allowed}
    if own is not None:
        tools["service_checker"] = {"allowed_hosts": own}
    return ExecutionContext(config=LLMSpellConfig(tools=tools))


async def check(context: ExecutionContext | None = None, **params: Any) -> Any:
    return await ServiceChecker().execute(params, context or ctx(["127.0.0.1"]))


@pytest.fixture
async def tcp_port() -> AsyncIterator[int]:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = int(server.sockets[0].getsockname()[1])
    yield port
    server.close()
    await server.wait_closed()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Handler(BaseHTTPRequestHandler):
    def _answer(self, with_body: bool) -> None:
        routes = {"/": 200, "/missing": 404, "/redirect": 302, "/teapot": 418}
        code = routes.get(self.path, 200 if self.path == "/nohead" else 404)
        if self.path == "/nohead" and self.command == "HEAD":
            code = 405
        self.send_response(code)
        if code == 302:
            self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", "2")
        self.end_headers()
        if with_body:
            self.wfile.write(b"ok")

    def do_HEAD(self) -> None:
        self._answer(with_body=False)

    def do_GET(self) -> None:
        self._answer(with_body=True)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def http_port() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield int(server.server_address[1])
    server.shutdown()
    server.server_close()


async def test_tcp_open_and_closed(tcp_port: int) -> None:
    up = await check(target=f"127.0.0.1:{tcp_port}")
    assert up.result["available"] is True
    assert up.result["status"] == "Port open"
    assert up.metadata["operation"] == "tcp"
    assert "is available" in up.text
    port = closed_port()
    down = await check(target="127.0.0.1", port=port)
    assert down.success is True  # the check ran; the service is down
    assert down.result["available"] is False
    assert down.result["status"] == "Connection failed"
    assert "not available" in down.text


async def test_private_addresses_need_allow_listing(tcp_port: int, http_port: int) -> None:
    for target, kind in (
        (f"127.0.0.1:{tcp_port}", "tcp"),
        (f"localhost:{tcp_port}", "tcp"),
        (f"http://127.0.0.1:{http_port}/", "http"),
        ("http://169.254.169.254/latest/meta-data/", "http"),
        ("10.1.2.3:22", "tcp"),
    ):
        with pytest.raises(SecurityError) as info:
            await check(ctx(), target=target, check_type=kind)
        assert info.value.details["rule"].startswith("ssrf_")
        assert "[tools.network] allowed_hosts" in info.value.message
    by_name = await check(ctx(["localhost"]), target=f"localhost:{tcp_port}")
    assert by_name.result["available"] is True
    own_section = await check(ctx(own=["127.0.0.1"]), target=f"127.0.0.1:{tcp_port}")
    assert own_section.result["available"] is True
    cidr = await check(ctx(["127.0.0.0/8"]), target=f"127.0.0.1:{tcp_port}")
    assert cidr.result["available"] is True
    with pytest.raises(SecurityError):
        await check(ctx(), target="metadata.google.internal:80")


async def test_http_checks(http_port: int) -> None:
    base = f"127.0.0.1:{http_port}"
    ok = await check(target=f"http://{base}/", check_type="http")
    assert ok.result["available"] is True
    assert ok.result["status"] == "HTTP 200"
    assert ok.result["metadata"]["method"] == "HEAD"
    assert ok.result["metadata"]["content_type"] == "text/plain"
    bare = await check(target=base, check_type="http")
    assert bare.result["url"] == f"http://{base}"
    missing = await check(target=f"http://{base}/missing", check_type="http")
    assert missing.result["available"] is False
    assert missing.result["error"] == "HTTP error 404"
    fallback = await check(target=f"http://{base}/nohead", check_type="http")
    assert fallback.result["available"] is True
    assert fallback.result["metadata"]["method"] == "GET"
    teapot = await check(target=f"http://{base}/teapot", check_type="http", expected_status=418)
    assert teapot.result["available"] is True


async def test_redirects_are_reported_not_followed(http_port: int) -> None:
    out = await check(target=f"http://127.0.0.1:{http_port}/redirect", check_type="http")
    assert out.result["status"] == "HTTP 302"
    assert out.result["metadata"]["location"] == "http://169.254.169.254/latest/meta-data/"
    assert out.result["available"] is True


async def test_http_connection_failure(http_port: int) -> None:
    port = closed_port()
    out = await check(target=f"http://127.0.0.1:{port}/", check_type="http", timeout_seconds=2)
    assert out.result["available"] is False
    assert out.result["status"] == "Connection failed"
    https = await check(target=f"http://127.0.0.1:{port}/", check_type="https", timeout_seconds=2)
    assert https.result["url"].startswith("https://")
    assert https.result["available"] is False


async def test_dns_resolution() -> None:
    out = await check(ctx(), target="localhost", check_type="dns")
    assert out.result["available"] is True
    assert "127.0.0.1" in out.result["addresses"] or "::1" in out.result["addresses"]
    with_port = await check(ctx(), target="localhost:80", check_type="dns")
    assert with_port.result["host"] == "localhost"
    missing = await check(ctx(), target="no-such-host.invalid", check_type="dns", timeout_seconds=5)
    assert missing.result["available"] is False
    assert missing.result["status"] == "DNS resolution failed"


async def test_bad_targets() -> None:
    with pytest.raises(ValidationError) as info:
        await check(target="127.0.0.1", check_type="tcp")
    assert info.value.details["field"] == "port"
    with pytest.raises(ValidationError):
        await check(target="http://:80/", check_type="http")
