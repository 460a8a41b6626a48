"""Small readers both wire formats share."""

from __future__ import annotations

from typing import Any

__all__ = ["tokens"]


def tokens(usage: Any, name: str) -> int:
    """A token count from an SDK usage object: 0 when the object or the count is missing."""
    return int(getattr(usage, name, 0) or 0)
