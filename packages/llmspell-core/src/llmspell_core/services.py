"""What a component may ask of the runtime: other components, by name.

Agents need tools and providers, workflows need agents, tools and other workflows, and the
bridge needs all of them — yet none may import another's package. They ask ``Services``,
which resolves names through the entry-point registry.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any

from llmspell_core.agent import AgentConfig, BaseAgent
from llmspell_core.config import LLMSpellConfig
from llmspell_core.provider import Provider
from llmspell_core.state import StateStore
from llmspell_core.tool import Tool
from llmspell_core.workflow import Workflow

__all__ = ["ResolvedModel", "Services"]


class ResolvedModel:
    """A provider instance plus the model name to ask it for."""

    def __init__(self, provider: Provider, model: str) -> None:
        self.provider = provider
        self.model = model

    def __repr__(self) -> str:
        return f"ResolvedModel({self.provider.name!r}, {self.model!r})"


class Services(ABC):
    config: LLMSpellConfig
    state: StateStore

    # tools
    @abstractmethod
    def get_tool(self, name: str) -> Tool:
        """The tool, or NotFoundError suggesting the nearest names."""

    @abstractmethod
    def list_tools(self) -> list[Tool]: ...

    @abstractmethod
    def register_tool(self, tool: Tool, *, replace: bool = False) -> None: ...

    # agents
    @abstractmethod
    def create_agent(self, config: AgentConfig) -> BaseAgent:
        """Build an agent of ``config.type`` and, when named, remember it."""

    @abstractmethod
    def get_agent(self, name: str) -> BaseAgent | None: ...

    @abstractmethod
    def list_agents(self) -> list[BaseAgent]: ...

    @abstractmethod
    def register_agent(self, name: str, agent: BaseAgent) -> None: ...

    # workflows
    @abstractmethod
    def create_workflow(self, kind: str, spec: Mapping[str, Any]) -> Workflow: ...

    @abstractmethod
    def get_workflow(self, name_or_id: str) -> Workflow | None: ...

    @abstractmethod
    def list_workflows(self) -> list[Workflow]: ...

    # providers
    @abstractmethod
    def resolve_model(
        self,
        model: str | None,
        *,
        provider: str | None = None,
        base_url: str | None = None,
        api_key: str | None = None,
    ) -> ResolvedModel:
        """Turn ``provider/model`` (or a bare model) into a ready provider and model name."""

    @abstractmethod
    def default_provider_name(self) -> tuple[str, str]:
        """The default provider's name and why it was chosen (for the stderr notice)."""
