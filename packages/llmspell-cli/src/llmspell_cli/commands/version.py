"""``llmspell version``: the installed llmspell distributions and Python."""

from __future__ import annotations

import platform
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as dist_version

import click

__all__ = ["version"]

DISTRIBUTIONS = (
    "llmspell",
    "llmspell-core",
    "llmspell-utils",
    "llmspell-providers",
    "llmspell-agents",
    "llmspell-tools",
    "llmspell-workflows",
    "llmspell-bridge",
    "llmspell-cli",
)


@click.command()
def version() -> None:
    """Show versions of the llmspell distributions and Python.

    \b
    Examples:
      llmspell version
    """
    click.echo(f"llmspell {dist_version('llmspell-cli')}")
    for name in DISTRIBUTIONS:
        try:
            click.echo(f"  {name} {dist_version(name)}")
        except PackageNotFoundError:
            continue
    click.echo(f"  python {platform.python_version()}")
