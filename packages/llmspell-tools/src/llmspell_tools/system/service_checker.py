"""service-checker: is a TCP port open, does a URL answer, does a name resolve?

A check that finds the service down is still a successful check (``available = false``).
TCP and HTTP checks go through the shared network policy (``llmspell_tools.network``):
private, loopback, link-local and metadata addresses are refused (SSRF), judged after DNS
resolution, unless the host is listed in ``[tools.network] allowed_hosts`` or
``[tools.service_checker] allowed_hosts``. TCP connects to the vetted address itself and HTTP
never follows redirects, so neither can be steered elsewhere.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import Field

from llmspell_core.errors import TimeoutError as CoreTimeoutError
from llmspell_core.errors import ToolError, ValidationError
from llmspell_core.tool_types import SecurityLevel, ToolOutput
from llmspell_tools.framework import BaseTool, Invocation, ToolParams, example
from llmspell_tools.network import NetworkPolicy, NetworkSettings, SafeHttpClient, system_resolver

__all__ = ["ServiceChecker", "ServiceCheckerParams"]

CheckType = Literal["tcp", "http", "https", "dns"]


class ServiceCheckerParams(ToolParams):
    target: str = Field(
        min_length=1,
        description="host:port for tcp, a URL (or host) for http/https, a host name for dns",
    )
    check_type: CheckType = Field(default="tcp", description="tcp, http, https or dns")
    port: int | None = Field(default=None, ge=1, le=65535, description="tcp: port if not in target")
    timeout_seconds: float = Field(default=5.0, gt=0, le=60, description="give up after this")
    method: Literal["HEAD", "GET"] = Field(default="HEAD", description="http(s): request method")
    expected_status: int | None = Field(
        default=None, ge=100, le=599, description="http(s): the status that means 'up'"
    )
    verify_tls: bool = Field(default=True, description="https: verify the certificate")


def _split_host_port(text: str, port: int | None) -> tuple[str, int | None]:
    text = text.strip()
    if "://" in text:
        parts = urlsplit(text)
        return parts.hostname or "", parts.port or port
    if text.startswith("["):  # [v6]:port
        host, _, rest = text[1:].partition("]")
        return host, int(rest[1:]) if rest.startswith(":") and rest[1:].isdigit() else port
    if text.count(":") == 1:
        host, _, tail = text.partition(":")
        if tail.isdigit():
            return host, int(tail)
    return text, port


def _url(target: str, check_type: CheckType) -> str:
    target = target.strip()
    if check_type == "https" and target.startswith("http://"):
        return "https://" + target[len("http://") :]
    if target.startswith(("http://", "https://")):
        return target
    return f"{check_type}://{target}"


def _elapsed_ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000.0, 3)


class ServiceChecker(BaseTool[ServiceCheckerParams]):
    tool_name = "service-checker"
    description = (
        "Check whether a service is up: a TCP port accepts connections, an HTTP(S) URL "
        "answers, or a host name resolves; private addresses need allow-listing."
    )
    tool_category = "system"
    tags = ("network", "health", "tcp", "http", "dns")
    params_model = ServiceCheckerParams
    settings_model = NetworkSettings
    security_level = SecurityLevel.RESTRICTED
    timeout_seconds = 70.0
    examples = (example("Does localhost resolve?", target="localhost", check_type="dns"),)

    async def run(self, params: ServiceCheckerParams, call: Invocation) -> ToolOutput:
        call.operation = params.check_type
        check = params.check_type
        if check in ("http", "https"):
            url = _url(params.target, check)
            parts = urlsplit(url)
            host, port = (
                parts.hostname or "",
                parts.port or (443 if parts.scheme == "https" else 80),
            )
        else:
            url = None
            host, port = _split_host_port(params.target, params.port)
        if not host:
            raise ValidationError(
                f"service-checker: no host in target '{params.target}'",
                details={"field": "target", "rule": "host"},
            )
        if check == "tcp" and port is None:
            raise ValidationError(
                f"service-checker: tcp needs a port: give target 'host:port' or 'port' "
                f"(target was '{params.target}')",
                details={"field": "port", "rule": "required"},
            )
        started = time.perf_counter()
        result: dict[str, Any] = {
            "target": params.target,
            "check_type": check,
            "host": host,
            "port": port if check != "dns" else None,
            "timeout_seconds": params.timeout_seconds,
            "metadata": {},
        }
        policy = NetworkPolicy.from_config(call.config, call.tool_name, call.settings)
        try:
            async with asyncio.timeout(params.timeout_seconds):
                if check == "dns":  # a lookup connects nowhere, so any name may be resolved
                    addresses = await system_resolver(host, port or 0)
                else:  # every address vetted; SecurityError for a refused one
                    addresses = await policy.resolve(host, port or 0)
        except (OSError, TimeoutError) as exc:
            detail = "timed out" if isinstance(exc, TimeoutError) else str(exc)
            result.update(
                available=False,
                response_time_ms=_elapsed_ms(started),
                status="DNS resolution failed",
                error=detail,
                addresses=[],
            )
            return call.ok(f"{params.target} is not available: {detail}", result)
        result["addresses"] = addresses
        if check == "dns":
            result.update(
                available=bool(addresses),
                response_time_ms=_elapsed_ms(started),
                status=f"Resolved {len(addresses)} addresses",
                error=None,
            )
            result["metadata"] = {"address_count": len(addresses)}
            return call.ok(f"{host} resolves to {', '.join(addresses)}", result)
        if check == "tcp":
            await self._tcp(addresses[0], int(port or 0), params.timeout_seconds, started, result)
        else:
            await self._http(str(url), policy, params, started, result)
        if result["available"]:
            text = f"{params.target} is available ({result['response_time_ms']:.0f} ms)"
        else:
            text = f"{params.target} is not available: {result['error'] or result['status']}"
        return call.ok(text, result)

    async def _tcp(
        self, address: str, port: int, limit: float, started: float, result: dict[str, Any]
    ) -> None:
        try:
            async with asyncio.timeout(limit):
                _, writer = await asyncio.open_connection(address, port)
        except TimeoutError:
            result.update(available=False, status="Connection timed out", error="timed out")
        except OSError as exc:
            result.update(
                available=False, status="Connection failed", error=exc.strerror or str(exc)
            )
        else:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
            result.update(available=True, status="Port open", error=None)
        result["response_time_ms"] = _elapsed_ms(started)
        result["metadata"] = {"address": address}

    async def _http(
        self,
        url: str,
        policy: NetworkPolicy,
        params: ServiceCheckerParams,
        started: float,
        result: dict[str, Any],
    ) -> None:
        result["url"] = url
        try:
            async with SafeHttpClient(policy, verify=params.verify_tls) as client:
                response = await client.request(
                    params.method,
                    url,
                    follow_redirects=False,
                    max_bytes=1024,
                    request_timeout=params.timeout_seconds,
                )
                if params.method == "HEAD" and response.status_code in (405, 501):
                    response = await client.request(
                        "GET",
                        url,
                        follow_redirects=False,
                        max_bytes=1024,
                        request_timeout=params.timeout_seconds,
                    )
        except CoreTimeoutError:
            result.update(available=False, status="Request timed out", error="timed out")
        except ToolError as exc:  # NETWORK_ERROR: nothing answered
            result.update(available=False, status="Connection failed", error=exc.message)
        else:
            code = response.status_code
            if params.expected_status is not None:
                up = code == params.expected_status
            else:
                up = 200 <= code < 400
            result.update(
                available=up,
                status=f"HTTP {code}",
                error=None if up else f"HTTP error {code}",
            )
            result["metadata"] = {
                "status_code": code,
                "method": response.method,
                "content_type": response.header("content-type"),
                "location": response.header("location"),
            }
        result["response_time_ms"] = _elapsed_ms(started)
