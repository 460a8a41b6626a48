"""llmspell messages to and from the OpenAI chat-completions wire format.

Pure functions (no SDK import), so the translation is testable on its own and shared by every
OpenAI-compatible server: OpenAI itself, Ollama, vLLM, llama.cpp, LM Studio, Groq, ...
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from llmspell_core.errors import ValidationError
from llmspell_core.media import MediaContent
from llmspell_core.messages import Message, Role, ToolCall
from llmspell_core.provider import CompletionChunk, CompletionRequest, CompletionResponse
from llmspell_core.tool_types import ToolSpec
from llmspell_core.usage import Usage
from llmspell_providers.wire import tokens
from llmspell_utils.trusted_models import trusted_builder

__all__ = [
    "OpenAIStreamState",
    "parse_tool_arguments",
    "request_params",
    "response_of",
    "to_openai_messages",
    "to_openai_tools",
]

#: Models that take ``max_completion_tokens`` and refuse ``max_tokens``.
_COMPLETION_TOKEN_MODELS = re.compile(r"^(o\d|gpt-5)")
_SCHEMA_NAME = re.compile(r"[^a-zA-Z0-9_-]")

#: Roles read once: looking a member up on the enum class costs more than comparing it.
_TOOL, _ASSISTANT, _USER = Role.TOOL, Role.ASSISTANT, Role.USER

_response = trusted_builder(CompletionResponse)
_message = trusted_builder(Message)
_usage = trusted_builder(Usage)


def parse_tool_arguments(raw: str | None) -> dict[str, Any]:
    """Tool-call arguments as a dict; text that is not a JSON object is kept under ``_raw``."""
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        return {"_raw": raw}
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items()}  # pyright: ignore[reportUnknownVariableType, reportUnknownArgumentType]
    return {"_raw": raw}


def _media_part(media: MediaContent, provider: str) -> dict[str, Any]:
    if media.kind == "image":
        return {
            "type": "image_url",
            "image_url": {"url": f"data:{media.mime_type};base64,{media.base64}"},
        }
    if media.kind == "audio" and media.format in ("wav", "mp3"):
        return {
            "type": "input_audio",
            "input_audio": {"data": media.base64, "format": media.format},
        }
    raise ValidationError(
        f"provider '{provider}' cannot take {media.kind} input in {media.format} format; "
        f"send images (png, jpeg, gif, webp) or wav/mp3 audio",
        details={"field": "media"},
    )


def to_openai_messages(messages: list[Message], provider: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for message in messages:
        role = message.role
        if role == _TOOL:
            out.append(
                {
                    "role": "tool",
                    "tool_call_id": message.tool_call_id or "",
                    "content": message.content,
                }
            )
        elif role == _ASSISTANT:
            item: dict[str, Any] = {"role": "assistant", "content": message.content or None}
            if message.tool_calls:
                item["tool_calls"] = [
                    {
                        "id": call.id,
                        "type": "function",
                        "function": {"name": call.name, "arguments": json.dumps(call.arguments)},
                    }
                    for call in message.tool_calls
                ]
            out.append(item)
        elif role == _USER and message.media:
            parts: list[dict[str, Any]] = []
            if message.content:
                parts.append({"type": "text", "text": message.content})
            parts.extend(_media_part(m, provider) for m in message.media)
            out.append({"role": "user", "content": parts})
        else:
            out.append({"role": str(role), "content": message.content})
    return out


def to_openai_tools(tools: list[ToolSpec]) -> list[dict[str, Any]]:
    return [
        {
            "type": "function",
            "function": {
                "name": tool.name,
                "description": tool.description,
                "parameters": tool.parameters,
            },
        }
        for tool in tools
    ]


def _schema_name(schema: dict[str, Any]) -> str:
    title = schema.get("title")
    name = _SCHEMA_NAME.sub("_", title) if isinstance(title, str) and title else "response"
    return name[:64]


def request_params(request: CompletionRequest, provider: str) -> dict[str, Any]:
    """Keyword arguments for ``client.chat.completions.create``."""
    params: dict[str, Any] = {
        "model": request.model,
        "messages": to_openai_messages(request.messages, provider),
    }
    if request.tools:
        params["tools"] = to_openai_tools(request.tools)
        if request.tool_choice:
            params["tool_choice"] = request.tool_choice
    if request.temperature is not None:
        params["temperature"] = request.temperature
    if request.max_tokens is not None:
        key = (
            "max_completion_tokens"
            if _COMPLETION_TOKEN_MODELS.match(request.model)
            else "max_tokens"
        )
        params[key] = request.max_tokens
    if request.response_format is not None:
        params["response_format"] = {
            "type": "json_schema",
            "json_schema": {
                "name": _schema_name(request.response_format),
                "schema": request.response_format,
                "strict": False,
            },
        }
    return params


def usage_of(raw: Any) -> Usage:
    return Usage(
        input_tokens=tokens(raw, "prompt_tokens"), output_tokens=tokens(raw, "completion_tokens")
    )


def _tool_calls(raw_calls: Any) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []
    items: list[Any] = raw_calls if type(raw_calls) is list else []  # pyright: ignore[reportUnknownVariableType]
    for item in items:
        call: dict[str, Any] = item if type(item) is dict else {}  # pyright: ignore[reportUnknownVariableType]
        function: Any = call.get("function")
        if type(function) is dict:
            named: dict[str, Any] = function  # pyright: ignore[reportUnknownVariableType]
            calls.append(
                {
                    "id": call.get("id"),
                    "name": named.get("name"),
                    "arguments": parse_tool_arguments(named.get("arguments")),
                }
            )
    return calls


def response_of(body: Any, model: str) -> CompletionResponse | None:
    """The llmspell response for a chat-completions JSON body; None when ``body`` is not one.

    This runs on every agent call: a plain text reply (the usual one) is built from the JSON
    values, once their types are checked, without validating them again; anything else (tool
    calls, odd values) goes through validation.
    """
    if type(body) is not dict:
        return None
    document: dict[str, Any] = body  # pyright: ignore[reportUnknownVariableType]
    choices: Any = document.get("choices")
    if type(choices) is not list or not choices:
        return None
    listed: list[Any] = choices  # pyright: ignore[reportUnknownVariableType]
    choice: Any = listed[0]
    if type(choice) is not dict:
        return None
    first: dict[str, Any] = choice  # pyright: ignore[reportUnknownVariableType]
    found: Any = first.get("message")
    if type(found) is not dict:
        return None
    message: dict[str, Any] = found  # pyright: ignore[reportUnknownVariableType]
    raw_calls: Any = message.get("tool_calls")
    content: Any = message.get("content") or ""
    finish_reason: Any = first.get("finish_reason")
    counts: Any = document.get("usage")
    usage: dict[str, Any] = counts if type(counts) is dict else {}  # pyright: ignore[reportUnknownVariableType]
    input_tokens = int(usage.get("prompt_tokens") or 0)
    output_tokens = int(usage.get("completion_tokens") or 0)
    replied_model: Any = document.get("model") or model
    if (
        raw_calls
        or type(content) is not str
        or type(replied_model) is not str
        or (finish_reason is not None and type(finish_reason) is not str)
    ):
        return CompletionResponse.model_validate(
            {
                "message": {
                    "role": "assistant",
                    "content": content,
                    "media": [],
                    "tool_calls": _tool_calls(raw_calls),
                },
                "usage": {"input_tokens": input_tokens, "output_tokens": output_tokens},
                "model": str(replied_model),
                "finish_reason": finish_reason,
            }
        )
    return _response(
        {
            "message": _message(
                {
                    "role": _ASSISTANT,
                    "content": content,
                    "media": [],
                    "tool_calls": [],
                    "tool_call_id": None,
                    "name": None,
                }
            ),
            "usage": _usage({"input_tokens": input_tokens, "output_tokens": output_tokens}),
            "model": replied_model,
            "finish_reason": finish_reason,
        }
    )


@dataclass
class _ToolBuffer:
    id: str = ""
    name: str = ""
    arguments: list[str] = field(default_factory=list[str])


@dataclass
class OpenAIStreamState:
    """Assembles ``chat.completion.chunk`` events into llmspell chunks."""

    events: int = 0
    finish_reason: str | None = None
    usage: Usage | None = None
    tools: dict[int, _ToolBuffer] = field(default_factory=dict[int, _ToolBuffer])

    def feed(self, event: Any) -> CompletionChunk | None:
        """A text chunk for this event, if it carries text."""
        self.events += 1
        if getattr(event, "usage", None) is not None:
            self.usage = usage_of(event.usage)
        choices: list[Any] = list(getattr(event, "choices", None) or [])
        text = ""
        for choice in choices:
            if getattr(choice, "index", 0) != 0:
                continue
            delta = choice.delta
            if delta is not None:
                text += delta.content or ""
                deltas: list[Any] = list(delta.tool_calls or [])
                for call in deltas:
                    buffer = self.tools.setdefault(int(call.index or 0), _ToolBuffer())
                    if call.id:
                        buffer.id = call.id
                    function = call.function
                    if function is not None:
                        if function.name:
                            buffer.name += function.name
                        if function.arguments:
                            buffer.arguments.append(function.arguments)
            if choice.finish_reason:
                self.finish_reason = choice.finish_reason
        return CompletionChunk(text=text) if text else None

    @property
    def finished(self) -> bool:
        return self.finish_reason is not None

    def final(self) -> CompletionChunk:
        calls = [
            ToolCall(
                id=buffer.id or f"call_{index}",
                name=buffer.name,
                arguments=parse_tool_arguments("".join(buffer.arguments)),
            )
            for index, buffer in sorted(self.tools.items())
        ]
        return CompletionChunk(
            tool_calls=calls,
            usage=self.usage or Usage(),
            finish_reason=self.finish_reason,
            done=True,
        )
