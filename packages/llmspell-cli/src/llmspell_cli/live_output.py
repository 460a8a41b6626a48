"""The live terminal output of ``llmspell run``/``exec``, without click.

:class:`LiveOutput` builds the writers the runtime prints through: they clear the stderr
spinner (shown only on a terminal) before writing, and with ``--stream`` a registry whose
providers stream agent replies into stdout as they arrive. It takes plain values rather than a
click context so the quick ``llmspell run FILE`` path (``launcher``) can use it without
importing click; everything heavy (rich, pydantic models) is imported only when used.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import TracebackType
from typing import IO, Any

from llmspell_cli.activity import Activity

__all__ = ["LOG_LEVELS", "LiveOutput", "log_level"]

LOG_LEVELS = ("debug", "info", "warning", "error")

#: ``logging``'s numbers, so choosing a level does not import logging.
_LEVEL_NUMBERS = {"debug": 10, "info": 20, "warning": 30, "error": 40}


def log_level(name: str | None, debug: bool) -> int:
    """The logging level ``--debug`` / ``--log-level`` ask for (warning by default)."""
    if debug:
        return _LEVEL_NUMBERS["debug"]
    return _LEVEL_NUMBERS.get(str(name or "warning").lower(), _LEVEL_NUMBERS["warning"])


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
        label: str,
        *,
        stdout: IO[str],
        stderr: IO[str] | None = None,
        stream: bool = False,
    ) -> None:
        errors = stderr if stderr is not None else sys.stderr
        self.activity = Activity(f"running {label}", stream=errors)
        self.stdout = self.activity.wrap(_lines(stdout))
        self.stderr = self.activity.wrap(_lines(errors))
        #: A registry for ``ScriptRuntime(plugins=...)``; None means the process registry.
        self.plugins: Any = None
        if stream:
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
