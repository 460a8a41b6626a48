"""ModelSpec, key/base-URL precedence and capabilities with the real provider classes."""

from __future__ import annotations

from typing import Any

import pytest

from llmspell_core.catalog import Catalog
from llmspell_core.config import LLMSpellConfig
from llmspell_core.errors import AuthError, ConfigError, NotFoundError, ValidationError
from llmspell_core.model_spec import ModelSpec
from llmspell_providers import (
    AnthropicProvider,
    LocalProvider,
    OllamaProvider,
    OpenAIProvider,
    is_local_url,
)


def catalog(config: dict[str, Any] | None = None, env: dict[str, str] | None = None) -> Catalog:
    return Catalog(LLMSpellConfig.model_validate(config or {}), environ=env or {})


def key_of(cat: Catalog, name: str, **kwargs: Any) -> str | None:
    settings = cat.provider_settings(name, **kwargs)[1]
    return settings.api_key.get_secret_value() if settings.api_key else None


@pytest.mark.parametrize(
    ("text", "provider", "model", "base_url"),
    [
        ("openai/gpt-4o-mini", "openai", "gpt-4o-mini", None),
        ("anthropic/claude-sonnet-4-5", "anthropic", "claude-sonnet-4-5", None),
        ("ollama/llama3.2@http://host:11434", "ollama", "llama3.2", "http://host:11434"),
        ("gpt-4o-mini", None, "gpt-4o-mini", None),
        ("vllm/meta-llama/Llama-3-8B", "vllm", "meta-llama/Llama-3-8B", None),
        ("local/llama3.1:8b@ollama", "local", "llama3.1:8b@ollama", None),
    ],
)
def test_model_spec(text: str, provider: str | None, model: str, base_url: str | None) -> None:
    spec = ModelSpec.parse(text)
    assert (spec.provider, spec.model, spec.base_url) == (provider, model, base_url)
    assert str(spec) == text


def test_model_spec_errors() -> None:
    with pytest.raises(ValidationError, match="empty"):
        ModelSpec.parse("  ")
    with pytest.raises(ValidationError, match="empty provider"):
        ModelSpec.parse("/gpt")


def test_entry_points_name_the_provider_classes() -> None:
    cat = catalog()
    assert cat.registry.load("llmspell.providers", "openai") is OpenAIProvider
    assert cat.registry.load("llmspell.providers", "anthropic") is AnthropicProvider
    assert cat.registry.load("llmspell.providers", "ollama") is OllamaProvider
    assert cat.registry.load("llmspell.providers", "local") is LocalProvider


def test_key_precedence_agent_over_config_over_env() -> None:
    env = {"OPENAI_API_KEY": "from-env", "MY_KEY": "from-config-env"}
    cat = catalog({"providers": {"openai": {"api_key_env": "MY_KEY"}}}, env)
    assert key_of(cat, "openai", api_key="from-agent") == "from-agent"
    assert key_of(cat, "openai") == "from-config-env"
    assert cat.provider_settings("openai")[1].key_source == "MY_KEY"
    assert key_of(catalog({}, env), "openai") == "from-env"
    both = {"OPENAI_API_KEY": "generic", "LLMSPELL_OPENAI_API_KEY": "specific"}
    assert key_of(catalog({}, both), "openai") == "specific"


def test_base_url_precedence() -> None:
    env = {"OPENAI_API_KEY": "k", "OPENAI_BASE_URL": "http://env/v1"}
    cat = catalog({"providers": {"openai": {"base_url": "http://config/v1"}}}, env)
    assert (
        cat.provider_settings("openai", base_url="http://agent/v1")[1].base_url == "http://agent/v1"
    )
    assert cat.provider_settings("openai")[1].base_url == "http://config/v1"
    assert catalog({}, env).provider_settings("openai")[1].base_url == "http://env/v1"
    # a model spec's @base_url counts as agent config
    resolved = catalog({}, env).resolve_model("openai/gpt-4o@http://spec/v1")
    assert resolved.provider.settings.base_url == "http://spec/v1"


def test_compatible_server_under_its_own_name() -> None:
    config = {
        "providers": {
            "groq": {
                "provider_type": "openai",
                "base_url": "https://api.groq.com/openai/v1",
                "default_model": "llama-3.3-70b",
            }
        }
    }
    with pytest.raises(AuthError) as info:
        catalog(config, {"OPENAI_API_KEY": "openai-key"}).get_provider("groq")
    assert "LLMSPELL_GROQ_API_KEY" in info.value.message  # the OpenAI key is never sent to Groq
    cat = catalog(config, {"LLMSPELL_GROQ_API_KEY": "gk"})
    resolved = cat.resolve_model(None, provider="groq")
    assert isinstance(resolved.provider, OpenAIProvider)
    assert resolved.provider.name == "groq"
    assert resolved.model == "llama-3.3-70b"
    assert resolved.provider.capabilities().available_models == ["llama-3.3-70b"]


def test_local_openai_compatible_server_needs_no_key() -> None:
    config = {
        "providers": {
            "lmstudio": {"provider_type": "openai", "base_url": "http://localhost:1234/v1"}
        }
    }
    settings = catalog(config).provider_settings("lmstudio")[1]
    assert settings.api_key is None
    assert is_local_url("http://127.0.0.1:8000/v1")
    assert is_local_url("http://[::1]:8000")
    assert not is_local_url("https://api.openai.com/v1")


def test_ollama_defaults() -> None:
    resolved = catalog().resolve_model("ollama/llama3.2")
    provider = resolved.provider
    assert isinstance(provider, OllamaProvider)
    assert provider.settings.api_key is None
    assert provider.base_url == "http://localhost:11434/v1"
    other = catalog().resolve_model("ollama/llava@http://gpu-box:11434").provider
    assert isinstance(other, OllamaProvider)
    assert other.base_url == "http://gpu-box:11434/v1"
    assert other.capabilities("llava").supports_multimodal
    assert not other.capabilities("llama3.2").supports_multimodal
    assert catalog().resolve_model(None, provider="ollama").model == "llama3.2"


def test_missing_key_and_unknown_provider_messages() -> None:
    with pytest.raises(AuthError) as info:
        catalog().get_provider("anthropic")
    assert info.value.code == "MISSING_API_KEY"
    assert "set ANTHROPIC_API_KEY" in info.value.message
    with pytest.raises(NotFoundError) as missing:
        catalog().get_provider("openia")
    assert "did you mean openai" in missing.value.message
    assert "known: anthropic, local, ollama, openai" in missing.value.message
    with pytest.raises(ConfigError, match="not an installed provider; installed: anthropic, local"):
        catalog({"providers": {"x": {"provider_type": "nope"}}}).get_provider("x")


def test_default_provider_is_offline_without_keys() -> None:
    name, why = catalog().default_provider_name()
    assert name == "local"
    assert "OPENAI_API_KEY" in why
    resolved = catalog().resolve_model("gpt-4o-mini")
    assert isinstance(resolved.provider, LocalProvider)
    assert catalog({}, {"ANTHROPIC_API_KEY": "k"}).default_provider_name()[0] == "anthropic"
    assert catalog({}, {"OPENAI_API_KEY": "k"}).resolve_model(None).model == "gpt-4o-mini"


def test_replay_needs_no_key() -> None:
    settings = catalog({}, {"LLMSPELL_REPLAY": "/tmp/x.jsonl"}).provider_settings("anthropic")[1]
    assert settings.api_key is None


def test_configured_providers() -> None:
    config = {
        "providers": {
            "groq": {"provider_type": "openai"},
            "off": {"provider_type": "openai", "enabled": False},
        }
    }
    cat = catalog(config, {"OPENAI_API_KEY": "k", "LLMSPELL_ANTHROPIC_API_KEY": "a"})
    assert cat.configured_providers() == ["anthropic", "groq", "openai"]
    assert catalog().configured_providers() == []
    assert catalog({"providers": {"local": {}}}).configured_providers() == ["local"]


def test_capabilities_per_model() -> None:
    openai = catalog({}, {"OPENAI_API_KEY": "k"}).get_provider("openai")
    mini = openai.capabilities("gpt-4o-mini-2024-07-18")
    assert mini.supports_multimodal
    assert mini.supports_tools
    assert mini.max_context_tokens == 128_000
    assert not openai.capabilities("gpt-3.5-turbo").supports_multimodal
    assert openai.capabilities("gpt-4.1").max_context_tokens == 1_047_576
    embedding = openai.capabilities("text-embedding-3-small")
    assert embedding.supports_embeddings
    assert not embedding.supports_tools
    assert openai.capabilities().available_models[0] == "gpt-4o-mini"
    unknown = openai.capabilities("some-new-model")
    assert unknown.supports_tools
    assert unknown.max_context_tokens is None
    anthropic = catalog({}, {"ANTHROPIC_API_KEY": "k"}).get_provider("anthropic")
    claude = anthropic.capabilities("claude-sonnet-4-5")
    assert claude.max_context_tokens == 200_000
    assert claude.supports_multimodal
    assert not claude.supports_embeddings
