"""``llmspell provider list``: which providers are installed, configured and usable.

It answers "why does my spell talk to the offline provider?" without running a spell: the
default provider and the reason it was chosen, and for each provider whether its key is set
(the variable is named, the value never shown).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from typing import Any

import click

from llmspell_cli.command_errors import reports_errors
from llmspell_cli.options import config_from_context, config_options
from llmspell_core.catalog import Catalog
from llmspell_core.errors import LLMSpellError, MissingExtraError

__all__ = ["ProviderRow", "provider", "provider_rows"]


@dataclass
class ProviderRow:
    name: str
    provider_type: str
    #: ``configured`` (a [providers.<name>] table), ``key in environment``, ``installed``.
    status: str
    default: bool = False
    enabled: bool = True
    default_model: str | None = None
    base_url: str | None = None
    #: ``set (OPENAI_API_KEY)``, ``missing (OPENAI_API_KEY)`` or ``not needed``.
    key: str = "not needed"
    usable: bool = True
    problem: str | None = None
    capabilities: dict[str, Any] = field(default_factory=dict[str, Any])


def _row(catalog: Catalog, name: str, status: str, default_name: str) -> ProviderRow:
    entry = catalog.config.providers.entries.get(name)
    row = ProviderRow(
        name=name,
        provider_type=(entry.provider_type if entry else None) or name,
        status=status,
        default=name == default_name,
        enabled=entry.enabled if entry else True,
        default_model=entry.default_model if entry else None,
    )
    try:
        cls, settings = catalog.provider_settings(name)
    except MissingExtraError as error:
        row.usable, row.problem = False, str(error)
        row.key = "unknown"
        return row
    except LLMSpellError as error:
        row.usable, row.problem = False, str(error)
        if error.code == "MISSING_API_KEY":
            wanted = (entry.api_key_env if entry else None) or _default_key_env(catalog, row)
            row.key = f"missing ({wanted})" if wanted else "missing"
        return row
    row.base_url = settings.base_url
    row.default_model = settings.default_model or row.default_model
    if settings.api_key is not None:
        row.key = f"set ({settings.key_source})" if settings.key_source else "set"
    elif cls.needs_api_key(settings.base_url):
        row.key = f"missing ({settings.key_source})" if settings.key_source else "missing"
    try:
        capabilities = cls(settings).capabilities(settings.default_model)
        row.capabilities = capabilities.model_dump()
        if row.default_model is None and capabilities.available_models:
            row.default_model = capabilities.available_models[0]
    except Exception as error:  # a plugin's constructor may fail in any way; report, go on
        row.problem = (
            str(error)
            if isinstance(error, LLMSpellError)
            else (f"could not be created: {type(error).__name__}: {error}")
        )
    return row


def _default_key_env(catalog: Catalog, row: ProviderRow) -> str | None:
    try:
        cls = catalog.registry.load("llmspell.providers", row.provider_type)
    except LLMSpellError:
        return None
    env: str | None = getattr(cls, "default_api_key_env", None)
    return env


def provider_rows(catalog: Catalog) -> tuple[list[ProviderRow], str, str]:
    """One row per configured or installed provider, the default's name, and why it is."""
    default_name, reason = catalog.default_provider_name()
    configured = catalog.configured_providers()
    entries = catalog.config.providers.entries
    rows: list[ProviderRow] = []
    seen: set[str] = set()
    for name in [*entries, *configured]:
        if name in seen:
            continue
        seen.add(name)
        status = "configured" if name in entries else "key in environment"
        if name in entries and not entries[name].enabled:
            status = "configured, disabled"
        rows.append(_row(catalog, name, status, default_name))
    for name in catalog.registry.names("llmspell.providers"):
        if name not in seen:
            seen.add(name)
            rows.append(_row(catalog, name, "installed", default_name))
    return rows, default_name, reason


@click.group("provider")
def provider() -> None:
    """Inspect LLM providers.

    \b
    Examples:
      llmspell provider list
      llmspell -p providers provider list --json
    """


@provider.command("list")
@config_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@reports_errors
def list_providers(as_json: bool) -> None:
    """List installed and configured providers, the default one and their keys' status.

    A key is shown only as the variable it comes from, never its value.

    \b
    Examples:
      llmspell provider list
      OPENAI_API_KEY=... llmspell provider list --json
    """
    loaded, _sources = config_from_context()
    catalog = Catalog(loaded, environ=os.environ)
    rows, default_name, reason = provider_rows(catalog)
    if as_json:
        payload = {
            "default": {"name": default_name, "reason": reason},
            "providers": [asdict(row) for row in rows],
        }
        click.echo(json.dumps(payload, indent=2))
        return
    headers = ("NAME", "TYPE", "STATUS", "MODEL", "KEY")
    table = [
        (
            ("* " if row.default else "  ") + row.name,
            row.provider_type,
            row.status,
            row.default_model or "-",
            row.key,
        )
        for row in rows
    ]
    widths = [
        max(len(str(r[i])) for r in [("  " + headers[0], *headers[1:]), *table]) for i in range(5)
    ]
    click.echo(
        "  ".join(
            h.ljust(w) for h, w in zip(("  " + headers[0], *headers[1:]), widths, strict=True)
        ).rstrip()
    )
    for cells in table:
        click.echo("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip())
    click.echo(f"\n* default provider: {default_name} ({reason})")
    for row in rows:
        if row.problem and row.status != "installed":
            click.echo(f"  {row.name}: {row.problem}")
