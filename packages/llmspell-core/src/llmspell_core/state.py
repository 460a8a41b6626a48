"""Scoped key-value state for spells, agents and workflows.

Values are JSON-like and must round-trip exactly (an integer stays an integer), so the
in-memory store keeps deep copies rather than serialising. Every backend turns NaN and
infinities into None (spell-api §1), so a spell sees the same values whichever one is
configured; ``create_state_store`` picks the backend ``[state]`` names.
"""

from __future__ import annotations

import copy
import math
from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from llmspell_core.config import StateConfig

__all__ = ["InMemoryStateStore", "StateStore", "create_state_store"]


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
    """State in a dict for the life of the process (the default backend).

    Its ``*_now`` methods answer without an event loop, so a spell that only touches State
    never starts one (or imports asyncio); every step is a single dict operation, atomic
    under the GIL, so no lock is needed between the script thread and the loop.
    """

    def __init__(self) -> None:
        self._data: dict[str, dict[str, Any]] = {}

    def get_now(self, scope: str, key: str) -> Any:
        return copy.deepcopy(self._data.get(scope, {}).get(key))

    def set_now(self, scope: str, key: str, value: Any) -> None:
        self._data.setdefault(scope, {})[key] = _stored(value)

    def delete_now(self, scope: str, key: str) -> bool:
        return self._data.get(scope, {}).pop(key, _MISSING) is not _MISSING

    def list_keys_now(self, scope: str) -> list[str]:
        return sorted(self._data.get(scope, {}))

    async def get(self, scope: str, key: str) -> Any:
        return self.get_now(scope, key)

    async def set(self, scope: str, key: str, value: Any) -> None:
        self.set_now(scope, key, value)

    async def delete(self, scope: str, key: str) -> bool:
        return self.delete_now(scope, key)

    async def list_keys(self, scope: str) -> list[str]:
        return self.list_keys_now(scope)


_MISSING = object()


def _stored(value: Any) -> Any:
    """A private copy of ``value`` with NaN/infinities as None and tuples as lists."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, Mapping):
        table = cast(Mapping[Any, Any], value)
        return {k: _stored(v) for k, v in table.items()}
    if isinstance(value, list | tuple):
        items = cast(list[Any], value)
        return [_stored(item) for item in items]
    return copy.deepcopy(value)


def create_state_store(config: StateConfig | None = None) -> StateStore:
    """The store ``[state]`` selects: in-memory by default, ``backend = "sqlite"`` for a
    file that outlives the process (see ``llmspell_core.sqlite_state``).

    Raises ``ConfigError`` when the SQLite file cannot be created or opened.
    """
    if config is None or config.backend == "memory":
        return InMemoryStateStore()
    from llmspell_core.sqlite_state import SqliteStateStore  # stdlib sqlite3, only when asked

    return SqliteStateStore(config.path)
