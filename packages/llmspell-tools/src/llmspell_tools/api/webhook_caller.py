"""webhook-caller: POST a JSON payload to a webhook, signed with HMAC-SHA256, with retries.

The signature is ``sha256=<hex HMAC of the exact body bytes>`` in ``X-Signature-256`` (the
GitHub convention; the header name is configurable). Each delivery has an id
(``X-Webhook-Id``) that stays the same across retries, so receivers can drop duplicates.
The signing secret comes from ``[tools.webhook_caller] secret``, ``LLMSPELL_WEBHOOK_SECRET``
or the call itself, and never appears in the result.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any, ClassVar

from pydantic import Field

from llmspell_core.tool_types import SecurityLevel, ToolOutput
from llmspell_tools.framework import BaseTool, Invocation, ToolParams, example
from llmspell_tools.network import (
    NetworkSettings,
    SafeHttpClient,
    redact_text,
    redact_url,
    request_with_retries,
    sensitive_values,
    setting_or_env,
)
from llmspell_utils import uuid7

__all__ = ["WebhookCaller", "WebhookCallerParams", "WebhookCallerSettings", "sign_body"]


def sign_body(secret: str, body: bytes) -> str:
    """``sha256=<hex>``: the HMAC-SHA256 of ``body`` under ``secret``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class WebhookCallerSettings(NetworkSettings):
    secret: str | None = None
    signature_header: str | None = None


class WebhookCallerParams(ToolParams):
    url: str = Field(min_length=1, description="webhook URL")
    payload: Any = Field(default=None, description="JSON payload to send")
    event: str | None = Field(default=None, description="event name (X-Webhook-Event header)")
    headers: dict[str, str] | None = Field(default=None, description="extra headers")
    secret: str | None = Field(
        default=None, description="HMAC secret (default: config or LLMSPELL_WEBHOOK_SECRET)"
    )
    sign: bool = Field(default=True, description="sign the body when a secret is known")
    signature_header: str | None = Field(
        default=None, description="header for the signature (default X-Signature-256)"
    )
    retries: int = Field(default=3, ge=0, le=10, description="retries on 429/5xx/unreachable")
    retry_delay: float = Field(default=0.5, ge=0, le=60, description="first retry wait, seconds")
    timeout_seconds: float | None = Field(default=None, gt=0, le=600)


class WebhookCaller(BaseTool[WebhookCallerParams]):
    tool_name = "webhook-caller"
    description = (
        "POST a JSON payload to a webhook URL, signed with HMAC-SHA256 (X-Signature-256), "
        "with a stable delivery id and retries on 429/5xx."
    )
    tool_category = "api"
    tags = ("webhook", "http", "hmac", "notify")
    params_model = WebhookCallerParams
    settings_model = WebhookCallerSettings
    security_level = SecurityLevel.RESTRICTED
    timeout_seconds = 120.0
    examples: ClassVar[tuple[dict[str, Any], ...]] = (
        example(
            "Deliver an event (unsigned unless a secret is configured)",
            url="http://example.com/echo",
            payload={"event": "spell.finished", "ok": True},
            event="spell.finished",
        ),
    )

    async def run(self, params: WebhookCallerParams, call: Invocation) -> ToolOutput:
        call.operation = "deliver"
        settings = call.settings
        assert isinstance(settings, WebhookCallerSettings)
        secret = params.secret or setting_or_env(call, "secret", "LLMSPELL_WEBHOOK_SECRET")
        header = params.signature_header or settings.signature_header or "X-Signature-256"
        body = json.dumps(params.payload, separators=(",", ":"), ensure_ascii=False).encode()
        delivery = str(uuid7())
        headers = {
            **(params.headers or {}),
            "Content-Type": "application/json",
            "X-Webhook-Id": delivery,
            "X-Webhook-Timestamp": str(int(time.time())),
        }
        if params.event:
            headers["X-Webhook-Event"] = params.event
        signed = bool(params.sign and secret)
        if signed and secret:
            headers[header] = sign_body(secret, body)
        secrets = sensitive_values(headers, secret)
        async with SafeHttpClient.for_call(call) as http:
            retried = await request_with_retries(
                http,
                call,
                "POST",
                params.url,
                retries=params.retries,
                base_delay=params.retry_delay,
                headers=headers,
                content=body,
                follow_redirects=False,
                request_timeout=params.timeout_seconds,
            )
        response = retried.response
        delivered = 200 <= response.status_code < 300
        result: dict[str, Any] = {
            "delivered": delivered,
            "status_code": response.status_code,
            "attempts": retried.attempts,
            "delivery_id": delivery,
            "signed": signed,
            "signature_header": header if signed else None,
            "url": redact_url(params.url),
            "payload_bytes": len(body),
            "response_body": call.limit_text(redact_text(response.text, secrets), 64_000),
        }
        call.metadata.update(status_code=response.status_code, attempts=retried.attempts)
        if not delivered:
            return call.fail(
                f"webhook to {redact_url(params.url)} not delivered: HTTP "
                f"{response.status_code} after {retried.attempts} attempt(s)",
                f"HTTP_{response.status_code}",
                result,
            )
        return call.ok(
            f"delivered {len(body)} bytes to {redact_url(params.url)} "
            f"(HTTP {response.status_code}, {retried.attempts} attempt(s), "
            f"{'signed' if signed else 'unsigned'})",
            result,
        )
