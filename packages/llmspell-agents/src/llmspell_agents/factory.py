"""The ``llmspell.agents`` entry point for the ``llm`` kind."""

from __future__ import annotations

import logging
import threading

from llmspell_agents.llm_agent import LLMAgent
from llmspell_core.agent import AgentConfig
from llmspell_core.model_spec import ModelSpec
from llmspell_core.services import Services

__all__ = ["create_llm_agent"]

log = logging.getLogger("llmspell.agents")
_noticed = threading.Event()


def _uses_default_provider(config: AgentConfig) -> bool:
    if config.provider:
        return False
    return not (config.model and ModelSpec.parse(config.model).provider)


def create_llm_agent(config: AgentConfig, services: Services) -> LLMAgent:
    """Build an ``llm`` agent; say once on stderr when it falls back to the offline provider."""
    agent = LLMAgent(config, services)
    if (
        agent.provider.provider_type == "local"
        and _uses_default_provider(config)
        and not _noticed.is_set()
    ):
        _noticed.set()
        _, reason = services.default_provider_name()
        log.warning(
            "llmspell: agents use the offline 'local' provider (it echoes; no LLM is called) "
            "because %s",
            reason,
        )
    return agent
