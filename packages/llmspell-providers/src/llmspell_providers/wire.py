"""Small readers both wire formats share."""

from __future__ import annotations

from typing import Any

__all__ = ["json_body", "tokens"]


def tokens(usage: Any, name: str) -> int:
    """A token count from an SDK usage object: 0 when the object or the count is missing."""
    return int(getattr(usage, name, 0) or 0)


def json_body(http_response: Any) -> Any:
    """A reply's decoded JSON, or its text when it is not JSON (an HTML error page from a
    proxy, say): by its ``Content-Type``, as the SDKs decide, or because it does not parse."""
    content_type: str = http_response.headers.get("content-type", "*").split(";")[0]
    if content_type.endswith("json"):
        try:
            return http_response.json()
        except ValueError:
            pass
    return http_response.text
