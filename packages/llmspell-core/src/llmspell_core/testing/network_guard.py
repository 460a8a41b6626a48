"""Refuse connections to paid LLM APIs during tests.

A test that forgets to point an SDK at the local fake server must fail loudly instead of
spending money or hanging on a closed network; patching name resolution catches every client
(httpx, aiohttp, raw sockets) at one place.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Generator
from contextlib import contextmanager
from typing import Any

__all__ = ["PAID_PROVIDER_HOSTS", "PaidNetworkBlockedError", "block_paid_hosts"]

PAID_PROVIDER_HOSTS: frozenset[str] = frozenset(
    {
        "api.openai.com",
        "api.anthropic.com",
        "generativelanguage.googleapis.com",
        "api.groq.com",
        "api.mistral.ai",
        "api.cohere.ai",
        "api.cohere.com",
        "api.together.xyz",
        "api.deepseek.com",
        "openrouter.ai",
        "api.perplexity.ai",
        "api.x.ai",
    }
)


class PaidNetworkBlockedError(ConnectionRefusedError):
    """Raised instead of contacting a paid provider from a test."""


def _is_paid(host: Any) -> bool:
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    host = host.lower().rstrip(".")
    return any(host == h or host.endswith("." + h) for h in PAID_PROVIDER_HOSTS)


@contextmanager
def block_paid_hosts() -> Generator[None]:
    original: Callable[..., Any] = socket.getaddrinfo

    def guarded(host: Any, *args: Any, **kwargs: Any) -> Any:
        if _is_paid(host):
            raise PaidNetworkBlockedError(
                f"test tried to reach the paid provider host {host!r}; point the client at the "
                "local fake server (base_url=http://127.0.0.1:...)"
            )
        return original(host, *args, **kwargs)

    socket.getaddrinfo = guarded
    try:
        yield
    finally:
        socket.getaddrinfo = original
