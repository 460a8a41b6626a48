"""file-search: find files by name glob and/or content pattern, with context lines.

The walk never follows symlinked directories and skips symlinked files that lead outside the
allowed roots; results, matches per file and file sizes are all bounded. The walk runs in a
thread that stops at the next file or line once the call is cancelled or times out.
"""

from __future__ import annotations

import fnmatch
import os
import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from pydantic import AliasChoices, Field

from llmspell_core.errors import ValidationError
from llmspell_core.tool_types import SecurityLevel, ToolOutput
from llmspell_tools._files import iso_time
from llmspell_tools.framework import (
    BaseTool,
    Invocation,
    ToolParams,
    ToolSettings,
    allowed_roots,
    example,
)

__all__ = ["FileSearch", "FileSearchParams", "FileSearchSettings"]

DEFAULT_EXCLUDED_DIRS = (".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv")
_BINARY_PROBE = 8192
_MAX_LINE_CHARS = 1000  # a matched line longer than this is cut in the result


class FileSearchSettings(ToolSettings):
    #: ``[tools.file_search] max_file_size``: larger files are skipped by content search.
    max_file_size: int = Field(default=10 * 1024 * 1024, gt=0)
    #: ``[tools.file_search] max_results``: ceiling on the ``max_results`` parameter.
    max_results: int = Field(default=10_000, gt=0)


class FileSearchParams(ToolParams):
    path: str = Field(default=".", description="directory (or single file) to search")
    pattern: str | None = Field(
        default=None, description="content to look for (regex unless use_regex is false)"
    )
    name: str | None = Field(
        default=None,
        validation_alias=AliasChoices("name", "name_pattern", "glob"),
        description="file name glob, e.g. '*.py' or 'test_*'",
    )
    use_regex: bool = Field(default=True, description="pattern is a regular expression")
    case_sensitive: bool = Field(default=True, description="case-sensitive pattern and name")
    recursive: bool = Field(default=True, description="search subdirectories")
    max_depth: int = Field(default=20, ge=0, le=100, description="deepest directory level")
    context_lines: int = Field(default=2, ge=0, le=50, description="lines around each match")
    include_extensions: list[str] | None = Field(
        default=None, description="only these extensions, e.g. ['py', 'md']"
    )
    exclude_extensions: list[str] | None = Field(default=None, description="skip these")
    exclude_dirs: list[str] | None = Field(
        default=None,
        description="directory names to skip (default .git, node_modules, __pycache__, .venv ...)",
    )
    include_hidden: bool = Field(default=False, description="include dot-files and dot-dirs")
    min_size: int | None = Field(default=None, ge=0, description="smallest file size, bytes")
    max_size: int | None = Field(default=None, ge=0, description="largest file size, bytes")
    modified_after: str | float | None = Field(
        default=None, description="ISO 8601 date/time or unix seconds"
    )
    modified_before: str | float | None = Field(
        default=None, description="ISO 8601 date/time or unix seconds"
    )
    max_results: int = Field(default=100, ge=1, description="most matches (or files) returned")
    max_matches_per_file: int = Field(default=20, ge=1, description="most matches per file")


@dataclass
class _Found:
    matches: list[dict[str, Any]] = field(default_factory=list[dict[str, Any]])
    files: list[dict[str, Any]] = field(default_factory=list[dict[str, Any]])
    skipped: list[dict[str, str]] = field(default_factory=list[dict[str, str]])
    files_searched: int = 0
    files_matched: int = 0
    #: The result limit was reached: the walk stopped.
    full: bool = False
    #: Files whose matches were cut at max_matches_per_file.
    capped_files: int = 0


@dataclass
class _Query:
    root: Path
    regex: re.Pattern[str] | None
    name: str | None
    case_sensitive: bool
    params: FileSearchParams
    roots: list[Path]
    max_file_size: int
    max_results: int
    after: float | None
    before: float | None
    stop: threading.Event


def _timestamp(value: str | float | None, field_name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError(
            f"file-search: '{field_name}' is not an ISO 8601 date/time or unix seconds: {value!r}",
            details={"field": field_name, "rule": "datetime"},
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _compile(params: FileSearchParams) -> re.Pattern[str] | None:
    if params.pattern is None:
        return None
    if not params.pattern:
        raise ValidationError(
            "file-search: 'pattern' is empty", details={"field": "pattern", "rule": "min_length"}
        )
    source = params.pattern if params.use_regex else re.escape(params.pattern)
    try:
        return re.compile(source, 0 if params.case_sensitive else re.IGNORECASE)
    except re.error as exc:
        raise ValidationError(
            f"file-search: 'pattern' is not a valid regular expression: {exc} "
            "(pass use_regex=false for a literal search)",
            details={"field": "pattern", "rule": "regex"},
        ) from None


def _extensions(values: list[str] | None) -> set[str] | None:
    if values is None:
        return None
    return {v.lower().lstrip(".") for v in values}


def _wanted(path: Path, info: os.stat_result, q: _Query) -> bool:
    p = q.params
    name = path.name
    if q.name is not None:
        target = name if q.case_sensitive else name.lower()
        glob = q.name if q.case_sensitive else q.name.lower()
        if not fnmatch.fnmatchcase(target, glob):
            return False
    ext = path.suffix.lower().lstrip(".")
    include = _extensions(p.include_extensions)
    if include is not None and ext not in include:
        return False
    exclude = _extensions(p.exclude_extensions)
    if exclude is not None and ext in exclude:
        return False
    if p.min_size is not None and info.st_size < p.min_size:
        return False
    if p.max_size is not None and info.st_size > p.max_size:
        return False
    if q.after is not None and info.st_mtime < q.after:
        return False
    return not (q.before is not None and info.st_mtime > q.before)


def _grep(path: Path, size: int, q: _Query, found: _Found) -> None:
    assert q.regex is not None
    if size > q.max_file_size:
        found.skipped.append({"file_path": str(path), "reason": "larger than max_file_size"})
        return
    data = path.read_bytes()
    if b"\x00" in data[:_BINARY_PROBE]:
        found.skipped.append({"file_path": str(path), "reason": "binary"})
        return
    found.files_searched += 1
    lines = data.decode("utf-8", errors="replace").splitlines()
    context = q.params.context_lines
    in_file = 0
    for index, line in enumerate(lines):
        if q.stop.is_set():
            return
        hit = q.regex.search(line)
        if hit is None:
            continue
        if len(found.matches) >= q.max_results:
            found.full = True
            return
        if in_file == 0:
            found.files_matched += 1
        in_file += 1
        found.matches.append(
            {
                "file_path": str(path),
                "line_number": index + 1,
                "column_number": hit.start() + 1,
                "line_content": line[:_MAX_LINE_CHARS],
                "matched_text": hit.group(0)[:_MAX_LINE_CHARS],
                "context_before": [
                    s[:_MAX_LINE_CHARS] for s in lines[max(0, index - context) : index]
                ],
                "context_after": [
                    s[:_MAX_LINE_CHARS] for s in lines[index + 1 : index + 1 + context]
                ],
            }
        )
        if in_file >= q.params.max_matches_per_file:
            found.capped_files += 1
            return


def _real_roots(call: Invocation) -> list[Path]:
    return [Path(os.path.realpath(r)) for r in allowed_roots(call.config)]


def _inside(path: Path, roots: list[Path]) -> bool:
    return any(path.is_relative_to(root) for root in roots)


def _visit_file(path: Path, q: _Query, found: _Found) -> None:
    try:
        info = path.lstat()
        if os.path.islink(path):
            real = Path(os.path.realpath(path))
            if not _inside(real, q.roots):
                found.skipped.append(
                    {"file_path": str(path), "reason": "symlink outside the allowed roots"}
                )
                return
            info = real.stat()
            if not real.is_file():
                return
    except OSError as exc:
        found.skipped.append({"file_path": str(path), "reason": exc.strerror or str(exc)})
        return
    if not _wanted(path, info, q):
        return
    if q.regex is None:
        if len(found.files) >= q.max_results:
            found.full = True
            return
        found.files_matched += 1
        found.files.append(
            {"file_path": str(path), "size": info.st_size, "modified": iso_time(info.st_mtime)}
        )
        return
    try:
        _grep(path, info.st_size, q, found)
    except OSError as exc:
        found.skipped.append({"file_path": str(path), "reason": exc.strerror or str(exc)})


def _search(q: _Query) -> _Found:
    found = _Found()
    p = q.params
    if q.root.is_file():
        _visit_file(q.root, q, found)
        return found
    excluded = set(p.exclude_dirs if p.exclude_dirs is not None else DEFAULT_EXCLUDED_DIRS)
    base_depth = len(q.root.parts)
    for directory, dirnames, filenames in os.walk(q.root, followlinks=False):
        if q.stop.is_set():
            break
        here = Path(directory)
        depth = len(here.parts) - base_depth
        if not p.recursive or depth >= p.max_depth:
            dirnames[:] = []
        else:
            dirnames[:] = sorted(
                d
                for d in dirnames
                if d not in excluded and (p.include_hidden or not d.startswith("."))
            )
        for filename in sorted(filenames):
            if q.stop.is_set() or found.full:
                break
            if not p.include_hidden and filename.startswith("."):
                continue
            _visit_file(here / filename, q, found)
        if found.full:
            break
    return found


class FileSearch(BaseTool[FileSearchParams]):
    tool_name = "file-search"
    description = (
        "Search files under a directory by name glob and/or content (regex or literal) with "
        "context lines, extension, size and modification-date filters; results are bounded."
    )
    tool_category = "filesystem"
    tags = ("file", "search", "grep", "find")
    params_model = FileSearchParams
    settings_model = FileSearchSettings
    security_level = SecurityLevel.RESTRICTED
    timeout_seconds = 60.0
    examples = (
        example("Find TOML files next to the spell", path=".", name="*.toml", recursive=False),
        example(
            "Search for a word, case-insensitively",
            path=".",
            pattern="project",
            case_sensitive=False,
            recursive=False,
            include_extensions=["toml", "md"],
        ),
    )

    async def run(self, params: FileSearchParams, call: Invocation) -> ToolOutput:
        settings = cast(FileSearchSettings, call.settings)
        root = call.safe_path(params.path, must_exist=True)
        if params.max_results > settings.max_results:
            raise ValidationError(
                f"file-search: max_results {params.max_results} is over the limit of "
                f"{settings.max_results} ([tools.file_search] max_results)",
                details={"field": "max_results", "rule": "max_results"},
            )
        query = _Query(
            root=root,
            regex=_compile(params),
            name=params.name,
            case_sensitive=params.case_sensitive,
            params=params,
            roots=_real_roots(call),
            max_file_size=settings.max_file_size,
            max_results=params.max_results,
            after=_timestamp(params.modified_after, "modified_after"),
            before=_timestamp(params.modified_before, "modified_before"),
            stop=threading.Event(),
        )
        try:
            found = await call.to_thread(_search, query)
        finally:
            query.stop.set()  # a timed-out or cancelled walk stops at its next step
        cut = found.full or found.capped_files > 0
        call.truncated = call.truncated or cut
        skipped = call.limit_rows(found.skipped)
        summary: dict[str, Any] = {
            "total_matches": len(found.matches) if query.regex else len(found.files),
            "files_searched": found.files_searched,
            "files_matched": found.files_matched,
            "files_skipped": len(found.skipped),
            "has_matches": bool(found.matches or found.files),
            "truncated": cut,
            "files_capped": found.capped_files,
        }
        result: dict[str, Any] = {"path": str(root), "summary": summary, "skipped_files": skipped}
        if query.regex is not None:
            result["matches"] = found.matches
            lines = [
                f"{m['file_path']}:{m['line_number']}: {m['line_content']}" for m in found.matches
            ]
            text = "\n".join(lines) or f"no matches for {params.pattern!r} under {params.path}"
        else:
            result["files"] = found.files
            text = "\n".join(f["file_path"] for f in found.files) or f"no files under {params.path}"
        return call.ok(text, result)
