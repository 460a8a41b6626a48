"""Configs and contexts for network-tool tests, all pointed at the local fake web server.

``example.com`` is routed to the server with ``[tools.network] connect_to`` (curl's
``--connect-to``), so documented examples such as ``http://example.com/api/data`` run for
real against 127.0.0.1 — and only because 127.0.0.1 is allow-listed here explicitly.
"""

from __future__ import annotations

import threading
from typing import Any

from web_fake_server import FakeWebServer

from llmspell_core.config import LLMSpellConfig
from llmspell_core.context import ExecutionContext

__all__ = ["local_config", "local_context", "shared_server"]

_shared: FakeWebServer | None = None
_lock = threading.Lock()


def shared_server() -> FakeWebServer:
    """One server for the whole session (contract tests build contexts without fixtures)."""
    global _shared
    with _lock:
        if _shared is None:
            _shared = FakeWebServer().__enter__()
        return _shared


def local_config(
    web: FakeWebServer | None = None,
    *,
    allow: bool = True,
    tools: dict[str, dict[str, Any]] | None = None,
    **network: Any,
) -> LLMSpellConfig:
    """Config allowing 127.0.0.1 (unless ``allow=False``) with generous rate limits."""
    web = web or shared_server()
    section: dict[str, Any] = {
        "rate_limit_per_second": 1000.0,
        "rate_limit_burst": 1000,
        "connect_to": {"example.com": f"127.0.0.1:{web.port}"},
        **network,
    }
    if allow:
        section.setdefault("allowed_hosts", ["127.0.0.1"])
    return LLMSpellConfig(tools={"network": section, **(tools or {})})


def local_context(
    web: FakeWebServer | None = None,
    *,
    allow: bool = True,
    tools: dict[str, dict[str, Any]] | None = None,
    timeout: float = 30.0,
    **network: Any,
) -> ExecutionContext:
    return ExecutionContext.with_timeout(
        timeout, config=local_config(web, allow=allow, tools=tools, **network)
    )
