"""The agent interface and the configuration an agent kind is built from."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import BaseModel, ConfigDict, Field

from llmspell_core.agent_io import AgentChunk, AgentInput, AgentOutput
from llmspell_core.context import ExecutionContext
from llmspell_core.metadata import ComponentMetadata

if TYPE_CHECKING:
    from llmspell_core.services import Services

__all__ = ["AgentConfig", "AgentFactory", "BaseAgent"]


class AgentConfig(BaseModel):
    """Everything ``Agent.builder()`` / ``Agent.create{}`` can set (spell-api §2)."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    description: str = ""
    type: str = "llm"
    #: ``provider/model``, ``provider/model@base_url`` or a bare model (default provider).
    model: str | None = None
    provider: str | None = None
    system_prompt: str | None = None
    temperature: float | None = Field(default=None, ge=0, le=2)
    max_tokens: int | None = Field(default=None, gt=0)
    max_conversation_length: int = Field(default=100, gt=0)
    base_url: str | None = None
    api_key: str | None = Field(default=None, repr=False)
    allowed_tools: list[str] = Field(default_factory=list[str])
    max_execution_time: float | None = Field(default=None, gt=0)
    max_tool_calls: int = Field(default=10, ge=0)
    max_recursion_depth: int = Field(default=5, ge=0)
    response_format: dict[str, Any] | None = None
    custom_config: dict[str, Any] = Field(default_factory=dict[str, Any])
    resource_limits: dict[str, Any] = Field(default_factory=dict[str, Any])


class BaseAgent(ABC):
    supports_streaming: bool = False
    supports_multimodal: bool = False

    @property
    @abstractmethod
    def metadata(self) -> ComponentMetadata: ...

    @abstractmethod
    async def execute(self, input: AgentInput, ctx: ExecutionContext) -> AgentOutput: ...

    def stream(self, input: AgentInput, ctx: ExecutionContext) -> AsyncIterator[AgentChunk]:
        """Stream the reply; agents without native streaming yield it as one chunk."""
        return _single_chunk(self, input, ctx)


async def _single_chunk(
    agent: BaseAgent, input: AgentInput, ctx: ExecutionContext
) -> AsyncIterator[AgentChunk]:
    output = await agent.execute(input, ctx)
    yield AgentChunk(text=output.text, index=0, done=True, usage=output.usage)


class AgentFactory(Protocol):
    """What an ``llmspell.agents`` entry point names: builds an agent of that kind."""

    def __call__(self, config: AgentConfig, services: Services) -> BaseAgent: ...
