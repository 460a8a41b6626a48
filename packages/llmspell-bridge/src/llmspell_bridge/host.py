"""The bridge's ``ScriptHost``: API coroutines on the runtime loop, callbacks on the script thread.

While the script waits on a call, its thread runs the loop itself (see ``loop.py``): a call
that completes without I/O costs one loop iteration and no thread switch. Script code never
runs *inside* the loop: everything that must happen on the script thread (a finished call's
continuation, a hook or function step calling back into the script) is a job in one inbox,
and the script thread stops running the loop to run jobs whenever one arrives. So a callback
requested by the loop can never deadlock against the call waiting on it, and a callback that
itself makes a blocking call simply runs the loop again.

When another thread is already running the loop for itself, or this thread runs an event loop
of its own (an async caller, Jupyter), calls go to the loop through ``submit`` and the script
thread waits on its inbox — the plain cross-thread protocol.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

from llmspell_bridge.loop import as_coroutine, foreign_loop_running
from llmspell_core.errors import CancelledError, LLMSpellError, TimeoutError
from llmspell_core.script_host import Done, Outcome, ScriptHost, is_pending_promise

if TYPE_CHECKING:
    import asyncio
    from concurrent.futures import Future

    from llmspell_bridge.loop import LoopThread
    from llmspell_core.cancellation import CancellationToken

__all__ = ["RuntimeHost"]

T = TypeVar("T")

Job = Callable[[], None]


#: How often a wait on a task another thread's loop run is moving re-checks it.
_REMOTE_POLL = 0.05


def _wake() -> None:
    """A job that does nothing: it only ends a wait."""


def _consume(task: asyncio.Future[Any]) -> None:
    if not task.cancelled():
        task.exception()  # seen: asyncio would otherwise log it when the task is collected


def _abandon(task: asyncio.Future[Any]) -> None:
    """Cancel a call the script no longer waits for, and take whatever error it ends with.

    A call may turn its cancellation into another error (a provider's timeout, say); nobody
    reads that, and an unread task error is logged from the garbage collector, at any moment.
    """
    task.add_done_callback(_consume)
    task.cancel()


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


class _EmptyInboxError(Exception):
    """The inbox had nothing before the timeout."""


class _Inbox:
    """Jobs for the script thread: put from any thread, taken on the script thread.

    (``queue.SimpleQueue`` does the same but costs an import on every start-up.)
    """

    __slots__ = ("_arrived", "_jobs")

    def __init__(self) -> None:
        self._jobs: deque[Job] = deque()
        self._arrived = threading.Event()

    def put(self, job: Job) -> None:
        self._jobs.append(job)
        self._arrived.set()

    def empty(self) -> bool:
        return not self._jobs

    def get_nowait(self) -> Job:
        try:
            return self._jobs.popleft()
        except IndexError:
            raise _EmptyInboxError from None

    def get(self, timeout: float | None = None) -> Job:
        """The next job, waiting up to ``timeout`` seconds (None: for ever) for one."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            try:
                return self._jobs.popleft()
            except IndexError:
                pass
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                raise _EmptyInboxError
            if not self._arrived.wait(left):
                raise _EmptyInboxError
            self._arrived.clear()  # then look again: a job put since is still in the deque


def _call_error(error: BaseException) -> BaseException:
    """What a call's own error is to its caller: asyncio's cancellation as core's."""
    import asyncio  # already loaded: a call ran on the loop

    if isinstance(error, asyncio.CancelledError):
        return CancelledError("the call was cancelled")
    return error


def _deadline_error() -> TimeoutError:
    return TimeoutError("the spell's time limit was reached while waiting on a call")


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
        self._inbox = _Inbox()
        #: Calls begun with ``start``/``start_eager``, by id: their cancel functions.
        self._pending: dict[int, Callable[[], object]] = {}
        #: Tasks ``run`` waits on (cancelled if the host closes under them).
        self._running: set[asyncio.Future[Any]] = set()
        self._next_id = 0
        #: True while this (the script) thread is inside the loop for a ``run``/``pump``.
        self._driving = False
        self._closed = False
        #: This thread already runs an event loop of its own (an async caller, Jupyter):
        #: it cannot run ours, so every call goes through ``submit``.
        self._remote_only = foreign_loop_running()
        self._unsubscribe: Callable[[], None] | None = None
        if cancellation is not None:
            self._unsubscribe = cancellation.on_cancel(self.wake)

    # -- time and cancellation ------------------------------------------------------------
    def wake(self) -> None:
        """End any wait on the script thread (thread- and signal-safe; used on cancellation)."""
        self._post(_wake)

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

    # -- the inbox ------------------------------------------------------------------------
    def _post(self, job: Job, *, from_loop: bool = False) -> None:
        """Queue ``job`` for the script thread and make it stop running the loop if it is.

        ``from_loop``: the caller is a loop callback, so on the script thread a plain
        ``stop`` ends the current iteration; anything else (another thread, a signal handler
        interrupting the loop's wait) must wake the loop through its self-pipe.
        """
        self._inbox.put(job)
        if self._driving:
            loop = self._loop.loop()
            if from_loop and threading.get_ident() == self._thread:
                loop.stop()
            else:
                loop.call_soon_threadsafe(self._stop_if_driving)

    def _stop_if_driving(self) -> None:
        if self._driving and threading.get_ident() == self._thread:
            self._loop.loop().stop()

    def _stop_on_done(self, _task: object) -> None:
        if self._driving and threading.get_ident() == self._thread:
            self._loop.loop().stop()

    def _run_jobs(self, timeout: float | None) -> bool:
        """Run one job (waiting up to ``timeout``), then every job already queued."""
        try:
            if timeout is not None and timeout <= 0:
                job = self._inbox.get_nowait()
            else:
                job = self._inbox.get(timeout=timeout)
        except _EmptyInboxError:
            return False
        job()
        while True:
            try:
                job = self._inbox.get_nowait()
            except _EmptyInboxError:
                return True
            job()

    def _drive(self, loop: asyncio.AbstractEventLoop, timeout: float | None) -> None:
        """Run ``loop`` here until a job arrives, ``timeout`` passes or a callback stops it."""
        self._driving = True
        handle = None
        try:
            if not self._inbox.empty():  # posted before the flag went up: nobody stops us
                return
            if timeout is not None:
                handle = loop.call_later(max(0.0, timeout), self._stop_if_driving)
            loop.run_forever()
        finally:
            self._driving = False
            if handle is not None:
                handle.cancel()

    # -- script-thread side ---------------------------------------------------------------
    def run(self, awaitable: Awaitable[T], *, deadline: float | None = None) -> T:
        coro = as_coroutine(awaitable)
        loop = None if self._remote_only else self._loop.acquire()
        if loop is None:
            return self._run_remote(coro, deadline)
        held = True
        task: asyncio.Task[T] | None = None
        try:
            task, value, error = self._loop.first_step(coro)  # most calls finish in it
            if task is None:
                if error is not None:
                    raise _call_error(error)
                return value
            if task.done():
                return self._outcome(task)
            self._loop.track(task)
            task.add_done_callback(self._stop_on_done)
            self._running.add(task)
            while not task.done():
                if not self._inbox.empty():
                    self._loop.release()
                    held = False
                    self._run_jobs(0)
                    loop = self._loop.acquire()
                    if loop is None:  # another thread runs the loop now: wait on it
                        return self._wait_remote(task, deadline)
                    held = True
                    continue
                stop = self.interruption()
                remaining = self._remaining(deadline)
                if stop is None and remaining is not None and remaining <= 0:
                    stop = _deadline_error()
                if stop is not None:
                    _abandon(task)
                    raise stop
                self._drive(loop, remaining)
            return self._outcome(task)
        except BaseException:
            if held and task is not None and not task.done():
                _abandon(task)  # Ctrl-C out of the loop, say: do not leave the call running
            raise
        finally:
            if task is not None:
                self._running.discard(task)
            if held:
                self._loop.release()

    def _run_remote(self, coro: Awaitable[T], deadline: float | None) -> T:
        """``run`` when this thread cannot run the loop: submit and wait on the inbox."""
        future = self._loop.submit(coro)
        future.add_done_callback(lambda _: self._inbox.put(_wake))
        while not future.done():
            stop = self.interruption()
            remaining = self._remaining(deadline)
            if stop is None and remaining is not None and remaining <= 0:
                stop = _deadline_error()
            if stop is not None:
                future.cancel()
                raise stop
            self._run_jobs(remaining)
        if future.cancelled():
            raise CancelledError("the call was cancelled")
        return future.result()

    def _wait_remote(self, task: asyncio.Future[T], deadline: float | None) -> T:
        """Wait for a task another thread's loop run is moving (the baton is not ours)."""
        loop = task.get_loop()

        def wake(_task: object) -> None:
            self._inbox.put(_wake)

        loop.call_soon_threadsafe(task.add_done_callback, wake)
        while not task.done():
            stop = self.interruption()
            remaining = self._remaining(deadline)
            if stop is None and remaining is not None and remaining <= 0:
                stop = _deadline_error()
            if stop is not None:
                loop.call_soon_threadsafe(_abandon, task)
                raise stop
            # re-check now and then too: the loop may park before it runs ``wake``
            self._run_jobs(_REMOTE_POLL if remaining is None else min(remaining, _REMOTE_POLL))
        return self._outcome(task)

    @staticmethod
    def _outcome(future: asyncio.Future[T]) -> T:
        if future.cancelled():
            raise CancelledError("the call was cancelled")
        return future.result()

    def start(self, awaitable: Awaitable[Any], done: Done) -> None:
        self._begin(as_coroutine(awaitable), done, eager=False)

    def start_eager(self, awaitable: Awaitable[Any], done: Done) -> Outcome | None:
        return self._begin(as_coroutine(awaitable), done, eager=True)

    def _begin(self, coro: Coroutine[Any, Any, Any], done: Done, *, eager: bool) -> Outcome | None:
        ident = self._next_id
        self._next_id += 1
        loop = None if self._remote_only else self._loop.acquire(wait=False)
        if loop is None:  # someone else runs the loop: hand the call over
            future = self._loop.submit(coro)
            self._pending[ident] = future.cancel

            def finish_remote() -> None:
                if self._pending.pop(ident, None) is None:
                    return
                if future.cancelled():
                    done(None, CancelledError("the call was cancelled"))
                    return
                error = future.exception()
                done(None if error is not None else future.result(), error)

            future.add_done_callback(lambda _: self._post(finish_remote))
            return None
        try:
            if eager:
                task, value, error = self._loop.first_step(coro)
                if task is None:
                    return value, None if error is None else _call_error(error)
                if task.done():
                    if task.cancelled():
                        return None, CancelledError("the call was cancelled")
                    error = task.exception()
                    return (None if error is not None else task.result()), error
            else:
                task = loop.create_task(coro)
            self._loop.track(task)
            self._pending[ident] = task.cancel

            def finish() -> None:
                if self._pending.pop(ident, None) is None:
                    return
                if task.cancelled():
                    done(None, CancelledError("the call was cancelled"))
                    return
                error = task.exception()
                done(None if error is not None else task.result(), error)

            task.add_done_callback(lambda _: self._post(finish, from_loop=True))
            return None
        finally:
            self._loop.release()

    def pump(self, timeout: float | None = None) -> bool:
        if not self._inbox.empty():
            return self._run_jobs(0)
        loop = None
        if self._loop.started and not self._remote_only:
            loop = self._loop.acquire()
        if loop is None:
            return self._run_jobs(timeout)
        try:
            self._drive(loop, timeout)
        finally:
            self._loop.release()
        return self._run_jobs(0)

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

        if threading.get_ident() == self._thread and not self._loop.running_here():
            result = fn()  # not inside our loop (another loop of the script thread's)
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

            self._post(_CallbackJob(job, fail), from_loop=True)
            result = await answer
        if is_pending_promise(result):
            future: Future[Any] = result  # pyright: ignore[reportAssignmentType]
            return await asyncio.wrap_future(future)
        return result

    def call_on_script_thread(self, fn: Callable[[], T]) -> T:
        if self._loop.running_here():
            raise LLMSpellError(
                "a script function was called synchronously from the runtime loop; "
                "await its call() instead",
                code="DEADLOCK",
            )
        if threading.get_ident() == self._thread:
            return fn()
        if self._closed:
            raise self._finished_error()
        from concurrent.futures import Future

        answer: Future[T] = Future()

        def job() -> None:
            try:
                answer.set_result(fn())
            except BaseException as error:  # handed to the waiting thread
                answer.set_exception(error)

        self._post(_CallbackJob(job, answer.set_exception))
        return answer.result(self._remaining(None))

    def close(self) -> None:
        """Cancel calls still running; later callback requests fail with a clear error."""
        self._closed = True
        if self._unsubscribe is not None:
            self._unsubscribe()
        cancels = list(self._pending.values())
        self._pending.clear()
        running = list(self._running)
        self._running.clear()
        if cancels or running:
            loop = self._loop.acquire(wait=False)
            try:
                for cancel in cancels:
                    if loop is None:  # not ours to touch: cancel through the loop
                        self._loop.loop().call_soon_threadsafe(cancel)
                    else:
                        cancel()
                for task in running:
                    if loop is None:
                        self._loop.loop().call_soon_threadsafe(_abandon, task)
                    else:
                        _abandon(task)
            finally:
                if loop is not None:
                    self._loop.release()
        while True:
            try:
                job = self._inbox.get_nowait()
            except _EmptyInboxError:
                break
            if isinstance(job, _CallbackJob):
                job.fail(self._finished_error())
