"""The ``llm`` entry point: building, the offline-provider notice, unknown kinds."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

import pytest

from llmspell_agents import factory
from llmspell_core.agent import AgentConfig
from llmspell_core.catalog import Catalog
from llmspell_core.config import LLMSpellConfig
from llmspell_core.context import ExecutionContext
from llmspell_core.errors import NotFoundError
from llmspell_core.messages import Message
from llmspell_core.provider import (
    CompletionRequest,
    CompletionResponse,
    Provider,
    ProviderCapabilities,
)
from llmspell_core.registry import Registry


class OfflineProvider(Provider):
    provider_type: ClassVar[str] = "local"
    requires_api_key: ClassVar[bool] = False

    def capabilities(self, model: str | None = None) -> ProviderCapabilities:
        return ProviderCapabilities(available_models=["echo"])

    async def complete(
        self, request: CompletionRequest, ctx: ExecutionContext
    ) -> CompletionResponse:
        return CompletionResponse(message=Message.assistant("offline"))


@pytest.fixture
def offline_catalog() -> Iterator[Catalog]:
    factory._noticed.clear()
    registry = Registry()
    with registry.override("llmspell.providers", "local", OfflineProvider):
        yield Catalog(LLMSpellConfig(), plugins=registry, environ={})
    factory._noticed.clear()


def test_notice_once_when_falling_back_to_offline(
    offline_catalog: Catalog, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("WARNING", logger="llmspell.agents"):
        offline_catalog.create_agent(AgentConfig(model="gpt-4o-mini"))
        offline_catalog.create_agent(AgentConfig())
    notices = [
        r.getMessage() for r in caplog.records if "offline 'local' provider" in r.getMessage()
    ]
    assert len(notices) == 1
    assert "set OPENAI_API_KEY or ANTHROPIC_API_KEY" in notices[0]


def test_no_notice_when_local_is_asked_for(
    offline_catalog: Catalog, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("WARNING", logger="llmspell.agents"):
        offline_catalog.create_agent(AgentConfig(model="local/echo"))
        offline_catalog.create_agent(AgentConfig(provider="local"))
    assert not [r for r in caplog.records if "offline" in r.getMessage()]


def test_unknown_agent_kind_lists_the_known_ones(offline_catalog: Catalog) -> None:
    with pytest.raises(NotFoundError) as info:
        offline_catalog.create_agent(AgentConfig(type="llmm"))
    assert "known: llm" in info.value.message


def test_agent_config_is_validated() -> None:
    with pytest.raises(ValueError, match="less than or equal to 2"):
        AgentConfig(temperature=3)
    data: dict[str, Any] = {"max_conversation_length": 0}
    with pytest.raises(ValueError, match="greater than 0"):
        AgentConfig.model_validate(data)
