"""``llmspell run FILE`` and ``llmspell exec CODE``: run a spell and report how it went."""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from llmspell_cli.interrupts import CancelOnCtrlC
from llmspell_cli.options import config_options, load_run_config
from llmspell_cli.reporting import exit_code_for, json_report, print_error, render_result
from llmspell_cli.run_options import LiveOutput, log_level_for, run_display_options
from llmspell_cli.spellpkg.command import SpellPackageCommand

__all__ = ["exec_code", "run"]

#: How long past its time limit a spell that does not stop (stuck in C code) may keep the
#: process before it is ended anyway.
BACKSTOP_GRACE_SECONDS = 5.0


_HANDLER_NAME = "llmspell-cli"


def _configure_logging(debug: bool) -> None:
    """Spell logs (``Debug.*``) and llmspell's own go to stderr; one handler per process."""
    root = logging.getLogger("llmspell")
    for old in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(old)
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(logging.Formatter("[%(levelname)s] %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(log_level_for(click.get_current_context(silent=True), debug))
    root.propagate = False


def _report(
    error: BaseException, *, json_mode: bool, debug: bool, default_file: str | None = None
) -> int:
    """Say what went wrong (one line; a JSON document too with --output json); the exit code."""
    if json_mode:
        click.echo(json_report(error=error))
    print_error(error, debug=debug, default_file=default_file)
    return exit_code_for(error)


def _spell(
    *,
    source: str | None,
    file: str | None,
    engine: str | None,
    timeout: float | None,
    memory_limit: int | None,
    output: str,
    debug: bool,
    args: tuple[str, ...],
    script_args: Any = None,
) -> int:
    """Run one spell; returns the process exit status."""
    from llmspell_core.errors import LLMSpellError

    ctx = click.get_current_context()
    _configure_logging(debug)
    json_mode = output == "json"
    label = file or "<exec>"
    runtime: Any = None
    try:
        config = load_run_config(ctx)
    except LLMSpellError as error:  # about the configuration, not the spell: no file prefix
        return _report(error, json_mode=json_mode, debug=debug)
    try:
        from llmspell_bridge import ScriptRuntime

        live = LiveOutput(ctx, label, stdout=sys.stderr if json_mode else sys.stdout)
        runtime = ScriptRuntime(
            engine,
            config,
            timeout_seconds=timeout,
            max_memory_mb=memory_limit,
            stdout=live.stdout,
            stderr=live.stderr,
            plugins=live.plugins,
        )
        chosen = runtime.engine_for(label if file else None, engine)
        limit = runtime.limits_for(chosen).timeout_seconds
        with CancelOnCtrlC(runtime), _Backstop(limit, label), live:
            if file is not None:
                result = runtime.run_file(file, script_args or list(args))
            else:
                result = runtime.run_source(source or "", "<exec>", engine, list(args))
    except (Exception, KeyboardInterrupt) as error:  # a bug too: one line, traceback with --debug
        return _report(error, json_mode=json_mode, debug=debug, default_file=file)
    finally:
        if runtime is not None:
            runtime.close()
    if json_mode:
        click.echo(json_report(result))
    elif result is not None:
        click.echo(render_result(result))
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


def _common(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The options ``run`` and ``exec`` share; they reach the command as ``**common`` and go
    to ``_spell`` as they are."""
    options = [
        click.option("--engine", help="Engine to use (default: from the file extension)."),
        click.option("--timeout", type=float, help="Wall-clock limit in seconds (0: none)."),
        click.option("--memory-limit", type=int, help="Memory limit in MB (0: none)."),
        click.option(
            "--output",
            type=click.Choice(["text", "json"]),
            default="text",
            show_default=True,
            help="json: one JSON document on stdout; print() output goes to stderr.",
        ),
        click.option("--debug", is_flag=True, help="Show debug logs and tracebacks."),
        run_display_options,
        config_options,
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


@click.command(cls=SpellPackageCommand, context_settings={"ignore_unknown_options": False})
@click.argument("file", type=click.Path(exists=True))
@_common
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="A spell package parameter (typed by its spell.toml); repeatable.",
)
@click.option("--record", type=click.Path(dir_okay=False), help="Record provider traffic here.")
@click.option("--replay", type=click.Path(dir_okay=False), help="Replay recorded provider traffic.")
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def run(
    file: str,
    record: str | None,
    replay: str | None,
    params: tuple[str, ...],
    args: tuple[str, ...],
    **common: Any,
) -> None:
    """Run the spell FILE; words after -- become ARGS (`-- pos --name value --flag`).

    FILE may be a spell package (a folder with spell.toml): its --param values are checked
    against the manifest and reach the spell typed, in ARGS; `llmspell run FOLDER --help`
    lists them.

    \b
    Examples:
      llmspell run examples/hello.lua -- Ada --greeting Hi
      llmspell run examples/summarize --param text="Lua is small." --stream
      llmspell -p local run spell.js --timeout 30 --output json
    """
    if record:
        os.environ["LLMSPELL_RECORD"] = str(Path(record).resolve())
    if replay:
        os.environ["LLMSPELL_REPLAY"] = str(Path(replay).resolve())
    script_args = None
    if params or Path(file).is_dir():
        from llmspell_cli.spellpkg.run_support import prepare_run
        from llmspell_core.errors import LLMSpellError

        try:
            prepared = prepare_run(
                file, params, args, engine=common["engine"], timeout_seconds=common["timeout"],
                memory_limit_mb=common["memory_limit"],
            )  # fmt: skip
        except LLMSpellError as error:
            sys.exit(_report(error, json_mode=common["output"] == "json", debug=common["debug"]))
        file, script_args = prepared.file, prepared.args
        common.update(
            engine=prepared.engine,
            timeout=prepared.timeout_seconds,
            memory_limit=prepared.memory_limit_mb,
        )
    sys.exit(_spell(source=None, file=file, args=args, script_args=script_args, **common))


@click.command("exec")
@click.argument("code")
@_common
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def exec_code(code: str, args: tuple[str, ...], **common: Any) -> None:
    """Run CODE as a spell (Lua unless --engine or default_engine says otherwise).

    \b
    Examples:
      llmspell exec 'print("hello from Lua")'
      llmspell exec --engine javascript 'print(6 * 7)'
      llmspell exec 'return ARGS[1]' -- first
    """
    sys.exit(_spell(source=code, file=None, args=args, **common))
