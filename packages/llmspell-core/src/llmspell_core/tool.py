"""The Tool interface: one named capability with a JSON-Schema'd parameter object."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from llmspell_core.context import ExecutionContext
from llmspell_core.metadata import ComponentMetadata
from llmspell_core.tool_types import SecurityLevel, ToolOutput, ToolSpec

__all__ = ["Tool", "ToolPack"]


class Tool(ABC):
    """A tool. Implementations validate ``params`` against ``spec.parameters``."""

    security_level: ClassVar[SecurityLevel] = SecurityLevel.SAFE
    #: Seconds one call may take before it is cancelled.
    timeout_seconds: ClassVar[float] = 30.0

    @property
    @abstractmethod
    def spec(self) -> ToolSpec: ...

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def category(self) -> str:
        return self.spec.category

    @property
    def metadata(self) -> ComponentMetadata:
        spec = self.spec
        return ComponentMetadata(
            id=spec.name, name=spec.name, version=spec.version, description=spec.description
        )

    @abstractmethod
    async def execute(self, params: dict[str, Any], ctx: ExecutionContext) -> ToolOutput:
        """Run the tool. Raise ValidationError / SecurityError / ToolError on failure."""


#: An ``llmspell.tools`` entry point names a callable returning the tools of one pack.
ToolPack = Callable[[], Iterable[Tool]]
