"""Network safety shared by every tool that talks to an outside service.

- :class:`NetworkPolicy` — the SSRF rules (private, loopback, link-local, CGNAT, unique-local,
  multicast and cloud-metadata targets refused unless allow-listed in ``[tools.network]
  allowed_hosts`` or ``[tools.<tool>] allowed_hosts``), checked before DNS and after it.
- :class:`SafeHttpClient` — httpx with that policy on every connection and redirect, a size
  cap, per-host rate limits; use ``async with SafeHttpClient.for_call(call) as http:``.
- :class:`NetworkSettings` — a network tool's ``settings_model`` (extend it for ``api_key``).
- ``setting_or_env`` / ``find_secret`` / ``redact_*`` / ``sensitive_values`` — credentials
  from config or env, never echoed.
- ``send_with_retries`` / ``request_with_retries`` — 429/5xx/unreachable retried with backoff.
- ``given`` / ``json_answer`` — JSON API bodies: no nulls sent, a non-JSON answer is an error.

httpx is imported only when a client is opened, so importing this package is cheap.
"""

from llmspell_tools.network.addresses import address_kind, hostname_kind, parse_address
from llmspell_tools.network.client import (
    REDIRECT_STATUSES,
    HttpResponse,
    SafeHttpClient,
    require_httpx,
)
from llmspell_tools.network.json_api import given, json_answer
from llmspell_tools.network.policy import NetworkPolicy, Resolver, system_resolver
from llmspell_tools.network.retrying import (
    RETRY_STATUSES,
    RetriedResponse,
    parse_retry_after,
    request_with_retries,
    send_with_retries,
)
from llmspell_tools.network.secrets import (
    REDACTED,
    find_secret,
    is_sensitive_name,
    redact_headers,
    redact_text,
    redact_url,
    redact_value,
    sensitive_values,
    setting_or_env,
)
from llmspell_tools.network.settings import (
    NETWORK_SECTION,
    NetworkDefaults,
    NetworkSettings,
    load_network_defaults,
)

__all__ = [
    "NETWORK_SECTION",
    "REDACTED",
    "REDIRECT_STATUSES",
    "RETRY_STATUSES",
    "HttpResponse",
    "NetworkDefaults",
    "NetworkPolicy",
    "NetworkSettings",
    "Resolver",
    "RetriedResponse",
    "SafeHttpClient",
    "address_kind",
    "find_secret",
    "given",
    "hostname_kind",
    "is_sensitive_name",
    "json_answer",
    "load_network_defaults",
    "parse_address",
    "parse_retry_after",
    "redact_headers",
    "redact_text",
    "redact_url",
    "redact_value",
    "request_with_retries",
    "require_httpx",
    "send_with_retries",
    "sensitive_values",
    "setting_or_env",
    "system_resolver",
]
