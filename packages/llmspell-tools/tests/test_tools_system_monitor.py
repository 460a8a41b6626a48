"""system-monitor: real host figures from psutil, shaped and bounded."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from llmspell_core.config import LLMSpellConfig
from llmspell_core.context import ExecutionContext
from llmspell_core.errors import SecurityError
from llmspell_core.testing.contracts import ToolContract
from llmspell_core.tool import Tool
from llmspell_tools.system.system_monitor import SystemMonitor


class TestSystemMonitorContract(ToolContract):
    def make_tool(self) -> Tool:
        return SystemMonitor()

    def invalid_params(self) -> list[dict[str, Any]]:
        return [
            {"operation": "gpu"},
            {"interval": 10},
            {"operation": "processes", "limit": 0},
            {"operation": "processes", "sort_by": "age"},
        ]


def ctx(root: Path | None = None, **section: Any) -> ExecutionContext:
    tools: dict[str, dict[str, Any]] = {}
    if root is not None:
        tools["filesystem"] = {"allowed_paths": [str(root)]}
    if section:
        tools["system_monitor"] = section
    return ExecutionContext(config=LLMSpellConfig(tools=tools))


async def monitor(context: ExecutionContext | None = None, **params: Any) -> Any:
    return await SystemMonitor().execute(params, context or ctx())


async def test_cpu() -> None:
    out = await monitor(operation="cpu", interval=0.05, per_cpu=True)
    cpu = out.result["cpu"]
    assert cpu["count_logical"] >= 1
    assert 0.0 <= cpu["usage_percent"] <= 100.0
    assert len(cpu["per_cpu_percent"]) == cpu["count_logical"]
    assert set(out.result) == {"cpu", "boot_time", "pid"}
    assert out.text.startswith("cpu ")


async def test_memory_and_load() -> None:
    mem = (await monitor(operation="memory")).result["memory"]
    assert mem["total_bytes"] > mem["available_bytes"] > 0
    assert 0.0 <= mem["usage_percent"] <= 100.0
    load = (await monitor(operation="load")).result["load"]
    assert load["load_1m"] == pytest.approx(os.getloadavg()[0], abs=2.0)


async def test_disk_all_and_one_path(tmp_path: Path) -> None:
    disks = (await monitor(operation="disk")).result["disks"]
    assert disks
    assert all(d["total_bytes"] >= d["used_bytes"] for d in disks)
    one = await monitor(ctx(tmp_path), operation="disk", path=str(tmp_path))
    assert one.result["disks"][0]["mountpoint"] == str(tmp_path)
    with pytest.raises(SecurityError):
        await monitor(ctx(tmp_path), operation="disk", path="/")


async def test_processes_sorted_and_limited() -> None:
    out = await monitor(operation="processes", sort_by="memory", limit=3, interval=0)
    procs = out.result["processes"]
    assert 1 <= len(procs) <= 3
    assert out.result["process_count"] >= len(procs)
    memory = [p["memory_percent"] for p in procs]
    assert memory == sorted(memory, reverse=True)
    assert set(procs[0]) == {"pid", "name", "username", "status", "cpu_percent", "memory_percent"}
    by_pid = await monitor(operation="processes", sort_by="pid", limit=1000, interval=0)
    assert os.getpid() in [p["pid"] for p in by_pid.result["processes"]]
    capped = await monitor(ctx(max_rows=2), operation="processes", limit=50, interval=0)
    assert len(capped.result["processes"]) == 2


async def test_all_has_every_section() -> None:
    out = await monitor(interval=0)
    assert {"cpu", "memory", "disks", "load", "processes", "process_count"} <= set(out.result)
    assert "processes" in out.text
    assert "memory" in out.text
