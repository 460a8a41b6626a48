"""slack-integration: post messages and list channels through Slack's Web API or a webhook.

A bot token (``[tools.slack_integration] bot_token`` or ``SLACK_BOT_TOKEN``) drives
``chat.postMessage`` and ``conversations.list``; an incoming-webhook URL (``webhook_url`` or
``SLACK_WEBHOOK_URL``) posts without one. ``api_base_url`` can point at a local test server.
Slack reports failures as ``{"ok": false, "error": ...}`` with HTTP 200; those become soft
failures naming Slack's error code. Sending messages is privileged.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal, cast

from pydantic import Field

from llmspell_core.errors import ConfigError, ToolError, ValidationError
from llmspell_core.tool_types import SecurityLevel, ToolOutput
from llmspell_tools.framework import BaseTool, Invocation, ToolParams, example, section_key
from llmspell_tools.network import (
    HttpResponse,
    NetworkSettings,
    SafeHttpClient,
    given,
    json_answer,
    redact_text,
    setting_or_env,
)

__all__ = ["SlackIntegration", "SlackIntegrationParams", "SlackSettings"]

DEFAULT_API = "https://slack.com/api"


class SlackSettings(NetworkSettings):
    bot_token: str | None = None
    webhook_url: str | None = None
    api_base_url: str | None = None
    default_channel: str | None = None


def _topic(topic: Any) -> Any:
    return cast("dict[str, Any]", topic).get("value") if isinstance(topic, dict) else None


class SlackIntegrationParams(ToolParams):
    operation: Literal["send_message", "send_webhook", "list_channels"] = Field(
        default="send_message", description="send_message (bot token), send_webhook, list_channels"
    )
    channel: str | None = Field(default=None, description="channel id or #name to post in")
    text: str | None = Field(default=None, description="message text (mrkdwn)")
    blocks: list[dict[str, Any]] | None = Field(default=None, description="Block Kit blocks")
    thread_ts: str | None = Field(default=None, description="reply in this thread")
    webhook_url: str | None = Field(
        default=None, description="send_webhook: incoming webhook URL (default: config/env)"
    )
    limit: int = Field(default=100, ge=1, le=1000, description="list_channels: at most this many")
    types: str = Field(
        default="public_channel", description="list_channels: public_channel,private_channel,..."
    )
    exclude_archived: bool = Field(default=True, description="list_channels: skip archived")


class SlackIntegration(BaseTool[SlackIntegrationParams]):
    tool_name = "slack-integration"
    description = (
        "Post a Slack message (bot token or incoming webhook, text or Block Kit, threads) or "
        "list channels; tokens come from config or SLACK_BOT_TOKEN / SLACK_WEBHOOK_URL."
    )
    tool_category = "communication"
    tags = ("slack", "chat", "message", "notify")
    params_model = SlackIntegrationParams
    settings_model = SlackSettings
    security_level = SecurityLevel.RESTRICTED
    privileged_operations = frozenset({"send_message", "send_webhook"})
    timeout_seconds = 60.0
    examples: ClassVar[tuple[dict[str, Any], ...]] = (
        example("List channels", operation="list_channels", limit=10),
        example("Post a message", operation="send_message", channel="C001", text="Spell done"),
    )

    async def run(self, params: SlackIntegrationParams, call: Invocation) -> ToolOutput:
        settings = call.settings
        assert isinstance(settings, SlackSettings)
        if params.operation == "send_webhook":
            return await self._webhook(params, call, settings)
        token = setting_or_env(call, "bot_token", "SLACK_BOT_TOKEN")
        if not token:
            raise ConfigError(
                f"slack-integration: {params.operation} needs a bot token; set "
                f"{section_key(self.name)} bot_token or SLACK_BOT_TOKEN (or use "
                "operation='send_webhook' with an incoming webhook URL)",
                details={"config_key": f"{section_key(self.name)} bot_token"},
            )
        api = (settings.api_base_url or DEFAULT_API).rstrip("/")
        headers = {"Authorization": f"Bearer {token}"}
        async with SafeHttpClient.for_call(call, headers=headers) as http:
            if params.operation == "list_channels":
                return await self._list(http, api, params, call, token)
            channel = params.channel or settings.default_channel
            if not channel:
                raise ValidationError(
                    "slack-integration: send_message needs 'channel' (or "
                    f"{section_key(self.name)} default_channel)",
                    details={"field": "channel", "rule": "required"},
                )
            response = await http.request(
                "POST",
                f"{api}/chat.postMessage",
                json=self._message(params, channel=channel),
                headers={"Content-Type": "application/json; charset=utf-8"},
            )
            body = self._slack_json(response, token)
        if not body.get("ok"):
            return self._slack_error(call, body, token)
        result = {"channel": body.get("channel"), "ts": body.get("ts"), "ok": True}
        return call.ok(f"posted to {body.get('channel')} (ts {body.get('ts')})", result)

    @staticmethod
    def _message(params: SlackIntegrationParams, channel: str | None = None) -> dict[str, Any]:
        """The JSON body of a message (chat.postMessage and incoming webhooks take the same)."""
        if params.text is None and params.blocks is None:
            raise ValidationError(
                f"slack-integration: {params.operation} needs 'text' or 'blocks'",
                details={"field": "text", "rule": "required"},
            )
        return given(
            channel=channel, text=params.text, blocks=params.blocks, thread_ts=params.thread_ts
        )

    async def _list(
        self,
        http: SafeHttpClient,
        api: str,
        params: SlackIntegrationParams,
        call: Invocation,
        token: str,
    ) -> ToolOutput:
        channels: list[dict[str, Any]] = []
        cursor = ""
        while len(channels) < params.limit:
            call.check()
            query: dict[str, Any] = {
                "limit": min(200, params.limit - len(channels)),
                "types": params.types,
                "exclude_archived": str(params.exclude_archived).lower(),
            }
            if cursor:
                query["cursor"] = cursor
            body = self._slack_json(
                await http.request("GET", f"{api}/conversations.list", params=query), token
            )
            if not body.get("ok"):
                return self._slack_error(call, body, token)
            page: Any = body.get("channels") or []
            for item in cast("list[Any]", page):
                if isinstance(item, dict):
                    entry = cast("dict[str, Any]", item)
                    channels.append(
                        {
                            "id": entry.get("id"),
                            "name": entry.get("name"),
                            "is_private": entry.get("is_private"),
                            "num_members": entry.get("num_members"),
                            "topic": _topic(entry.get("topic")),
                        }
                    )
            meta: Any = body.get("response_metadata")
            cursor = (
                str(cast("dict[str, Any]", meta).get("next_cursor") or "")
                if isinstance(meta, dict)
                else ""
            )
            if not cursor:
                break
        channels = channels[: params.limit]
        text = "\n".join(f"#{c['name']} ({c['id']})" for c in channels) or "no channels"
        return call.ok(text, {"channels": channels, "count": len(channels)})

    async def _webhook(
        self, params: SlackIntegrationParams, call: Invocation, settings: SlackSettings
    ) -> ToolOutput:
        url = params.webhook_url or setting_or_env(call, "webhook_url", "SLACK_WEBHOOK_URL")
        if not url:
            raise ConfigError(
                "slack-integration: send_webhook needs an incoming webhook URL; pass "
                f"'webhook_url' or set {section_key(self.name)} webhook_url or SLACK_WEBHOOK_URL",
                details={"config_key": f"{section_key(self.name)} webhook_url"},
            )
        payload = self._message(params)
        async with SafeHttpClient.for_call(call) as http:
            response = await http.request("POST", url, json=payload, follow_redirects=False)
        answer = redact_text(response.text[:500], [url])
        result = {"ok": response.status_code == 200, "status_code": response.status_code}
        if response.status_code != 200:
            return call.fail(
                f"slack-integration: the webhook answered HTTP {response.status_code}: {answer}",
                f"HTTP_{response.status_code}",
                result,
            )
        return call.ok("posted through the incoming webhook", result)

    def _slack_json(self, response: HttpResponse, token: str) -> dict[str, Any]:
        body = json_answer(response, tool=self.name, service="Slack", secrets=[token])
        if not isinstance(body, dict):
            raise ToolError("slack-integration: unexpected Slack answer", code="SLACK_ERROR")
        return cast("dict[str, Any]", body)

    @staticmethod
    def _slack_error(call: Invocation, body: dict[str, Any], token: str) -> ToolOutput:
        error = redact_text(str(body.get("error") or "unknown_error"), [token])
        return call.fail(
            f"slack-integration: Slack refused the call: {error}",
            f"SLACK_{error.upper()}",
            {"ok": False, "error": error},
        )
