"""Scoped key-value state for spells, agents and workflows.

Values are JSON-like and must round-trip exactly (an integer stays an integer), so the
in-memory store keeps deep copies rather than serialising.
"""

from __future__ import annotations

import asyncio
import copy
from abc import ABC, abstractmethod
from typing import Any

__all__ = ["InMemoryStateStore", "StateStore"]


class StateStore(ABC):
    """Async scoped key-value store; scopes are strings like ``global`` or ``agent:<id>``."""

    @abstractmethod
    async def get(self, scope: str, key: str) -> Any:
        """The stored value, or None when absent."""

    @abstractmethod
    async def set(self, scope: str, key: str, value: Any) -> None: ...

    @abstractmethod
    async def delete(self, scope: str, key: str) -> bool:
        """True when something was deleted."""

    @abstractmethod
    async def list_keys(self, scope: str) -> list[str]: ...

    async def close(self) -> None:  # noqa: B027 - optional hook
        """Release resources (files, connections)."""


class InMemoryStateStore(StateStore):
    def __init__(self) -> None:
        self._data: dict[str, dict[str, Any]] = {}
        self._lock = asyncio.Lock()

    async def get(self, scope: str, key: str) -> Any:
        return copy.deepcopy(self._data.get(scope, {}).get(key))

    async def set(self, scope: str, key: str, value: Any) -> None:
        async with self._lock:
            self._data.setdefault(scope, {})[key] = copy.deepcopy(value)

    async def delete(self, scope: str, key: str) -> bool:
        async with self._lock:
            return self._data.get(scope, {}).pop(key, _MISSING) is not _MISSING

    async def list_keys(self, scope: str) -> list[str]:
        return sorted(self._data.get(scope, {}))


_MISSING = object()
