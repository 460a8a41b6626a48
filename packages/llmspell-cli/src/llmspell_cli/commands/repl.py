"""``llmspell repl``: type Lua or JavaScript a line at a time against one live interpreter.

Globals, agents, tools and State stay between lines (one ``ScriptRuntime`` session); the value
of an expression is printed; an error is one line on stderr and the REPL carries on. Each line
gets the configured time limit; Ctrl-C stops the running line (a second one ends the process)
or, at the prompt, drops what was typed. ``.exit`` or Ctrl-D quits.
"""

from __future__ import annotations

import sys
from enum import Enum
from typing import TYPE_CHECKING, Any

import click

from llmspell_cli.interrupts import CancelOnCtrlC
from llmspell_cli.options import config_options, load_run_config
from llmspell_cli.repl_input import attempts, unfinished
from llmspell_cli.reporting import exit_code_for, print_error, render_result

if TYPE_CHECKING:
    from llmspell_bridge.session import ScriptSession

__all__ = ["repl"]

PROMPT = "> "
CONTINUATION = ">> "
HELP = (
    "Type Lua or JavaScript; an expression's value is printed. Globals persist between "
    "lines (Lua `local`s do not). In JavaScript, `const x = ...`, `function f` and `class C` "
    "define globals.\n"
    ".help  this text\n"
    ".exit  quit (or Ctrl-D); Ctrl-C stops a running line"
)


class _Outcome(Enum):
    DONE = "done"
    MORE = "more"


class _Repl:
    def __init__(self, session: ScriptSession, *, debug: bool) -> None:
        self.session = session
        self.engine = session.engine_name
        self.debug = debug

    def _show(self, value: Any) -> None:
        if value is not None:
            click.echo(render_result(value))

    def _fail(self, error: BaseException) -> None:
        print_error(error, debug=self.debug)

    def run(self, text: str) -> _Outcome:
        """Run what was typed (possibly several lines); MORE when it is unfinished."""
        from llmspell_core.errors import ScriptError

        tries = attempts(self.engine, text)
        for index, source in enumerate(tries):
            try:
                with CancelOnCtrlC(self.session):
                    value = self.session.run(source)
            except ScriptError as error:
                if error.code == "SYNTAX_ERROR" and index < len(tries) - 1:
                    continue  # not an expression: run it as statements
                if unfinished(self.engine, text, error):
                    return _Outcome.MORE
                self._fail(error)
            except (Exception, KeyboardInterrupt) as error:  # cancelled, timed out, a bug
                self._fail(error)
            else:
                self._show(value)
            return _Outcome.DONE
        return _Outcome.DONE

    def loop(self, interactive: bool) -> None:
        buffer: list[str] = []
        while True:
            prompt = (CONTINUATION if buffer else PROMPT) if interactive else ""
            try:
                line = input(prompt)
            except EOFError:
                if interactive:
                    click.echo()
                return
            except KeyboardInterrupt:  # at the prompt: forget the unfinished input
                click.echo()
                buffer.clear()
                continue
            command = line.strip()
            if not buffer and command in (".exit", ".quit"):
                return
            if not buffer and command == ".help":
                click.echo(HELP)
                continue
            if not buffer and not command:
                continue
            buffer.append(line)
            if self.run("\n".join(buffer)) is _Outcome.DONE:
                buffer.clear()


@click.command()
@click.option("--engine", help="lua or javascript (default: default_engine, else lua).")
@click.option("--timeout", type=float, help="Wall-clock limit per line in seconds (0: none).")
@click.option("--memory-limit", type=int, help="Memory limit in MB (0: none).")
@click.option("--debug", is_flag=True, help="Show tracebacks with errors.")
@config_options
def repl(engine: str | None, timeout: float | None, memory_limit: int | None, debug: bool) -> None:
    """Read lines of Lua or JavaScript, run them in one live interpreter, print the results.

    \b
    Examples:
      llmspell repl
      llmspell repl --engine javascript
      llmspell -p development repl
    """
    from llmspell_core.errors import LLMSpellError

    ctx = click.get_current_context()
    runtime: Any = None
    try:
        config = load_run_config(ctx)
        from llmspell_bridge import ScriptRuntime

        runtime = ScriptRuntime(engine, config, timeout_seconds=timeout, max_memory_mb=memory_limit)
        with runtime.session(engine) as session:
            interactive = sys.stdin.isatty()
            if interactive:
                import importlib

                importlib.import_module("readline")  # line editing and history for input()

                from llmspell_cli import __version__

                click.echo(
                    f"llmspell {__version__} {session.engine_name} REPL; "
                    ".help for help, .exit or Ctrl-D to quit",
                    err=True,
                )
            _Repl(session, debug=debug).loop(interactive)
    except LLMSpellError as error:  # before the first line: bad config, unknown engine
        print_error(error, debug=debug)
        sys.exit(exit_code_for(error))
    finally:
        if runtime is not None:
            runtime.close()
