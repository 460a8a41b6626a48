"""file-watcher: real file-system events, bounded by time and event count."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest
from file_tool_support import files_context

from llmspell_core.config import LLMSpellConfig
from llmspell_core.context import ExecutionContext
from llmspell_core.errors import NotFoundError, SecurityError, ValidationError
from llmspell_core.testing.contracts import ToolContract
from llmspell_core.tool import Tool
from llmspell_tools.filesystem.file_watcher import FileWatcher


class TestFileWatcherContract(ToolContract):
    @pytest.fixture(autouse=True)
    def _in_tmp(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.chdir(tmp_path)

    def make_tool(self) -> Tool:
        return FileWatcher()

    def invalid_params(self) -> list[dict[str, Any]]:
        return [
            {"operation": "watch"},
            {"operation": "tail", "paths": ["."]},
            {"paths": ["."], "max_events": 0},
            {"paths": ["."], "timeout_seconds": 0},
            {"paths": ["."], "timeout_seconds": 301},
        ]


def ctx(root: Path, **section: Any) -> ExecutionContext:
    return files_context(root, "file_watcher", section)


async def _touch_later(path: Path, text: str, delay: float = 0.4) -> None:
    await asyncio.sleep(delay)
    await asyncio.to_thread(path.write_text, text)


async def test_reports_a_created_file_and_stops_at_max_events(tmp_path: Path) -> None:
    started = time.monotonic()
    writer = asyncio.create_task(_touch_later(tmp_path / "new.txt", "hello"))
    out = await FileWatcher().execute(
        {"paths": [str(tmp_path)], "timeout_seconds": 10, "max_events": 1, "debounce_ms": 50},
        ctx(tmp_path),
    )
    await writer
    assert time.monotonic() - started < 8  # stopped by the event, not the timeout
    assert out.result["stopped_by"] == "max_events"
    assert out.result["event_count"] == 1
    event = out.result["events"][0]
    assert event["path"] == str(tmp_path / "new.txt")
    assert event["event_type"] in ("create", "modify")
    assert "new.txt" in out.text


async def test_pattern_filters_names_and_path_alias(tmp_path: Path) -> None:
    async def writes() -> None:
        await asyncio.sleep(0.4)
        await asyncio.to_thread((tmp_path / "skip.log").write_text, "x")
        await asyncio.to_thread((tmp_path / "keep.txt").write_text, "y")

    writer = asyncio.create_task(writes())
    out = await FileWatcher().execute(
        {"path": str(tmp_path), "pattern": "*.txt", "timeout_seconds": 10, "max_events": 1},
        ctx(tmp_path),
    )
    await writer
    assert [Path(e["path"]).name for e in out.result["events"]] == ["keep.txt"]


async def test_quiet_watch_ends_at_the_timeout(tmp_path: Path) -> None:
    started = time.monotonic()
    out = await FileWatcher().execute(
        {"paths": [str(tmp_path)], "timeout_seconds": 0.5}, ctx(tmp_path)
    )
    assert 0.4 < time.monotonic() - started < 5
    assert out.result == {
        "events": [],
        "event_count": 0,
        "paths": [str(tmp_path)],
        "duration_seconds": 0.5,
        "stopped_by": "timeout",
    }
    assert out.text == "no changes in 0.5 s"


async def test_watch_never_outlives_the_spell_deadline(tmp_path: Path) -> None:
    context = ExecutionContext.with_timeout(
        1.0, config=LLMSpellConfig(tools={"filesystem": {"allowed_paths": [str(tmp_path)]}})
    )
    out = await FileWatcher().execute({"paths": [str(tmp_path)], "timeout_seconds": 60}, context)
    assert out.result["duration_seconds"] <= 0.5
    assert out.result["stopped_by"] == "timeout"


async def test_config_and_limits(tmp_path: Path) -> None:
    cfg = await FileWatcher().execute({"operation": "config"}, ctx(tmp_path, max_events=50))
    assert cfg.result["max_events"] == 50
    with pytest.raises(ValidationError) as info:
        await FileWatcher().execute(
            {"paths": [str(tmp_path)], "max_events": 51}, ctx(tmp_path, max_events=50)
        )
    assert "[tools.file_watcher] max_events" in info.value.message
    with pytest.raises(ValidationError):
        await FileWatcher().execute(
            {"paths": [str(tmp_path)], "timeout_seconds": 5}, ctx(tmp_path, max_watch_seconds=2)
        )
    with pytest.raises(ValidationError):
        await FileWatcher().execute(
            {"paths": [str(tmp_path)] * 3, "timeout_seconds": 0.1}, ctx(tmp_path, max_paths=2)
        )


async def test_refusals(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    with pytest.raises(SecurityError):
        await FileWatcher().execute(
            {"paths": [str(root / "..")], "timeout_seconds": 0.1}, ctx(root)
        )
    with pytest.raises(SecurityError):
        await FileWatcher().execute({"paths": ["/etc"], "timeout_seconds": 0.1}, ctx(root))
    with pytest.raises(NotFoundError):
        await FileWatcher().execute(
            {"paths": [str(root / "nope")], "timeout_seconds": 0.1}, ctx(root)
        )
