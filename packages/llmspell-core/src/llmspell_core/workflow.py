"""The workflow interface. Step shapes are owned by each workflow kind."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import BaseModel, Field

from llmspell_core.context import ExecutionContext
from llmspell_core.metadata import ComponentMetadata

if TYPE_CHECKING:
    from llmspell_core.services import Services

__all__ = ["Workflow", "WorkflowEvent", "WorkflowFactory", "WorkflowResult"]


class WorkflowResult(BaseModel):
    """spell-api §5: ``{success, text, result={steps, final}, metadata}``."""

    success: bool = True
    text: str = ""
    result: dict[str, Any] = Field(default_factory=dict[str, Any])
    metadata: dict[str, Any] = Field(default_factory=dict[str, Any])
    error: dict[str, Any] | None = None


class WorkflowEvent(BaseModel):
    """Progress while a workflow runs: ``step_started``, ``step_finished``, ``chunk``, ..."""

    type: str
    step: str | None = None
    data: Any = None


class Workflow(ABC):
    @property
    @abstractmethod
    def metadata(self) -> ComponentMetadata: ...

    @property
    @abstractmethod
    def kind(self) -> str: ...

    @abstractmethod
    async def execute(self, input: Mapping[str, Any], ctx: ExecutionContext) -> WorkflowResult: ...

    def validate(self) -> list[str]:
        """Problems that would stop the workflow from running; empty when valid."""
        return []

    async def stream(
        self, input: Mapping[str, Any], ctx: ExecutionContext
    ) -> AsyncIterator[WorkflowEvent]:
        result = await self.execute(input, ctx)
        yield WorkflowEvent(type="completed", data=result.model_dump())


class WorkflowFactory(Protocol):
    """What an ``llmspell.workflows`` entry point names: builds a workflow from a spec mapping.

    Script function steps arrive as Python callables already (the bridge wraps them).
    """

    def __call__(self, spec: Mapping[str, Any], services: Services) -> Workflow: ...
