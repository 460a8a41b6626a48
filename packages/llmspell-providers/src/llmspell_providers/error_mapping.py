"""Turn SDK and transport exceptions into llmspell's ProviderError family.

The OpenAI and Anthropic SDKs share one exception layout (``APIStatusError`` with
``status_code``, ``APITimeoutError``, ``APIConnectionError``, ``APIResponseValidationError``),
so one mapper serves both; it takes the SDK module as an argument so neither SDK is imported
here. Each message says what failed and what to do about it.
"""

from __future__ import annotations

import email.utils
import json
import time
from dataclasses import dataclass
from types import ModuleType
from typing import Any, cast

from llmspell_core.errors import (
    AuthError,
    LLMSpellError,
    ProviderError,
    ProviderUnavailableError,
    RateLimitError,
)

__all__ = ["ErrorContext", "bad_response", "map_provider_error", "parse_retry_after"]

_TRANSPORT_ERROR_NAMES = frozenset(
    {
        "TransportError",
        "RemoteProtocolError",
        "ReadError",
        "WriteError",
        "ConnectError",
        "ReadTimeout",
        "ConnectTimeout",
        "PoolTimeout",
        "NetworkError",
        "ProtocolError",
        "IncompleteRead",
    }
)


@dataclass(frozen=True)
class ErrorContext:
    """What a message needs to name: the provider, its endpoint and where its key comes from."""

    provider: str
    provider_type: str
    base_url: str | None
    key_hint: str

    @property
    def where(self) -> str:
        return f"provider '{self.provider}'" + (f" at {self.base_url}" if self.base_url else "")


def parse_retry_after(headers: Any) -> float | None:
    """Seconds from ``retry-after-ms`` / ``Retry-After`` (seconds or an HTTP date)."""
    if headers is None:
        return None
    try:
        millis = headers.get("retry-after-ms")
        if millis is not None:
            return max(0.0, float(millis) / 1000)
        raw = headers.get("retry-after")
    except (AttributeError, TypeError, ValueError):
        return None
    if raw is None:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    parsed = email.utils.parsedate_tz(str(raw))
    if parsed is None:
        return None
    return max(0.0, float(email.utils.mktime_tz(parsed) - time.time()))


def _server_message(exc: Any) -> str:
    """The human part of an error body: ``error.message`` (both APIs), else the raw body."""
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        fields = cast(dict[str, Any], body)
        error: Any = fields.get("error", fields)
        if isinstance(error, dict):
            message: Any = cast(dict[str, Any], error).get("message")
            if message:
                return str(message)
        return json.dumps(fields)[:300]
    if isinstance(body, str) and body:
        return body[:300]
    return str(getattr(exc, "message", "") or exc)[:300]


def _is_transport_error(exc: BaseException) -> bool:
    return any(cls.__name__ in _TRANSPORT_ERROR_NAMES for cls in type(exc).__mro__)


def map_provider_error(
    exc: BaseException, sdk: ModuleType | None, where: ErrorContext
) -> LLMSpellError | None:
    """The llmspell error for ``exc``, or None when it is not a provider failure."""
    if isinstance(exc, LLMSpellError):
        return exc
    if sdk is not None:
        status_error = getattr(sdk, "APIStatusError", None)
        if status_error is not None and isinstance(exc, status_error):
            return _from_status(exc, where)
        timeout_error = getattr(sdk, "APITimeoutError", None)
        if timeout_error is not None and isinstance(exc, timeout_error):
            return ProviderUnavailableError(
                f"{where.where} did not answer in time; raise timeout_seconds in "
                f"[providers.{where.provider}] if the model is slow",
                code="PROVIDER_TIMEOUT",
                details={"provider": where.provider},
            )
        validation_error = getattr(sdk, "APIResponseValidationError", None)
        if validation_error is not None and isinstance(exc, validation_error):
            return bad_response(where, str(exc))
        connection_error = getattr(sdk, "APIConnectionError", None)
        if connection_error is not None and isinstance(exc, connection_error):
            cause = exc.__cause__ or exc.__context__
            detail = f": {type(cause).__name__}: {cause}" if cause else ""
            return ProviderUnavailableError(
                f"cannot reach {where.where}{detail}; check that the server is running and "
                f"the base URL is right",
                details={"provider": where.provider},
            )
    if _is_transport_error(exc):
        return ProviderUnavailableError(
            f"the connection to {where.where} broke: {type(exc).__name__}: {exc}",
            details={"provider": where.provider},
        )
    if isinstance(exc, json.JSONDecodeError | UnicodeDecodeError):
        return bad_response(where, str(exc))
    return None


def bad_response(where: ErrorContext, detail: str) -> ProviderError:
    """An unparseable or unexpected response body."""
    return ProviderError(
        f"{where.where} sent a response that is not the expected "
        f"{where.provider_type} format ({detail[:200]}); check the base URL points at an "
        f"{where.provider_type}-compatible API",
        code="BAD_RESPONSE",
        details={"provider": where.provider},
    )


def _from_status(exc: Any, where: ErrorContext) -> LLMSpellError:
    status = int(getattr(exc, "status_code", 0) or 0)
    message = _server_message(exc)
    details = {"provider": where.provider, "status": status}
    if status in (401, 403):
        return AuthError(
            f"{where.where} rejected the credentials (HTTP {status}: {message}); "
            f"check {where.key_hint}",
            details=details,
        )
    if status == 429:
        retry_after = parse_retry_after(getattr(getattr(exc, "response", None), "headers", None))
        hint = f"; the server asked to wait {retry_after:g}s" if retry_after is not None else ""
        return RateLimitError(
            f"{where.where} is rate limiting requests (HTTP 429: {message}){hint}; "
            f"retry later or lower the request rate",
            retry_after=retry_after,
            details=details,
        )
    if status == 404:
        return ProviderError(
            f"{where.where} answered 404 ({message}); check the model name and the base URL",
            code="NOT_FOUND",
            details=details,
        )
    if status in (408, 409) or status >= 500:
        return ProviderUnavailableError(
            f"{where.where} failed with HTTP {status} ({message}); it may be overloaded, "
            f"try again later",
            details=details,
        )
    return ProviderError(
        f"{where.where} refused the request (HTTP {status}: {message})",
        code="BAD_REQUEST",
        details=details,
    )
