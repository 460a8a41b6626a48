"""http-requester: one HTTP request with any method, headers, body, auth, retries and a size cap.

Everything goes through the SSRF-guarded client (private, loopback and metadata targets are
refused unless allow-listed, on every redirect too). Credentials given in ``auth`` or in
sensitive headers never come back in the result: response headers and body are scrubbed.
An HTTP error status is a soft failure (``success=false``, ``error.code = "HTTP_<status>"``)
that still carries the response.
"""

from __future__ import annotations

import base64
from typing import Any, ClassVar, Literal

from pydantic import ConfigDict, Field

from llmspell_core.errors import ValidationError
from llmspell_core.tool_types import SecurityLevel, ToolOutput
from llmspell_tools.api._auth import AuthParams, apply_auth
from llmspell_tools.framework import BaseTool, Invocation, ToolParams, example
from llmspell_tools.network import (
    HttpResponse,
    NetworkSettings,
    SafeHttpClient,
    redact_headers,
    redact_text,
    redact_url,
    redact_value,
    request_with_retries,
)

__all__ = ["HttpRequester", "HttpRequesterParams", "response_body"]

Method = Literal["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
QueryValue = str | int | float | bool | list[str | int | float | bool]


class HttpRequesterParams(ToolParams):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    url: str = Field(min_length=1, description="http(s) URL to request")
    method: Method = Field(default="GET", description="HTTP method")
    headers: dict[str, str] | None = Field(default=None, description="request headers")
    query: dict[str, QueryValue] | None = Field(
        default=None, description="query parameters added to the URL"
    )
    body: str | None = Field(default=None, description="raw request body (text)")
    json_body: Any = Field(default=None, alias="json", description="JSON request body")
    form: dict[str, str] | None = Field(default=None, description="form-encoded body")
    auth: AuthParams | None = Field(default=None, description="basic or bearer auth")
    timeout_seconds: float | None = Field(
        default=None, gt=0, le=600, description="per-attempt timeout"
    )
    max_bytes: int | None = Field(
        default=None, gt=0, description="read at most this many response bytes"
    )
    retries: int = Field(default=2, ge=0, le=10, description="retries on 429/5xx/unreachable")
    retry_delay: float = Field(default=0.5, ge=0, le=60, description="first retry wait, seconds")
    follow_redirects: bool = Field(default=True, description="follow (checked) redirects")
    response_type: Literal["auto", "text", "json", "base64"] = Field(
        default="auto", description="auto: JSON when the server says so, else text"
    )


def response_body(
    response: HttpResponse, kind: str, secrets: list[str | None]
) -> tuple[Any, str | None]:
    """``(body, parse_error)``: parsed JSON, text or base64 per ``kind``, secrets scrubbed."""
    if kind == "base64":
        return base64.b64encode(response.content).decode("ascii"), None
    text = redact_text(response.text, secrets)
    wants_json = kind == "json" or (kind == "auto" and response.is_json)
    if wants_json and response.content:
        try:
            return redact_value(response.json(), secrets), None
        except ValueError as exc:
            if kind == "json":
                return text, f"response is not valid JSON: {exc}"
    return text, None


class HttpRequester(BaseTool[HttpRequesterParams]):
    tool_name = "http-requester"
    description = (
        "Make an HTTP request (any method) with headers, query, a text/JSON/form body and "
        "basic or bearer auth; retries 429/5xx, follows checked redirects, caps the size."
    )
    tool_category = "api"
    tags = ("http", "api", "network", "rest")
    params_model = HttpRequesterParams
    settings_model = NetworkSettings
    security_level = SecurityLevel.RESTRICTED
    timeout_seconds = 120.0
    examples: ClassVar[tuple[dict[str, Any], ...]] = (
        example("GET a JSON API", url="http://example.com/api/data"),
        example(
            "POST JSON with a bearer token",
            url="http://example.com/echo",
            method="POST",
            json={"name": "spell"},
            auth={"type": "bearer", "token": "secret-token"},
        ),
    )

    async def run(self, params: HttpRequesterParams, call: Invocation) -> ToolOutput:
        call.operation = params.method
        bodies = [
            name
            for name, value in (
                ("body", params.body),
                ("json", params.json_body),
                ("form", params.form),
            )
            if value is not None
        ]
        if len(bodies) > 1:
            raise ValidationError(
                f"http-requester: give only one of body, json, form (got {', '.join(bodies)})",
                details={"field": bodies[1], "rule": "one_body"},
            )
        applied = apply_auth(self.name, params.headers, params.auth)
        headers, basic, secrets = applied.headers, applied.basic, applied.secrets
        async with SafeHttpClient.for_call(call) as http:
            retried = await request_with_retries(
                http,
                call,
                params.method,
                params.url,
                retries=params.retries,
                base_delay=params.retry_delay,
                params=params.query,
                headers=headers,
                content=params.body,
                json=params.json_body,
                data=params.form,
                auth=basic,
                follow_redirects=params.follow_redirects,
                max_bytes=params.max_bytes,
                request_timeout=params.timeout_seconds,
            )
        response = retried.response
        body, parse_error = response_body(response, params.response_type, secrets)
        call.truncated = call.truncated or response.truncated
        result: dict[str, Any] = {
            "status_code": response.status_code,
            "status": response.status_code,
            "reason": response.reason,
            "ok": 200 <= response.status_code < 400,
            "url": redact_url(response.url),
            "method": response.method,
            "headers": redact_headers(response.headers),
            "content_type": response.content_type or None,
            "body": body,
            "size": len(response.content),
            "truncated": response.truncated,
            "redirects": [redact_url(u) for u in response.redirects],
            "attempts": retried.attempts,
            "elapsed_ms": response.elapsed_ms,
        }
        call.metadata.update(
            status_code=response.status_code,
            attempts=retried.attempts,
            url=redact_url(response.url),
        )
        summary = (
            f"{response.method} {redact_url(response.url)} -> {response.status_code} "
            f"{response.reason} ({len(response.content)} bytes"
            f"{', truncated' if response.truncated else ''})"
        )
        if parse_error is not None:
            return call.fail(f"http-requester: {parse_error}", "INVALID_JSON", result)
        if not result["ok"]:
            return call.fail(
                f"HTTP {response.status_code} {response.reason} from {redact_url(response.url)}",
                f"HTTP_{response.status_code}",
                result,
            )
        text = summary if params.response_type == "base64" else redact_text(response.text, secrets)
        return call.ok(text or summary, result)
