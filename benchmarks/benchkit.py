"""The small runner every ``benchmarks/bench_*.py`` script shares.

A benchmark is a plain script (``python benchmarks/bench_x.py``) so it measures a real
process, not one warmed by pytest. It times callables with ``timeit``, prints one line per
measure, compares against budgets from architecture.md §7 and exits non-zero when one is
broken, which is what makes ``nox -s bench`` fail.
"""

from __future__ import annotations

import statistics
import sys
import timeit
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["Bench", "Timing", "time_call"]


@dataclass(frozen=True)
class Timing:
    """Seconds per call: the best of several repeats (least disturbed) and their median."""

    label: str
    best: float
    median: float
    calls: int

    def __str__(self) -> str:
        return (
            f"{self.label}: {_human(self.best)}/call (median {_human(self.median)}, n={self.calls})"
        )


def time_call(
    label: str, func: Callable[[], object], *, repeat: int = 7, min_seconds: float = 0.2
) -> Timing:
    """Time ``func`` with enough calls per repeat to last ``min_seconds``."""
    timer = timeit.Timer(func)
    number, _ = timer.autorange()
    number = max(1, int(number * min_seconds / 0.2))
    per_call = [total / number for total in timer.repeat(repeat=repeat, number=number)]
    return Timing(label, min(per_call), statistics.median(per_call), number * repeat)


@dataclass
class Bench:
    """Collects measures for one script and reports budget breaches at the end."""

    title: str
    failures: list[str] = field(default_factory=list[str])

    def __post_init__(self) -> None:
        print(f"== {self.title}")

    def timing(self, timing: Timing) -> Timing:
        print(f"   {timing}")
        return timing

    def ratio(self, name: str, measured: Timing, baseline: Timing, *, budget: float) -> float:
        """Print ``measured / baseline`` (best times) and record a breach of ``<= budget``."""
        value = measured.best / baseline.best
        verdict = "ok" if value <= budget else "OVER BUDGET"
        print(f"   {name}: {value:.4g}x (budget <= {budget:g}x) {verdict}")
        if value > budget:
            self.failures.append(f"{name}: {value:.4g}x > {budget:g}x")
        return value

    def finish(self) -> int:
        """Exit status for the script: 0 when every budget held."""
        for failure in self.failures:
            print(f"   FAILED {failure}", file=sys.stderr)
        return 1 if self.failures else 0


def _human(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"
