"""A script generator body (``generator=`` in a workflow step) as a lazy Python source.

Workflows run on the runtime loop; a Lua coroutine body or a JS ``function*`` / ``async
function*`` may only be resumed on the script thread. ``ScriptGenerator`` bridges the two one
value at a time, so a streaming workflow whose queue is full leaves the body suspended where
it is. An async body's steps are Promises: each is awaited here, on the loop, while the script
thread keeps running JavaScript jobs (see ``pending_step``).
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import AsyncIterator, Callable, Generator
from typing import Any, cast

from llmspell_bridge.pending_step import PendingStep
from llmspell_core.errors import LLMSpellError
from llmspell_core.script_api import IterableScriptFunction
from llmspell_core.script_host import ScriptHost
from llmspell_utils import to_jsonable

__all__ = ["ScriptGenerator"]

_END = object()


class ScriptGenerator:
    """A script generator body as a Python async generator function, pulled lazily.

    ``iterate`` may only run on the script thread, while workflows run on the runtime loop:
    each value is asked for with one ``on_script_thread`` call, made only when the workflow
    wants the next item — so a streaming workflow's full queue holds the body where it is.
    ``nil``/``null`` values are skipped (``coroutine.yield()`` with nothing to give).
    """

    __slots__ = ("_body", "_host")

    def __init__(self, body: IterableScriptFunction, host: ScriptHost) -> None:
        self._body = body
        self._host = host

    def __call__(self, *args: Any) -> AsyncIterator[Any]:
        return self._values(cast(list[Any], to_jsonable(list(args))))

    async def _values(self, args: list[Any]) -> AsyncIterator[Any]:
        host, body = self._host, self._body
        values: Generator[Any, Any, Any] = await host.on_script_thread(
            lambda: cast("Generator[Any, Any, Any]", body.iterate(*args))
        )
        try:
            while (value := await self._next(values)) is not _END:
                if value is not None:
                    yield value
        finally:
            # ended early (a failed stage, a cancelled run): let the body go; after the spell
            # has finished there is nothing left to close
            closer: Callable[[], Any] | None = getattr(values, "close", None)
            if closer is not None:
                with contextlib.suppress(LLMSpellError):
                    await host.on_script_thread(closer)

    async def _next(self, values: Generator[Any, Any, Any]) -> Any:
        try:
            value = await self._host.on_script_thread(lambda: next(values, _END))
            while isinstance(value, PendingStep):
                import asyncio

                settled = await asyncio.wrap_future(value.future)
                value = await self._host.on_script_thread(
                    functools.partial(_resume, values, settled)
                )
            return value
        except LLMSpellError:
            raise
        except Exception as error:  # the engine could not make sense of what the body gave
            raise LLMSpellError(
                f"the generator body could not be resumed: {type(error).__name__}: {error}"
            ) from error

    def __repr__(self) -> str:
        return f"<generator {self._body!r}>"


def _resume(values: Generator[Any, Any, Any], settled: Any) -> Any:
    """Send a settled step into the body's iterator: its next value, or ``_END``."""
    try:
        return values.send(settled)
    except StopIteration:
        return _END
