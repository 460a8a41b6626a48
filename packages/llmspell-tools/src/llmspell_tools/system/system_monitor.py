"""system-monitor: CPU, memory, disk, load and process figures from psutil.

Process listings give pid, name, user, status and resource use, never command lines or
environments (they often hold secrets).
"""

from __future__ import annotations

import os
import time
from typing import Any, Literal

from pydantic import Field

from llmspell_core.extras import import_optional
from llmspell_core.tool_types import SecurityLevel, ToolOutput
from llmspell_tools.framework import BaseTool, Invocation, ToolParams, example

__all__ = ["SystemMonitor", "SystemMonitorParams"]

Operation = Literal["all", "cpu", "memory", "disk", "load", "processes"]


class SystemMonitorParams(ToolParams):
    operation: Operation = Field(default="all", description="which figures")
    interval: float = Field(
        default=0.1, ge=0, le=5, description="cpu/processes: seconds to sample CPU usage over"
    )
    per_cpu: bool = Field(default=False, description="cpu: include each core's usage")
    path: str | None = Field(
        default=None, description="disk: one path's file system (default: all mounted disks)"
    )
    sort_by: Literal["cpu", "memory", "pid", "name"] = Field(
        default="cpu", description="processes: order"
    )
    limit: int = Field(default=10, ge=1, le=1000, description="processes: how many")


def _require_psutil() -> None:
    import_optional("psutil", what="system-monitor", distribution="llmspell-tools", extra="system")


def _pct(value: float) -> float:
    return round(float(value), 2)


def _cpu(interval: float, per_cpu: bool) -> dict[str, Any]:
    import psutil as ps

    usage = ps.cpu_percent(interval=interval or None, percpu=per_cpu)
    freq = None
    try:
        current: Any = ps.cpu_freq()  # None on some platforms despite the stubs
        if current is not None:
            freq = {"current_mhz": _pct(current.current), "max_mhz": _pct(current.max)}
    except (OSError, NotImplementedError, FileNotFoundError):
        freq = None
    out: dict[str, Any] = {
        "count_logical": ps.cpu_count(logical=True),
        "count_physical": ps.cpu_count(logical=False),
        "frequency": freq,
    }
    if isinstance(usage, list):
        out["per_cpu_percent"] = [_pct(u) for u in usage]
        out["usage_percent"] = _pct(sum(usage) / max(len(usage), 1))
    else:
        out["usage_percent"] = _pct(usage)
    return out


def _memory() -> dict[str, Any]:
    import psutil as ps

    virtual = ps.virtual_memory()
    swap = ps.swap_memory()
    return {
        "total_bytes": virtual.total,
        "available_bytes": virtual.available,
        "used_bytes": virtual.used,
        "usage_percent": _pct(virtual.percent),
        "swap_total_bytes": swap.total,
        "swap_used_bytes": swap.used,
        "swap_percent": _pct(swap.percent),
    }


def _usage(mount: str) -> dict[str, Any]:
    import psutil as ps

    usage = ps.disk_usage(mount)
    return {
        "mountpoint": mount,
        "total_bytes": usage.total,
        "used_bytes": usage.used,
        "free_bytes": usage.free,
        "usage_percent": _pct(usage.percent),
    }


def _disks(path: str | None, max_rows: int) -> list[dict[str, Any]]:
    import psutil as ps

    if path is not None:
        return [_usage(path)]
    disks: list[dict[str, Any]] = []
    for part in ps.disk_partitions(all=False):
        if len(disks) >= max_rows:
            break
        try:
            entry = _usage(part.mountpoint)
        except OSError:
            continue
        entry.update(device=part.device, fstype=part.fstype)
        disks.append(entry)
    return disks


def _load() -> dict[str, Any]:
    import psutil as ps

    one, five, fifteen = ps.getloadavg()
    cores = ps.cpu_count(logical=True) or 1
    return {
        "load_1m": _pct(one),
        "load_5m": _pct(five),
        "load_15m": _pct(fifteen),
        "load_per_cpu_1m": _pct(one / cores),
    }


def _processes(interval: float, sort_by: str, limit: int) -> tuple[list[dict[str, Any]], int]:
    import psutil as ps

    procs = list(ps.process_iter(["pid", "name", "username", "status", "memory_percent"]))
    for proc in procs:  # the first cpu_percent call only starts the measurement
        try:
            proc.cpu_percent(None)
        except (ps.NoSuchProcess, ps.AccessDenied):
            continue
    if interval:
        time.sleep(interval)
    rows: list[dict[str, Any]] = []
    for proc in procs:
        try:
            info = proc.info
            rows.append(
                {
                    "pid": proc.pid,
                    "name": info.get("name"),
                    "username": info.get("username"),
                    "status": info.get("status"),
                    "cpu_percent": _pct(proc.cpu_percent(None)),
                    "memory_percent": _pct(info.get("memory_percent") or 0.0),
                }
            )
        except (ps.NoSuchProcess, ps.AccessDenied, ps.ZombieProcess):
            continue
    if sort_by == "name":
        rows.sort(key=lambda r: str(r["name"] or ""))
    elif sort_by == "pid":
        rows.sort(key=lambda r: int(r["pid"]))
    else:
        field = "cpu_percent" if sort_by == "cpu" else "memory_percent"
        rows.sort(key=lambda r: -float(r[field]))
    return rows[:limit], len(rows)


def _collect(params: SystemMonitorParams, max_rows: int) -> dict[str, Any]:
    _require_psutil()
    import psutil as ps

    op = params.operation
    out: dict[str, Any] = {}
    if op in ("all", "cpu"):
        out["cpu"] = _cpu(params.interval, params.per_cpu)
    if op in ("all", "memory"):
        out["memory"] = _memory()
    if op in ("all", "disk"):
        out["disks"] = _disks(params.path, max_rows)
    if op in ("all", "load"):
        out["load"] = _load()
    if op in ("all", "processes"):
        interval = params.interval if op == "processes" else 0.0
        top, total = _processes(interval, params.sort_by, min(params.limit, max_rows))
        out["processes"] = top
        out["process_count"] = total
    out["boot_time"] = ps.boot_time()
    out["pid"] = os.getpid()
    return out


def _summary(data: dict[str, Any]) -> str:
    parts: list[str] = []
    if "cpu" in data:
        parts.append(f"cpu {data['cpu']['usage_percent']}%")
    if "memory" in data:
        parts.append(f"memory {data['memory']['usage_percent']}%")
    if "load" in data:
        parts.append(f"load {data['load']['load_1m']}")
    if data.get("disks"):
        parts.append(f"disk {data['disks'][0]['mountpoint']} {data['disks'][0]['usage_percent']}%")
    if "processes" in data:
        parts.append(f"{data['process_count']} processes")
    return ", ".join(parts)


class SystemMonitor(BaseTool[SystemMonitorParams]):
    tool_name = "system-monitor"
    description = (
        "Report host CPU usage, memory, disk usage, load average and the top processes "
        "(by CPU or memory)."
    )
    tool_category = "system"
    tags = ("system", "monitoring", "cpu", "memory", "disk", "processes")
    params_model = SystemMonitorParams
    security_level = SecurityLevel.RESTRICTED
    timeout_seconds = 30.0
    examples = (
        example("Memory usage", operation="memory"),
        example("Top 3 processes by memory", operation="processes", sort_by="memory", limit=3),
    )

    async def run(self, params: SystemMonitorParams, call: Invocation) -> ToolOutput:
        if params.path is not None:
            params.path = str(call.safe_path(params.path, must_exist=True))
        data = await call.to_thread(_collect, params, call.max_rows)
        return call.ok(_summary(data), data)
