"""API keys: found in config or the environment, and kept out of results and logs."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from typing import Any, cast
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from llmspell_core.config import LLMSpellConfig
from llmspell_tools.framework import Invocation

__all__ = [
    "REDACTED",
    "SENSITIVE_HEADERS",
    "find_secret",
    "is_sensitive_name",
    "redact_headers",
    "redact_text",
    "redact_url",
    "redact_value",
    "sensitive_values",
    "setting_or_env",
]

REDACTED = "[REDACTED]"

SENSITIVE_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        "x-api-key",
        "api-key",
        "x-auth-token",
        "x-subscription-token",
        "x-goog-api-key",
        "ocp-apim-subscription-key",
        "x-hub-signature",
        "x-hub-signature-256",
        "x-llmspell-signature",
        "x-amz-security-token",
    }
)

_SENSITIVE_WORDS = re.compile(
    r"(?:^|[-_])(?:token|secret|password|passwd|api[-_]?key|apikey|key|signature|auth|"
    r"credential|session|sig)(?:$|[-_])",
    re.IGNORECASE,
)


def is_sensitive_name(name: str) -> bool:
    """Header or query names that carry credentials (``Authorization``, ``api_key``...)."""
    lowered = name.lower()
    return lowered in SENSITIVE_HEADERS or bool(_SENSITIVE_WORDS.search(lowered))


def sensitive_values(headers: Mapping[str, str], *known: str | None) -> list[str | None]:
    """``known`` secrets plus the values of ``headers`` that carry credentials: what a tool
    must scrub from anything it returns after sending those headers."""
    return [*known, *(v for k, v in headers.items() if is_sensitive_name(k))]


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """A copy of ``headers`` with credential values replaced by ``[REDACTED]``."""
    return {k: (REDACTED if is_sensitive_name(k) else v) for k, v in headers.items()}


def redact_url(url: str) -> str:
    """``url`` without a password and with credential query values replaced."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, hostport = netloc.rpartition("@")
        user = userinfo.split(":", 1)[0]
        netloc = f"{user}:{REDACTED}@{hostport}" if ":" in userinfo else f"{REDACTED}@{hostport}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        if any(is_sensitive_name(k) for k, _ in pairs):
            query = urlencode([(k, REDACTED if is_sensitive_name(k) else v) for k, v in pairs])
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def redact_text(text: str, secrets: Iterable[str | None]) -> str:
    """``text`` with every occurrence of each (non-trivial) secret replaced."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, REDACTED)
    return text


def redact_value(value: Any, secrets: Iterable[str | None]) -> Any:
    """A JSON-like value with every secret scrubbed from its strings (keys included)."""
    found = [s for s in secrets if s and len(s) >= 4]
    if not found:
        return value
    if isinstance(value, str):
        return redact_text(value, found)
    if isinstance(value, list):
        return [redact_value(v, found) for v in cast("list[Any]", value)]
    if isinstance(value, dict):
        return {
            redact_text(str(k), found): redact_value(v, found)
            for k, v in cast("dict[Any, Any]", value).items()
        }
    return value


def find_secret(
    config: LLMSpellConfig,
    tool_name: str,
    key: str,
    env: Iterable[str] = (),
    *,
    configured: str | None = None,
) -> str | None:
    """``configured`` (from the tool's settings), else ``[tools.<tool>] <key>``, else env vars."""
    if configured:
        return configured
    value = config.tool_section(tool_name).get(key)
    if isinstance(value, str) and value:
        return value
    for name in env:
        found = os.environ.get(name)
        if found:
            return found
    return None


def setting_or_env(call: Invocation, key: str, *env: str) -> str | None:
    """``[tools.<tool>] <key>`` as the tool's settings read it, else the first environment
    variable of ``env`` that is set: where a tool finds a credential, a host or an endpoint."""
    configured = getattr(call.settings, key, None)
    return find_secret(
        call.config,
        call.tool_name,
        key,
        env,
        configured=configured if isinstance(configured, str) else None,
    )
