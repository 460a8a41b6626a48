"""Fixtures for llmspell-core tests: a fake installed distribution with entry points."""

from __future__ import annotations

import sys
from collections.abc import Callable, Generator
from pathlib import Path

import pytest

from llmspell_core.registry import Registry

MakeDist = Callable[[str, dict[str, dict[str, str]]], Path]


@pytest.fixture
def make_dist(tmp_path: Path) -> Generator[MakeDist]:
    """Write a real ``*.dist-info`` with entry points onto sys.path, as pip would."""
    added: list[str] = []

    def make(name: str, groups: dict[str, dict[str, str]]) -> Path:
        site = tmp_path / f"site-{name}"
        info = site / f"{name.replace('-', '_')}-1.2.3.dist-info"
        info.mkdir(parents=True)
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.2.3\n")
        lines: list[str] = []
        for group, entries in groups.items():
            lines.append(f"[{group}]")
            lines.extend(f"{k} = {v}" for k, v in entries.items())
        (info / "entry_points.txt").write_text("\n".join(lines) + "\n")
        sys.path.insert(0, str(site))
        added.append(str(site))
        return site

    yield make
    for path in added:
        sys.path.remove(path)


@pytest.fixture
def fresh_registry() -> Registry:
    return Registry()
