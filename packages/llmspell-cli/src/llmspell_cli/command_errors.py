"""Report an ``LLMSpellError`` from a subcommand as one line and its exit code.

The ``llmspell`` group hands non-click exceptions straight to Python, which would print a
traceback and exit 1 for what is really "bad config, exit 3". Commands wrap their body with
:func:`reports_errors` instead; ``LLMSPELL_DEBUG=1`` adds the traceback.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

import click

from llmspell_cli.reporting import exit_code_for, print_error
from llmspell_core.errors import LLMSpellError

__all__ = ["DEBUG_ENV", "reports_errors"]

DEBUG_ENV = "LLMSPELL_DEBUG"

P = ParamSpec("P")
R = TypeVar("R")


def _debug() -> bool:
    return os.environ.get(DEBUG_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def reports_errors(function: Callable[P, R]) -> Callable[P, R]:
    """Turn llmspell errors (and bugs) raised by a command into one stderr line + exit code."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return function(*args, **kwargs)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except (LLMSpellError, KeyboardInterrupt) as error:
            print_error(error, debug=_debug())
            sys.stderr.flush()
            raise click.exceptions.Exit(exit_code_for(error)) from None
        except Exception as error:
            print_error(error, debug=_debug())
            raise click.exceptions.Exit(exit_code_for(error)) from None

    result: Any = wrapper
    return result
