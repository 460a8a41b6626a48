"""``llmspell completion bash|zsh|fish``: print the shell completion script.

It is click's own completion mechanism (``_LLMSPELL_COMPLETE=<shell>_source llmspell``), so
completions always match the installed commands, plugins' commands included.
"""

from __future__ import annotations

import click
from click.shell_completion import get_completion_class

__all__ = ["COMPLETE_VAR", "PROG_NAME", "completion"]

PROG_NAME = "llmspell"
#: click's variable for this program (``_<PROG>_COMPLETE``), read by the group's ``main``.
COMPLETE_VAR = "_LLMSPELL_COMPLETE"
SHELLS = ("bash", "zsh", "fish")


@click.command("completion")
@click.argument("shell", type=click.Choice(SHELLS))
def completion(shell: str) -> None:
    """Print the completion script for SHELL (bash, zsh or fish).

    \b
    Examples:
      eval "$(llmspell completion bash)"     # add to ~/.bashrc
      eval "$(llmspell completion zsh)"      # add to ~/.zshrc
      llmspell completion fish > ~/.config/fish/completions/llmspell.fish
    """
    root = click.get_current_context().find_root()
    cls = get_completion_class(shell)
    if cls is None:  # pragma: no cover - click ships all three
        raise click.UsageError(f"click has no completion support for {shell}")
    # Always the installed command's name: the script calls it back to get completions.
    script = cls(root.command, {}, PROG_NAME, COMPLETE_VAR).source()
    click.echo(script, nl=False)
    if not script.endswith("\n"):
        click.echo()
