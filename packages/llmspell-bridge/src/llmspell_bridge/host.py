"""The bridge's ``ScriptHost``: API coroutines on the runtime loop, callbacks on the script thread.

Everything that must happen on the script thread (a finished call's continuation, a hook or
function step calling back into the script) is a job in one inbox. The script thread runs jobs
whenever it waits — inside ``run`` for Lua's blocking calls, inside ``pump`` for JS's event
loop — so a callback requested by the loop can never deadlock against the call waiting on it.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any, TypeVar

from llmspell_core.errors import CancelledError, LLMSpellError, TimeoutError
from llmspell_core.script_host import Done, ScriptHost

if TYPE_CHECKING:
    from llmspell_bridge.loop import LoopThread
    from llmspell_core.cancellation import CancellationToken

__all__ = ["RuntimeHost"]

T = TypeVar("T")

Job = Callable[[], None]


def _wake() -> None:
    """A job that does nothing: it only ends a wait."""


class _CallbackJob:
    """A script function call requested from another thread; can be failed unrun."""

    __slots__ = ("_fail", "_fn")

    def __init__(self, fn: Callable[[], None], fail: Callable[[BaseException], None]) -> None:
        self._fn = fn
        self._fail = fail

    def __call__(self) -> None:
        self._fn()

    def fail(self, error: BaseException) -> None:
        self._fail(error)


class RuntimeHost(ScriptHost):
    """One per script run; created on (and bound to) the script thread."""

    def __init__(
        self,
        loop: LoopThread,
        *,
        deadline: float | None = None,
        cancellation: CancellationToken | None = None,
    ) -> None:
        self._loop = loop
        self._deadline = deadline
        self._cancellation = cancellation
        self._thread = threading.get_ident()
        self._inbox: queue.SimpleQueue[Job] = queue.SimpleQueue()
        self._pending: set[Future[Any]] = set()
        self._closed = False
        self._unsubscribe: Callable[[], None] | None = None
        if cancellation is not None:
            self._unsubscribe = cancellation.on_cancel(self.wake)

    # -- time and cancellation ------------------------------------------------------------
    def wake(self) -> None:
        """End any wait on the script thread (thread-safe; used on cancellation)."""
        self._inbox.put(_wake)

    def interruption(self) -> LLMSpellError | None:
        token = self._cancellation
        if token is not None and token.cancelled:
            return CancelledError(f"spell cancelled: {token.reason or 'cancelled'}")
        return None

    def _remaining(self, deadline: float | None) -> float | None:
        chosen = self._deadline if deadline is None else deadline
        if self._deadline is not None and deadline is not None:
            chosen = min(self._deadline, deadline)
        return None if chosen is None else chosen - time.monotonic()

    # -- script-thread side ---------------------------------------------------------------
    def _run_jobs(self, timeout: float | None) -> bool:
        """Run one job (waiting up to ``timeout``), then every job already queued."""
        try:
            if timeout is not None and timeout <= 0:
                job = self._inbox.get_nowait()
            else:
                job = self._inbox.get(timeout=timeout)
        except queue.Empty:
            return False
        job()
        while True:
            try:
                job = self._inbox.get_nowait()
            except queue.Empty:
                return True
            job()

    def run(self, awaitable: Awaitable[T], *, deadline: float | None = None) -> T:
        future = self._loop.submit(awaitable)
        future.add_done_callback(lambda _: self._inbox.put(_wake))
        while not future.done():
            stop = self.interruption()
            remaining = self._remaining(deadline)
            if stop is None and remaining is not None and remaining <= 0:
                stop = TimeoutError("the spell's time limit was reached while waiting on a call")
            if stop is not None:
                future.cancel()
                raise stop
            self._run_jobs(remaining)
        return self._outcome(future)

    @staticmethod
    def _outcome(future: Future[T]) -> T:
        if future.cancelled():
            raise CancelledError("the call was cancelled")
        return future.result()

    def start(self, awaitable: Awaitable[Any], done: Done) -> None:
        future = self._loop.submit(awaitable)
        self._pending.add(future)

        def finish() -> None:
            self._pending.discard(future)
            if future.cancelled():
                done(None, CancelledError("the call was cancelled"))
                return
            error = future.exception()
            done(None if error is not None else future.result(), error)

        future.add_done_callback(lambda _: self._inbox.put(finish))

    def pump(self, timeout: float | None = None) -> bool:
        return self._run_jobs(timeout)

    @property
    def pending(self) -> int:
        return len(self._pending)

    # -- other threads' side --------------------------------------------------------------
    def _finished_error(self) -> LLMSpellError:
        return LLMSpellError(
            "the spell has finished, so its functions can no longer be called",
            code="SPELL_FINISHED",
        )

    async def on_script_thread(self, fn: Callable[[], Any]) -> Any:
        import asyncio

        if threading.get_ident() == self._thread:
            result = fn()
        else:
            if self._closed:
                raise self._finished_error()
            loop = asyncio.get_running_loop()
            answer: asyncio.Future[Any] = loop.create_future()

            def settle(value: Any, error: BaseException | None) -> None:
                if answer.done():
                    return
                if error is not None:
                    answer.set_exception(error)
                else:
                    answer.set_result(value)

            def job() -> None:
                try:
                    value = fn()
                except BaseException as error:  # handed to the awaiting coroutine
                    loop.call_soon_threadsafe(settle, None, error)
                else:
                    loop.call_soon_threadsafe(settle, value, None)

            def fail(error: BaseException) -> None:
                loop.call_soon_threadsafe(settle, None, error)

            self._inbox.put(_CallbackJob(job, fail))
            result = await answer
        if isinstance(result, Future):
            return await asyncio.wrap_future(result)  # pyright: ignore[reportUnknownArgumentType]
        return result

    def call_on_script_thread(self, fn: Callable[[], T]) -> T:
        if threading.get_ident() == self._thread:
            return fn()
        if threading.get_ident() == self._loop.thread_id:
            raise LLMSpellError(
                "a script function was called synchronously from the runtime loop; "
                "await its call() instead",
                code="DEADLOCK",
            )
        if self._closed:
            raise self._finished_error()
        answer: Future[T] = Future()

        def job() -> None:
            try:
                answer.set_result(fn())
            except BaseException as error:  # handed to the waiting thread
                answer.set_exception(error)

        self._inbox.put(_CallbackJob(job, answer.set_exception))
        return answer.result(self._remaining(None))

    def close(self) -> None:
        """Cancel calls still running; later callback requests fail with a clear error."""
        self._closed = True
        if self._unsubscribe is not None:
            self._unsubscribe()
        for future in list(self._pending):
            future.cancel()
        self._pending.clear()
        while True:
            try:
                job = self._inbox.get_nowait()
            except queue.Empty:
                break
            if isinstance(job, _CallbackJob):
                job.fail(self._finished_error())
