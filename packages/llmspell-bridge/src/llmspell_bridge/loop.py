"""The runtime's asyncio event loop, run by whichever thread is waiting on it.

A spell's thread blocks (Lua) or pumps (JS) while API coroutines run. Handing each call to a
loop on another thread costs two thread switches (~25 µs, more on a busy machine), so the
waiting thread runs the loop itself instead: it takes the *baton* (the right to run the loop),
runs the loop until what it waits for is done, and gives the baton back. A call that finishes
without waiting on I/O costs one loop iteration on the caller's thread.

Work must also move while nobody waits — a JavaScript spell computing while its Promises are
in flight, a Lua callback running while parallel workflow steps are pending. A background
thread covers that: when tracked work is outstanding and nobody has taken the baton for a
short grace period, it takes the baton and runs the loop until the work is done or a waiting
thread asks for the baton back. That thread starts only when first needed: a spell that makes
no async call never starts it, and one whose calls all finish at once never does either.

Only the baton holder touches the loop (creates tasks, cancels them); any other thread goes
through ``call_soon_threadsafe`` (``submit``), which wakes whoever is running it.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from types import CoroutineType
from typing import TYPE_CHECKING, Any, TypeVar

from llmspell_bridge.first_step import SpareTask

if TYPE_CHECKING:
    import asyncio
    from concurrent.futures import Future

__all__ = ["GRACE_SECONDS", "LoopThread", "as_coroutine", "foreign_loop_running"]

T = TypeVar("T")

#: How long outstanding work may wait for the thread that released the baton to come back
#: before the background thread takes over (long enough for a JS spell to get from starting
#: a call to awaiting it, short against any I/O).
GRACE_SECONDS = 0.001
#: ``first_step`` runs a full loop iteration at least this often, so timers, I/O and other
#: ready callbacks keep moving (and cancelled timer handles get dropped) during long runs of
#: calls that each finish in their first step.
_FULL_ITERATION_EVERY = 32
_TASK_NAME = "llmspell-call"


async def _await(awaitable: Awaitable[T]) -> T:
    return await awaitable


def as_coroutine(awaitable: Awaitable[T]) -> Coroutine[Any, Any, T]:
    """``awaitable`` as a coroutine (tasks need one; ``anext(...)`` is not)."""
    if type(awaitable) is CoroutineType or isinstance(awaitable, Coroutine):
        return awaitable  # pyright: ignore[reportUnknownVariableType]
    return _await(awaitable)


def foreign_loop_running() -> bool:
    """Whether this thread already runs an event loop (Jupyter, an async caller)."""
    asyncio = sys.modules.get("asyncio")
    if asyncio is None:
        return False
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


class LoopThread:
    """One event loop and the baton that says which thread may run it.

    ``acquire``/``release`` bracket running the loop on the calling thread; ``track`` marks a
    task as work that must keep moving when nobody waits; ``submit``/``run`` work from any
    thread. ``close`` cancels what is left and stops the background thread.
    """

    def __init__(self, name: str = "llmspell-loop") -> None:
        self._name = name
        #: Guards the baton state; ``with self._lock`` is the C lock itself, cheaper per call
        #: than entering the Condition built on it (same lock, so waits and notifies hold).
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._driver: int | None = None  # thread ident holding the baton
        self._waiting = 0  # threads blocked in acquire
        self._sessions = 0  # baton hand-outs, so the background thread sees activity
        self._outstanding = 0  # tracked tasks not finished yet
        self._urgent = False  # someone waits on the background thread: skip the grace
        self._background: threading.Thread | None = None
        self._background_id: int | None = None
        self._background_idle = False
        self._yield_asked = False
        self._closing = False
        #: The loop's ready queue, ``_set_running_loop`` and async-generator hooks, captured
        #: inside a real iteration: what ``first_step`` needs to run a first step itself.
        self._quick: tuple[deque[Any], Callable[[Any], None], tuple[Any, Any]] | None = None
        self._quick_steps = 0
        self._in_quick_step = False
        #: The parked task the next first step runs as (see ``first_step.py``).
        self._spare: SpareTask | None = None

    @property
    def started(self) -> bool:
        """Whether the loop exists (an async call has been made)."""
        return self._loop is not None

    @property
    def thread_id(self) -> int | None:
        """The background thread's ident, once it has started."""
        return self._background_id

    def loop(self) -> asyncio.AbstractEventLoop:
        """The event loop, created on first use (no thread is started for it)."""
        loop = self._loop
        if loop is not None:
            return loop
        with self._lock:
            if self._loop is None:
                import asyncio

                self._loop = asyncio.new_event_loop()
                self._closing = False
            return self._loop

    def running_here(self) -> bool:
        """Whether the calling thread is inside the loop right now (in a task or callback)."""
        if self._driver != threading.get_ident() or self._loop is None:
            return False
        return self._in_quick_step or self._loop.is_running()

    # -- the baton ----------------------------------------------------------------------------
    def acquire(self, *, wait: bool = True) -> asyncio.AbstractEventLoop | None:
        """Take the baton for this thread and return the loop to run.

        The background thread is asked to hand the baton over. None when another thread is
        running the loop for itself (it will run our work too: use ``submit``) or — with
        ``wait=False`` — when the baton is not free right now. A thread that runs an event
        loop of its own must not call this (see ``foreign_loop_running``).
        """
        loop = self.loop()
        me = threading.get_ident()
        with self._lock:
            if self._driver is None and not self._waiting:
                self._driver = me
                self._sessions += 1
                return loop
        if self._driver == me:
            from llmspell_core.errors import LLMSpellError

            raise LLMSpellError(
                "a blocking llmspell call was made from inside the runtime loop; await it instead",
                code="DEADLOCK",
            )
        if not wait:
            return None
        with self._lock:
            self._waiting += 1
            try:
                while self._driver is not None:
                    if self._driver != self._background_id:
                        return None
                    if not self._yield_asked:
                        self._yield_asked = True
                        loop.call_soon_threadsafe(self._yield_background)
                    self._cond.wait()
            finally:
                self._waiting -= 1
            self._driver = me
            self._sessions += 1
            return loop

    def release(self) -> None:
        """Give the baton back; outstanding work goes to the background thread."""
        with self._lock:
            self._driver = None
            if self._waiting:
                self._cond.notify_all()
            elif self._outstanding:
                self._call_background()

    @staticmethod
    def step(loop: asyncio.AbstractEventLoop) -> None:
        """Run one iteration of ``loop`` on this thread (the baton holder's)."""
        loop.call_soon(loop.stop)
        loop.run_forever()

    def first_step(
        self, coro: Coroutine[Any, Any, T]
    ) -> tuple[asyncio.Task[T] | None, Any, BaseException | None]:
        """Run ``coro``'s first step here (baton holder): most API calls finish in it.

        ``(None, value, error)`` when the call finished in that step; ``(task, None, None)``
        when it suspended and ``task`` now carries it. The step runs inline as the parked
        spare task (``first_step.py``), so a call that never waits makes no task and takes no
        trip through the loop. Every ``_FULL_ITERATION_EVERY`` calls a full loop iteration
        runs first, so timers, I/O and other ready callbacks keep moving (and cancelled timer
        handles get dropped) during long runs of calls that each finish at once.
        """
        loop = self.loop()
        quick = self._quick
        self._quick_steps += 1
        if quick is None or self._quick_steps >= _FULL_ITERATION_EVERY:
            self._full_step(loop)
            quick = self._quick
            if quick is None:  # this loop has no ready queue we can read: tasks as usual
                task = loop.create_task(coro, name=_TASK_NAME)
                self.step(loop)
                return task, None, None
        spare = self._spare
        if spare is None or spare.task.done():
            spare = self._spare = self._park(loop, quick)
        _ready, set_running_loop, hooks = quick
        self._in_quick_step = True
        try:
            finished, value, error = spare.first_step(coro, set_running_loop, hooks)
        finally:
            self._in_quick_step = False
        if finished:
            return None, value, error
        self._spare = None  # adopted: it carries this call now
        return spare.task, None, None

    def _park(
        self, loop: asyncio.AbstractEventLoop, quick: tuple[deque[Any], Any, tuple[Any, Any]]
    ) -> SpareTask:
        """A new spare task, its first step (parking on its slot) already run here."""
        spare = SpareTask(loop)
        ready, set_running_loop, hooks = quick
        handle: Any = ready[-1] if ready else None
        try:
            ours = handle._callback.__self__ is spare.task
        except AttributeError:
            ours = False
        if not ours:
            self._full_step(loop)
            return spare
        ready.pop()
        previous = sys.get_asyncgen_hooks()
        sys.set_asyncgen_hooks(*hooks)
        set_running_loop(loop)
        self._in_quick_step = True
        try:
            handle._run()
        finally:
            self._in_quick_step = False
            set_running_loop(None)
            sys.set_asyncgen_hooks(*previous)
        return spare

    def _full_step(self, loop: asyncio.AbstractEventLoop) -> None:
        self._quick_steps = 0
        if self._quick is None:

            def capture() -> None:
                from asyncio import events

                ready: Any = getattr(loop, "_ready", None)
                if isinstance(ready, deque):
                    hooks = sys.get_asyncgen_hooks()
                    setter = events._set_running_loop  # pyright: ignore[reportPrivateUsage]
                    self._quick = (ready, setter, (hooks.firstiter, hooks.finalizer))

            loop.call_soon(capture)
        self.step(loop)

    def track(self, task: asyncio.Future[Any]) -> None:
        """Count ``task`` as work that must keep moving when nobody waits (baton holder)."""
        with self._lock:
            self._outstanding += 1
        task.add_done_callback(self._untrack)

    def _untrack(self, _task: object = None) -> None:
        with self._lock:
            self._outstanding -= 1
            idle = self._outstanding == 0
        if idle and threading.get_ident() == self._background_id and self._loop is not None:
            self._loop.stop()  # nothing left to move: park the loop, free the baton

    # -- the background thread ----------------------------------------------------------------
    def _call_background(self) -> None:
        """Make sure the background thread will look at the work (``_cond`` held)."""
        if self._background is None:
            thread = threading.Thread(target=self._background_main, name=self._name, daemon=True)
            self._background = thread
            thread.start()
        elif self._background_idle:
            self._cond.notify_all()

    def _yield_background(self) -> None:
        """Runs on the loop: stop it if the background thread is the one running it."""
        if threading.get_ident() == self._background_id and self._loop is not None:
            self._loop.stop()

    def _background_main(self) -> None:
        self._background_id = threading.get_ident()
        while True:
            with self._lock:
                while not self._closing and not (self._outstanding and self._driver is None):
                    self._background_idle = True
                    self._cond.wait()
                self._background_idle = False
                if self._closing:
                    return
                urgent, self._urgent = self._urgent, False
                seen = self._sessions
            if not urgent:
                time.sleep(GRACE_SECONDS)  # the releasing thread usually comes right back
            with self._lock:
                if self._closing:
                    return
                busy = self._driver is not None or self._waiting or not self._outstanding
                if busy or (not urgent and self._sessions != seen):
                    continue
                self._driver = self._background_id
                self._sessions += 1
                self._yield_asked = False
                loop = self._loop
            try:
                if loop is not None:
                    loop.run_forever()
            except Exception:  # keep the thread: work left behind still needs moving
                import logging

                logging.getLogger(__name__).exception("the runtime loop stopped with an error")
            finally:
                with self._lock:
                    self._driver = None
                    self._yield_asked = False
                    self._cond.notify_all()

    # -- any thread ---------------------------------------------------------------------------
    def submit(self, awaitable: Awaitable[T]) -> Future[T]:
        """Schedule ``awaitable`` on the loop from any thread; whoever runs the loop runs it."""
        import asyncio

        loop = self.loop()
        with self._lock:
            self._outstanding += 1
            self._urgent = True
            if self._driver is None:
                self._call_background()
        try:
            return asyncio.run_coroutine_threadsafe(self._counted(as_coroutine(awaitable)), loop)
        except BaseException:
            self._untrack()
            raise

    async def _counted(self, coro: Coroutine[Any, Any, T]) -> T:
        try:
            return await coro
        finally:
            # counted off one iteration later, with the task's own done callbacks (which
            # hand the result to the submitter): stopping the loop now would strand them
            asyncio_loop = self._loop
            if asyncio_loop is not None:
                asyncio_loop.call_soon(self._untrack)
            else:
                self._untrack()

    def run(self, awaitable: Awaitable[T], timeout: float | None = None) -> T:
        """Run ``awaitable`` to completion from any thread, on this thread when the baton is
        free (not from inside the loop)."""
        import asyncio

        loop = None if foreign_loop_running() else self.acquire()
        if loop is None:
            return self.submit(awaitable).result(timeout)
        try:
            return loop.run_until_complete(asyncio.wait_for(as_coroutine(awaitable), timeout))
        finally:
            self.release()

    def close(self, timeout: float = 5.0) -> None:
        """Cancel leftover tasks, stop the background thread and close the loop."""
        loop = self._loop
        if loop is None:
            return
        import asyncio

        async def shutdown() -> None:
            current = asyncio.current_task()
            tasks = [t for t in asyncio.all_tasks() if t is not current]
            for task in tasks:
                task.cancel()
            if tasks:
                await asyncio.wait(tasks, timeout=timeout)
            for task in tasks:  # read what they ended with: nobody else will
                if task.done() and not task.cancelled():
                    task.exception()
            await loop.shutdown_asyncgens()

        inside = self.running_here()
        if not inside:
            with contextlib.suppress(Exception):  # best effort: the loop is going away anyway
                baton = None if foreign_loop_running() else self.acquire()
                if baton is None:
                    self.submit(shutdown()).result(timeout)
                else:
                    try:
                        baton.run_until_complete(shutdown())
                    finally:
                        self.release()
        with self._lock:
            self._closing = True
            self._cond.notify_all()
            background = self._background
            if self._driver is not None and self._driver == self._background_id:
                loop.call_soon_threadsafe(self._yield_background)
        if background is not None and background is not threading.current_thread():
            background.join(timeout)
        with self._lock:
            self._loop = None
            self._background = self._background_id = None
            self._outstanding = 0
            self._quick = None  # the ready queue and hooks captured belong to the old loop
            self._spare = None
        if inside:
            loop.call_soon(loop.stop)
        elif not loop.is_running():
            loop.close()
