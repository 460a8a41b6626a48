from __future__ import annotations

from typing import Any, ClassVar

import pytest

from llmspell_core import (
    AgentConfig,
    Catalog,
    ExecutionContext,
    LLMSpellConfig,
    ProviderCapabilities,
    Registry,
    ToolOutput,
    ToolSpec,
)
from llmspell_core.errors import AuthError, ConfigError, NotFoundError, ValidationError
from llmspell_core.provider import CompletionRequest, CompletionResponse, Provider
from llmspell_core.testing import EchoProvider
from llmspell_core.tool import Tool


class KeyedProvider(Provider):
    provider_type: ClassVar[str] = "keyed"
    default_api_key_env: ClassVar[str | None] = "KEYED_API_KEY"
    default_base_url_env: ClassVar[str | None] = "KEYED_BASE_URL"
    default_base_url: ClassVar[str | None] = "https://keyed.invalid/v1"

    def capabilities(self, model: str | None = None) -> ProviderCapabilities:
        return ProviderCapabilities(available_models=["k-small"])

    async def complete(
        self, request: CompletionRequest, ctx: ExecutionContext
    ) -> CompletionResponse:
        raise NotImplementedError


class Upper(Tool):
    @property
    def spec(self) -> ToolSpec:
        return ToolSpec(name="upper", description="uppercase text")

    async def execute(self, params: dict[str, Any], ctx: ExecutionContext) -> ToolOutput:
        return ToolOutput(text=str(params["text"]).upper())


def make(config: dict[str, Any] | None = None, env: dict[str, str] | None = None) -> Catalog:
    reg = Registry()
    return Catalog(LLMSpellConfig.model_validate(config or {}), plugins=reg, environ=env or {})


def with_keyed(cat: Catalog) -> Any:
    return cat.registry.override("llmspell.providers", "keyed", KeyedProvider)


def test_key_precedence_agent_over_config_over_env() -> None:
    env = {"KEYED_API_KEY": "from-env", "CFG_KEY": "from-config-env"}
    cat = make({"providers": {"keyed": {"api_key_env": "CFG_KEY"}}}, env)
    with with_keyed(cat):
        _, s = cat.provider_settings("keyed", api_key="from-agent")
        assert s.api_key is not None
        assert s.api_key.get_secret_value() == "from-agent"
        _, s = cat.provider_settings("keyed")
        assert s.api_key is not None
        assert s.api_key.get_secret_value() == "from-config-env"
    cat = make({}, env)
    with with_keyed(cat):
        _, s = cat.provider_settings("keyed")
        assert s.api_key is not None
        assert s.api_key.get_secret_value() == "from-env"


def test_base_url_precedence() -> None:
    env = {"KEYED_API_KEY": "k", "KEYED_BASE_URL": "http://env"}
    cat = make({"providers": {"keyed": {"base_url": "http://config"}}}, env)
    with with_keyed(cat):
        assert cat.provider_settings("keyed", base_url="http://agent")[1].base_url == "http://agent"
        assert cat.provider_settings("keyed")[1].base_url == "http://config"
    cat = make({}, env)
    with with_keyed(cat):
        assert cat.provider_settings("keyed")[1].base_url == "http://env"
    cat = make({}, {"KEYED_API_KEY": "k"})
    with with_keyed(cat):
        assert cat.provider_settings("keyed")[1].base_url == "https://keyed.invalid/v1"


def test_missing_key_names_the_variable() -> None:
    cat = make()
    with with_keyed(cat), pytest.raises(AuthError, match="set KEYED_API_KEY"):
        cat.provider_settings("keyed")


def test_named_compatible_server_uses_its_own_variables() -> None:
    cat = make(
        {"providers": {"groq": {"provider_type": "keyed", "default_model": "llama"}}},
        {"KEYED_API_KEY": "not-for-groq", "LLMSPELL_GROQ_API_KEY": "groq-key"},
    )
    with with_keyed(cat):
        resolved = cat.resolve_model("groq/llama-3")
        assert resolved.model == "llama-3"
        assert resolved.provider.settings.api_key is not None
        assert resolved.provider.settings.api_key.get_secret_value() == "groq-key"
        assert cat.resolve_model("groq/").model == "llama"


def test_unknown_provider_lists_known() -> None:
    cat = make()
    with (
        with_keyed(cat),
        pytest.raises(NotFoundError, match=r"unknown provider 'keyd'.*did you mean keyed"),
    ):
        cat.resolve_model("keyd/x")


def test_bad_provider_type_is_config_error() -> None:
    cat = make({"providers": {"mine": {"provider_type": "nope"}}})
    with pytest.raises(ConfigError, match=r"\[providers.mine\] provider_type 'nope'"):
        cat.resolve_model("mine/x")


def test_default_provider_choice() -> None:
    assert make().default_provider_name()[0] == "local"
    assert make(env={"ANTHROPIC_API_KEY": "a"}).default_provider_name()[0] == "anthropic"
    assert make(env={"OPENAI_API_KEY": "o"}).default_provider_name()[0] == "openai"
    configured = make({"providers": {"default_provider": "keyed"}}, {"OPENAI_API_KEY": "o"})
    assert configured.default_provider_name()[0] == "keyed"


def test_bare_model_uses_default_provider() -> None:
    cat = make({"providers": {"default_provider": "echo"}})
    with cat.registry.override("llmspell.providers", "echo", EchoProvider):
        resolved = cat.resolve_model("whatever")
    assert resolved.provider.provider_type == "echo"
    assert resolved.model == "whatever"


def test_tools_from_packs_and_registration() -> None:
    cat = make()
    with cat.registry.override("llmspell.tools", "pack", lambda: [Upper()]):
        assert cat.get_tool("upper").name == "upper"
        with pytest.raises(NotFoundError, match="did you mean upper"):
            cat.get_tool("uper")
        with pytest.raises(ValidationError, match="already exists"):
            cat.register_tool(Upper())
        cat.register_tool(Upper(), replace=True)
        assert "upper" in [t.name for t in cat.list_tools()]


def test_agents_through_factory() -> None:
    cat = make()
    built: list[AgentConfig] = []

    def factory(config: AgentConfig, services: Any) -> Any:
        built.append(config)
        return object()

    with cat.registry.override("llmspell.agents", "llm", factory):
        agent = cat.create_agent(AgentConfig(name="helper"))
    assert cat.get_agent("helper") is agent
    assert built[0].name == "helper"
    with pytest.raises(NotFoundError, match="unknown agent 'nope'"):
        cat.create_agent(AgentConfig(type="nope"))
