"""Retrying HTTP calls on 429 and 5xx (and unreachable servers) with backoff.

Built on ``llmspell_utils.retry_async``; a server's ``Retry-After`` (seconds or HTTP date)
replaces the computed backoff, capped like any other wait.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from llmspell_core.errors import ToolError
from llmspell_tools.framework import Invocation
from llmspell_tools.network.client import HttpResponse, SafeHttpClient
from llmspell_utils import retry_async

__all__ = [
    "RETRY_STATUSES",
    "RetriedResponse",
    "parse_retry_after",
    "request_with_retries",
    "send_with_retries",
]

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header, or None when absent/unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class _RetryableStatusError(Exception):
    def __init__(self, response: HttpResponse) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.response = response


@dataclass
class RetriedResponse:
    response: HttpResponse
    attempts: int


def _retryable(error: BaseException) -> bool:
    if isinstance(error, _RetryableStatusError):
        return True
    return isinstance(error, ToolError) and error.code == "NETWORK_ERROR"


def _hint(error: BaseException) -> float | None:
    if isinstance(error, _RetryableStatusError):
        return parse_retry_after(error.response.header("retry-after"))
    return None


async def send_with_retries(
    send: Callable[[], Awaitable[HttpResponse]],
    *,
    retries: int,
    base_delay: float = 0.5,
    max_delay: float = 30.0,
    retry_statuses: frozenset[int] = RETRY_STATUSES,
) -> RetriedResponse:
    """Call ``send`` up to ``retries + 1`` times while it answers a retryable status.

    When every attempt answers a retryable status, the last response is returned (callers
    report it); an unreachable server on the last attempt raises its ToolError.
    """
    attempts = 0

    async def once() -> HttpResponse:
        nonlocal attempts
        attempts += 1
        response = await send()
        if response.status_code in retry_statuses and attempts <= retries:
            raise _RetryableStatusError(response)
        return response

    try:
        response = await retry_async(
            once,
            retry_on=_retryable,
            attempts=retries + 1,
            base_delay=base_delay,
            max_delay=max_delay,
            retry_after=_hint,
        )
    except _RetryableStatusError as exc:  # pragma: no cover - the last attempt never raises it
        response = exc.response
    return RetriedResponse(response=response, attempts=attempts)


async def request_with_retries(
    http: SafeHttpClient,
    call: Invocation,
    method: str,
    url: str,
    *,
    retries: int,
    base_delay: float = 0.5,
    **request: Any,
) -> RetriedResponse:
    """``http.request(method, url, **request)`` under :func:`send_with_retries`, checking
    before each attempt that the call is still wanted (not cancelled, not out of time)."""

    async def send() -> HttpResponse:
        call.check()
        return await http.request(method, url, **request)

    return await send_with_retries(send, retries=retries, base_delay=base_delay)
