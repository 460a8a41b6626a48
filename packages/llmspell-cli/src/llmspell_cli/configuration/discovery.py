"""Find the configuration file (architecture §6).

Order: ``--config``, ``LLMSPELL_CONFIG``, ``./llmspell.toml``,
``$XDG_CONFIG_HOME/llmspell/config.toml`` (``~/.config`` when XDG_CONFIG_HOME is unset). The
first two must exist — naming a file that is not there is a mistake worth stopping for — while
the last two are simply skipped when absent.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

from llmspell_core.errors import ConfigError

__all__ = ["CONFIG_ENV", "LOCAL_NAME", "FoundConfig", "find_config_file", "user_config_path"]

CONFIG_ENV = "LLMSPELL_CONFIG"
LOCAL_NAME = "llmspell.toml"


class FoundConfig(NamedTuple):
    path: Path
    #: How it was found, for ``config show --sources`` and error messages.
    reason: str


def user_config_path(environ: Mapping[str, str]) -> Path:
    """``$XDG_CONFIG_HOME/llmspell/config.toml``, or under ``~/.config`` when unset or empty."""
    xdg = environ.get("XDG_CONFIG_HOME", "")
    if xdg and Path(xdg).is_absolute():  # the XDG spec says to ignore relative values
        base = Path(xdg)
    else:
        home = environ.get("HOME")
        base = (Path(home) if home else Path.home()) / ".config"
    return base / "llmspell" / "config.toml"


def _must_exist(path: Path, reason: str) -> FoundConfig:
    if not path.is_file():
        problem = "is a directory" if path.is_dir() else "does not exist"
        raise ConfigError(
            f"{path}: configuration file named by {reason} {problem}",
            details={"file": str(path)},
        )
    return FoundConfig(path, reason)


def find_config_file(
    explicit: str | os.PathLike[str] | None,
    environ: Mapping[str, str],
    cwd: Path,
) -> FoundConfig | None:
    """The file to load, or None when there is none (built-in defaults then apply)."""
    if explicit is not None:
        return _must_exist(cwd / Path(explicit).expanduser(), "--config")
    named = environ.get(CONFIG_ENV)
    if named:
        return _must_exist(cwd / Path(named).expanduser(), CONFIG_ENV)
    local = cwd / LOCAL_NAME
    if local.is_file():
        return FoundConfig(local, f"./{LOCAL_NAME} in the current directory")
    user = user_config_path(environ)
    if user.is_file():
        return FoundConfig(user, "user configuration")
    return None
