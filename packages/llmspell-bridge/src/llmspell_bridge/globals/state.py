"""``State``: scoped key-value state over the runtime's ``StateStore`` (spell-api §6).

Calls block in both languages (no Promise in JS): state access is quick, and a spell reads
more naturally as ``local n = State.get("n")``. Values round-trip exactly — an integer stays
an integer, ``2.0`` stays a float — because the store keeps Python values, not text.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any, TypeGuard

from llmspell_bridge.values import MAX_DEPTH, describe_kind
from llmspell_core.errors import ValidationError
from llmspell_core.script_api import ApiFunction, ApiGlobal, GlobalContext
from llmspell_core.state import InMemoryStateStore, StateStore

__all__ = ["GLOBAL_SCOPE", "create_global"]

GLOBAL_SCOPE = "global"


def _name(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value:
        raise ValidationError(f"{what} must be a non-empty string", details={"field": what})
    return value


def _storable(value: Any, depth: int = 0) -> None:
    if value is None or isinstance(value, bool | int | float | str):
        return
    if depth >= MAX_DEPTH:
        raise ValidationError(f"value is nested more than {MAX_DEPTH} levels deep")
    if isinstance(value, dict):
        items: dict[Any, Any] = value  # pyright: ignore[reportUnknownVariableType]
        for item in items.values():
            _storable(item, depth + 1)
        return
    if isinstance(value, list):
        elements: list[Any] = value  # pyright: ignore[reportUnknownVariableType]
        for item in elements:
            _storable(item, depth + 1)
        return
    raise ValidationError(f"value contains {describe_kind(value)}, which cannot be stored")


def _immediate(store: StateStore) -> TypeGuard[InMemoryStateStore]:
    """Whether ``store`` answers at once (the in-memory default: no event loop needed)."""
    return type(store) is InMemoryStateStore


class _State:
    """Each call answers at once from the in-memory store and hands back the store's coroutine
    for any other backend, which the engine then awaits."""

    def __init__(self, ctx: GlobalContext) -> None:
        self._ctx = ctx

    def save(self, scope: Any, key: Any, value: Any = None) -> Awaitable[None] | None:
        _storable(value)
        scope, key, store = _name(scope, "scope"), _name(key, "key"), self._ctx.state
        if _immediate(store):
            return store.set_now(scope, key, value)
        return store.set(scope, key, value)

    def load(self, scope: Any, key: Any) -> Any:
        scope, key, store = _name(scope, "scope"), _name(key, "key"), self._ctx.state
        return store.get_now(scope, key) if _immediate(store) else store.get(scope, key)

    def delete(self, scope: Any, key: Any) -> Awaitable[bool] | bool:
        scope, key, store = _name(scope, "scope"), _name(key, "key"), self._ctx.state
        return store.delete_now(scope, key) if _immediate(store) else store.delete(scope, key)

    def list_keys(self, scope: Any) -> Awaitable[list[str]] | list[str]:
        scope, store = _name(scope, "scope"), self._ctx.state
        return store.list_keys_now(scope) if _immediate(store) else store.list_keys(scope)

    def get(self, key: Any) -> Any:
        return self.load(GLOBAL_SCOPE, key)

    def set(self, key: Any, value: Any = None) -> Awaitable[None] | None:
        return self.save(GLOBAL_SCOPE, key, value)


def create_global(ctx: GlobalContext) -> ApiGlobal:
    state = _State(ctx)
    return ApiGlobal(
        "State",
        functions={
            "save": ApiFunction("save", state.save, doc="(scope, key, value)"),
            "load": ApiFunction("load", state.load, doc="(scope, key) -> value|nil"),
            "delete": ApiFunction("delete", state.delete, doc="(scope, key) -> deleted?"),
            "list_keys": ApiFunction("list_keys", state.list_keys, doc="(scope) -> [key]"),
            "get": ApiFunction("get", state.get, doc="(key) -> value|nil in the global scope"),
            "set": ApiFunction("set", state.set, doc="(key, value) in the global scope"),
        },
        doc="Scoped key-value state shared with agents and workflows.",
    )
