"""Plugins found through entry points (architecture §2).

Built-ins register exactly like third-party plugins, so the registry is the only way one
package reaches another's implementations. An entry is imported only when asked for, which
keeps ``llmspell run hello.lua`` from paying for unused SDKs.

Finding the entries is on every start-up's path, so the installed distributions are read
once for all groups, straight from their ``*.dist-info/entry_points.txt`` files on
``sys.path`` — the layout ``importlib.metadata`` itself reads — without importing
``importlib.metadata`` (~15 ms with the ``email`` parser it pulls in). Anything that layout
does not cover (a zip on ``sys.path``, an import hook that provides distributions) makes the
registry fall back to ``importlib.metadata``.
"""

from __future__ import annotations

import os
import re
import sys
import threading
from collections.abc import Generator, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Literal, Protocol

from llmspell_core.errors import MissingExtraError, NotFoundError, PluginConflictError
from llmspell_core.records import Record

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

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


class PluginInfo(Record):
    """One entry point as ``llmspell plugins`` shows it: where it comes from and its state."""

    __slots__ = ("distribution", "error", "group", "name", "status", "value", "version")

    def __init__(
        self,
        group: str,
        name: str,
        value: str,
        distribution: str,
        version: str,
        status: Status = "available",
        error: str | None = None,
    ) -> None:
        self.group = group
        self.name = name
        self.value = value
        self.distribution = distribution
        self.version = version
        self.status: Status = status
        self.error = error


class _Loadable(Protocol):
    """What the registry needs of an entry point (``importlib.metadata.EntryPoint`` fits)."""

    @property
    def extras(self) -> list[str]: ...

    def load(self) -> Any: ...


#: ``module:attr.path [extra1, extra2]``, as ``importlib.metadata.EntryPoint`` reads it.
_ENTRY_VALUE = re.compile(
    r"(?P<module>[\w.]+)\s*(:\s*(?P<attr>[\w.]+)\s*)?((?P<extras>\[.*\])\s*)?$"
)


class _FileEntryPoint:
    """An entry point read from an ``entry_points.txt`` file."""

    __slots__ = ("group", "name", "value")

    def __init__(self, name: str, value: str, group: str) -> None:
        self.name = name
        self.value = value
        self.group = group

    def __repr__(self) -> str:
        return f"EntryPoint(name={self.name!r}, value={self.value!r}, group={self.group!r})"

    @property
    def extras(self) -> list[str]:
        match = _ENTRY_VALUE.match(self.value)
        return re.findall(r"\w+", match["extras"] or "") if match else []

    def load(self) -> Any:
        import importlib

        match = _ENTRY_VALUE.match(self.value)
        if match is None:
            raise ImportError(f"malformed entry point value {self.value!r}")
        obj: Any = importlib.import_module(match["module"])
        for attr in (match["attr"] or "").split("."):
            if attr:
                obj = getattr(obj, attr)
        return obj


class _Dist:
    """An installed distribution that declares entry points."""

    __slots__ = ("groups", "name", "named", "path", "version")

    def __init__(self, path: str, name: str, groups: dict[str, list[tuple[str, str]]]) -> None:
        self.path = path  # its .dist-info / .egg-info directory
        self.name = name  # normalised from the directory name until _fill_names reads METADATA
        self.version = "?"
        self.groups = groups
        self.named = False


class _Entry:
    __slots__ = ("entry_point", "info", "others")

    def __init__(
        self, info: PluginInfo, entry_point: _Loadable | None, others: list[PluginInfo]
    ) -> None:
        self.info = info
        self.entry_point = entry_point
        self.others = others


def _header_fields(path: str) -> tuple[str | None, str | None]:
    """``Name`` and ``Version`` from a METADATA / PKG-INFO file's headers."""
    name = version = None
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            for line in handle:
                if not line.strip():
                    break  # the headers end at the first blank line
                key, _, value = line.partition(":")
                if key == "Name":
                    name = value.strip()
                elif key == "Version":
                    version = value.strip()
                if name is not None and version is not None:
                    break
    except OSError:
        pass
    return name, version


def _read_entry_points(path: str) -> dict[str, list[tuple[str, str]]]:
    """``entry_points.txt`` (INI sections of ``name = value``) as {group: [(name, value)]}."""
    groups: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] | None = None
    with open(path, encoding="utf-8", errors="replace") as handle:
        for raw in handle:
            line = raw.strip()
            if not line or line[0] in "#;":
                continue
            if line[0] == "[" and line[-1] == "]":
                current = groups.setdefault(line[1:-1].strip(), [])
                continue
            name, sep, value = line.partition("=")
            if sep and current is not None:
                current.append((name.strip(), value.strip()))
    return groups


def _metadata_dirs(entry: str) -> Iterator[tuple[str, str]]:
    """(normalised name, directory) for each distribution directly inside ``entry``."""
    try:
        names = os.listdir(entry or ".")
    except OSError:
        return
    infos: list[tuple[str, str]] = []
    eggs: list[tuple[str, str]] = []
    for item in names:
        low = item.lower()
        if low.endswith(".dist-info"):
            infos.append((_normalize(item[:-10].partition("-")[0]), item))
        elif low.endswith(".egg-info"):
            eggs.append((_normalize(item[:-9].partition("-")[0]), item))
    for normalized, item in (*infos, *eggs):
        yield normalized, os.path.join(entry, item)


def _plain_sys_path() -> bool:
    """Whether every distribution is a directory on ``sys.path`` (what the fast scan reads)."""
    from importlib.machinery import PathFinder

    for finder in sys.meta_path:
        if finder is not PathFinder and hasattr(finder, "find_distributions"):
            return False
    return not any(entry and os.path.isfile(entry) for entry in sys.path)


def _scan_distributions() -> list[_Dist] | None:
    """Every distribution with entry points, first on ``sys.path`` winning (as
    ``importlib.metadata`` does); None when the fast scan does not apply."""
    if not _plain_sys_path():
        return None
    seen: set[str] = set()
    found: list[_Dist] = []
    for entry in sys.path:
        for normalized, directory in _metadata_dirs(entry):
            if normalized in seen:
                continue
            seen.add(normalized)
            try:
                groups = _read_entry_points(os.path.join(directory, "entry_points.txt"))
            except OSError:
                continue  # no entry points (or not a directory)
            if groups:
                found.append(_Dist(directory, normalized, groups))
    return found


def _fill_names(dist: _Dist) -> None:
    """The distribution's own spelling of its name, and its version (read on demand)."""
    dist.named = True
    for header in ("METADATA", "PKG-INFO"):
        name, version = _header_fields(os.path.join(dist.path, header))
        if name is not None:
            dist.name = name
            dist.version = version or "?"
            return


class Registry:
    """Entry-point lookup with caching, allow-listing, conflict detection and overrides."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._distributions: list[_Dist] | None = None
        self._fast_scan = True
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
            for ep, dist_name, version in self._group_entries(group):
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

    def _group_entries(self, group: str) -> Iterable[tuple[_FileEntryPoint | EntryPoint, str, str]]:
        """(entry point, distribution name, version) for every entry in ``group``."""
        if self._fast_scan and self._distributions is None:
            self._distributions = _scan_distributions()
            self._fast_scan = self._distributions is not None
        if self._distributions is None:
            from importlib.metadata import entry_points

            for ep in entry_points(group=group):
                dist = ep.dist
                name = dist.name if dist is not None else "<unknown>"
                yield ep, name, dist.version if dist is not None else "?"
            return
        for dist in self._distributions:
            entries = dist.groups.get(group)
            if not entries:
                continue
            if not dist.named:
                _fill_names(dist)
            for name, value in entries:
                yield _FileEntryPoint(name, value, group), dist.name, dist.version

    def clear_cache(self) -> None:
        """Forget scans and loaded objects (after installing a plugin at run time, in tests)."""
        with self._lock:
            self._scanned.clear()
            self._loaded.clear()
            self._distributions = None
            self._fast_scan = True

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
