"""The registry-backed ``Services``: finds tools, agents, workflows and providers by name."""

from __future__ import annotations

import difflib
import os
import threading
from collections.abc import Mapping
from typing import Any

from pydantic import SecretStr

from llmspell_core.agent import AgentConfig, BaseAgent
from llmspell_core.config import LLMSpellConfig, ProviderConfig
from llmspell_core.errors import (
    AuthError,
    ConfigError,
    LLMSpellError,
    NotFoundError,
    ValidationError,
)
from llmspell_core.model_spec import ModelSpec
from llmspell_core.provider import Provider, ProviderSettings
from llmspell_core.registry import Registry, registry
from llmspell_core.services import ResolvedModel, Services
from llmspell_core.state import InMemoryStateStore, StateStore
from llmspell_core.tool import Tool
from llmspell_core.workflow import Workflow

__all__ = ["Catalog", "suggest"]

LOCAL_PROVIDER = "local"


def suggest(name: str, known: list[str]) -> str:
    """`` (did you mean x?)`` for the nearest known name, or an empty string."""
    close = difflib.get_close_matches(name, known, n=2, cutoff=0.6)
    return f" (did you mean {' or '.join(close)}?)" if close else ""


def _env_name(name: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in name).upper()


class Catalog(Services):
    def __init__(
        self,
        config: LLMSpellConfig | None = None,
        state: StateStore | None = None,
        *,
        plugins: Registry | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.config = config or LLMSpellConfig()
        self.state = state or InMemoryStateStore()
        self.registry = plugins or registry
        self._environ = environ
        self._lock = threading.RLock()
        self._tools: dict[str, Tool] | None = None
        self._pack_errors: dict[str, str] = {}
        self._agents: dict[str, BaseAgent] = {}
        self._workflows: dict[str, Workflow] = {}
        self._providers: dict[tuple[Any, ...], Provider] = {}

    @property
    def environ(self) -> Mapping[str, str]:
        return os.environ if self._environ is None else self._environ

    # -- tools -------------------------------------------------------------------------
    def _tool_map(self) -> dict[str, Tool]:
        with self._lock:
            if self._tools is not None:
                return self._tools
            tools: dict[str, Tool] = {}
            for pack_name in self.registry.names("llmspell.tools"):
                try:
                    pack = self.registry.load("llmspell.tools", pack_name)
                    for tool in pack():
                        tools.setdefault(tool.name, tool)
                except LLMSpellError as exc:
                    self._pack_errors[pack_name] = str(exc)
            self._tools = tools
            return tools

    def get_tool(self, name: str) -> Tool:
        tools = self._tool_map()
        tool = tools.get(name)
        if tool is not None:
            return tool
        problems = "".join(
            f"; tool pack '{p}' failed to load: {e}" for p, e in self._pack_errors.items()
        )
        raise NotFoundError(
            f"unknown tool '{name}'{suggest(name, sorted(tools))}{problems}",
            details={"name": name},
        )

    def find_tool(self, name: str) -> Tool | None:
        return self._tool_map().get(name)

    def list_tools(self) -> list[Tool]:
        return sorted(self._tool_map().values(), key=lambda t: t.name)

    def register_tool(self, tool: Tool, *, replace: bool = False) -> None:
        tools = self._tool_map()
        with self._lock:
            if tool.name in tools and not replace:
                raise ValidationError(
                    f"a tool named '{tool.name}' already exists; choose another name",
                    details={"field": "name"},
                )
            tools[tool.name] = tool

    # -- agents -------------------------------------------------------------------------
    def create_agent(self, config: AgentConfig) -> BaseAgent:
        factory = self.registry.load("llmspell.agents", config.type)
        agent: BaseAgent = factory(config, self)
        if config.name:
            self.register_agent(config.name, agent)
        return agent

    def get_agent(self, name: str) -> BaseAgent | None:
        return self._agents.get(name)

    def list_agents(self) -> list[BaseAgent]:
        return list(self._agents.values())

    def register_agent(self, name: str, agent: BaseAgent) -> None:
        with self._lock:
            self._agents[name] = agent

    # -- workflows ------------------------------------------------------------------------
    def create_workflow(self, kind: str, spec: Mapping[str, Any]) -> Workflow:
        factory = self.registry.load("llmspell.workflows", kind)
        workflow: Workflow = factory(spec, self)
        with self._lock:
            self._workflows[workflow.metadata.id] = workflow
            self._workflows.setdefault(workflow.metadata.name, workflow)
        return workflow

    def get_workflow(self, name_or_id: str) -> Workflow | None:
        return self._workflows.get(name_or_id)

    def list_workflows(self) -> list[Workflow]:
        seen: dict[str, Workflow] = {}
        for wf in self._workflows.values():
            seen[wf.metadata.id] = wf
        return list(seen.values())

    # -- providers ------------------------------------------------------------------------
    def default_provider_name(self) -> tuple[str, str]:
        configured = self.config.providers.default_provider
        if configured:
            return configured, "providers.default_provider in the configuration"
        env = self.environ
        if env.get("LLMSPELL_DEFAULT_PROVIDER"):
            return env["LLMSPELL_DEFAULT_PROVIDER"], "LLMSPELL_DEFAULT_PROVIDER"
        if env.get("OPENAI_API_KEY"):
            return "openai", "OPENAI_API_KEY is set"
        if env.get("ANTHROPIC_API_KEY"):
            return "anthropic", "ANTHROPIC_API_KEY is set"
        return (
            LOCAL_PROVIDER,
            "no API key is configured (set OPENAI_API_KEY or ANTHROPIC_API_KEY to use a real model)",
        )

    def provider_settings(
        self, name: str, *, base_url: str | None = None, api_key: str | None = None
    ) -> tuple[type[Provider], ProviderSettings]:
        """Apply architecture §5 precedence: agent config > config file > environment."""
        entry = self.config.providers.entries.get(name) or ProviderConfig()
        impl = entry.provider_type or name
        known = sorted(
            set(self.registry.names("llmspell.providers")) | set(self.config.providers.entries)
        )
        if impl not in self.registry.names("llmspell.providers"):
            if name in self.config.providers.entries:
                raise ConfigError(
                    f"[providers.{name}] provider_type '{impl}' is not an installed provider; "
                    f"installed: {', '.join(self.registry.names('llmspell.providers'))}"
                )
            raise NotFoundError(
                f"unknown provider '{name}'{suggest(name, known)}; known: {', '.join(known)}"
            )
        cls: type[Provider] = self.registry.load("llmspell.providers", impl)
        env = self.environ
        own = impl == name
        # (where the key may come from, its value), best first
        candidates: list[tuple[str, str | None]] = [("the agent's api_key", api_key)]
        if entry.api_key is not None:
            candidates.append((f"[providers.{name}] api_key", entry.api_key.get_secret_value()))
        if entry.api_key_env:
            candidates.append((entry.api_key_env, env.get(entry.api_key_env)))
        own_env = f"LLMSPELL_{_env_name(name)}_API_KEY"
        candidates.append((own_env, env.get(own_env)))
        if own and cls.default_api_key_env:
            candidates.append((cls.default_api_key_env, env.get(cls.default_api_key_env)))
        source, key = next(((s, k) for s, k in candidates if k is not None), (None, None))
        url = base_url or entry.base_url or env.get(f"LLMSPELL_{_env_name(name)}_BASE_URL")
        if url is None and own and cls.default_base_url_env:
            url = env.get(cls.default_base_url_env)
        url = url or cls.default_base_url
        # Replaying a recorded session (LLMSPELL_REPLAY) makes no request, so needs no key.
        if not key and cls.needs_api_key(url) and not env.get("LLMSPELL_REPLAY"):
            wanted = entry.api_key_env or (cls.default_api_key_env if own else None)
            wanted = wanted or f"LLMSPELL_{_env_name(name)}_API_KEY"
            raise AuthError(
                f"no API key for provider '{name}': set {wanted} "
                f"(or api_key_env in [providers.{name}] of llmspell.toml)",
                code="MISSING_API_KEY",
            )
        settings = ProviderSettings(
            name=name,
            provider_type=impl,
            default_model=entry.default_model,
            api_key=SecretStr(key) if key else None,
            key_source=source
            or entry.api_key_env
            or (cls.default_api_key_env if own else None)
            or own_env,
            base_url=url,
            timeout_seconds=entry.timeout_seconds,
            max_retries=entry.max_retries,
            options={"script_file": entry.script_file} if entry.script_file else {},
        )
        return cls, settings

    def configured_providers(self) -> list[str]:
        """Providers the user set up: enabled ``[providers.<name>]`` entries, plus installed
        providers whose API key is in the environment (``OPENAI_API_KEY``,
        ``LLMSPELL_<NAME>_API_KEY``). The offline ``local`` provider counts only when configured.
        """
        entries = self.config.providers.entries
        names = [name for name, entry in entries.items() if entry.enabled]
        env = self.environ
        for impl in self.registry.names("llmspell.providers"):
            if impl in entries or impl == LOCAL_PROVIDER:
                continue
            if env.get(f"LLMSPELL_{_env_name(impl)}_API_KEY"):
                names.append(impl)
                continue
            try:
                cls: type[Provider] = self.registry.load("llmspell.providers", impl)
            except LLMSpellError:
                continue
            if cls.default_api_key_env and env.get(cls.default_api_key_env):
                names.append(impl)
        return sorted(set(names))

    def get_provider(
        self, name: str, *, base_url: str | None = None, api_key: str | None = None
    ) -> Provider:
        cls, settings = self.provider_settings(name, base_url=base_url, api_key=api_key)
        cache_key = (
            name,
            settings.base_url,
            settings.api_key and settings.api_key.get_secret_value(),
        )
        with self._lock:
            provider = self._providers.get(cache_key)
            if provider is None:
                provider = cls(settings)
                self._providers[cache_key] = provider
            return provider

    def resolve_model(
        self,
        model: str | None,
        *,
        provider: str | None = None,
        base_url: str | None = None,
        api_key: str | None = None,
    ) -> ResolvedModel:
        spec = ModelSpec.parse(model) if model else ModelSpec(provider=None, model=None)
        name = provider or spec.provider or self.default_provider_name()[0]
        instance = self.get_provider(name, base_url=base_url or spec.base_url, api_key=api_key)
        chosen = spec.model or instance.settings.default_model
        if not chosen:
            models = instance.capabilities().available_models
            chosen = models[0] if models else None
        if not chosen:
            raise ConfigError(
                f"no model given for provider '{name}': use '{name}/<model>' or set "
                f"default_model in [providers.{name}]"
            )
        return ResolvedModel(instance, chosen)

    async def aclose(self) -> None:
        """Close provider clients and the state store."""
        for provider in list(self._providers.values()):
            await provider.aclose()
        self._providers.clear()
        await self.state.close()
