"""``SafeHttpClient``: the one way network tools make HTTP requests.

On top of httpx it adds what every tool needs and none should re-implement: the SSRF policy
(checked before each request, after DNS on each connection, and on every redirect, which are
followed here by hand with a cap), a streamed size cap (``truncated``), per-host rate limits,
and credentials that are dropped when a redirect leaves the origin.
"""

from __future__ import annotations

import functools
import json as jsonlib
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import Message
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from llmspell_core.errors import TimeoutError, ToolError
from llmspell_core.extras import import_optional
from llmspell_tools.framework import Invocation, section_key
from llmspell_tools.network.policy import NetworkPolicy, Resolver
from llmspell_tools.network.ratelimit import wait_for_host
from llmspell_tools.network.secrets import is_sensitive_name, redact_url

if TYPE_CHECKING:
    import httpx

    from llmspell_tools.network.transport import GuardedTransport

__all__ = ["REDIRECT_STATUSES", "HttpResponse", "SafeHttpClient", "require_httpx"]

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


def require_httpx(what: str) -> None:
    """Raise MissingExtraError naming ``llmspell-tools[web]`` when httpx is absent."""
    import_optional("httpx", what=what, distribution="llmspell-tools", extra="web")


@dataclass
class HttpResponse:
    """A fully read (possibly truncated) response; plain data, safe to keep after the client."""

    status_code: int
    reason: str
    url: str
    method: str
    headers: dict[str, str]
    content: bytes
    truncated: bool = False
    redirects: list[str] = field(default_factory=list[str])
    elapsed_ms: float = 0.0
    http_version: str = "HTTP/1.1"
    rate_limited_ms: float = 0.0

    def header(self, name: str) -> str | None:
        """A header value by case-insensitive name."""
        return self.headers.get(name.lower())

    @property
    def content_type(self) -> str:
        return (self.header("content-type") or "").split(";", 1)[0].strip().lower()

    @functools.cached_property
    def charset(self) -> str | None:
        raw = self.header("content-type")
        if not raw:
            return None
        message = Message()
        message["content-type"] = raw
        charset = message.get_param("charset")
        return charset if isinstance(charset, str) else None

    @functools.cached_property
    def text(self) -> str:
        """The body decoded with its charset (UTF-8 if none; bad bytes replaced)."""
        try:
            return self.content.decode(self.charset or "utf-8", errors="replace")
        except LookupError:
            return self.content.decode("utf-8", errors="replace")

    @property
    def ok(self) -> bool:
        return 200 <= self.status_code < 400

    @property
    def is_json(self) -> bool:
        kind = self.content_type
        return kind == "application/json" or kind.endswith("+json")

    def json(self) -> Any:
        """The body parsed as JSON (ValueError if it is not, or was truncated mid-document)."""
        return jsonlib.loads(self.content)


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme.lower(), (parts.hostname or "").lower(), parts.port


def _flatten_headers(headers: httpx.Headers) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in headers.multi_items():
        name = key.lower()
        out[name] = f"{out[name]}, {value}" if name in out else value
    return out


_policies: dict[str, tuple[object, object, NetworkPolicy]] = {}


def _cached_policy(call: Invocation) -> NetworkPolicy:
    """The policy for ``call`` — rebuilt only when its config or settings object changes."""
    cached = _policies.get(call.tool_name)
    if cached is not None and cached[0] is call.config and cached[1] is call.settings:
        return cached[2]
    policy = NetworkPolicy.from_config(call.config, call.tool_name, call.settings)
    _policies[call.tool_name] = (call.config, call.settings, policy)
    return policy


class SafeHttpClient:
    """An async context manager; one per tool call (or per benchmark run).

    ``request`` raises SecurityError for refused targets, TimeoutError for timeouts and
    ToolError (code ``NETWORK_ERROR``) when the server cannot be reached; an HTTP error status
    is *not* an exception — callers decide what a 404 means.
    """

    def __init__(
        self,
        policy: NetworkPolicy,
        *,
        headers: Mapping[str, str] | None = None,
        verify: bool | None = None,
    ) -> None:
        self.policy = policy
        self._headers = {"User-Agent": policy.user_agent, **(headers or {})}
        self._verify = policy.verify_tls if verify is None else verify
        self._client: httpx.AsyncClient | None = None
        self._transport: GuardedTransport | None = None

    @classmethod
    def for_call(
        cls,
        call: Invocation,
        *,
        headers: Mapping[str, str] | None = None,
        verify: bool | None = None,
        resolver: Resolver | None = None,
    ) -> SafeHttpClient:
        """A client whose policy comes from the call's config and the tool's settings."""
        if resolver is not None:
            policy = NetworkPolicy.from_config(
                call.config, call.tool_name, call.settings, resolver=resolver
            )
        else:
            policy = _cached_policy(call)
        return cls(policy, headers=headers, verify=verify)

    # -- lifecycle ----------------------------------------------------------------------
    async def __aenter__(self) -> SafeHttpClient:
        require_httpx(f"{self.policy.tool_name} HTTP requests")
        import httpx

        from llmspell_tools.network.transport import GuardedTransport

        self._transport = GuardedTransport(self.policy, verify=self._verify)
        self._client = httpx.AsyncClient(
            transport=self._transport,
            follow_redirects=False,
            trust_env=False,
            headers=self._headers,
            timeout=httpx.Timeout(self.policy.request_timeout),
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    @property
    def connections(self) -> list[tuple[str, str]]:
        """``(host, address)`` of each TCP connection opened so far."""
        return list(self._transport.backend.connections) if self._transport else []

    # -- requests -----------------------------------------------------------------------
    async def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | list[tuple[str, Any]] | None = None,
        headers: Mapping[str, str] | None = None,
        content: str | bytes | None = None,
        json: Any = None,
        data: Mapping[str, Any] | None = None,
        auth: tuple[str, str] | None = None,
        follow_redirects: bool = True,
        max_bytes: int | None = None,
        request_timeout: float | None = None,
    ) -> HttpResponse:
        """Send a request, following redirects (each one checked) up to the policy's cap.

        One body at most: ``content`` (text/bytes), ``json`` (any non-None value) or ``data``
        (form fields). ``auth`` is HTTP basic ``(user, password)``; credentials and sensitive
        headers are dropped when a redirect leaves the original origin.
        """
        if self._client is None:
            raise RuntimeError("SafeHttpClient used outside 'async with'")
        import httpx

        client = self._client
        policy = self.policy
        limit = max_bytes or policy.max_response_bytes
        method = method.upper()
        body: dict[str, Any] = {}
        if content is not None:
            body["content"] = content
        elif json is not None:
            body["json"] = json
        elif data is not None:
            body["data"] = data
        own_headers = dict(headers or {})
        basic = httpx.BasicAuth(*auth) if auth is not None else None
        first_origin = _origin(url)
        redirects: list[str] = []
        started = time.perf_counter()
        waited = 0.0
        current = url
        query = params
        while True:
            _, host, _ = policy.check_url(current)
            waited += await wait_for_host(
                policy.tool_name, host, policy.rate_limit_per_second, policy.rate_limit_burst
            )
            same_origin = _origin(current) == first_origin
            hop_headers = (
                own_headers
                if same_origin
                else {k: v for k, v in own_headers.items() if not is_sensitive_name(k)}
            )
            request = client.build_request(
                method,
                current,
                params=query,
                headers=hop_headers,
                timeout=httpx.Timeout(request_timeout or policy.request_timeout),
                **body,
            )
            try:
                response = await client.send(
                    request, stream=True, auth=basic if same_origin else None
                )
            except httpx.TimeoutException as exc:
                raise TimeoutError(
                    f"{policy.tool_name}: {method} {redact_url(current)} timed out "
                    f"({type(exc).__name__}; {section_key(policy.tool_name)} "
                    f"request_timeout_seconds = {request_timeout or policy.request_timeout:g})",
                    details={"url": redact_url(current), "rule": "request_timeout"},
                ) from None
            except httpx.HTTPError as exc:
                raise ToolError(
                    f"{policy.tool_name}: {method} {redact_url(current)} failed: "
                    f"{exc or type(exc).__name__}",
                    code="NETWORK_ERROR",
                    details={"url": redact_url(current), "type": type(exc).__name__},
                ) from None
            try:
                location = response.headers.get("location")
                if follow_redirects and response.status_code in REDIRECT_STATUSES and location:
                    if len(redirects) >= policy.max_redirects:
                        raise ToolError(
                            f"{policy.tool_name}: too many redirects from {redact_url(url)} "
                            f"(more than {policy.max_redirects}; raise "
                            f"{section_key(policy.tool_name)} max_redirects to follow more)",
                            code="TOO_MANY_REDIRECTS",
                            details={"redirects": [redact_url(r) for r in redirects]},
                        )
                    redirects.append(current)
                    current = urljoin(str(response.url), location)
                    query = None
                    if response.status_code == 303 or (
                        response.status_code in (301, 302) and method == "POST"
                    ):
                        method = "GET" if method != "HEAD" else "HEAD"
                        body = {}
                    continue
                content_bytes, truncated = await self._read(response, limit)
            finally:
                await response.aclose()
            return HttpResponse(
                status_code=response.status_code,
                reason=response.reason_phrase,
                url=str(response.url),
                method=method,
                headers=_flatten_headers(response.headers),
                content=content_bytes,
                truncated=truncated,
                redirects=redirects,
                elapsed_ms=round((time.perf_counter() - started) * 1000.0, 3),
                http_version=response.http_version,
                rate_limited_ms=round(waited * 1000.0, 3),
            )

    @staticmethod
    async def _read(response: httpx.Response, limit: int) -> tuple[bytes, bool]:
        """Read at most ``limit`` (decoded) bytes, stopping the stream early when over."""
        chunks: list[bytes] = []
        total = 0
        async for chunk in response.aiter_bytes():
            room = limit - total
            if len(chunk) > room:
                chunks.append(chunk[:room])
                return b"".join(chunks), True
            chunks.append(chunk)
            total += len(chunk)
        return b"".join(chunks), False
