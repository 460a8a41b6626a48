"""archive-handler: create, list and extract zip, tar and tar.gz archives safely.

Extraction refuses, before writing anything: member names that are absolute or climb out with
``..`` (zip-slip / tar-slip), links that point outside the target directory, device files, and
decompression bombs (too many members, too many bytes, or a suspicious compression ratio).
While writing, each member's real destination is checked again (so an existing symlink in the
target cannot redirect a write) and tar extraction also runs through the standard library's
``data`` filter as a second line of defence.
"""

from __future__ import annotations

import os
import posixpath
import shutil
import stat
import tarfile
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any, ClassVar, Literal, cast

from pydantic import AliasChoices, Field

from llmspell_core.errors import SecurityError, ValidationError
from llmspell_core.tool_types import SecurityLevel, ToolOutput
from llmspell_tools._files import atomic_output, iso_time, output_file, overwrite_refused
from llmspell_tools.framework import BaseTool, Invocation, ToolParams, ToolSettings, example

__all__ = ["ArchiveHandler", "ArchiveHandlerParams", "ArchiveHandlerSettings"]

Format = Literal["zip", "tar", "tar.gz"]
_CHUNK = 1 << 16


class ArchiveHandlerSettings(ToolSettings):
    #: ``[tools.archive_handler] max_total_size``: most bytes one extraction may write.
    max_total_size: int = Field(default=1024 * 1024 * 1024, gt=0)
    #: ``[tools.archive_handler] max_members``: most entries an archive may have.
    max_members: int = Field(default=10_000, gt=0)
    #: ``[tools.archive_handler] max_ratio``: highest uncompressed/compressed size ratio.
    max_ratio: float = Field(default=100.0, gt=1)
    #: Archives that expand to less than this are not ratio-checked (tiny text compresses well).
    ratio_threshold: int = Field(default=10 * 1024 * 1024, ge=0)
    #: ``[tools.archive_handler] max_input_size``: most bytes ``create`` may pack.
    max_input_size: int = Field(default=1024 * 1024 * 1024, gt=0)


class ArchiveHandlerParams(ToolParams):
    operation: Literal["create", "extract", "list"] = Field(description="what to do")
    path: str = Field(
        validation_alias=AliasChoices("path", "archive_path"), description="the archive file"
    )
    target_path: str | None = Field(
        default=None,
        validation_alias=AliasChoices("target_path", "output_dir"),
        description="extract: directory to extract into (default: beside the archive, named "
        "after it)",
    )
    input: list[str] | None = Field(
        default=None,
        validation_alias=AliasChoices("input", "files"),
        description="create: files and directories to pack",
    )
    format: Format | None = Field(
        default=None, description="zip, tar or tar.gz (default: from the archive's extension)"
    )
    overwrite: bool = Field(
        default=False, description="create: replace the archive; extract: replace existing files"
    )

    required_for: ClassVar[dict[str, tuple[str, ...]]] = {"create": ("input",)}


@dataclass
class _Member:
    name: str
    size: int
    compressed_size: int | None
    kind: str  # file, directory, symlink, hardlink, device, other
    link_target: str | None
    modified: str | None


def _format_of(path: Path, given: Format | None) -> Format:
    if given is not None:
        return given
    name = path.name.lower()
    if name.endswith((".tar.gz", ".tgz")):
        return "tar.gz"
    if name.endswith(".tar"):
        return "tar"
    if name.endswith(".zip"):
        return "zip"
    raise ValidationError(
        f"archive-handler: cannot tell the format of '{path.name}' from its extension; "
        "pass format = 'zip', 'tar' or 'tar.gz'",
        details={"field": "format", "rule": "format"},
    )


def _deny(rule: str, message: str, **details: Any) -> SecurityError:
    return SecurityError(
        f"archive-handler: {message} (rule: {rule})", details={"rule": rule, **details}
    )


# -- reading member tables -------------------------------------------------------------------


def _zip_members(archive: zipfile.ZipFile) -> list[_Member]:
    members: list[_Member] = []
    for info in archive.infolist():
        mode = info.external_attr >> 16
        if info.is_dir():
            kind = "directory"
        elif stat.S_ISLNK(mode):
            kind = "symlink"
        else:
            kind = "file"
        members.append(
            _Member(
                name=info.filename,
                size=info.file_size,
                compressed_size=info.compress_size,
                kind=kind,
                link_target=None,
                modified="{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}".format(*info.date_time),
            )
        )
    return members


def _tar_kind(info: tarfile.TarInfo) -> str:
    if info.isdir():
        return "directory"
    if info.issym():
        return "symlink"
    if info.islnk():
        return "hardlink"
    if info.isreg():
        return "file"
    if info.ischr() or info.isblk() or info.isfifo():
        return "device"
    return "other"


def _tar_members(archive: tarfile.TarFile, max_members: int, max_total: int) -> list[_Member]:
    """Read headers one by one, stopping as soon as a limit is passed (a gzip bomb is not read
    to its end just to be refused)."""
    members: list[_Member] = []
    total = 0
    for info in archive:
        members.append(
            _Member(
                name=info.name,
                size=info.size,
                compressed_size=None,
                kind=_tar_kind(info),
                link_target=info.linkname or None,
                modified=iso_time(info.mtime),
            )
        )
        total += info.size if info.isreg() else 0
        if len(members) > max_members or total > max_total:
            break
    return members


def _open_tar(path: Path, fmt: Format) -> tarfile.TarFile:
    return tarfile.open(path, "r:gz" if fmt == "tar.gz" else "r:")


def _read_members(path: Path, fmt: Format, settings: ArchiveHandlerSettings) -> list[_Member]:
    try:
        if fmt == "zip":
            with zipfile.ZipFile(path) as archive:
                return _zip_members(archive)
        with _open_tar(path, fmt) as archive:
            return _tar_members(archive, settings.max_members, settings.max_total_size)
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError) as exc:
        if isinstance(exc, FileNotFoundError):
            raise
        raise ValidationError(
            f"archive-handler: '{path.name}' is not a readable {fmt} archive: {exc}",
            details={"field": "path", "rule": "archive"},
        ) from None


# -- checks before extraction ----------------------------------------------------------------


def _check_name(name: str) -> str:
    """The member's normalised relative path, or SecurityError for slip attempts."""
    if "\x00" in name:
        raise _deny("nul_in_name", f"member name {name!r} contains a NUL byte", member=name)
    unified = name.replace("\\", "/")
    if unified.startswith("/") or (len(unified) > 1 and unified[1] == ":"):
        raise _deny(
            "absolute_member_path",
            f"member '{name}' has an absolute path; archives may only hold relative paths",
            member=name,
        )
    parts = PurePosixPath(unified).parts
    if ".." in parts:
        raise _deny(
            "path_traversal",
            f"member '{name}' contains '..' and would be written outside the target directory "
            "(zip-slip / tar-slip)",
            member=name,
        )
    return posixpath.normpath(unified)


def _check_link(member: _Member, relative: str) -> None:
    target = member.link_target or ""
    if member.kind == "symlink":
        if target.startswith("/") or (len(target) > 1 and target[1] == ":"):
            raise _deny(
                "link_escape",
                f"symlink '{member.name}' points to the absolute path '{target}'",
                member=member.name,
            )
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(relative), target))
    else:  # hard links name another member, relative to the archive root
        if target.startswith("/"):
            raise _deny(
                "link_escape",
                f"hard link '{member.name}' points to the absolute path '{target}'",
                member=member.name,
            )
        resolved = posixpath.normpath(target)
    if resolved == ".." or resolved.startswith(("../", "/")):
        raise _deny(
            "link_escape",
            f"{member.kind} '{member.name}' points to '{target}', outside the target directory",
            member=member.name,
        )


def _check_members(members: list[_Member], archive: Path, settings: ArchiveHandlerSettings) -> int:
    """Refuse unsafe or bomb-like archives; the total uncompressed size when all is well."""
    archive_size = archive.stat().st_size
    if len(members) > settings.max_members:
        raise _deny(
            "too_many_members",
            f"the archive has more than {settings.max_members} members "
            "([tools.archive_handler] max_members)",
            config_key="[tools.archive_handler] max_members",
        )
    total = sum(m.size for m in members if m.kind == "file")
    if total > settings.max_total_size:
        raise _deny(
            "max_total_size",
            f"the archive expands to more than {settings.max_total_size} bytes "
            "([tools.archive_handler] max_total_size); refusing a possible decompression bomb",
            config_key="[tools.archive_handler] max_total_size",
            uncompressed=total,
        )
    if total > settings.ratio_threshold:
        ratio = total / max(archive_size, 1)
        if ratio > settings.max_ratio:
            raise _deny(
                "compression_ratio",
                f"the archive expands {ratio:.0f}x ({total} bytes from {archive_size}), over "
                f"the {settings.max_ratio:g}x limit ([tools.archive_handler] max_ratio); "
                "refusing a possible decompression bomb",
                config_key="[tools.archive_handler] max_ratio",
                ratio=ratio,
            )
    for member in members:
        relative = _check_name(member.name)
        if member.kind in ("symlink", "hardlink"):
            _check_link(member, relative)
        elif member.kind in ("device", "other"):
            raise _deny(
                "special_file",
                f"member '{member.name}' is a device file or FIFO; only files, directories "
                "and in-tree links are extracted",
                member=member.name,
            )
    return total


# -- extraction ------------------------------------------------------------------------------


def _destination(dest: Path, relative: str) -> Path:
    """Where a member lands, checked on the real file system (existing symlinks included)."""
    out = dest / relative
    real = Path(os.path.realpath(out))
    if not real.is_relative_to(dest):
        raise _deny(
            "link_escape",
            f"member '{relative}' would be written to '{real}', outside the target directory "
            "(through a symlink)",
            member=relative,
        )
    return out


def _copy_limited(source: IO[bytes], out: IO[bytes], budget: int, name: str) -> int:
    written = 0
    while chunk := source.read(_CHUNK):
        written += len(chunk)
        if written > budget:
            raise _deny(
                "max_total_size",
                f"member '{name}' expands beyond the size its header declared; refusing a "
                "possible decompression bomb ([tools.archive_handler] max_total_size)",
                member=name,
            )
        out.write(chunk)
    return written


def _extract_zip(
    path: Path, dest: Path, overwrite: bool, budget: int, stop: threading.Event
) -> list[str]:
    written: list[str] = []
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if stop.is_set():
                break
            relative = _check_name(info.filename)
            if relative == ".":
                continue
            out = _destination(dest, relative)
            if info.is_dir():
                out.mkdir(parents=True, exist_ok=True)
                continue
            if out.exists() and not overwrite:
                raise overwrite_refused("archive-handler", out, "overwrite")
            out.parent.mkdir(parents=True, exist_ok=True)
            _destination(dest, relative)  # the parent may have just been created: recheck
            with archive.open(info) as source, out.open("wb") as sink:
                budget -= _copy_limited(source, sink, min(budget, info.file_size), info.filename)
            written.append(relative)
    return written


def _extract_tar(
    path: Path, fmt: Format, dest: Path, overwrite: bool, stop: threading.Event
) -> list[str]:
    written: list[str] = []
    with _open_tar(path, fmt) as archive:
        for info in archive:
            if stop.is_set():
                break
            relative = _check_name(info.name)
            if relative == ".":
                continue
            out = _destination(dest, relative)
            if not info.isdir() and (out.exists() or out.is_symlink()):
                if not overwrite:
                    raise overwrite_refused("archive-handler", out, "overwrite")
                if out.is_dir() and not out.is_symlink():
                    shutil.rmtree(out)
                else:
                    out.unlink()
            try:
                archive.extract(info, dest, set_attrs=False, filter="data")
            except tarfile.FilterError as exc:
                raise _deny(
                    "tar_filter", f"member '{info.name}' refused: {exc}", member=info.name
                ) from None
            if info.isreg():
                written.append(relative)
    return written


# -- creation --------------------------------------------------------------------------------


def _walk_inputs(inputs: list[Path], archive_path: Path) -> Iterator[tuple[Path, str]]:
    """(file or directory, name in the archive); symlinks are skipped, never followed."""
    for item in inputs:
        base = item.parent
        if item.is_dir():
            yield item, item.name
            for directory, dirnames, filenames in os.walk(item, followlinks=False):
                here = Path(directory)
                dirnames.sort()
                for name in [*sorted(dirnames), *sorted(filenames)]:
                    child = here / name
                    if child.is_symlink() or child == archive_path:
                        continue
                    yield child, child.relative_to(base).as_posix()
        else:
            yield item, item.name


def _create(
    archive_path: Path,
    fmt: Format,
    inputs: list[Path],
    limit: int,
    stop: threading.Event,
) -> tuple[list[str], int]:
    entries = list(_walk_inputs(inputs, archive_path))
    total = sum(p.stat().st_size for p, _ in entries if p.is_file())
    if total > limit:
        raise ValidationError(
            f"archive-handler: the inputs hold {total} bytes, over the {limit}-byte limit "
            "([tools.archive_handler] max_input_size)",
            details={"field": "input", "rule": "max_input_size"},
        )
    names: list[str] = []
    with atomic_output(archive_path) as temp:
        if fmt == "zip":
            with zipfile.ZipFile(temp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                for source, name in entries:
                    if stop.is_set():
                        raise InterruptedError("archive creation cancelled")
                    archive.write(source, name)
                    names.append(name)
        else:
            mode = "w:gz" if fmt == "tar.gz" else "w"
            with tarfile.open(temp, mode) as archive:
                for source, name in entries:
                    if stop.is_set():
                        raise InterruptedError("archive creation cancelled")
                    archive.add(source, name, recursive=False)
                    names.append(name)
    return names, total


class ArchiveHandler(BaseTool[ArchiveHandlerParams]):
    tool_name = "archive-handler"
    description = (
        "Create, list or extract zip, tar and tar.gz archives inside the allowed roots; "
        "refuses path traversal (zip-slip), escaping links and decompression bombs."
    )
    tool_category = "filesystem"
    tags = ("archive", "zip", "tar", "compression")
    params_model = ArchiveHandlerParams
    settings_model = ArchiveHandlerSettings
    security_level = SecurityLevel.RESTRICTED
    timeout_seconds = 120.0
    examples = (
        example("Pack a file", operation="create", path="bundle.zip", input=["notes.txt"]),
        example("List an archive", operation="list", path="bundle.zip"),
        example(
            "Extract an archive",
            operation="extract",
            path="bundle.zip",
            target_path="unpacked",
            overwrite=True,
        ),
    )

    async def run(self, params: ArchiveHandlerParams, call: Invocation) -> ToolOutput:
        settings = cast(ArchiveHandlerSettings, call.settings)
        stop = threading.Event()
        try:
            if params.operation == "create":
                return await self._create(params, call, settings, stop)
            archive = call.safe_path(params.path, must_exist=True)
            fmt = _format_of(archive, params.format)
            members = await call.to_thread(_read_members, archive, fmt, settings)
            if params.operation == "list":
                return self._list(archive, fmt, members, call)
            return await self._extract(params, call, settings, archive, fmt, members, stop)
        finally:
            stop.set()  # a timed-out worker thread stops at its next member

    def _list(
        self, archive: Path, fmt: Format, members: list[_Member], call: Invocation
    ) -> ToolOutput:
        rows = [
            {
                "name": m.name,
                "size": m.size,
                "compressed_size": m.compressed_size,
                "type": m.kind,
                "is_dir": m.kind == "directory",
                "link_target": m.link_target,
                "modified": m.modified,
            }
            for m in members
        ]
        shown = call.limit_rows(rows)
        return call.ok(
            "\n".join(str(r["name"]) for r in shown) or f"{archive.name} is empty",
            {
                "path": str(archive),
                "format": fmt,
                "files": shown,
                "file_count": len(members),
                "total_size": sum(m.size for m in members if m.kind == "file"),
            },
        )

    async def _extract(
        self,
        params: ArchiveHandlerParams,
        call: Invocation,
        settings: ArchiveHandlerSettings,
        archive: Path,
        fmt: Format,
        members: list[_Member],
        stop: threading.Event,
    ) -> ToolOutput:
        total = await call.to_thread(_check_members, members, archive, settings)
        if params.target_path is not None:
            raw_dest = params.target_path
        else:
            stem = archive.name
            for suffix in (".tar.gz", ".tgz", ".tar", ".zip"):
                if stem.lower().endswith(suffix):
                    stem = stem[: -len(suffix)]
                    break
            raw_dest = str(archive.parent / stem)
        dest = call.safe_path(raw_dest)
        if dest.exists() and not dest.is_dir():
            raise ValidationError(
                f"archive-handler: target '{dest}' exists and is not a directory",
                details={"field": "target_path", "rule": "is_dir"},
            )
        dest.mkdir(parents=True, exist_ok=True)
        if fmt == "zip":
            written = await call.to_thread(
                _extract_zip, archive, dest, params.overwrite, settings.max_total_size, stop
            )
        else:
            written = await call.to_thread(_extract_tar, archive, fmt, dest, params.overwrite, stop)
        shown = call.limit_rows(written)
        return call.ok(
            f"extracted {len(written)} files ({total} bytes) to {dest}",
            {
                "path": str(archive),
                "format": fmt,
                "target_path": str(dest),
                "extracted_files": shown,
                "file_count": len(written),
                "total_size": total,
            },
        )

    async def _create(
        self,
        params: ArchiveHandlerParams,
        call: Invocation,
        settings: ArchiveHandlerSettings,
        stop: threading.Event,
    ) -> ToolOutput:
        raw_inputs = cast(list[str], params.input)
        if not raw_inputs:
            raise ValidationError(
                "archive-handler: 'input' is empty; name at least one file or directory",
                details={"field": "input", "rule": "min_length"},
            )
        inputs = [call.safe_path(p, must_exist=True) for p in raw_inputs]
        archive = output_file(call, params.path, field="path", overwrite=params.overwrite)
        fmt = _format_of(archive, params.format)
        names, total = await call.to_thread(
            _create, archive, fmt, inputs, settings.max_input_size, stop
        )
        shown = call.limit_rows(names)
        size = archive.stat().st_size
        return call.ok(
            f"created {archive.name} with {len(names)} entries ({total} bytes)",
            {
                "archive_path": str(archive),
                "path": str(archive),
                "format": fmt,
                "archived_files": shown,
                "file_count": len(names),
                "total_size": total,
                "archive_size": size,
            },
        )
