"""The ``llmspell`` command: a click group whose commands load only when used.

Built-in commands live in ``llmspell_cli.commands``; other distributions add commands through
the ``llmspell.cli`` entry point group (the entry names a click command). Neither kind is
imported until it is invoked (or help lists it), which keeps ``llmspell run`` quick to start.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence

import click

from llmspell_cli.options import config_options

__all__ = ["cli", "main"]

CLI_GROUP = "llmspell.cli"
BUILTIN_COMMANDS = {
    "run": "llmspell_cli.commands.run:run",
    "exec": "llmspell_cli.commands.run:exec_code",
    "version": "llmspell_cli.commands.version:version",
    "plugins": "llmspell_cli.commands.plugins:plugins",
}


def _load(target: str) -> click.Command:
    module, _, attr = target.partition(":")
    command = getattr(importlib.import_module(module), attr)
    assert isinstance(command, click.Command)
    return command


class LazyGroup(click.Group):
    """Resolves command names to built-ins first, then to ``llmspell.cli`` plugins."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        from llmspell_core.registry import registry

        return sorted({*BUILTIN_COMMANDS, *registry.names(CLI_GROUP)})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = BUILTIN_COMMANDS.get(cmd_name)
        if target is not None:
            return _load(target)
        from llmspell_core.errors import LLMSpellError
        from llmspell_core.registry import registry

        if not registry.has(CLI_GROUP, cmd_name):
            return None
        try:
            command = registry.load(CLI_GROUP, cmd_name)
        except LLMSpellError as exc:
            raise click.ClickException(f"command '{cmd_name}' could not be loaded: {exc}") from exc
        if not isinstance(command, click.Command):
            raise click.ClickException(
                f"command '{cmd_name}' from the llmspell.cli entry point is not a click command"
            )
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@config_options
def cli() -> None:
    """Run Lua and JavaScript spells that drive LLM agents, tools and workflows."""


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point; exits with the command's status."""
    cli.main(args=list(argv) if argv is not None else sys.argv[1:], prog_name="llmspell")
