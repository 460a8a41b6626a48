"""``llmspell run ./folder --help``: a package's own usage instead of ``run``'s.

click handles ``--help`` eagerly, before the command body could look at FILE, so the check
sits in argument parsing: when the words before ``--`` hold a help flag and a spell-package
folder, the package's help is printed and the command exits 0. Only that case imports the
manifest machinery; every other run pays one ``stat`` per word at most.
"""

from __future__ import annotations

from pathlib import Path

import click

__all__ = ["MANIFEST_FILE", "SpellPackageCommand", "package_help_requested"]

MANIFEST_FILE = "spell.toml"


def package_help_requested(ctx: click.Context, args: list[str]) -> str | None:
    """The package folder whose help was asked for in ``args``, or None."""
    words = args[: args.index("--")] if "--" in args else args
    if not any(word in ctx.help_option_names for word in words):
        return None
    return next(
        (w for w in words if not w.startswith("-") and (Path(w) / MANIFEST_FILE).is_file()),
        None,
    )


class SpellPackageCommand(click.Command):
    """A click command whose ``--help`` shows a spell package's parameters when given one."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        folder = package_help_requested(ctx, args)
        if folder is not None:
            from llmspell_cli.command_errors import reports_errors
            from llmspell_cli.spellpkg.help import package_help
            from llmspell_cli.spellpkg.package import load_package

            @reports_errors
            def show() -> None:
                click.echo(package_help(load_package(folder), folder), color=ctx.color)

            show()
            ctx.exit(0)
        return super().parse_args(ctx, args)
