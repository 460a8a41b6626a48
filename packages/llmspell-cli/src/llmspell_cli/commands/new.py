"""``llmspell new NAME``: scaffold a spell package."""

from __future__ import annotations

from pathlib import Path

import click

from llmspell_cli.command_errors import reports_errors
from llmspell_cli.spellpkg.scaffold import ENGINE_ENTRIES, scaffold_package

__all__ = ["new"]


@click.command("new")
@click.argument("name")
@click.option(
    "-e",
    "--engine",
    type=click.Choice(sorted(ENGINE_ENTRIES)),
    default="lua",
    show_default=True,
    help="Language of the entry script.",
)
@click.option(
    "-d",
    "--directory",
    type=click.Path(file_okay=False, path_type=Path),
    help="Create the package inside this folder (default: the current one).",
)
@click.option("--description", help="One line saying what the spell does.")
@click.option("--force", is_flag=True, help="Write into an existing, non-empty folder.")
@reports_errors
def new(
    name: str, engine: str, directory: Path | None, description: str | None, force: bool
) -> None:
    """Create the spell package NAME: spell.toml, an entry script and a README.

    The new spell runs at once and shows how typed parameters reach ARGS.

    \b
    Examples:
      llmspell new greeter && llmspell run greeter --param name=Ada
      llmspell new summarize --engine javascript --description "Summarize a file"
      llmspell run greeter --help
    """
    root = scaffold_package(
        name, engine=engine, directory=directory, description=description, force=force
    )
    shown = root if directory is not None else Path(name)
    click.echo(
        f"Created spell package {shown}/ ({engine}): spell.toml, {ENGINE_ENTRIES[engine]}, README.md"
    )
    click.echo(f"Run it:        llmspell run {shown}")
    click.echo(f"See its usage: llmspell run {shown} --help")
