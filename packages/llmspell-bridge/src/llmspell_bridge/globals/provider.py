"""The ``Provider`` global (spell-api §6): which LLM providers are configured, and what they do.

Only *configured* providers are listed: ``[providers.<name>]`` entries, or a provider whose
API key is in the environment. Names read ``<impl>/<provider>/<default_model>``
(``sdk/openai/gpt-4o-mini``); lookups accept that form, ``provider/model`` or a bare name.
"""

from __future__ import annotations

from typing import Any, cast

from llmspell_core.errors import LLMSpellError, NotFoundError
from llmspell_core.provider import Provider
from llmspell_core.script_api import ApiFunction, ApiGlobal, GlobalContext
from llmspell_core.services import Services

__all__ = ["ProviderGlobal", "create_global"]


def _split(name: str) -> tuple[str, str | None]:
    """``(provider, model)`` from ``impl/provider/model``, ``provider/model`` or ``provider``."""
    parts = name.strip().split("/")
    if len(parts) >= 3:
        return parts[1], "/".join(parts[2:]) or None
    if len(parts) == 2:
        return parts[0], parts[1] or None
    return parts[0], None


class ProviderGlobal:
    """The functions behind ``Provider``; one per script runtime."""

    def __init__(self, ctx: GlobalContext) -> None:
        self._gctx = ctx

    @property
    def services(self) -> Services:
        return self._gctx.services

    def _configured(self) -> list[str]:
        finder = getattr(self.services, "configured_providers", None)
        if callable(finder):
            names: list[Any] = list(cast(Any, finder)())
            return [str(n) for n in names]
        entries = self.services.config.providers.entries
        return sorted(name for name, entry in entries.items() if entry.enabled)

    def _resolve(self, name: str, model: str | None) -> tuple[Provider, str | None]:
        try:
            resolved = self.services.resolve_model(model, provider=name)
            return resolved.provider, resolved.model
        except NotFoundError:
            raise
        except LLMSpellError:
            if model is not None:
                raise
            getter = getattr(self.services, "get_provider", None)
            if not callable(getter):
                raise
            provider = cast(Provider, cast(Any, getter)(name))
            return provider, provider.settings.default_model

    def _entry(self, name: str, model: str | None = None) -> dict[str, Any]:
        enabled = True
        entries = self.services.config.providers.entries
        if name in entries:
            enabled = entries[name].enabled
        try:
            provider, chosen = self._resolve(name, model)
        except NotFoundError:
            raise
        except LLMSpellError as exc:
            return {
                "name": f"sdk/{name}/{model or ''}",
                "provider": name,
                "enabled": False,
                "available": False,
                "error": exc.message,
                "capabilities": None,
            }
        implementation = str(getattr(provider, "implementation", "sdk"))
        return {
            "name": f"{implementation}/{name}/{chosen or ''}",
            "provider": name,
            "type": provider.provider_type,
            "default_model": chosen,
            "base_url": provider.settings.base_url,
            "enabled": enabled,
            "available": enabled,
            "capabilities": provider.capabilities(chosen).model_dump(),
        }

    def list(self) -> list[dict[str, Any]]:
        return [self._entry(name) for name in self._configured()]

    def get(self, name: str) -> dict[str, Any] | None:
        provider, model = _split(name)
        try:
            return self._entry(provider, model)
        except NotFoundError:
            return None

    def get_capabilities(self, name: str) -> dict[str, Any] | None:
        entry = self.get(name)
        return None if entry is None else entry["capabilities"]

    def is_available(self, name: str) -> bool:
        entry = self.get(name)
        return bool(entry and entry["available"])


def create_global(ctx: GlobalContext) -> ApiGlobal:
    """The ``llmspell.globals`` entry point for ``Provider``."""
    api = ProviderGlobal(ctx)
    functions = {
        "list": ApiFunction("list", api.list, doc="the configured providers"),
        "get": ApiFunction("get", api.get, doc="one provider's details, or nil"),
        "getCapabilities": ApiFunction(
            "getCapabilities", api.get_capabilities, doc="streaming, tools, models, ..."
        ),
        "isAvailable": ApiFunction("isAvailable", api.is_available, doc="whether it can be used"),
    }
    functions["get_capabilities"] = functions["getCapabilities"]
    functions["is_available"] = functions["isAvailable"]
    return ApiGlobal(name="Provider", functions=functions, doc="LLM providers (spell-api §6)")
