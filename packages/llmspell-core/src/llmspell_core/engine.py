"""The ScriptEngine bridge every language engine implements (architecture §3, §4)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar

from pydantic import BaseModel, Field

from llmspell_core.script_api import ScriptApi

__all__ = ["EngineCapabilities", "EngineLimits", "ScriptArgs", "ScriptEngine"]


class EngineCapabilities(BaseModel):
    async_calls: bool = True
    streaming: bool = True
    modules: bool = False
    memory_limit: bool = True
    timeout: bool = True


class EngineLimits(BaseModel):
    timeout_seconds: float | None = 300.0
    max_memory_mb: int | None = 256
    max_recursion_depth: int | None = 200


class ScriptArgs(BaseModel):
    """``ARGS``: index 0 is the script name, then positionals; ``named`` are ``--k v`` pairs."""

    script: str = ""
    positional: list[str] = Field(default_factory=list[str])
    named: dict[str, Any] = Field(default_factory=dict[str, Any])


class ScriptEngine(ABC):
    """Runs scripts of one language on the calling thread. Not thread-safe by design."""

    name: ClassVar[str]
    file_extensions: ClassVar[tuple[str, ...]] = ()

    def __init__(self, limits: EngineLimits | None = None) -> None:
        self.limits = limits or EngineLimits()

    @property
    def capabilities(self) -> EngineCapabilities:
        return EngineCapabilities()

    @abstractmethod
    def inject(self, api: ScriptApi) -> None:
        """Install the globals; called once before ``execute``."""

    @abstractmethod
    def execute(self, source: str, chunk_name: str, args: ScriptArgs) -> Any:
        """Run ``source``; return its JSON-like result. Raise ScriptError with file:line."""

    @abstractmethod
    def close(self) -> None:
        """Free the interpreter."""
