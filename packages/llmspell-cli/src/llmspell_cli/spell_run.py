"""Run one spell and report how it went: the body of ``llmspell run`` and ``llmspell exec``.

It takes plain values (a :class:`SpellRequest`), not a click context, so the click commands
and the quick path for a plain ``llmspell run FILE`` (``launcher``) run exactly the same code.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Sequence
from typing import Any

from llmspell_cli.interrupts import CancelOnCtrlC
from llmspell_cli.live_output import LiveOutput, log_level
from llmspell_cli.log_setup import configure_logging
from llmspell_cli.reporting import exit_code_for, json_report, print_error, render_result
from llmspell_cli.run_config import load_run_config_from

__all__ = ["BACKSTOP_GRACE_SECONDS", "SpellRequest", "run_spell"]

#: How long past its time limit a spell that does not stop (stuck in C code) may keep the
#: process before it is ended anyway.
BACKSTOP_GRACE_SECONDS = 5.0


class SpellRequest:
    """What to run and how: the options ``run`` and ``exec`` share, as plain values."""

    def __init__(
        self,
        *,
        file: str | None = None,
        source: str | None = None,
        args: Sequence[str] = (),
        script_args: Any = None,
        engine: str | None = None,
        timeout: float | None = None,
        memory_limit: int | None = None,
        output: str = "text",
        debug: bool = False,
        config_path: str | os.PathLike[str] | None = None,
        profile: str | None = None,
        stream: bool = False,
        log_level: str | None = None,
    ) -> None:
        self.file = file
        self.source = source
        self.args = list(args)
        #: Typed ARGS from a spell package's ``--param`` values (instead of ``args``).
        self.script_args = script_args
        self.engine = engine
        self.timeout = timeout
        self.memory_limit = memory_limit
        self.output = output
        self.debug = debug
        self.config_path = config_path
        self.profile = profile
        self.stream = stream
        self.log_level = log_level


def _echo(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def report_error(
    error: BaseException, *, json_mode: bool, debug: bool, default_file: str | None = None
) -> int:
    """Say what went wrong (one line; a JSON document too with --output json); the exit code."""
    if json_mode:
        _echo(json_report(error=error))
    print_error(error, debug=debug, default_file=default_file)
    return exit_code_for(error)


def run_spell(request: SpellRequest) -> int:
    """Run one spell; returns the process exit status."""
    from llmspell_core.errors import LLMSpellError

    configure_logging(log_level(request.log_level, request.debug))
    json_mode = request.output == "json"
    debug = request.debug
    file = request.file
    label = file or "<exec>"
    runtime: Any = None
    try:
        config = load_run_config_from(request.config_path, request.profile)
    except LLMSpellError as error:  # about the configuration, not the spell: no file prefix
        return report_error(error, json_mode=json_mode, debug=debug)
    try:
        from llmspell_bridge import ScriptRuntime

        live = LiveOutput(
            label, stdout=sys.stderr if json_mode else sys.stdout, stream=request.stream
        )
        runtime = ScriptRuntime(
            request.engine,
            config,
            timeout_seconds=request.timeout,
            max_memory_mb=request.memory_limit,
            stdout=live.stdout,
            stderr=live.stderr,
            plugins=live.plugins,
        )
        chosen = runtime.engine_for(label if file else None, request.engine)
        limit = runtime.limits_for(chosen).timeout_seconds
        with CancelOnCtrlC(runtime), _Backstop(limit, label), live:
            if file is not None:
                result = runtime.run_file(file, request.script_args or request.args)
            else:
                result = runtime.run_source(
                    request.source or "", "<exec>", request.engine, request.args
                )
    except (Exception, KeyboardInterrupt) as error:  # a bug too: one line, traceback with --debug
        return report_error(error, json_mode=json_mode, debug=debug, default_file=file)
    finally:
        if runtime is not None:
            runtime.close()
    if json_mode:
        _echo(json_report(result))
    elif result is not None:
        _echo(render_result(result))
    return 0


class _Backstop:
    """Ends the process if a spell outlives its time limit by the grace period.

    The engines stop runaway script code themselves; this covers what they cannot interrupt
    (a single C call that never returns).
    """

    def __init__(self, limit: float | None, label: str) -> None:
        self._timer: threading.Timer | None = None
        if limit is not None:
            self._timer = threading.Timer(
                limit + BACKSTOP_GRACE_SECONDS, self._fire, (limit, label)
            )
            self._timer.daemon = True

    @staticmethod
    def _fire(limit: float, label: str) -> None:
        sys.stderr.write(f"{label}: timed out after {limit:g}s and did not stop; ended\n")
        sys.stderr.flush()
        os._exit(124)

    def __enter__(self) -> None:
        if self._timer is not None:
            self._timer.start()

    def __exit__(self, *exc: object) -> None:
        if self._timer is not None:
            self._timer.cancel()
