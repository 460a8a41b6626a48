"""The validated shape of ``llmspell.toml`` (architecture §6).

Every package reads its own section from this one model, so an unknown key or a bad value is
caught once, at load time, with the file and key named — not deep inside a run.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

__all__ = [
    "EngineConfig",
    "LLMSpellConfig",
    "ProviderConfig",
    "ProvidersConfig",
    "RuntimeConfig",
    "SecurityConfig",
    "StateConfig",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class EngineConfig(_Strict):
    """Per-engine limits; unset values fall back to ``[runtime]``."""

    timeout_seconds: float | None = Field(default=None, gt=0)
    max_memory_mb: int | None = Field(default=None, gt=0)
    max_recursion_depth: int | None = Field(default=None, gt=0)


class ProviderConfig(_Strict):
    """One ``[providers.<name>]`` entry; ``provider_type`` picks the implementation."""

    provider_type: str | None = None
    enabled: bool = True
    default_model: str | None = None
    api_key_env: str | None = None
    api_key: SecretStr | None = None
    base_url: str | None = None
    timeout_seconds: float = Field(default=60.0, gt=0)
    max_retries: int = Field(default=3, ge=0)
    #: For the offline provider: a scripted-turns or recorded-session file.
    script_file: str | None = None


class ProvidersConfig(BaseModel):
    """``[providers]``: ``default_provider`` plus one sub-table per configured provider."""

    model_config = ConfigDict(extra="forbid")

    default_provider: str | None = None
    entries: dict[str, ProviderConfig] = Field(default_factory=dict[str, ProviderConfig])

    @model_validator(mode="before")
    @classmethod
    def _collect_entries(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        raw: dict[str, Any] = dict(data)  # pyright: ignore[reportUnknownArgumentType]
        entries: dict[str, Any] = dict(raw.pop("entries", {}) or {})
        default = raw.pop("default_provider", None)
        for key, value in raw.items():
            if not isinstance(value, dict):
                raise ValueError(
                    f"providers.{key} must be a table like [providers.{key}] "
                    f"(or set providers.default_provider)"
                )
            entries[key] = value
        return {"default_provider": default, "entries": entries}


class SecurityConfig(_Strict):
    allow_file_access: bool = False
    allow_network_access: bool = False
    allow_process_spawn: bool = False
    #: Lets ``Config`` be changed from scripts.
    allow_config_changes: bool = False
    #: Lets privileged tool operations run (env writes, sending messages, processes).
    allow_privileged_tools: bool = True


class RuntimeConfig(_Strict):
    timeout_seconds: float | None = Field(default=300.0, gt=0)
    max_memory_mb: int = Field(default=256, gt=0)
    max_recursion_depth: int = Field(default=200, gt=0)
    max_concurrent_calls: int = Field(default=16, gt=0)
    security: SecurityConfig = Field(default_factory=SecurityConfig)


class StateConfig(_Strict):
    backend: Literal["memory", "sqlite"] = "memory"
    path: str | None = None


class LLMSpellConfig(_Strict):
    default_engine: str = "lua"
    engines: dict[str, EngineConfig] = Field(default_factory=dict[str, EngineConfig])
    providers: ProvidersConfig = Field(default_factory=ProvidersConfig)
    runtime: RuntimeConfig = Field(default_factory=RuntimeConfig)
    #: ``[tools.<name>]`` sections; each tool validates its own.
    tools: dict[str, dict[str, Any]] = Field(default_factory=dict[str, dict[str, Any]])
    state: StateConfig = Field(default_factory=StateConfig)

    def tool_section(self, name: str) -> dict[str, Any]:
        """A tool's section, accepting ``file-operations`` or ``file_operations``."""
        return dict(self.tools.get(name.replace("-", "_")) or self.tools.get(name) or {})

    def engine_limits(self, engine: str) -> EngineConfig:
        """Limits for one engine with ``[runtime]`` defaults filled in."""
        own = self.engines.get(engine, EngineConfig())
        return EngineConfig(
            timeout_seconds=own.timeout_seconds or self.runtime.timeout_seconds,
            max_memory_mb=own.max_memory_mb or self.runtime.max_memory_mb,
            max_recursion_depth=own.max_recursion_depth or self.runtime.max_recursion_depth,
        )
