"""``Config``: a read-only view of the merged configuration, secrets redacted (spell-api §6)."""

from __future__ import annotations

import re
from typing import Any, cast

from llmspell_core.config import LLMSpellConfig
from llmspell_core.script_api import ApiFunction, ApiGlobal, GlobalContext

__all__ = ["REDACTED", "create_global", "redacted_view"]

REDACTED = "<REDACTED>"
#: Keys whose string values are secrets even when not typed as such (``api_key_env`` names a
#: variable, which is not secret).
_SECRET_KEY = re.compile(r"(^|_)(api_key|token|secret|password|passwd)$", re.IGNORECASE)


def _redact(value: Any, key: str = "") -> Any:
    if hasattr(value, "get_secret_value"):  # pydantic's SecretStr / SecretBytes
        return REDACTED
    if isinstance(value, dict):
        items: dict[Any, Any] = value  # pyright: ignore[reportUnknownVariableType]
        return {str(k): _redact(v, str(k)) for k, v in items.items()}
    if isinstance(value, list | tuple):
        elements: list[Any] = list(value)  # pyright: ignore[reportUnknownArgumentType]
        return [_redact(v) for v in elements]
    if isinstance(value, str) and value and _SECRET_KEY.search(key):
        return REDACTED
    return value


def redacted_view(config: LLMSpellConfig) -> dict[str, Any]:
    """The config as plain data, shaped like ``llmspell.toml``, with every secret redacted."""
    data: dict[str, Any] = config.model_dump(mode="python")
    providers: dict[str, Any] = data.get("providers") or {}
    entries: dict[str, Any] = providers.get("entries") or {}
    shaped: dict[str, Any] = {"default_provider": providers.get("default_provider"), **entries}
    data["providers"] = shaped
    view: dict[str, Any] = _redact(data)
    return view


def create_global(ctx: GlobalContext) -> ApiGlobal:
    def view() -> dict[str, Any]:
        return redacted_view(ctx.context.config)

    def get() -> dict[str, Any]:
        return view()

    def get_section(name: Any) -> Any:
        return view().get(str(name))

    def get_provider(name: Any) -> Any:
        providers: dict[str, Any] = view()["providers"]
        entry: Any = providers.get(str(name))
        return cast("dict[str, Any]", entry) if isinstance(entry, dict) else None

    def list_providers() -> list[str]:
        providers: dict[str, Any] = view()["providers"]
        return sorted(k for k, v in providers.items() if isinstance(v, dict))

    def get_security() -> dict[str, Any]:
        return view()["runtime"]["security"]

    return ApiGlobal(
        "Config",
        functions={
            "get": ApiFunction("get", get, doc="() -> the whole configuration"),
            "getSection": ApiFunction("getSection", get_section, doc="(name) -> section|nil"),
            "getProvider": ApiFunction("getProvider", get_provider, doc="(name) -> entry|nil"),
            "listProviders": ApiFunction("listProviders", list_providers),
            "getSecurity": ApiFunction("getSecurity", get_security),
        },
        doc="The configuration, read-only, with secrets shown as <REDACTED>.",
    )
