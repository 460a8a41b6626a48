"""file-watcher: collect file-system changes under some paths for a bounded time.

watchfiles (Rust ``notify`` underneath) does the watching; the tool stops after
``timeout_seconds`` or ``max_events``, whichever comes first, and never outlives the spell's
deadline, so a watch is a bounded wait rather than a background job.
"""

from __future__ import annotations

import asyncio
import fnmatch
import time
from pathlib import Path
from typing import Any, Literal, cast

from pydantic import AliasChoices, Field

from llmspell_core.errors import ValidationError
from llmspell_core.extras import import_optional
from llmspell_core.tool_types import SecurityLevel, ToolOutput
from llmspell_tools.framework import BaseTool, Invocation, ToolParams, ToolSettings, example

__all__ = ["FileWatcher", "FileWatcherParams", "FileWatcherSettings"]

_KINDS = {1: "create", 2: "modify", 3: "delete"}  # watchfiles.Change values


class FileWatcherSettings(ToolSettings):
    #: ``[tools.file_watcher] max_watch_seconds``: ceiling on ``timeout_seconds``.
    max_watch_seconds: float = Field(default=300.0, gt=0)
    #: ``[tools.file_watcher] max_events``: ceiling on ``max_events``.
    max_events: int = Field(default=10_000, gt=0)
    #: ``[tools.file_watcher] max_paths``: most paths one call may watch.
    max_paths: int = Field(default=20, gt=0)


class FileWatcherParams(ToolParams):
    operation: Literal["watch", "config"] = Field(default="watch", description="what to do")
    paths: list[str] | str | None = Field(
        default=None,
        validation_alias=AliasChoices("paths", "path"),
        description="files or directories to watch",
    )
    recursive: bool = Field(default=True, description="watch directories recursively")
    pattern: str | None = Field(default=None, description="only report names matching this glob")
    debounce_ms: int = Field(default=100, ge=0, le=10_000, description="group changes this close")
    timeout_seconds: float = Field(
        default=10.0, gt=0, description="stop watching after this many seconds"
    )
    max_events: int = Field(default=100, ge=1, description="stop after this many events")


def _as_list(value: list[str] | str | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


class FileWatcher(BaseTool[FileWatcherParams]):
    tool_name = "file-watcher"
    description = (
        "Watch files or directories for changes (create, modify, delete) for up to N seconds "
        "or N events and return the events seen."
    )
    tool_category = "filesystem"
    tags = ("file", "watch", "events")
    params_model = FileWatcherParams
    settings_model = FileWatcherSettings
    security_level = SecurityLevel.RESTRICTED
    # Must outlast the longest allowed watch; the watch itself is bounded by max_watch_seconds.
    timeout_seconds = 330.0
    examples = (
        example("Show the watcher limits", operation="config"),
        example("Watch the current directory for a moment", paths=["."], timeout_seconds=0.2),
    )

    async def run(self, params: FileWatcherParams, call: Invocation) -> ToolOutput:
        settings = cast(FileWatcherSettings, call.settings)
        if params.operation == "config":
            limits = {
                "max_watch_seconds": settings.max_watch_seconds,
                "max_events": settings.max_events,
                "max_paths": settings.max_paths,
                "default_timeout_seconds": 10.0,
                "default_debounce_ms": 100,
            }
            return call.ok(", ".join(f"{k}={v}" for k, v in limits.items()), limits)
        raw_paths = _as_list(params.paths)
        if not raw_paths:
            raise ValidationError(
                "file-watcher: parameter 'paths' is required for operation 'watch' "
                "(rule: required)",
                details={"field": "paths", "rule": "required"},
            )
        if len(raw_paths) > settings.max_paths:
            raise ValidationError(
                f"file-watcher: {len(raw_paths)} paths is over the limit of "
                f"{settings.max_paths} ([tools.file_watcher] max_paths)",
                details={"field": "paths", "rule": "max_paths"},
            )
        if params.max_events > settings.max_events:
            raise ValidationError(
                f"file-watcher: max_events {params.max_events} is over the limit of "
                f"{settings.max_events} ([tools.file_watcher] max_events)",
                details={"field": "max_events", "rule": "max_events"},
            )
        if params.timeout_seconds > settings.max_watch_seconds:
            raise ValidationError(
                f"file-watcher: timeout_seconds {params.timeout_seconds:g} is over the limit of "
                f"{settings.max_watch_seconds:g} ([tools.file_watcher] max_watch_seconds)",
                details={"field": "timeout_seconds", "rule": "max_watch_seconds"},
            )
        paths = [call.safe_path(p, must_exist=True) for p in raw_paths]
        duration = params.timeout_seconds
        remaining = call.ctx.remaining()
        if remaining is not None:
            duration = max(0.0, min(duration, remaining - 0.5))  # return before the spell ends
        events, stopped_by = await self._watch(paths, params, duration)
        lines = [f"{e['event_type']} {e['path']}" for e in events]
        return call.ok(
            "\n".join(lines) or f"no changes in {duration:g} s",
            {
                "events": events,
                "event_count": len(events),
                "paths": [str(p) for p in paths],
                "duration_seconds": duration,
                "stopped_by": stopped_by,
            },
        )

    async def _watch(
        self, paths: list[Path], params: FileWatcherParams, duration: float
    ) -> tuple[list[dict[str, Any]], str]:
        import_optional(
            "watchfiles", what="file-watcher", distribution="llmspell-tools", extra="filesystem"
        )
        import watchfiles

        base_filter = watchfiles.DefaultFilter()
        pattern = params.pattern

        def wanted(change: watchfiles.Change, path: str) -> bool:
            if not base_filter(change, path):
                return False
            return pattern is None or fnmatch.fnmatch(Path(path).name, pattern)

        events: list[dict[str, Any]] = []
        if duration <= 0:
            return events, "timeout"
        stop = asyncio.Event()
        handle = asyncio.get_running_loop().call_later(duration, stop.set)
        stopped_by = "timeout"
        try:
            async for changes in watchfiles.awatch(
                *paths,
                watch_filter=wanted,
                debounce=params.debounce_ms,
                step=50,
                stop_event=stop,
                recursive=params.recursive,
            ):
                for change, path in sorted(changes, key=lambda c: (str(c[1]), int(c[0]))):
                    events.append(
                        {
                            "event_type": _KINDS.get(int(change), "unknown"),
                            "path": str(path),
                            "timestamp": time.time(),
                        }
                    )
                    if len(events) >= params.max_events:
                        break
                if len(events) >= params.max_events:
                    stopped_by = "max_events"
                    break
        finally:
            handle.cancel()
            stop.set()
        return events, stopped_by
