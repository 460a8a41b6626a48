"""``--stream`` and ``--log-level`` for ``llmspell run``/``exec``.

The options store their values in ``ctx.meta`` (like ``--config``/``-p``), so adding them
leaves the commands' signatures alone; ``live_output`` turns them into the run's writers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from llmspell_cli.live_output import LOG_LEVELS

__all__ = ["LOG_LEVEL_META", "STREAM_META", "run_display_options"]

STREAM_META = "llmspell.stream"
LOG_LEVEL_META = "llmspell.log_level"

F = TypeVar("F", bound=Callable[..., Any])


def _remember(key: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
    def callback(ctx: click.Context, _param: click.Parameter, value: Any) -> Any:
        if value:
            ctx.meta[key] = value
        return value

    return callback


def run_display_options(function: F) -> F:
    """Add ``--stream`` and ``--log-level LEVEL`` (stored in ``ctx.meta``)."""
    function = click.option(
        "--log-level",
        type=click.Choice(LOG_LEVELS, case_sensitive=False),
        expose_value=False,
        callback=_remember(LOG_LEVEL_META),
        help="Show llmspell and Debug.* log records from this level on (stderr). "
        "Default: warning; --debug implies debug.",
    )(function)
    return click.option(
        "--stream",
        is_flag=True,
        expose_value=False,
        callback=_remember(STREAM_META),
        help="Print agent replies token by token as they arrive (stdout); the spell still "
        "gets the whole reply.",
    )(function)
