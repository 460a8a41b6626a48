"""ProviderContract for every provider; the SDK ones against the fake server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

import pytest
from pydantic import SecretStr

from llmspell_core.provider import Provider, ProviderSettings
from llmspell_core.testing import FakeLLMServer, ProviderContract
from llmspell_providers import (
    AnthropicProvider,
    BaseProvider,
    LocalProvider,
    OllamaProvider,
    OpenAIProvider,
)


@pytest.fixture(scope="module")
def module_server() -> Iterator[FakeLLMServer]:
    with FakeLLMServer() as fake:
        yield fake


class _AgainstServer(ProviderContract):
    """The contract for a provider class pointed at the fake server."""

    provider_class: ClassVar[type[BaseProvider]]
    #: Which of the server's base URLs the provider speaks to.
    server_url: ClassVar[str]
    server: FakeLLMServer

    @pytest.fixture(autouse=True)
    def _server(self, module_server: FakeLLMServer) -> None:  # pyright: ignore[reportUnusedFunction]
        self.server = module_server

    def make_provider(self) -> Provider:
        kind = self.provider_class.provider_type
        settings = ProviderSettings(
            name=kind,
            provider_type=kind,
            api_key=SecretStr("k"),
            base_url=str(getattr(self.server, self.server_url)),
        )
        return self.provider_class(settings)


class TestOpenAIContract(_AgainstServer):
    provider_class = OpenAIProvider
    server_url = "openai_base_url"
    model = "gpt-4o-mini"


class TestAnthropicContract(_AgainstServer):
    provider_class = AnthropicProvider
    server_url = "anthropic_base_url"
    model = "claude-test"


class TestOllamaContract(_AgainstServer):
    provider_class = OllamaProvider
    server_url = "url"  # the server root: the provider adds /v1 like it does for Ollama
    model = "llama3.2"


class TestLocalContract(ProviderContract):
    model = "echo"

    def make_provider(self) -> Provider:
        return LocalProvider(ProviderSettings(name="local", provider_type="local"))
