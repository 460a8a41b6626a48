"""What both built-in engines share: a spell's deadline, and why it must stop.

Each engine checks ``_check_limits`` from its own hook (Lua's count hook, QuickJS's interrupt
handler); the first reason to stop — the time limit, Ctrl-C or a cancelled runtime — is kept
in ``_stop`` and raised once the script has unwound. ``_stop_base`` keeps a KeyboardInterrupt
or SystemExit that arrived inside a callback, to re-raise as itself.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from llmspell_core.engine import ScriptEngine
from llmspell_core.errors import LLMSpellError, ResourceLimitError, TimeoutError

if TYPE_CHECKING:
    from llmspell_core.script_host import ScriptHost

__all__ = ["LimitedEngine"]


class LimitedEngine(ScriptEngine):
    """A ``ScriptEngine`` with a deadline, a stop reason and the limit messages."""

    def __init__(self, limits: Any = None) -> None:
        super().__init__(limits)
        self._host: ScriptHost | None = None
        self._deadline: float | None = None
        self._chunk = "<spell>"
        self._stop: LLMSpellError | None = None
        self._stop_base: BaseException | None = None

    def _begin(self, chunk_name: str) -> None:
        """Start a run: its name, a fresh deadline, no stop left from an earlier run."""
        self._chunk = chunk_name
        self._stop, self._stop_base = None, None  # a REPL's earlier line may have been stopped
        timeout = self.limits.timeout_seconds
        self._deadline = None if timeout is None else time.monotonic() + timeout

    def _check_limits(self) -> bool:
        """Whether the script must stop now (the reason goes to ``_stop``)."""
        if self._stop is not None:
            return True
        if self._deadline is not None and time.monotonic() >= self._deadline:
            self._stop = TimeoutError(
                f"timed out after {self.limits.timeout_seconds:g}s "
                "(raise it with --timeout or runtime.timeout_seconds)"
            )
            return True
        assert self._host is not None
        stop = self._host.interruption()
        if stop is not None:
            self._stop = stop
            return True
        return False

    def _raise_stop(self) -> None:
        """Raise why the run was stopped, if it was."""
        if self._stop_base is not None:
            raise self._stop_base
        if self._stop is not None:
            raise self._stop

    def _memory_error(self) -> ResourceLimitError:
        return ResourceLimitError(
            f"memory limit of {self.limits.max_memory_mb} MB exceeded "
            "(raise it with --memory-limit or runtime.max_memory_mb)"
        )
