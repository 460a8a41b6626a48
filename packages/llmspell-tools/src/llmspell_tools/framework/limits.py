"""Bounding large results so one tool call cannot flood a script or an LLM context."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

__all__ = ["DEFAULT_MAX_OUTPUT_BYTES", "DEFAULT_MAX_ROWS", "limit_rows", "limit_text"]

T = TypeVar("T")

DEFAULT_MAX_OUTPUT_BYTES = 1_000_000
DEFAULT_MAX_ROWS = 1_000


def limit_text(text: str, max_bytes: int) -> tuple[str, bool]:
    """``text`` cut to at most ``max_bytes`` UTF-8 bytes (never mid-character), and whether cut."""
    if len(text) <= max_bytes // 4:  # fast path: even 4-byte characters would fit
        return text, False
    data = text.encode("utf-8")
    if len(data) <= max_bytes:
        return text, False
    return data[:max_bytes].decode("utf-8", errors="ignore"), True


def limit_rows(rows: Sequence[T], max_rows: int) -> tuple[list[T], bool]:
    """The first ``max_rows`` rows, and whether any were dropped."""
    if len(rows) <= max_rows:
        return list(rows), False
    return list(rows[:max_rows]), True
