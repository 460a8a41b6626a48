"""``repr`` and ``==`` for small value classes, read from their ``__slots__``.

The few classes on ``llmspell run``'s start-up path (registry entries, engine limits, the
script API description) would be dataclasses anywhere else; ``dataclasses`` imports
``inspect`` and generates code per class, a few milliseconds that a short spell pays on
every run. These classes write their ``__init__`` by hand and get the rest here.
"""

from __future__ import annotations

from typing import Any, ClassVar

__all__ = ["FrozenRecord", "Record"]


class Record:
    """Base for slotted value classes: ``Name(field=value, ...)`` repr and field-wise ``==``."""

    __slots__ = ()
    _field_names: ClassVar[tuple[str, ...] | None] = None

    @classmethod
    def _fields(cls) -> tuple[str, ...]:
        names = cls.__dict__.get("_field_names")
        if names is None:
            collected: list[str] = []
            for klass in reversed(cls.__mro__):
                slots = klass.__dict__.get("__slots__", ())
                collected.extend([slots] if isinstance(slots, str) else slots)
            names = tuple(collected)
            cls._field_names = names
        return names

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields())
        return f"{type(self).__name__}({shown})"

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self._fields())

    __hash__: ClassVar[None] = None  # pyright: ignore[reportIncompatibleMethodOverride]


class FrozenRecord(Record):
    """A ``Record`` whose fields cannot change after ``__init__`` (set them with
    ``self._set(name, value)``); hashable, so it can key a dict like a frozen dataclass."""

    __slots__ = ()

    def _set(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable; cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable; cannot delete {name!r}")

    def __hash__(self) -> int:  # pyright: ignore[reportIncompatibleVariableOverride]
        return hash(tuple(getattr(self, name) for name in self._fields()))
