"""``Streaming``: wrap a generator body as a pull-based stream (spell-api §6).

In Lua the body is a coroutine body (``coroutine.yield(v)``); in JavaScript a generator
function (``function* () { yield v }``). Values are produced only as ``next()`` asks.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from llmspell_bridge.pending_step import PendingStep
from llmspell_core.errors import ValidationError
from llmspell_core.script_api import (
    ApiFunction,
    ApiGlobal,
    ApiObject,
    GlobalContext,
    IterableScriptFunction,
)

__all__ = ["create_global"]

_END = object()


class _Stream:
    def __init__(self, body: IterableScriptFunction, args: tuple[Any, ...]) -> None:
        self._body = body
        self._args = args
        self._items: Iterator[Any] | None = None
        self._ahead: Any = None
        self._has_ahead = False
        self._done = False

    def _pull(self) -> Any:
        if self._has_ahead:
            self._has_ahead = False
            return self._ahead
        if self._done:
            return _END
        if self._items is None:
            self._items = self._body.iterate(*self._args)
        try:
            item = next(self._items)
        except StopIteration:
            self._done = True
            return _END
        if isinstance(item, PendingStep):  # stream:next() answers at once; a Promise cannot
            self._done = True
            item.future.cancel()
            raise ValidationError(
                "Streaming.create needs a generator function (function*): an async function* "
                "produces Promises; iterate it with for await, or give it to a workflow as "
                "generator="
            )
        return item

    def next(self) -> Any:
        item = self._pull()
        return None if item is _END else item

    def is_done(self) -> bool:
        if self._has_ahead:
            return False
        item = self._pull()
        if item is _END:
            return True
        self._ahead, self._has_ahead = item, True
        return False

    def collect(self) -> list[Any]:
        items: list[Any] = []
        while (item := self._pull()) is not _END:
            items.append(item)
        return items


def create(body: Any, *args: Any) -> ApiObject:
    if not isinstance(body, IterableScriptFunction):
        raise ValidationError(
            "expected a generator body: a Lua function using coroutine.yield, "
            "or a JavaScript generator function (function*)"
        )
    stream = _Stream(body, args)
    return ApiObject(
        "Stream",
        methods={
            "next": ApiFunction("next", stream.next, doc="() -> next value, nil at the end"),
            "isDone": ApiFunction("isDone", stream.is_done),
            "collect": ApiFunction("collect", stream.collect, doc="() -> remaining values"),
        },
    )


def create_global(ctx: GlobalContext) -> ApiGlobal:
    return ApiGlobal(
        "Streaming",
        functions={"create": ApiFunction("create", create, doc="(generator body) -> stream")},
        doc="Pull-based streams over script generator bodies.",
    )
