"""Read TOML with :mod:`tomllib`; errors name the file and line as a ``ConfigError``.

A broken ``llmspell.toml`` should produce ``llmspell.toml:7: ...`` and exit code 3, not a
bare parser traceback.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any

from llmspell_core.errors import ConfigError

__all__ = ["load_toml", "loads_toml"]

_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_AT_END = re.compile(r"\s*\(at end of document\)$")


def loads_toml(text: str, *, source: str = "<toml>") -> dict[str, Any]:
    """Parse TOML ``text``; ``source`` names where it came from in error messages."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        line: int | None = None
        column: int | None = None
        if match := _POSITION.search(message):
            line, column = int(match[1]), int(match[2])
            message = message[: match.start()]
        elif match := _AT_END.search(message):
            line = text.count("\n") + 1
            message = f"{message[: match.start()]} at end of file"
        where = f"{source}:{line}" if line is not None else source
        raise ConfigError(
            f"{where}: invalid TOML: {message}",
            details={"file": source, "line": line, "column": column},
        ) from error


def load_toml(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read and parse the TOML file at ``path``; missing, unreadable or bad files raise
    :class:`ConfigError` naming the file."""
    file = Path(path)
    try:
        raw = file.read_bytes()
    except FileNotFoundError as error:
        raise ConfigError(f"{file}: file not found", details={"file": str(file)}) from error
    except OSError as error:
        raise ConfigError(
            f"{file}: cannot read: {error.strerror or error}", details={"file": str(file)}
        ) from error
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ConfigError(
            f"{file}:{line}: invalid TOML: not UTF-8 text",
            details={"file": str(file), "line": line},
        ) from error
    return loads_toml(text, source=str(file))
