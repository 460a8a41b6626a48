"""Resolve a user-supplied path and refuse it unless it stays inside the allowed roots.

Both tricks for leaving a sandbox are checked: ``..`` components (on the path as written) and
symlinks (on the fully resolved path). The refusal names the path, the rule it broke and the
config key that would allow it, because "permission denied" alone teaches nothing.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from llmspell_core.errors import NotFoundError, SecurityError, ValidationError

__all__ = ["ALLOWED_PATHS_KEY", "resolve_safe_path"]

ALLOWED_PATHS_KEY = "[tools.filesystem] allowed_paths"
"""The config key whose entries become ``allowed_roots`` for the file tools."""

StrPath = str | os.PathLike[str]


def _inside(path: Path, roots: Iterable[Path]) -> bool:
    return any(path.is_relative_to(root) for root in roots)


def _deny(path: StrPath, rule: str, roots: list[Path], resolved: Path | None) -> SecurityError:
    shown = ", ".join(f"'{root}'" for root in roots) or "none"
    return SecurityError(
        f"access to '{os.fspath(path)}' denied: {rule} (allowed roots: {shown}); "
        f"to allow it, add its directory to {ALLOWED_PATHS_KEY} in llmspell.toml",
        details={
            "path": os.fspath(path),
            "resolved": str(resolved) if resolved is not None else None,
            "rule": rule,
            "config_key": ALLOWED_PATHS_KEY,
            "allowed_roots": [str(root) for root in roots],
        },
    )


def resolve_safe_path(
    path: StrPath,
    allowed_roots: Iterable[StrPath],
    *,
    must_exist: bool = False,
    base: StrPath | None = None,
) -> Path:
    """The absolute, symlink-free form of ``path``, guaranteed inside one of ``allowed_roots``.

    A relative ``path`` is taken relative to ``base`` (default: the current directory). Roots
    may start with ``~``. Raises :class:`SecurityError` on an escape, :class:`NotFoundError`
    when ``must_exist`` and nothing is there, :class:`ValidationError` on a malformed path.
    """
    text = os.fspath(path)
    if not text or "\x00" in text:
        raise ValidationError(
            f"invalid path {text!r}: it is empty or contains a NUL byte",
            details={"field": "path", "path": text},
        )
    anchor = Path(base).absolute() if base is not None else Path.cwd()
    written_roots = [
        Path(os.path.normpath(Path(root).expanduser().absolute())) for root in allowed_roots
    ]
    if not written_roots:
        raise _deny(path, "no allowed roots are configured", [], None)
    try:
        real_roots = [root.resolve() for root in written_roots]
    except (OSError, RuntimeError) as error:  # symlink loop in a configured root
        raise _deny(
            path, f"an allowed root cannot be resolved ({error})", written_roots, None
        ) from error

    absolute = anchor / text
    lexical = Path(os.path.normpath(absolute))
    if ".." in Path(text).parts and not _inside(lexical, [*written_roots, *real_roots]):
        raise _deny(path, "'..' leads outside the allowed roots", written_roots, lexical)
    try:
        resolved = absolute.resolve()
    except (OSError, RuntimeError) as error:  # symlink loop (RuntimeError on Python 3.11/3.12)
        raise _deny(path, f"it cannot be resolved ({error})", written_roots, None) from error
    if not _inside(resolved, real_roots):
        rule = (
            "it is outside the allowed roots"
            if not _inside(lexical, [*written_roots, *real_roots])
            else "a symlink points outside the allowed roots"
        )
        raise _deny(path, rule, written_roots, resolved)
    if must_exist and not resolved.exists():
        raise NotFoundError(
            f"'{text}' does not exist (resolved to '{resolved}')",
            details={"path": text, "resolved": str(resolved)},
        )
    return resolved
