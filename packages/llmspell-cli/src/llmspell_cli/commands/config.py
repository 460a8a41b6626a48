"""``llmspell config init | show | validate``: create, inspect and check ``llmspell.toml``."""

from __future__ import annotations

import json
import os
from importlib import resources
from pathlib import Path
from typing import Any, cast

import click
import tomli_w

from llmspell_cli.command_errors import reports_errors
from llmspell_cli.configuration import (
    PROFILE_NAMES,
    config_table,
    load_config,
    profile_summary,
    profile_text,
    user_config_path,
)
from llmspell_cli.configuration.sources import ConfigSource
from llmspell_cli.options import config_from_context, config_options, select_config_file
from llmspell_core.errors import ConfigError, UsageError
from llmspell_utils import atomic_write_text

__all__ = ["config"]


@click.group("config")
def config() -> None:
    """Create, inspect and check the configuration (llmspell.toml).

    \b
    Layers, later ones winning key by key: built-in defaults; the file (--config,
    LLMSPELL_CONFIG, ./llmspell.toml, $XDG_CONFIG_HOME/llmspell/config.toml); the profile
    (-p/--profile or LLMSPELL_PROFILE); LLMSPELL_<SECTION>__<KEY> environment variables
    (e.g. LLMSPELL_RUNTIME__TIMEOUT_SECONDS=30).

    \b
    Examples:
      llmspell config init --profile development
      llmspell config show --sources
      llmspell config validate ./llmspell.toml
      llmspell config profiles
    """


@config.command("init")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-p",
    "--profile",
    "profile",
    type=click.Choice(PROFILE_NAMES),
    help="Start from a built-in profile instead of the commented defaults.",
)
@click.option(
    "--user",
    is_flag=True,
    help="Write the user configuration ($XDG_CONFIG_HOME/llmspell/config.toml).",
)
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@reports_errors
def init(path: Path | None, profile: str | None, user: bool, force: bool) -> None:
    """Write a starting llmspell.toml (default: ./llmspell.toml).

    \b
    Examples:
      llmspell config init
      llmspell config init --profile providers
      llmspell config init --user --profile local
    """
    if path is not None and user:
        raise UsageError("give a PATH or --user, not both")
    target = user_config_path(os.environ) if user else (path or Path("llmspell.toml"))
    if target.exists() and not force:
        raise UsageError(
            f"{target} already exists; pass --force to overwrite it, or check it with "
            f"`llmspell config validate {target}`",
            details={"file": str(target)},
        )
    if profile:
        text = profile_text(profile)
    else:
        text = (resources.files("llmspell_cli.configuration") / "template.toml").read_text("utf-8")
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(target, text)
    # The template must itself be valid; checking here keeps that promise honest.
    load_config(explicit=target, environ={}, cwd=Path.cwd())
    origin = f"profile '{profile}'" if profile else "the commented defaults"
    click.echo(f"Wrote {target} from {origin}. Check it with `llmspell config validate`.")


def _render(table: dict[str, Any], output: str) -> str:
    if output == "json":
        return json.dumps(table, indent=2)
    return tomli_w.dumps(table)


@config.command("show")
@config_options
@click.option(
    "--format",
    "output",
    type=click.Choice(["toml", "json"]),
    default="toml",
    show_default=True,
    help="Output format.",
)
@click.option("--section", metavar="NAME", help="Only this section (e.g. runtime, providers).")
@click.option("--sources", is_flag=True, help="List the layers the result was merged from.")
@reports_errors
def show(output: str, section: str | None, sources: bool) -> None:
    """Print the merged configuration, secrets shown as <REDACTED>.

    \b
    Examples:
      llmspell config show
      llmspell -p development config show --section runtime
      LLMSPELL_RUNTIME__TIMEOUT_SECONDS=30 llmspell config show --format json
    """
    loaded, layers = config_from_context()
    table = config_table(loaded)
    if section is not None:
        value = table.get(section)
        if not isinstance(value, dict):
            sections = [key for key, item in table.items() if isinstance(item, dict)]
            raise UsageError(
                f"no section '{section}'; sections: {', '.join(sections)}",
                details={"section": section},
            )
        table = {section: cast(dict[str, Any], value)}
    if sources and output == "json":
        table = {"sources": [_source_json(layer) for layer in layers], "config": table}
    text = _render(table, output).rstrip("\n")
    if sources and output == "toml":
        listed = "\n".join(f"#   {n}. {layer.describe()}" for n, layer in enumerate(layers, 1))
        text = f"# Merged from (later layers win):\n{listed}\n\n{text}"
    click.echo(text)


def _source_json(layer: ConfigSource) -> dict[str, Any]:
    return {
        "kind": layer.kind,
        "name": layer.name,
        "path": str(layer.path) if layer.path else None,
        "reason": layer.reason,
        "keys": list(layer.keys),
    }


@config.command("profiles")
def profiles() -> None:
    """List the built-in profiles that -p/--profile selects.

    \b
    Examples:
      llmspell config profiles
      llmspell -p local config show
    """
    for name in PROFILE_NAMES:
        click.echo(f"{name:<12} {profile_summary(name)}")


@config.command("validate")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@config_options
@reports_errors
def validate(file: Path | None) -> None:
    """Check the configuration; exit 0 when valid, 3 with every problem named when not.

    \b
    Examples:
      llmspell config validate
      llmspell config validate ./llmspell.toml
      llmspell -p providers config validate
    """
    ctx = click.get_current_context()
    if file is not None:
        select_config_file(ctx, file)
    try:
        _loaded, layers = config_from_context(ctx)
    except ConfigError as error:
        count = int(error.details.get("count", 1))
        if count > 1:
            error.message = f"{count} problems:\n{error.message}"
        raise
    used = [layer.describe() for layer in layers if layer.kind != "defaults"]
    click.echo("Configuration is valid" + (f": {'; '.join(used)}" if used else " (defaults only)"))
