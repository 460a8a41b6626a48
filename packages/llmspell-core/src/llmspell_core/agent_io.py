"""What goes into an agent and what comes out, whole or streamed."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from llmspell_core.media import MediaContent
from llmspell_core.messages import ToolCall
from llmspell_core.usage import Usage

__all__ = ["AgentChunk", "AgentInput", "AgentOutput", "ErrorInfo"]


class ErrorInfo(BaseModel):
    """A soft failure as scripts see it: ``error={message, code}``."""

    message: str
    code: str


class AgentInput(BaseModel):
    text: str
    media: list[MediaContent] = Field(default_factory=list[MediaContent])
    #: JSON Schema for structured output, overriding the agent's own for this call.
    response_format: dict[str, Any] | None = None
    parameters: dict[str, Any] = Field(default_factory=dict[str, Any])


class AgentOutput(BaseModel):
    success: bool = True
    text: str = ""
    #: The decoded reply when it is JSON (structured output).
    data: Any = None
    tool_calls: list[ToolCall] = Field(default_factory=list[ToolCall])
    usage: Usage = Field(default_factory=Usage)
    metadata: dict[str, Any] = Field(default_factory=dict[str, Any])
    error: ErrorInfo | None = None


class AgentChunk(BaseModel):
    """One streamed piece: a text delta, or a tool event, with the final one marked ``done``."""

    text: str = ""
    index: int = 0
    done: bool = False
    usage: Usage | None = None
    #: ``{"type": "tool_call"|"tool_result", "name": ..., ...}`` when the chunk is a tool event.
    event: dict[str, Any] | None = None
