"""Tool descriptions and results.

A ToolSpec's ``parameters`` is a JSON Schema; the same schema validates script calls and is
offered to LLMs for function calling, so both see one truth.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from llmspell_core.agent_io import ErrorInfo

__all__ = ["SecurityLevel", "ToolOutput", "ToolSpec"]


class SecurityLevel(StrEnum):
    #: Pure computation.
    SAFE = "safe"
    #: Files inside allowed roots, network to allowed hosts.
    RESTRICTED = "restricted"
    #: Processes, environment writes, sending messages.
    PRIVILEGED = "privileged"


class ToolSpec(BaseModel):
    name: str
    description: str
    parameters: dict[str, Any] = Field(default_factory=lambda: {"type": "object", "properties": {}})
    category: str = "utility"
    version: str = "0.1.0"
    tags: list[str] = Field(default_factory=list[str])
    examples: list[dict[str, Any]] = Field(default_factory=list[dict[str, Any]])


class ToolOutput(BaseModel):
    """A tool result per spell-api §4."""

    success: bool = True
    text: str = ""
    result: Any = None
    metadata: dict[str, Any] = Field(default_factory=dict[str, Any])
    error: ErrorInfo | None = None

    def to_script(self) -> dict[str, Any]:
        """The JSON-like table a script receives."""
        out: dict[str, Any] = {
            "success": self.success,
            "text": self.text,
            "result": self.result,
            "metadata": self.metadata,
        }
        if self.error is not None:
            out["error"] = self.error.model_dump()
        return out
