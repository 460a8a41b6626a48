"""Load the configuration: discover, layer, validate (architecture §6).

Layers, lowest first — a later layer wins key by key:

1. built-in defaults (the ``LLMSpellConfig`` field defaults);
2. the configuration file: ``--config``, ``LLMSPELL_CONFIG``, ``./llmspell.toml``,
   ``$XDG_CONFIG_HOME/llmspell/config.toml`` — the first that applies;
3. the profile: ``-p/--profile`` or ``LLMSPELL_PROFILE`` — typed for this run, so it beats the
   standing file;
4. ``LLMSPELL_<SECTION>__<KEY>`` environment variables (see ``env_overrides``) — one key at a
   time, so ``-p development`` plus ``LLMSPELL_RUNTIME__TIMEOUT_SECONDS=30`` does what it says.

Command-line flags such as ``--timeout`` apply after all of these, in the command itself.
Any problem is a :class:`ConfigError` (exit code 3) naming the layer, the dotted key and the
expected form.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pydantic

from llmspell_cli.configuration.discovery import find_config_file
from llmspell_cli.configuration.merge import deep_merge, leaf_keys
from llmspell_cli.configuration.overrides import env_overrides
from llmspell_cli.configuration.profiles import PROFILE_ENV, profile_data
from llmspell_cli.configuration.sources import ConfigSource
from llmspell_cli.configuration.toml_lines import line_of_key
from llmspell_cli.configuration.validation_messages import describe_errors
from llmspell_core.config import LLMSpellConfig
from llmspell_core.errors import ConfigError, UsageError
from llmspell_utils import load_toml

__all__ = ["load_config", "validate_table"]


@dataclass
class _Layer:
    source: ConfigSource
    table: dict[str, Any]

    def owns(self, dotted: str) -> bool:
        prefix = dotted + "."
        return any(
            key == dotted or key.startswith(prefix) or dotted.startswith(key + ".")
            for key in self.source.keys
        )

    def where(self, dotted: str, cwd: Path) -> str:
        source = self.source
        if source.kind == "env":
            variable = (
                source.variables.get(dotted)
                or next(
                    (v for k, v in source.variables.items() if k.startswith(dotted + ".")),
                    None,
                )
                or next(
                    (v for k, v in source.variables.items() if dotted.startswith(k + ".")), None
                )
            )
            return f"environment variable {variable}" if variable else "environment variables"
        if source.kind == "profile":
            return f"profile '{source.name}'"
        if source.kind == "file" and source.path is not None:
            shown = _display_path(source.path, cwd)
            try:
                line = line_of_key(source.path.read_text("utf-8"), dotted)
            except OSError:
                line = None
            return f"{shown}:{line}" if line else shown
        return "built-in defaults"


def _display_path(path: Path, cwd: Path) -> str:
    try:
        return str(path.resolve().relative_to(cwd.resolve()))
    except ValueError:
        return str(path)


def validate_table(
    table: Mapping[str, Any], layers: list[_Layer] | None = None, cwd: Path | None = None
) -> LLMSpellConfig:
    """Validate a merged raw table; errors name the layer that set each bad key."""
    try:
        return LLMSpellConfig.model_validate(dict(table))
    except pydantic.ValidationError as error:
        here = cwd or Path.cwd()

        def where(dotted: str) -> str:
            for layer in reversed(layers or []):
                if layer.owns(dotted):
                    return layer.where(dotted, here)
            return "configuration"

        lines = describe_errors(error.errors(), where)
        raise ConfigError(
            "\n".join(lines), details={"errors": lines, "count": len(lines)}
        ) from None


def load_config(
    explicit: str | os.PathLike[str] | None = None,
    profile: str | None = None,
    environ: Mapping[str, str] = os.environ,
    cwd: str | os.PathLike[str] | None = None,
) -> tuple[LLMSpellConfig, list[ConfigSource]]:
    """The validated configuration and the layers it was built from (lowest first)."""
    here = Path(cwd) if cwd is not None else Path.cwd()
    layers: list[_Layer] = [
        _Layer(ConfigSource("defaults", "built-in defaults", reason="LLMSpellConfig"), {})
    ]

    found = find_config_file(explicit, environ, here)
    if found is not None:
        table = load_toml(found.path)
        layers.append(
            _Layer(
                ConfigSource(
                    "file",
                    found.path.name,
                    path=found.path,
                    reason=found.reason,
                    keys=tuple(leaf_keys(table)),
                ),
                table,
            )
        )

    chosen = profile or environ.get(PROFILE_ENV) or None
    if chosen:
        reason = "-p/--profile" if profile else PROFILE_ENV
        try:
            table = profile_data(chosen)
        except UsageError as error:
            if profile:
                raise
            # Set in the environment, it is standing configuration rather than a typo on
            # this command line.
            raise ConfigError(f"{PROFILE_ENV}: {error}", details=error.details) from None
        layers.append(
            _Layer(
                ConfigSource("profile", chosen, reason=reason, keys=tuple(leaf_keys(table))),
                table,
            )
        )

    table, variables = env_overrides(environ)
    if table:
        layers.append(
            _Layer(
                ConfigSource(
                    "env",
                    "environment",
                    reason="LLMSPELL_<SECTION>__<KEY>",
                    keys=tuple(variables),
                    variables=variables,
                ),
                table,
            )
        )

    merged: dict[str, Any] = {}
    for layer in layers:
        merged = deep_merge(merged, layer.table)
    config = validate_table(merged, layers, here)
    return config, [layer.source for layer in layers]
