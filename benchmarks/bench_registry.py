"""Registry lookup vs a direct ``importlib.metadata.entry_points`` call.

Every tool, provider and engine is reached through ``llmspell_core.registry``; a spell that
asks for many tools must not rescan installed metadata each time. Budgets:

- first lookup in a fresh registry (scan + load) costs about what one direct call costs;
- a repeated lookup is served from the cache, at least 100x cheaper than a direct call.

A throwaway distribution registering ``llmspell.tools: bench-pack`` is put on ``sys.path``
so the numbers do not depend on which plugins happen to be installed.
"""

from __future__ import annotations

import os
import sys
import tempfile
from importlib.metadata import entry_points
from pathlib import Path

from benchkit import Bench, time_call

from llmspell_core.registry import Registry

GROUP = "llmspell.tools"
NAME = "bench-pack"
TARGET = "json:dumps"  # any importable object; already imported, so loading is cheap


def install_fake_distribution(site: Path) -> None:
    info = site / "llmspell_bench_plugin-0.0.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: llmspell-bench-plugin\nVersion: 0.0.0\n"
    )
    (info / "entry_points.txt").write_text(f"[{GROUP}]\n{NAME} = {TARGET}\n")
    sys.path.insert(0, str(site))


def direct_lookup() -> object:
    return entry_points(group=GROUP)[NAME].load()


def cold_lookup() -> object:
    return Registry().load(GROUP, NAME)


def main() -> int:
    os.environ.pop("LLMSPELL_PLUGINS", None)  # the fake plugin must not be filtered out
    with tempfile.TemporaryDirectory() as site:
        install_fake_distribution(Path(site))
        warm = Registry()
        assert direct_lookup() is cold_lookup() is warm.load(GROUP, NAME)

        bench = Bench("registry entry-point lookup vs importlib.metadata.entry_points")
        direct = bench.timing(time_call("direct entry_points(group)[name].load()", direct_lookup))
        cold = bench.timing(time_call("Registry().load() (fresh: scan + load)", cold_lookup))
        cached = bench.timing(time_call("registry.load() (cached)", lambda: warm.load(GROUP, NAME)))
        bench.ratio("fresh registry / direct", cold, direct, budget=1.5)
        bench.ratio("cached registry / direct", cached, direct, budget=0.01)
        return bench.finish()


if __name__ == "__main__":
    raise SystemExit(main())
