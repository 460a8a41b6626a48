"""ProviderContract for every provider; the SDK ones against the fake server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from llmspell_core.provider import Provider, ProviderSettings
from llmspell_core.testing import FakeLLMServer, ProviderContract
from llmspell_providers import AnthropicProvider, LocalProvider, OllamaProvider, OpenAIProvider


@pytest.fixture(scope="module")
def module_server() -> Iterator[FakeLLMServer]:
    with FakeLLMServer() as fake:
        yield fake


class _WithServer:
    server: FakeLLMServer

    @pytest.fixture(autouse=True)
    def _server(self, module_server: FakeLLMServer) -> None:  # pyright: ignore[reportUnusedFunction]
        self.server = module_server


class TestOpenAIContract(_WithServer, ProviderContract):
    model = "gpt-4o-mini"

    def make_provider(self) -> Provider:
        return OpenAIProvider(
            ProviderSettings(
                name="openai",
                provider_type="openai",
                api_key=SecretStr("k"),
                base_url=self.server.openai_base_url,
            )
        )


class TestAnthropicContract(_WithServer, ProviderContract):
    model = "claude-test"

    def make_provider(self) -> Provider:
        return AnthropicProvider(
            ProviderSettings(
                name="anthropic",
                provider_type="anthropic",
                api_key=SecretStr("k"),
                base_url=self.server.anthropic_base_url,
            )
        )


class TestOllamaContract(_WithServer, ProviderContract):
    model = "llama3.2"

    def make_provider(self) -> Provider:
        return OllamaProvider(
            ProviderSettings(name="ollama", provider_type="ollama", base_url=self.server.url)
        )


class TestLocalContract(ProviderContract):
    model = "echo"

    def make_provider(self) -> Provider:
        return LocalProvider(ProviderSettings(name="local", provider_type="local"))
