"""A transient rich spinner on stderr while a spell runs — only when stderr is a terminal.

It appears after a short delay (quick spells never show it) and steps aside whenever the
spell writes: every output line or streamed token first clears the spinner, and the spinner
comes back only after the output has been quiet for a moment. Piped or redirected stderr
gets nothing at all, so logs and CI output stay clean.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import IO, Any

__all__ = ["Activity"]


class _Line:
    """The spinner plus the label and elapsed seconds, re-rendered on every refresh."""

    def __init__(self, label: str, started: float) -> None:
        from rich.spinner import Spinner

        self.label = label
        self.started = started
        self.spinner = Spinner("dots", style="cyan")

    def __rich__(self) -> Any:
        from rich.text import Text

        elapsed = time.monotonic() - self.started
        self.spinner.update(text=Text(f"{self.label} · {elapsed:.0f}s", style="dim"))
        return self.spinner


class Activity:
    """``with Activity("running x.lua") as activity: ... activity.wrap(writer) ...``."""

    def __init__(
        self,
        label: str,
        *,
        stream: IO[str] | None = None,
        enabled: bool | None = None,
        delay: float = 0.5,
        quiet: float = 0.8,
    ) -> None:
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        isatty = getattr(self.stream, "isatty", None)
        self.enabled = bool(isatty and isatty()) if enabled is None else enabled
        self.delay = delay
        self.quiet = quiet
        self._lock = threading.RLock()
        self._live: Any = None
        self._showing = False
        self._last_output = 0.0
        self._started = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- the spinner --------------------------------------------------------------------------
    def _make_live(self) -> Any:
        from rich.console import Console
        from rich.live import Live

        console = Console(file=self.stream, force_terminal=True)
        return Live(
            _Line(self.label, self._started),
            console=console,
            transient=True,
            refresh_per_second=10,
            redirect_stdout=False,
            redirect_stderr=False,
        )

    def _hide(self) -> None:
        if self._showing and self._live is not None:
            self._live.stop()
            self._showing = False

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            now = time.monotonic()
            with self._lock:
                due = now - self._started >= self.delay and now - self._last_output >= self.quiet
                if due and not self._showing and not self._stop.is_set():
                    if self._live is None:
                        self._live = self._make_live()
                    self._live.start(refresh=True)
                    self._showing = True

    # -- output -------------------------------------------------------------------------------
    def wrap(self, write: Callable[[str], None]) -> Callable[[str], None]:
        """``write``, but clearing the spinner first and keeping it away while output flows."""
        if not self.enabled:
            return write

        def wrapped(text: str) -> None:
            with self._lock:
                self._hide()
                self._last_output = time.monotonic()
                write(text)

        return wrapped

    # -- lifetime -----------------------------------------------------------------------------
    def __enter__(self) -> Activity:
        if self.enabled:
            self._started = time.monotonic()
            self._thread = threading.Thread(target=self._run, name="llmspell-activity", daemon=True)
            self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=1)
            self._thread = None
        with self._lock:
            self._hide()
