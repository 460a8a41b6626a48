"""``llmspell version``: the installed llmspell distributions and Python."""

from __future__ import annotations

import platform
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as dist_version

import click

from llmspell_core.registry import FIRST_PARTY

__all__ = ["version"]


@click.command()
def version() -> None:
    """Show versions of the llmspell distributions and Python.

    \b
    Examples:
      llmspell version
    """
    click.echo(f"llmspell {dist_version('llmspell-cli')}")
    for name in sorted(FIRST_PARTY):  # the registry's list: one place names the family
        try:
            click.echo(f"  {name} {dist_version(name)}")
        except PackageNotFoundError:
            continue
    click.echo(f"  python {platform.python_version()}")
