"""What a step produced, as items pulled one at a time.

A step may hand back a whole list, a Python (async) generator, or a *script iterator*: a
function that returns the next item on each call and ``nil``/``null`` at the end (a Lua
iterator closure, ``coroutine.wrap(...)``, a JavaScript closure, an async one included).
Streaming workflows pull these lazily, so a producer only runs as far as the bounded queues
downstream have room; other kinds collect them into a list, because a step result must be data.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator, Mapping
from typing import Any, cast

from llmspell_core.script_api import ScriptFunction

__all__ = ["collect_items", "is_lazy", "iterate_items"]


def is_lazy(value: object) -> bool:
    """Whether ``value`` produces its items on demand (and so is not data by itself)."""
    return isinstance(value, ScriptFunction | AsyncIterable | Iterator)


async def iterate_items(value: Any, *, lists: bool) -> AsyncIterator[Any]:
    """The items of ``value``; lists/tuples count as items only when ``lists`` is true.

    A script iterator is called until it returns ``nil``; anything else that is not a
    collection is one item, and None is none.
    """
    if isinstance(value, ScriptFunction):
        while (item := await value.call()) is not None:
            yield item
    elif isinstance(value, AsyncIterable):
        async for item in cast("AsyncIterable[Any]", value):
            yield item
    elif (lists and isinstance(value, list | tuple)) or (
        isinstance(value, Iterable) and not isinstance(value, str | bytes | Mapping | list | tuple)
    ):
        for item in cast("Iterable[Any]", value):
            yield item
    elif value is not None:
        yield value


async def collect_items(value: Any) -> Any:
    """``value`` itself, or the list of its items when it is produced on demand."""
    if not is_lazy(value):
        return value
    return [item async for item in iterate_items(value, lists=False)]
