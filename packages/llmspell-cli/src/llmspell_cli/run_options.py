"""``--stream``, ``--log-level`` and the live terminal output of ``llmspell run``/``exec``.

The options store their values in ``ctx.meta`` (like ``--config``/``-p``), so adding them
leaves the commands' signatures alone. :class:`LiveOutput` builds the writers the runtime
prints through: they clear the stderr spinner (shown only on a terminal) before writing, and
with ``--stream`` a registry whose providers stream agent replies into stdout as they arrive.
Everything heavy (rich, pydantic models) is imported only when a feature is actually used.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from types import TracebackType
from typing import IO, Any, TypeVar

import click

from llmspell_cli.activity import Activity

__all__ = [
    "LOG_LEVELS",
    "LOG_LEVEL_META",
    "STREAM_META",
    "LiveOutput",
    "log_level_for",
    "run_display_options",
]

STREAM_META = "llmspell.stream"
LOG_LEVEL_META = "llmspell.log_level"
LOG_LEVELS = ("debug", "info", "warning", "error")

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


def log_level_for(ctx: click.Context | None, debug: bool) -> int:
    """The logging level ``--debug`` / ``--log-level`` ask for (warning by default)."""
    if debug:
        return logging.DEBUG
    chosen = ctx.meta.get(LOG_LEVEL_META) if ctx is not None else None
    return getattr(logging, str(chosen or "warning").upper(), logging.WARNING)


def _lines(stream: IO[str]) -> Callable[[str], None]:
    def write(line: str) -> None:
        stream.write(line + "\n")
        stream.flush()

    return write


def _text(stream: IO[str]) -> Callable[[str], None]:
    def write(text: str) -> None:
        stream.write(text)
        stream.flush()

    return write


class LiveOutput:
    """The runtime's ``stdout``/``stderr`` writers and ``plugins`` for one run."""

    def __init__(
        self,
        ctx: click.Context,
        label: str,
        *,
        stdout: IO[str],
        stderr: IO[str] | None = None,
    ) -> None:
        errors = stderr if stderr is not None else sys.stderr
        self.activity = Activity(f"running {label}", stream=errors)
        self.stdout = self.activity.wrap(_lines(stdout))
        self.stderr = self.activity.wrap(_lines(errors))
        #: A registry for ``ScriptRuntime(plugins=...)``; None means the process registry.
        self.plugins: Any = None
        if ctx.meta.get(STREAM_META):
            from llmspell_cli.stream_tee import StreamingRegistry, TextSink
            from llmspell_core.registry import registry

            self.plugins = StreamingRegistry(registry, TextSink(self.activity.wrap(_text(stdout))))

    def __enter__(self) -> LiveOutput:
        self.activity.__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.activity.__exit__(exc_type, exc, tb)
