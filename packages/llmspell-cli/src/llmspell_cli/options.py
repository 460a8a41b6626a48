"""``--config`` and ``-p/--profile``: the one definition every command uses.

The values go into ``ctx.meta``, which click shares across the whole context tree, so the
options work both on the ``llmspell`` group (``llmspell -p local run x.lua``) and on a command
(``llmspell run x.lua -p local``), and every command reads them the same way. Nothing heavy is
imported until a configuration is actually loaded: ``llmspell run x.lua`` with no
configuration anywhere never imports pydantic (see ``load_run_config``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from llmspell_cli.configuration.profiles import PROFILE_NAMES

if TYPE_CHECKING:
    from click.shell_completion import CompletionItem

    from llmspell_cli.configuration.sources import ConfigSource
    from llmspell_core.config import LLMSpellConfig

__all__ = [
    "CONFIG_META",
    "PROFILE_META",
    "config_from_context",
    "config_options",
    "load_run_config",
    "select_config_file",
]

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


def _complete_profile(
    _ctx: click.Context, _param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    from click.shell_completion import CompletionItem

    return [CompletionItem(name) for name in PROFILE_NAMES if name.startswith(incomplete)]


def config_options(function: F) -> F:
    """Add ``--config FILE`` and ``-p/--profile NAME`` (stored in ``ctx.meta``)."""
    function = click.option(
        "-p",
        "--profile",
        metavar="NAME",
        expose_value=False,
        callback=_remember(PROFILE_META),
        shell_complete=_complete_profile,
        help=f"Built-in configuration profile: {', '.join(PROFILE_NAMES)}. [env: LLMSPELL_PROFILE]",
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


def config_from_context(
    ctx: click.Context | None = None,
    environ: Mapping[str, str] | None = None,
) -> tuple[LLMSpellConfig, list[ConfigSource]]:
    """Load (once per invocation) the configuration the options on the command line select."""
    from llmspell_cli.configuration.loader import load_config

    context = ctx or click.get_current_context()
    cached = context.meta.get(_LOADED_META)
    if cached is not None and environ is None:
        config, sources = cached
        return config, sources
    loaded = load_config(
        explicit=context.meta.get(CONFIG_META),
        profile=context.meta.get(PROFILE_META),
        environ=os.environ if environ is None else environ,
    )
    if environ is None:
        context.meta[_LOADED_META] = loaded
    return loaded


def select_config_file(ctx: click.Context, path: Path) -> None:
    """Make ``path`` the configuration file for the rest of this invocation."""
    ctx.meta[CONFIG_META] = path
    ctx.meta.pop(_LOADED_META, None)


def load_run_config(ctx: click.Context) -> LLMSpellConfig | None:
    """The layered configuration, or None (built-in defaults) when nothing configures llmspell."""
    from llmspell_cli.run_config import anything_to_load

    if not anything_to_load(ctx.meta.get(CONFIG_META), ctx.meta.get(PROFILE_META)):
        return None
    config, _sources = config_from_context(ctx)
    return config
