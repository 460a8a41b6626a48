"""Replace a file's contents all at once: readers see the old file or the new one, never half.

The data goes to a temp file in the same directory (so ``os.replace`` is an atomic rename on
the same file system), is fsynced, then renamed over the target. On any failure the temp file
is removed and the target is untouched.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

__all__ = ["atomic_write_bytes", "atomic_write_text"]

StrPath = str | os.PathLike[str]


def _current_umask() -> int:
    """The process umask, read without changing it where the OS allows (Linux /proc)."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable; not every platform can open a directory."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def atomic_write_bytes(
    path: StrPath, data: bytes | bytearray | memoryview, *, mode: int | None = None
) -> None:
    """Write ``data`` to ``path`` atomically.

    The new file keeps the old file's permission bits, or gets ``mode`` (default: 0o666 minus
    the umask, like a plain ``open``) when the file is new or ``mode`` is given.
    """
    target = Path(path)
    if mode is None:
        try:
            mode = stat.S_IMODE(target.stat().st_mode)
        except FileNotFoundError:
            mode = 0o666 & ~_current_umask()
    fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_name, mode)
        os.replace(temp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise
    _fsync_directory(target.parent)


def atomic_write_text(
    path: StrPath, data: str, *, encoding: str = "utf-8", mode: int | None = None
) -> None:
    """Write ``data`` to ``path`` atomically; text that cannot be encoded writes nothing."""
    atomic_write_bytes(path, data.encode(encoding), mode=mode)
