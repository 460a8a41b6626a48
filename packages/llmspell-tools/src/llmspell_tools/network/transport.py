"""An httpx transport whose connections go only to addresses the policy checked.

httpcore asks its network backend to ``connect_tcp(host, port)``; the guarded backend resolves
the host itself, checks every address, and connects to a checked *address* — never handing the
name back to a resolver that could answer differently (DNS rebinding). TLS still verifies the
certificate and sends SNI for the original host name, since httpcore passes that separately.

Imports httpx/httpcore at module top: import this module lazily (``client.py`` does).
"""

from __future__ import annotations

import ssl
from collections.abc import Iterable

import httpcore
import httpx
from httpcore import AsyncNetworkBackend, AsyncNetworkStream
from httpcore._backends.anyio import AnyIOBackend

from llmspell_tools.network.policy import NetworkPolicy

__all__ = ["GuardedBackend", "GuardedTransport", "shared_ssl_context"]

SocketOption = (
    tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]
)


_ssl_contexts: dict[bool, ssl.SSLContext] = {}


def shared_ssl_context(verify: bool) -> ssl.SSLContext:
    """One SSL context per process and ``verify`` flag.

    Building one loads the CA bundle (tens of milliseconds); a tool call opens a fresh client,
    so without this every request would pay that again. Contexts are safe to share.
    """
    context = _ssl_contexts.get(verify)
    if context is None:
        context = httpx.create_ssl_context(verify=verify, trust_env=False)
        _ssl_contexts[verify] = context
    return context


class GuardedBackend(AsyncNetworkBackend):
    """Resolve, check every address, connect to a checked one."""

    def __init__(self, policy: NetworkPolicy, inner: AsyncNetworkBackend | None = None) -> None:
        self.policy = policy
        self.inner: AsyncNetworkBackend = inner or AnyIOBackend()
        #: ``(host, address)`` of every connection made, newest last (for diagnostics/tests).
        self.connections: list[tuple[str, str]] = []

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's signature
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> AsyncNetworkStream:
        try:
            addresses, port = await self.policy.resolve_target(host, port)
        except OSError as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        last: Exception | None = None
        for address in addresses:
            try:
                stream = await self.inner.connect_tcp(
                    address,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
                continue
            self.connections.append((host, address))
            return stream
        assert last is not None
        raise last

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's signature
        socket_options: Iterable[SocketOption] | None = None,
    ) -> AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not allowed for network tools")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """``httpx.AsyncHTTPTransport`` with its connection pool built on :class:`GuardedBackend`.

    No proxy support on purpose: a proxy would make the connection checks meaningless.
    """

    def __init__(
        self,
        policy: NetworkPolicy,
        *,
        verify: bool = True,
        limits: httpx.Limits | None = None,
        inner: AsyncNetworkBackend | None = None,
    ) -> None:
        limits = limits or httpx.Limits(max_connections=100, max_keepalive_connections=20)
        context = shared_ssl_context(verify)
        # The parent's __init__ only builds ``self._pool``, without a network_backend hook;
        # build that pool here with ours instead (and skip building one to throw away).
        self.backend = GuardedBackend(policy, inner)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=self.backend,
        )
