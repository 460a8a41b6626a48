"""``llmspell plugins``: every entry point llmspell can see, and its status."""

from __future__ import annotations

import json

import click

__all__ = ["plugins"]


@click.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON array instead of a table.")
def plugins(as_json: bool) -> None:
    """List plugins: group, name, distribution, version, status.

    \b
    Examples:
      llmspell plugins
      llmspell plugins --json
      LLMSPELL_PLUGINS= llmspell plugins      # built-ins only
    """
    from llmspell_core.registry import registry

    rows = [
        {
            "group": info.group,
            "name": info.name,
            "distribution": info.distribution,
            "version": info.version,
            "status": info.status,
            **({"error": info.error} if info.error else {}),
        }
        for info in registry.plugins()
    ]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    headers = ("group", "name", "distribution", "version", "status")
    widths = [max([len(h), *(len(str(r[h])) for r in rows)]) for h in headers]
    click.echo("  ".join(h.upper().ljust(w) for h, w in zip(headers, widths, strict=True)))
    for row in rows:
        line = "  ".join(str(row[h]).ljust(w) for h, w in zip(headers, widths, strict=True))
        click.echo(line.rstrip() + (f"  ({row['error']})" if "error" in row else ""))
