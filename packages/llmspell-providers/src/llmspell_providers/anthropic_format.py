"""llmspell messages to and from the Anthropic messages wire format.

Anthropic keeps the system prompt out of the message list, answers tool calls in *user* turns
(``tool_result`` blocks) and wants user/assistant turns to alternate; this module bridges those
differences so agents never see them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, cast

from llmspell_core.errors import ValidationError
from llmspell_core.media import MediaContent
from llmspell_core.messages import Message, Role, ToolCall
from llmspell_core.provider import CompletionChunk, CompletionRequest, CompletionResponse
from llmspell_core.tool_types import ToolSpec
from llmspell_core.usage import Usage
from llmspell_providers.wire import tokens

__all__ = [
    "AnthropicStreamState",
    "request_params",
    "response_of",
    "to_anthropic_messages",
    "to_anthropic_tools",
]

DEFAULT_MAX_TOKENS = 4096

_TOOL_CHOICE: dict[str, dict[str, str]] = {
    "auto": {"type": "auto"},
    "none": {"type": "none"},
    "required": {"type": "any"},
}


def _media_block(media: MediaContent, provider: str) -> dict[str, Any]:
    if media.kind == "image":
        return {
            "type": "image",
            "source": {"type": "base64", "media_type": media.mime_type, "data": media.base64},
        }
    if media.kind == "binary" and media.format.lower() == "pdf":
        return {
            "type": "document",
            "source": {"type": "base64", "media_type": "application/pdf", "data": media.base64},
        }
    raise ValidationError(
        f"provider '{provider}' cannot take {media.kind} input in {media.format} format; "
        f"send images (png, jpeg, gif, webp) or a PDF",
        details={"field": "media"},
    )


def _blocks(message: Message, provider: str) -> list[dict[str, Any]]:
    if message.role == Role.TOOL:
        return [
            {
                "type": "tool_result",
                "tool_use_id": message.tool_call_id or "",
                "content": message.content,
            }
        ]
    blocks: list[dict[str, Any]] = []
    if message.content:
        blocks.append({"type": "text", "text": message.content})
    blocks.extend(_media_block(m, provider) for m in message.media)
    blocks.extend(
        {"type": "tool_use", "id": call.id, "name": call.name, "input": call.arguments}
        for call in message.tool_calls
    )
    return blocks


def to_anthropic_messages(
    messages: list[Message], provider: str
) -> tuple[str | None, list[dict[str, Any]]]:
    """``(system, messages)``: system text apart, consecutive same-role turns merged."""
    system = [m.content for m in messages if m.role == Role.SYSTEM and m.content]
    out: list[dict[str, Any]] = []
    for message in messages:
        if message.role == Role.SYSTEM:
            continue
        role = "assistant" if message.role == Role.ASSISTANT else "user"
        blocks = _blocks(message, provider)
        if not blocks:
            continue
        if out and out[-1]["role"] == role:
            out[-1]["content"].extend(blocks)
        else:
            out.append({"role": role, "content": blocks})
    return ("\n\n".join(system) or None), out


def to_anthropic_tools(tools: list[ToolSpec]) -> list[dict[str, Any]]:
    return [
        {"name": tool.name, "description": tool.description, "input_schema": tool.parameters}
        for tool in tools
    ]


def request_params(request: CompletionRequest, provider: str) -> dict[str, Any]:
    """Keyword arguments for ``client.messages.create``."""
    system, messages = to_anthropic_messages(request.messages, provider)
    params: dict[str, Any] = {
        "model": request.model,
        "messages": messages,
        "max_tokens": request.max_tokens or DEFAULT_MAX_TOKENS,
    }
    if system:
        params["system"] = system
    if request.tools:
        params["tools"] = to_anthropic_tools(request.tools)
        if request.tool_choice:
            params["tool_choice"] = _TOOL_CHOICE[request.tool_choice]
    # Sent as extra body fields: SDK releases differ in which of these they accept as
    # keyword arguments (older ones predate output_config, newer ones dropped temperature).
    extra: dict[str, Any] = {}
    if request.temperature is not None:
        extra["temperature"] = min(1.0, request.temperature)
    if request.response_format is not None:
        extra["output_config"] = {
            "format": {"type": "json_schema", "schema": request.response_format}
        }
    if extra:
        params["extra_body"] = extra
    return params


def usage_of(raw: Any) -> Usage:
    return Usage(
        input_tokens=tokens(raw, "input_tokens"), output_tokens=tokens(raw, "output_tokens")
    )


def content_of(blocks: Any) -> tuple[str, list[ToolCall]]:
    """Text and tool calls of a response's content blocks."""
    text: list[str] = []
    calls: list[ToolCall] = []
    items: list[Any] = list(blocks or [])
    for block in items:
        kind = getattr(block, "type", None)
        if kind == "text":
            text.append(str(block.text))
        elif kind == "tool_use":
            arguments: Any = block.input
            calls.append(
                ToolCall(
                    id=str(block.id),
                    name=str(block.name),
                    arguments=cast(dict[str, Any], arguments)
                    if isinstance(arguments, dict)
                    else {"_raw": arguments},  # pyright: ignore[reportUnknownArgumentType]
                )
            )
    return "".join(text), calls


def response_of(raw: Any, model: str) -> CompletionResponse | None:
    """The llmspell response for a ``Message``; None when ``raw`` is not one."""
    if isinstance(raw, (str, bytes)) or not hasattr(raw, "content"):
        return None
    text, calls = content_of(raw.content)
    return CompletionResponse(
        message=Message(role=Role.ASSISTANT, content=text, media=[], tool_calls=calls),
        usage=usage_of(getattr(raw, "usage", None)),
        model=str(getattr(raw, "model", "") or model),
        finish_reason=getattr(raw, "stop_reason", None),
    )


@dataclass
class _ToolBlock:
    id: str
    name: str
    json_parts: list[str] = field(default_factory=list[str])


@dataclass
class AnthropicStreamState:
    """Assembles raw message-stream events into llmspell chunks."""

    events: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    stop_reason: str | None = None
    stopped: bool = False
    blocks: dict[int, _ToolBlock] = field(default_factory=dict[int, _ToolBlock])
    calls: list[ToolCall] = field(default_factory=list[ToolCall])

    def feed(self, event: Any) -> CompletionChunk | None:
        self.events += 1
        kind = getattr(event, "type", None)
        if kind == "message_start":
            usage = getattr(event.message, "usage", None)
            self.input_tokens = tokens(usage, "input_tokens")
            self.output_tokens = tokens(usage, "output_tokens")
        elif kind == "content_block_start":
            block = event.content_block
            if getattr(block, "type", None) == "tool_use":
                self.blocks[int(event.index)] = _ToolBlock(str(block.id), str(block.name))
        elif kind == "content_block_delta":
            delta = event.delta
            delta_type = getattr(delta, "type", None)
            if delta_type == "text_delta" and delta.text:
                return CompletionChunk(text=str(delta.text))
            if delta_type == "input_json_delta":
                tool = self.blocks.get(int(event.index))
                if tool is not None:
                    tool.json_parts.append(str(delta.partial_json or ""))
        elif kind == "content_block_stop":
            tool = self.blocks.pop(int(event.index), None)
            if tool is not None:
                raw = "".join(tool.json_parts)
                try:
                    arguments: Any = json.loads(raw) if raw else {}
                except ValueError:
                    arguments = {"_raw": raw}
                if not isinstance(arguments, dict):
                    arguments = {"_raw": raw}
                self.calls.append(ToolCall(id=tool.id, name=tool.name, arguments=arguments))  # pyright: ignore[reportUnknownArgumentType]
        elif kind == "message_delta":
            self.stop_reason = getattr(event.delta, "stop_reason", None) or self.stop_reason
            usage = getattr(event, "usage", None)
            if usage is not None and getattr(usage, "output_tokens", None) is not None:
                self.output_tokens = int(usage.output_tokens)
        elif kind == "message_stop":
            self.stopped = True
        return None

    @property
    def finished(self) -> bool:
        return self.stopped

    def final(self) -> CompletionChunk:
        return CompletionChunk(
            tool_calls=list(self.calls),
            usage=Usage(input_tokens=self.input_tokens, output_tokens=self.output_tokens),
            finish_reason=self.stop_reason,
            done=True,
        )
