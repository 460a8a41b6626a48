"""``--config`` and ``-p/--profile`` without importing the configuration machinery.

The values land in ``ctx.meta`` under the same keys ``configuration.cli_options`` uses, so
``llmspell -p local run x.lua`` and ``llmspell run x.lua -p local`` both work, yet a run with
no configuration at all never imports pydantic (see ``load_run_config``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from llmspell_core.config import LLMSpellConfig

__all__ = ["CONFIG_META", "PROFILE_META", "light_config_options", "load_run_config"]

CONFIG_META = "llmspell.config_path"
PROFILE_META = "llmspell.profile"
_LOADED_META = "llmspell.loaded_config"

F = TypeVar("F", bound=Callable[..., Any])


def _remember(key: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
    def callback(ctx: click.Context, _param: click.Parameter, value: Any) -> Any:
        if value is not None:
            ctx.meta[key] = value
            ctx.meta.pop(_LOADED_META, None)
        return value

    return callback


def light_config_options(function: F) -> F:
    """Add ``--config FILE`` and ``-p/--profile NAME`` (stored in ``ctx.meta``)."""
    function = click.option(
        "-p",
        "--profile",
        metavar="NAME",
        expose_value=False,
        callback=_remember(PROFILE_META),
        help="Built-in configuration profile (see `llmspell config profiles`). "
        "[env: LLMSPELL_PROFILE]",
    )(function)
    return click.option(
        "--config",
        "config_path",
        metavar="FILE",
        expose_value=False,
        type=click.Path(dir_okay=False, path_type=Path),
        callback=_remember(CONFIG_META),
        help="Configuration file (default: ./llmspell.toml, then "
        "$XDG_CONFIG_HOME/llmspell/config.toml). [env: LLMSPELL_CONFIG]",
    )(function)


def _anything_to_load(ctx: click.Context) -> bool:
    env = os.environ
    if ctx.meta.get(CONFIG_META) or ctx.meta.get(PROFILE_META):
        return True
    if env.get("LLMSPELL_CONFIG") or env.get("LLMSPELL_PROFILE"):
        return True
    if (
        any(k.startswith("LLMSPELL_") and "__" in k for k in env)
        or "LLMSPELL_DEFAULT_ENGINE" in env
    ):
        return True
    if Path("llmspell.toml").is_file():
        return True
    xdg = env.get("XDG_CONFIG_HOME", "")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".config"
    return (base / "llmspell" / "config.toml").is_file()


def load_run_config(ctx: click.Context) -> LLMSpellConfig | None:
    """The layered configuration, or None (built-in defaults) when nothing configures llmspell."""
    if not _anything_to_load(ctx):
        return None
    from llmspell_cli.configuration.cli_options import config_from_context

    config, _sources = config_from_context(ctx)
    return config
