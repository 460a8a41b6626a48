"""Deep-merge raw config tables, remembering which layer set each key.

Tables merge key by key; anything else (numbers, strings, arrays) is replaced whole, so a
profile's ``allowed_paths`` is not silently extended by a file's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

__all__ = ["deep_merge", "leaf_keys"]


def leaf_keys(table: Mapping[str, Any], prefix: str = "") -> list[str]:
    """Dotted paths of every non-table value (and every empty table) in ``table``."""
    keys: list[str] = []
    for key, value in table.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            keys.extend(leaf_keys(cast(Mapping[str, Any], value), f"{dotted}."))
        else:
            keys.append(dotted)
    return keys


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """A new table: ``base`` with ``override`` laid over it."""
    merged: dict[str, Any] = dict(base)
    for key, value in override.items():
        current = merged.get(key)
        if isinstance(current, Mapping) and isinstance(value, Mapping):
            merged[key] = deep_merge(
                cast(Mapping[str, Any], current), cast(Mapping[str, Any], value)
            )
        else:
            merged[key] = value
    return merged
