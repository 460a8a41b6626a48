"""Run an API call's first step inline, with no task made for it unless it has to wait.

Most script API calls (a calculator, a hash, a State read) finish without ever waiting. A new
``asyncio.Task`` per call — its handle, its trip through the ready queue, its result plumbing —
costs several µs, more than a cheap call itself. So the first step is run here with
``coro.send(None)``, the way a task would run it: the loop set as running, its async-generator
hooks installed, in a copy of the caller's context, and with a *spare* task entered as the
current task (``asyncio.timeout`` and friends need one).

The spare is a real task parked on a future. If the call finishes in that first step the spare
stays parked for the next call. If the call suspends, the spare adopts it: it is handed the
coroutine and the future it waits on, and drives it from there exactly as the task it already
claimed to be — so a timeout armed in the first step cancels the right task.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Coroutine, Generator
from contextvars import Context, copy_context
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import asyncio

__all__ = ["Adoption", "SpareTask"]


class Adoption:
    """A suspended coroutine, continued by ``await``: what the spare task runs once adopted.

    Values go in and out exactly as ``yield from`` would pass them, and every step runs in
    the context the first step ran in (so context variables set there stay visible).
    """

    __slots__ = ("_context", "_coro", "_pending")

    def __init__(self, coro: Coroutine[Any, Any, Any], pending: Any, context: Context) -> None:
        self._coro = coro
        self._pending = pending
        self._context = context

    def __await__(self) -> Generator[Any, Any, Any]:
        coro, run, pending = self._coro, self._context.run, self._pending
        while True:
            try:
                sent = yield pending
            except BaseException as exc:  # cancellation (or a throw) goes to the call itself
                try:
                    pending = run(coro.throw, exc)
                except StopIteration as stop:
                    return stop.value
            else:
                try:
                    pending = run(coro.send, sent)
                except StopIteration as stop:
                    return stop.value


async def _parked(slot: asyncio.Future[Adoption]) -> Any:
    adoption = await slot
    return await adoption


class SpareTask:
    """One parked task and what it takes to run a first step as that task."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        import asyncio

        self._loop = loop
        self._enter: Callable[[Any, Any], None] = asyncio.tasks._enter_task  # pyright: ignore[reportPrivateUsage]
        self._leave: Callable[[Any, Any], None] = asyncio.tasks._leave_task  # pyright: ignore[reportPrivateUsage]
        self._slot: asyncio.Future[Adoption] = loop.create_future()
        self.task: asyncio.Task[Any] = loop.create_task(_parked(self._slot), name="llmspell-call")
        # A spare still parked when a loop is dropped unclosed is no lost work: no warning.
        self.task._log_destroy_pending = False  # pyright: ignore[reportAttributeAccessIssue]

    def first_step(
        self,
        coro: Coroutine[Any, Any, Any],
        set_running_loop: Callable[[Any], None],
        hooks: tuple[Any, Any],
    ) -> tuple[bool, Any, BaseException | None]:
        """Run ``coro``'s first step as this task.

        ``(True, value, error)`` when it finished (``error`` set if it raised, including
        ``asyncio.CancelledError``); ``(False, None, None)`` when it suspended, in which case
        this spare now drives it and ``self.task`` ends with its outcome. KeyboardInterrupt and
        SystemExit propagate, as they do out of a task step.
        """
        loop = self._loop
        task = self.task
        context = copy_context()
        previous = sys.get_asyncgen_hooks()
        sys.set_asyncgen_hooks(*hooks)
        set_running_loop(loop)
        self._enter(loop, task)
        try:
            pending = context.run(coro.send, None)
        except StopIteration as stop:
            return True, stop.value, None
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:
            return True, None, exc
        finally:
            self._leave(loop, task)
            set_running_loop(None)
            sys.set_asyncgen_hooks(*previous)
        self._slot.set_result(Adoption(coro, pending, context))
        return False, None, None
