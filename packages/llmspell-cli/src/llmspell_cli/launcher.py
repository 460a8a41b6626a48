"""The ``llmspell`` console script: a plain ``llmspell run FILE`` starts without click.

Importing click costs more than running a small spell does, so the most common invocation —
``llmspell run FILE`` with no options, optionally followed by ``-- ARGS...`` for the spell —
goes straight to ``spell_run.run_spell``, the same code the click ``run`` command calls with
the same defaults. Anything else (an option, ``--help``, a spell package folder, a file that
does not exist, another command) is handed to the click CLI in ``llmspell_cli.main``, which
parses and reports it as always.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

__all__ = ["main", "plain_run"]


def plain_run(argv: Sequence[str]) -> tuple[str, list[str]] | None:
    """``(file, spell_args)`` when ``argv`` is exactly ``run FILE [-- ARGS...]``, else None."""
    if len(argv) < 2 or argv[0] != "run":
        return None
    file, rest = argv[1], list(argv[2:])
    if file.startswith("-") or not os.path.isfile(file):
        return None
    if rest and rest[0] != "--":
        return None
    return file, rest[1:]


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point; exits with the command's status."""
    args = list(argv) if argv is not None else sys.argv[1:]
    quick = plain_run(args)
    if quick is not None:
        from llmspell_cli.spell_run import SpellRequest, run_spell

        file, spell_args = quick
        sys.exit(run_spell(SpellRequest(file=file, args=spell_args)))
    from llmspell_cli.main import main as click_main

    click_main(args)
