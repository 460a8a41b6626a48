"""Conversation messages and tool calls, in a provider-neutral shape.

Providers translate these to and from their wire formats; agents and scripts only ever see
this shape, so switching providers never changes a spell.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from llmspell_core.media import MediaContent

__all__ = ["Message", "Role", "ToolCall"]


class Role(StrEnum):
    SYSTEM = "system"
    USER = "user"
    ASSISTANT = "assistant"
    TOOL = "tool"


class ToolCall(BaseModel):
    """A model's request to run one tool with JSON arguments."""

    id: str
    name: str
    arguments: dict[str, Any] = Field(default_factory=dict[str, Any])


class Message(BaseModel):
    """One turn of a conversation."""

    role: Role
    content: str = ""
    media: list[MediaContent] = Field(default_factory=list[MediaContent])
    tool_calls: list[ToolCall] = Field(default_factory=list[ToolCall])
    #: For ``role=tool``: which call this message answers.
    tool_call_id: str | None = None
    #: For ``role=tool``: the tool's name (some providers want it).
    name: str | None = None

    @classmethod
    def system(cls, content: str) -> Message:
        return cls(role=Role.SYSTEM, content=content)

    @classmethod
    def user(cls, content: str, media: list[MediaContent] | None = None) -> Message:
        return cls(role=Role.USER, content=content, media=media or [])

    @classmethod
    def assistant(cls, content: str, tool_calls: list[ToolCall] | None = None) -> Message:
        return cls(role=Role.ASSISTANT, content=content, tool_calls=tool_calls or [])

    @classmethod
    def tool(cls, tool_call_id: str, name: str, content: str) -> Message:
        return cls(role=Role.TOOL, content=content, tool_call_id=tool_call_id, name=name)
