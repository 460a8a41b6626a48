"""``State``: scoped key-value state over the runtime's ``StateStore`` (spell-api §6).

Calls block in both languages (no Promise in JS): state access is quick, and a spell reads
more naturally as ``local n = State.get("n")``. Values round-trip exactly — an integer stays
an integer, ``2.0`` stays a float — because the store keeps Python values, not text.
"""

from __future__ import annotations

from typing import Any

from llmspell_bridge.values import MAX_DEPTH, describe_kind
from llmspell_core.errors import ValidationError
from llmspell_core.script_api import ApiFunction, ApiGlobal, GlobalContext
from llmspell_core.state import StateStore

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


class _State:
    def __init__(self, ctx: GlobalContext) -> None:
        self._ctx = ctx

    @property
    def store(self) -> StateStore:
        return self._ctx.state

    async def save(self, scope: Any, key: Any, value: Any = None) -> None:
        _storable(value)
        await self.store.set(_name(scope, "scope"), _name(key, "key"), value)

    async def load(self, scope: Any, key: Any) -> Any:
        return await self.store.get(_name(scope, "scope"), _name(key, "key"))

    async def delete(self, scope: Any, key: Any) -> bool:
        return await self.store.delete(_name(scope, "scope"), _name(key, "key"))

    async def list_keys(self, scope: Any) -> list[str]:
        return await self.store.list_keys(_name(scope, "scope"))

    async def get(self, key: Any) -> Any:
        return await self.load(GLOBAL_SCOPE, key)

    async def set(self, key: Any, value: Any = None) -> None:
        await self.save(GLOBAL_SCOPE, key, value)


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
