"""Plugins found through entry points (architecture §2).

Built-ins register exactly like third-party plugins, so the registry is the only way one
package reaches another's implementations. Each group is scanned once; an entry is imported
only when asked for, which keeps ``llmspell run hello.lua`` from paying for unused SDKs.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Generator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from typing import Any, Literal

from llmspell_core.errors import MissingExtraError, NotFoundError, PluginConflictError

__all__ = [
    "FIRST_PARTY",
    "GROUPS",
    "PluginInfo",
    "Registry",
    "registry",
]

GROUPS: tuple[str, ...] = (
    "llmspell.engines",
    "llmspell.providers",
    "llmspell.agents",
    "llmspell.tools",
    "llmspell.workflows",
    "llmspell.globals",
    "llmspell.cli",
)

#: Distributions that are always allowed, whatever ``LLMSPELL_PLUGINS`` says.
FIRST_PARTY: frozenset[str] = frozenset(
    {
        "llmspell",
        "llmspell-core",
        "llmspell-utils",
        "llmspell-providers",
        "llmspell-agents",
        "llmspell-tools",
        "llmspell-workflows",
        "llmspell-bridge",
        "llmspell-cli",
    }
)

Status = Literal["available", "loaded", "disabled", "conflict", "error", "override"]


def _normalize(dist: str) -> str:
    return dist.strip().lower().replace("_", "-").replace(".", "-")


@dataclass
class PluginInfo:
    group: str
    name: str
    value: str
    distribution: str
    version: str
    status: Status = "available"
    error: str | None = None


@dataclass
class _Entry:
    info: PluginInfo
    entry_point: EntryPoint | None
    others: list[PluginInfo]


class Registry:
    """Entry-point lookup with caching, allow-listing, conflict detection and overrides."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._scanned: dict[str, dict[str, _Entry]] = {}
        self._loaded: dict[tuple[str, str], Any] = {}
        self._overrides: dict[tuple[str, str], Any] = {}

    # -- scanning -----------------------------------------------------------------------
    def _allowed(self) -> frozenset[str] | None:
        raw = os.environ.get("LLMSPELL_PLUGINS")
        if raw is None:
            return None
        return frozenset(_normalize(d) for d in raw.split(",") if d.strip())

    def _scan(self, group: str) -> dict[str, _Entry]:
        with self._lock:
            cached = self._scanned.get(group)
            if cached is not None:
                return cached
            allowed = self._allowed()
            found: dict[str, _Entry] = {}
            for ep in entry_points(group=group):
                dist = ep.dist
                dist_name = dist.name if dist is not None else "<unknown>"
                version = dist.version if dist is not None else "?"
                info = PluginInfo(group, ep.name, ep.value, dist_name, version)
                norm = _normalize(dist_name)
                if allowed is not None and norm not in FIRST_PARTY and norm not in allowed:
                    info.status = "disabled"
                    info.error = "not listed in LLMSPELL_PLUGINS"
                existing = found.get(ep.name)
                if existing is None:
                    found[ep.name] = _Entry(info, ep, [])
                    continue
                if info.status == "disabled":
                    existing.others.append(info)
                    continue
                if existing.info.status == "disabled":
                    found[ep.name] = _Entry(info, ep, [existing.info, *existing.others])
                    continue
                if existing.info.distribution == info.distribution:
                    continue  # the same distribution seen twice on sys.path
                existing.others.append(info)
                existing.info.status = "conflict"
                info.status = "conflict"
            self._scanned[group] = found
            return found

    def clear_cache(self) -> None:
        """Forget scans and loaded objects (after installing a plugin at run time, in tests)."""
        with self._lock:
            self._scanned.clear()
            self._loaded.clear()

    # -- queries -------------------------------------------------------------------------
    def names(self, group: str) -> list[str]:
        """Usable names in a group (overrides included, disabled ones excluded)."""
        names = {n for n, e in self._scan(group).items() if e.info.status != "disabled"}
        names.update(name for (g, name) in self._overrides if g == group)
        return sorted(names)

    def has(self, group: str, name: str) -> bool:
        return name in self.names(group)

    def plugins(self, group: str | None = None) -> list[PluginInfo]:
        """Every entry with its status, for ``llmspell plugins``."""
        groups = (group,) if group else GROUPS
        out: list[PluginInfo] = []
        for g in groups:
            for name, entry in sorted(self._scan(g).items()):
                if (g, name) in self._overrides:
                    entry.info.status = "override"
                elif (g, name) in self._loaded and entry.info.status == "available":
                    entry.info.status = "loaded"
                out.append(entry.info)
                out.extend(o for o in entry.others if o.status == "disabled")
                out.extend(o for o in entry.others if o.status == "conflict")
        return out

    def load(self, group: str, name: str) -> Any:
        """Import and return the object an entry names."""
        key = (group, name)
        with self._lock:
            if key in self._overrides:
                return self._overrides[key]
            if key in self._loaded:
                return self._loaded[key]
        entry = self._scan(group).get(name)
        kind = group.removeprefix("llmspell.").rstrip("s")
        if entry is None or entry.info.status == "disabled":
            known = ", ".join(self.names(group)) or "none installed"
            hint = ""
            if entry is not None:
                hint = f" ('{name}' from {entry.info.distribution} is not in LLMSPELL_PLUGINS)"
            raise NotFoundError(f"unknown {kind} '{name}'{hint}; known: {known}")
        if entry.info.status == "conflict":
            dists = [entry.info.distribution, *(o.distribution for o in entry.others)]
            raise PluginConflictError(
                f"{kind} '{name}' is registered by more than one distribution: "
                f"{' and '.join(dists)}; uninstall one, or limit plugins with LLMSPELL_PLUGINS",
                details={"distributions": dists},
            )
        assert entry.entry_point is not None
        try:
            obj = entry.entry_point.load()
        except MissingExtraError:
            raise
        except ImportError as exc:
            extras = entry.entry_point.extras
            entry.info.status = "error"
            entry.info.error = str(exc)
            raise MissingExtraError(
                f"{kind} '{name}'",
                distribution=entry.info.distribution,
                extra=extras[0] if extras else None,
                module=exc.name,
            ) from exc
        with self._lock:
            self._loaded[key] = obj
        return obj

    # -- tests -----------------------------------------------------------------------------
    @contextmanager
    def override(self, group: str, name: str, obj: Any) -> Generator[None]:
        """Make ``load(group, name)`` return ``obj`` inside the block (for tests)."""
        key = (group, name)
        with self._lock:
            previous = self._overrides.get(key, _UNSET)
            self._overrides[key] = obj
        try:
            yield
        finally:
            with self._lock:
                if previous is _UNSET:
                    self._overrides.pop(key, None)
                else:
                    self._overrides[key] = previous


_UNSET = object()

#: The process-wide registry.
registry = Registry()
