"""``llmspell run FILE`` and ``llmspell exec CODE``: run a spell and report how it went."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from llmspell_cli.options import CONFIG_META, PROFILE_META, config_options
from llmspell_cli.run_options import LOG_LEVEL_META, STREAM_META, run_display_options
from llmspell_cli.spell_run import SpellRequest, report_error, run_spell
from llmspell_cli.spellpkg.command import SpellPackageCommand

__all__ = ["exec_code", "run"]


def _request(common: dict[str, Any], **values: Any) -> SpellRequest:
    """The run ``common`` (the shared options) and the command-line context describe."""
    meta = click.get_current_context().meta
    return SpellRequest(
        **common,
        **values,
        config_path=meta.get(CONFIG_META),
        profile=meta.get(PROFILE_META),
        stream=bool(meta.get(STREAM_META)),
        log_level=meta.get(LOG_LEVEL_META),
    )


def _common(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The options ``run`` and ``exec`` share; they reach the command as ``**common`` and go
    to ``run_spell`` as they are."""
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
            sys.exit(
                report_error(error, json_mode=common["output"] == "json", debug=common["debug"])
            )
        file, script_args = prepared.file, prepared.args
        common.update(
            engine=prepared.engine,
            timeout=prepared.timeout_seconds,
            memory_limit=prepared.memory_limit_mb,
        )
    sys.exit(run_spell(_request(common, file=file, args=args, script_args=script_args)))


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
    sys.exit(run_spell(_request(common, source=code, args=args)))
