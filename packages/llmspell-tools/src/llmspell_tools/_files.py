"""File helpers shared by the file, media and document tools (not a tool module).

Every tool that reads a user-named file checks it exists, is a regular file and is not larger
than the tool's limit; every tool that writes one writes it whole or not at all.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Generator
from datetime import UTC, datetime
from pathlib import Path

from llmspell_core.errors import ValidationError
from llmspell_tools.framework import Invocation, section_key

__all__ = [
    "atomic_output",
    "check_file_size",
    "input_file",
    "iso_time",
    "output_file",
    "overwrite_refused",
]


def iso_time(timestamp: float) -> str:
    """A POSIX timestamp as ISO 8601 in UTC (what scripts can parse everywhere)."""
    return datetime.fromtimestamp(timestamp, UTC).isoformat()


def check_file_size(
    path: Path, limit: int, *, tool: str, field: str, setting: str | None = "max_file_size"
) -> int:
    """The file's size, or a ValidationError naming ``[tools.<tool>] <setting>`` (the key
    that raises ``limit``; None when the limit is fixed)."""
    size = path.stat().st_size
    if size > limit:
        where = f" ({section_key(tool)} {setting})" if setting else ""
        raise ValidationError(
            f"{tool}: '{path}' is {size} bytes, over the {limit}-byte limit{where}",
            details={"field": field, "rule": "max_file_size", "size": size, "limit": limit},
        )
    return size


def input_file(
    call: Invocation,
    raw: str,
    *,
    field: str,
    limit: int | None = None,
    setting: str | None = "max_file_size",
) -> Path:
    """``raw`` resolved inside the allowed roots, existing, a regular file, within ``limit``."""
    path = call.safe_path(raw, must_exist=True)
    if not path.is_file():
        raise ValidationError(
            f"{call.tool_name}: '{raw}' is not a regular file (parameter '{field}')",
            details={"field": field, "rule": "is_file", "path": str(path)},
        )
    if limit is not None:
        check_file_size(path, limit, tool=call.tool_name, field=field, setting=setting)
    return path


def output_file(call: Invocation, raw: str, *, field: str, overwrite: bool = True) -> Path:
    """Where to write: inside the allowed roots, parent directories created on demand."""
    path = call.safe_path(raw)
    if path.is_dir():
        raise ValidationError(
            f"{call.tool_name}: '{raw}' is a directory, not a file (parameter '{field}')",
            details={"field": field, "rule": "is_file", "path": str(path)},
        )
    if not overwrite and path.exists():
        raise overwrite_refused(call.tool_name, path, field, shown=raw)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def overwrite_refused(
    tool: str, path: Path, field: str, *, shown: str | None = None
) -> ValidationError:
    """The error for a write onto an existing ``path`` that the call did not allow."""
    return ValidationError(
        f"{tool}: '{shown or path}' already exists; pass overwrite=true to replace it",
        details={"field": field, "rule": "exists", "path": str(path)},
    )


@contextlib.contextmanager
def atomic_output(target: Path) -> Generator[Path]:
    """A temp path beside ``target`` for a library to write; renamed over ``target`` on success.

    For writers that need a path (archives, audio, video), so a failure midway never leaves a
    half-written file under the requested name.
    """
    # Keep the target's suffixes: writers such as soundfile and av pick the format from them.
    suffix = ".tmp" + "".join(target.suffixes)
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}.", suffix=suffix)
    os.close(fd)
    temp = Path(name)
    try:
        mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o644
        yield temp
        os.chmod(temp, mode)  # mkstemp makes 0600; give the file ordinary permissions
        os.replace(temp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
