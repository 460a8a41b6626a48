"""file-operations: read, write and manage files confined to the allowed roots.

Every path goes through ``call.safe_path`` (refusing ``..`` and symlink escapes); writes are
atomic (temp file + rename) so a crash never leaves half a file; reads are size-limited.
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path
from typing import Any, ClassVar, Literal, cast

from pydantic import AliasChoices, Field

from llmspell_core.errors import SecurityError, ValidationError
from llmspell_core.tool_types import SecurityLevel, ToolOutput
from llmspell_tools._files import check_file_size, iso_time, overwrite_refused
from llmspell_tools.framework import (
    ALLOWED_PATHS_KEY,
    BaseTool,
    Invocation,
    ToolParams,
    ToolSettings,
    allowed_roots,
    example,
)
from llmspell_utils import atomic_write_bytes

__all__ = ["FileOperations", "FileOperationsParams", "FileOperationsSettings"]

Operation = Literal[
    "read",
    "write",
    "append",
    "delete",
    "create_dir",
    "list_dir",
    "copy",
    "move",
    "metadata",
    "exists",
]

_PATH_OPS = ("read", "write", "append", "delete", "create_dir", "list_dir", "metadata", "exists")


class FileOperationsSettings(ToolSettings):
    #: ``[tools.file_operations] max_file_size``: largest file read, appended to or copied.
    max_file_size: int = Field(default=100 * 1024 * 1024, gt=0)


class FileOperationsParams(ToolParams):
    operation: Operation = Field(description="what to do")
    path: str | None = Field(default=None, description="the file or directory")
    input: str | None = Field(
        default=None,
        validation_alias=AliasChoices("input", "content"),
        description="write/append: the text to write",
    )
    source_path: str | None = Field(default=None, description="copy/move: from")
    target_path: str | None = Field(default=None, description="copy/move: to")
    recursive: bool = Field(
        default=False,
        description="create_dir: make parents; delete/copy: whole directories; list_dir: subtree",
    )
    overwrite: bool = Field(default=False, description="copy/move: replace an existing target")
    encoding: str = Field(default="utf-8", description="read/write/append text encoding")

    required_for: ClassVar[dict[str, tuple[str, ...]]] = {
        **dict.fromkeys(_PATH_OPS, ("path",)),
        "write": ("path", "input"),
        "append": ("path", "input"),
        "copy": ("source_path", "target_path"),
        "move": ("source_path", "target_path"),
    }


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "symlink"
    if stat.S_ISDIR(mode):
        return "directory"
    if stat.S_ISREG(mode):
        return "file"
    return "other"


def _entry(path: Path, base: Path) -> dict[str, Any]:
    info = path.lstat()
    return {
        "name": path.name,
        "path": str(path),
        "relative_path": str(path.relative_to(base)),
        "type": _kind(info.st_mode),
        "size": info.st_size,
        "modified": iso_time(info.st_mtime),
    }


def _metadata(path: Path) -> dict[str, Any]:
    info = path.stat()
    created = getattr(info, "st_birthtime", None)
    return {
        "path": str(path),
        "name": path.name,
        "type": _kind(info.st_mode),
        "size": info.st_size,
        "mode": oct(stat.S_IMODE(info.st_mode)),
        "readonly": not os.access(path, os.W_OK),
        "created": iso_time(created) if isinstance(created, (int, float)) else None,
        "modified": iso_time(info.st_mtime),
        "accessed": iso_time(info.st_atime),
    }


def _is_root(path: Path, call: Invocation) -> bool:
    roots = {Path(os.path.realpath(r)) for r in allowed_roots(call.config)}
    return path in roots


def _refuse_root(path: Path, call: Invocation, operation: str) -> None:
    if _is_root(path, call):
        raise SecurityError(
            f"file-operations {operation}: '{path}' is an allowed root itself and cannot be "
            f"{operation}d (rule: root_protected; roots come from {ALLOWED_PATHS_KEY})",
            details={"rule": "root_protected", "config_key": ALLOWED_PATHS_KEY, "path": str(path)},
        )


def _need_absent(target: Path, overwrite: bool, field: str) -> None:
    if target.exists() and not overwrite:
        raise overwrite_refused("file-operations", target, field)


def _read(path: Path, encoding: str, limit: int) -> tuple[str, int]:
    if path.is_dir():
        raise ValidationError(
            f"file-operations read: '{path}' is a directory; use operation 'list_dir'",
            details={"field": "path", "rule": "is_file"},
        )
    size = check_file_size(path, limit, tool="file-operations", field="path")
    data = path.read_bytes()
    try:
        return data.decode(encoding), size
    except UnicodeDecodeError as exc:
        raise ValidationError(
            f"file-operations read: '{path}' is not valid {encoding} text at byte {exc.start}; "
            "pass another 'encoding', or read binary files with base64-encoder",
            details={"field": "encoding", "rule": "decode", "path": str(path)},
        ) from None
    except LookupError:
        raise ValidationError(
            f"file-operations: unknown encoding '{encoding}'",
            details={"field": "encoding", "rule": "encoding"},
        ) from None


def _encode_check(text: str, encoding: str) -> bytes:
    try:
        return text.encode(encoding)
    except LookupError:
        raise ValidationError(
            f"file-operations: unknown encoding '{encoding}'",
            details={"field": "encoding", "rule": "encoding"},
        ) from None
    except UnicodeEncodeError as exc:
        raise ValidationError(
            f"file-operations: the text cannot be encoded as {encoding}: {exc.reason}",
            details={"field": "input", "rule": "encode"},
        ) from None


def _append(path: Path, data: bytes, limit: int) -> int:
    existing = path.stat().st_size if path.exists() else 0
    if existing + len(data) > limit:
        raise ValidationError(
            f"file-operations append: '{path}' would grow to {existing + len(data)} bytes, over "
            f"the {limit}-byte limit ([tools.file_operations] max_file_size)",
            details={"field": "input", "rule": "max_file_size"},
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("ab") as handle:
        handle.write(data)
    return existing + len(data)


def _symlink_at(call: Invocation, raw: str) -> Path | None:
    """The symlink ``raw`` names, if it is one, checked by its parent directory only.

    ``safe_path`` follows links, so deleting ``link`` would otherwise delete its target; the
    link itself lives inside the roots (its parent was checked), so removing it is harmless.
    """
    written = Path(raw)
    if written.name in ("", ".", ".."):
        return None
    try:
        candidate = call.safe_path(str(written.parent)) / written.name
    except SecurityError:
        return None  # e.g. an allowed root itself: the ordinary checks decide
    return candidate if candidate.is_symlink() else None


def _delete(path: Path, recursive: bool) -> str:
    if path.is_dir():
        if recursive:
            shutil.rmtree(path)
        else:
            try:
                path.rmdir()
            except OSError:
                raise ValidationError(
                    f"file-operations delete: directory '{path}' is not empty; pass "
                    "recursive=true to delete it with its contents",
                    details={"field": "recursive", "rule": "not_empty"},
                ) from None
        return "directory"
    path.unlink()
    return "file"


def _list(path: Path, recursive: bool, max_rows: int) -> tuple[list[dict[str, Any]], bool]:
    if not path.is_dir():
        raise ValidationError(
            f"file-operations list_dir: '{path}' is not a directory",
            details={"field": "path", "rule": "is_dir"},
        )
    entries: list[dict[str, Any]] = []
    more = False
    walker = path.rglob("*") if recursive else path.iterdir()  # rglob does not follow symlinks
    for child in walker:
        if len(entries) >= max_rows:
            more = True  # stop walking: a huge tree must not cost more than the rows we return
            break
        entries.append(_entry(child, path))
    entries.sort(key=lambda e: str(e["relative_path"]))
    return entries, more


def _copy(source: Path, target: Path, recursive: bool, limit: int) -> str:
    if source.is_dir():
        if not recursive:
            raise ValidationError(
                f"file-operations copy: '{source}' is a directory; pass recursive=true",
                details={"field": "recursive", "rule": "is_dir"},
            )
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
        shutil.copytree(source, target, symlinks=True)
        return "directory"
    check_file_size(source, limit, tool="file-operations", field="source_path")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)
    return "file"


class FileOperations(BaseTool[FileOperationsParams]):
    tool_name = "file-operations"
    description = (
        "Read, write, append, delete, copy, move, list and inspect files and directories "
        "inside the allowed roots; writes are atomic."
    )
    tool_category = "filesystem"
    tags = ("file", "filesystem", "io")
    params_model = FileOperationsParams
    settings_model = FileOperationsSettings
    security_level = SecurityLevel.RESTRICTED
    timeout_seconds = 60.0
    examples = (
        example("Does the current directory exist?", operation="exists", path="."),
        example("List the current directory", operation="list_dir", path="."),
        example("Metadata of a directory", operation="metadata", path="."),
    )

    async def run(self, params: FileOperationsParams, call: Invocation) -> ToolOutput:
        settings = cast(FileOperationsSettings, call.settings)
        op = params.operation
        if op in ("copy", "move"):
            return await self._transfer(params, call, settings)
        raw = cast(str, params.path)
        if op == "exists":
            path = call.safe_path(raw)
            found = path.exists()
            kind = _kind(path.stat().st_mode) if found else None
            verb = "exists" if found else "does not exist"
            return call.ok(f"{raw} {verb}", {"exists": found, "path": str(path), "type": kind})
        if op in ("write", "append"):
            text = cast(str, params.input)
            path = call.safe_path(raw)
            data = _encode_check(text, params.encoding)
            if path.is_dir():
                raise ValidationError(
                    f"file-operations {op}: '{raw}' is a directory",
                    details={"field": "path", "rule": "is_file"},
                )
            if op == "write":
                if len(data) > settings.max_file_size:
                    raise ValidationError(
                        f"file-operations write: {len(data)} bytes is over the "
                        f"{settings.max_file_size}-byte limit ([tools.file_operations] "
                        "max_file_size)",
                        details={"field": "input", "rule": "max_file_size"},
                    )
                path.parent.mkdir(parents=True, exist_ok=True)
                await call.to_thread(atomic_write_bytes, path, data)
                size = len(data)
                summary = f"wrote {size} bytes to {raw}"
            else:
                size = await call.to_thread(_append, path, data, settings.max_file_size)
                summary = f"appended {len(data)} bytes to {raw}"
            return call.ok(summary, {"path": str(path), "bytes_written": len(data), "size": size})
        if op == "delete" and (link := _symlink_at(call, raw)) is not None:
            await call.to_thread(link.unlink)
            return call.ok(
                f"deleted symlink {raw}", {"path": str(link), "deleted": True, "type": "symlink"}
            )
        path = call.safe_path(raw, must_exist=op != "create_dir")
        if op == "read":
            content, size = await call.to_thread(
                _read, path, params.encoding, settings.max_file_size
            )
            content = call.limit_text(content)
            return call.ok(
                content,
                {"content": content, "size": size, "path": str(path), "encoding": params.encoding},
            )
        if op == "delete":
            _refuse_root(path, call, "delete")
            kind = await call.to_thread(_delete, path, params.recursive)
            return call.ok(
                f"deleted {kind} {raw}", {"path": str(path), "deleted": True, "type": kind}
            )
        if op == "create_dir":
            if path.exists() and not path.is_dir():
                raise ValidationError(
                    f"file-operations create_dir: '{raw}' exists and is not a directory",
                    details={"field": "path", "rule": "is_dir"},
                )
            if not params.recursive and not path.parent.is_dir():
                raise ValidationError(
                    f"file-operations create_dir: parent of '{raw}' does not exist; pass "
                    "recursive=true to create it too",
                    details={"field": "recursive", "rule": "parent_missing"},
                )
            created = not path.exists()
            path.mkdir(parents=True, exist_ok=True)
            verb = "created" if created else "already existed:"
            return call.ok(f"{verb} directory {raw}", {"path": str(path), "created": created})
        if op == "list_dir":
            entries, more = await call.to_thread(_list, path, params.recursive, call.max_rows)
            call.truncated = call.truncated or more
            text = "\n".join(
                f"{e['relative_path']}{'/' if e['type'] == 'directory' else ''}" for e in entries
            )
            return call.ok(
                text or f"{raw} is empty",
                {
                    "path": str(path),
                    "entries": entries,
                    "count": len(entries),
                    "complete": not more,
                },
            )
        info = await call.to_thread(_metadata, path)
        return call.ok(f"{raw}: {info['type']}, {info['size']} bytes", info)

    async def _transfer(
        self, params: FileOperationsParams, call: Invocation, settings: FileOperationsSettings
    ) -> ToolOutput:
        op = params.operation
        source = call.safe_path(cast(str, params.source_path), must_exist=True)
        if op == "move":
            _refuse_root(source, call, "move")
        target = call.safe_path(cast(str, params.target_path))
        if target.is_dir() and not source.is_dir():
            target = target / source.name  # copying a file into a directory, like `cp a dir/`
            target = call.safe_path(str(target))
        if source == target:
            raise ValidationError(
                f"file-operations {op}: source and target are the same path '{source}'",
                details={"field": "target_path", "rule": "same_path"},
            )
        if target.is_relative_to(source):
            raise ValidationError(
                f"file-operations {op}: cannot {op} '{source}' into itself ('{target}')",
                details={"field": "target_path", "rule": "inside_source"},
            )
        _need_absent(target, params.overwrite, "target_path")
        if op == "copy":
            kind = await call.to_thread(
                _copy, source, target, params.recursive, settings.max_file_size
            )
        else:
            kind = "directory" if source.is_dir() else "file"
            if target.exists():
                await call.to_thread(_delete, target, True)
            target.parent.mkdir(parents=True, exist_ok=True)
            await call.to_thread(shutil.move, source, target)
        verb = "copied" if op == "copy" else "moved"
        return call.ok(
            f"{verb} {kind} {source} to {target}",
            {"source": str(source), "target": str(target), "type": kind},
        )
