"""What an engine asks of the runtime while a script runs: awaiting API calls and callbacks.

Engines run the script on one thread and are not thread-safe; API calls are coroutines that
run on an event loop. ``ScriptHost`` is the seam between the two: an engine submits
coroutines (blocking for Lua, as Promises for JS), pumps finished work back onto the script
thread, and turns script functions into ``ScriptFunction`` objects that any thread may call.
The bridge's runtime implements it with a loop on its own thread; ``InlineHost`` is a
single-threaded version for tests and third-party engines used without the bridge.
"""

from __future__ import annotations

import builtins
import sys
import threading
import time
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Awaitable, Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    import asyncio
    from concurrent.futures import Future

    from llmspell_core.errors import LLMSpellError

__all__ = [
    "Done",
    "HostedScriptFunction",
    "InlineHost",
    "Outcome",
    "ScriptHost",
    "is_pending_promise",
]

T = TypeVar("T")

#: Receives ``(result, None)`` or ``(None, error)`` on the script thread.
Done = Callable[[Any, BaseException | None], None]

#: A call's ``(result, None)`` or ``(None, error)``, when ``start_eager`` has it at once.
Outcome = tuple[Any, BaseException | None]


def is_pending_promise(value: object) -> bool:
    """Whether ``value`` is a ``concurrent.futures.Future`` (a JS Promise still pending).

    Checked without importing ``concurrent.futures`` (a few ms on every start-up): if the
    module is not loaded yet, nothing can be one of its futures.
    """
    module = sys.modules.get("concurrent.futures")
    return module is not None and isinstance(value, module.Future)


class ScriptHost(ABC):
    """The runtime side of an engine. Every method but the ``on_script_thread`` pair is called
    on the script thread."""

    @abstractmethod
    def run(self, awaitable: Awaitable[T], *, deadline: float | None = None) -> T:
        """Await ``awaitable`` on the runtime loop and return its result.

        While waiting, script callbacks requested by the loop are run on this thread. Raises
        ``TimeoutError`` once ``deadline`` (a ``time.monotonic()`` instant) passes and the
        host's interruption (``CancelledError``) when the run is cancelled.
        """

    @abstractmethod
    def start(self, awaitable: Awaitable[Any], done: Done) -> None:
        """Begin ``awaitable`` without waiting; ``done`` runs later, inside ``pump``."""

    def start_eager(self, awaitable: Awaitable[Any], done: Done) -> Outcome | None:
        """Like ``start``, but a call that can finish without waiting on I/O may finish now.

        Returns its outcome (and ``done`` is never called), or None when the call is still
        running (``done`` runs later, inside ``pump``). Lets an engine settle a Promise in
        place instead of a round trip through ``pump``; hosts that cannot do that start.
        """
        self.start(awaitable, done)
        return None

    @abstractmethod
    def pump(self, timeout: float | None = None) -> bool:
        """Run work queued for the script thread (finished ``start`` calls, callbacks).

        Blocks up to ``timeout`` seconds (None: until something arrives) when nothing is
        queued; True when something ran.
        """

    @property
    @abstractmethod
    def pending(self) -> int:
        """Calls begun with ``start`` whose ``done`` has not run yet."""

    @abstractmethod
    async def on_script_thread(self, fn: Callable[[], Any]) -> Any:
        """From the runtime loop: run ``fn`` on the script thread and return its result.

        When ``fn`` returns a ``concurrent.futures.Future`` (a JS Promise still pending), its
        outcome is awaited as well.
        """

    @abstractmethod
    def call_on_script_thread(self, fn: Callable[[], T]) -> T:
        """From any thread but the loop's: run ``fn`` on the script thread, blocking."""

    def interruption(self) -> LLMSpellError | None:
        """The error that should stop the script now (Ctrl-C, a cancelled run), if any.

        Engines poll this from their instruction hooks; it must be cheap.
        """
        return None

    def script_function(
        self,
        invoke: Callable[..., Any],
        *,
        iterate: Callable[..., Iterator[Any]] | None = None,
        name: str = "function",
    ) -> HostedScriptFunction:
        """Wrap an engine's own call of a script function as a ``ScriptFunction``.

        ``invoke(*args)`` and ``iterate(*args)`` run only on the script thread; the wrapper
        marshals calls made from the loop or from other threads.
        """
        return HostedScriptFunction(self, invoke, iterate, name)


class HostedScriptFunction:
    """A ``ScriptFunction`` (and ``IterableScriptFunction`` when ``iterate`` is given)."""

    __slots__ = ("_host", "_invoke", "_iterate", "name")

    def __init__(
        self,
        host: ScriptHost,
        invoke: Callable[..., Any],
        iterate: Callable[..., Iterator[Any]] | None,
        name: str,
    ) -> None:
        self._host = host
        self._invoke = invoke
        self._iterate = iterate
        self.name = name

    async def call(self, *args: Any) -> Any:
        return await self._host.on_script_thread(lambda: self._invoke(*args))

    def call_sync(self, *args: Any) -> Any:
        result = self._host.call_on_script_thread(lambda: self._invoke(*args))
        if is_pending_promise(result):
            from llmspell_core.errors import ValidationError

            result.cancel()
            raise ValidationError(
                f"{self.name} returned a Promise where a plain value is needed; "
                "make it a non-async function"
            )
        return result

    def iterate(self, *args: Any) -> Iterator[Any]:
        if self._iterate is None:
            from llmspell_core.errors import ValidationError

            raise ValidationError(f"{self.name} cannot be iterated (not a generator function)")
        return self._iterate(*args)

    def __repr__(self) -> str:
        return f"<script function {self.name}>"


class InlineHost(ScriptHost):
    """A single-threaded host: async calls run on a private loop driven by the script thread.

    Enough for contract tests and for embedding an engine without the bridge. Limitation: a
    callback that itself makes a blocking API call while ``run`` is waiting fails, because
    the private loop is already running.
    """

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ready: deque[Callable[[], None]] = deque()
        self._tasks: set[asyncio.Future[Any]] = set()
        self._thread = threading.get_ident()

    def _get_loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            import asyncio

            self._loop = asyncio.new_event_loop()
        return self._loop

    def run(self, awaitable: Awaitable[T], *, deadline: float | None = None) -> T:
        import asyncio

        from llmspell_core.errors import TimeoutError

        timeout = None if deadline is None else max(0.0, deadline - time.monotonic())

        async def bounded() -> T:
            return await asyncio.wait_for(awaitable, timeout)

        try:
            return self._get_loop().run_until_complete(bounded())
        except builtins.TimeoutError:
            raise TimeoutError("the spell's time limit was reached during an API call") from None

    def start(self, awaitable: Awaitable[Any], done: Done) -> None:
        import asyncio

        loop = self._get_loop()
        task = asyncio.ensure_future(awaitable, loop=loop)
        self._tasks.add(task)

        def finished(task: asyncio.Future[Any]) -> None:
            self._tasks.discard(task)
            if task.cancelled():
                from llmspell_core.errors import CancelledError

                self._ready.append(lambda: done(None, CancelledError("call cancelled")))
                return
            error = task.exception()
            self._ready.append(lambda: done(None if error else task.result(), error))

        task.add_done_callback(finished)

    def pump(self, timeout: float | None = None) -> bool:
        import asyncio

        if not self._ready and self._tasks:
            self._get_loop().run_until_complete(
                asyncio.wait(set(self._tasks), timeout=timeout, return_when="FIRST_COMPLETED")
            )
        elif not self._ready and self._loop is not None:
            self._loop.run_until_complete(asyncio.sleep(0))
        ran = bool(self._ready)
        while self._ready:
            self._ready.popleft()()
        return ran

    @property
    def pending(self) -> int:
        return len(self._tasks)

    async def on_script_thread(self, fn: Callable[[], Any]) -> Any:
        import asyncio

        result = fn()
        if is_pending_promise(result):
            future: Future[Any] = result  # pyright: ignore[reportAssignmentType]
            return await asyncio.wrap_future(future)
        return result

    def call_on_script_thread(self, fn: Callable[[], T]) -> T:
        if threading.get_ident() != self._thread:
            raise RuntimeError("InlineHost runs script functions on the script thread only")
        return fn()

    def close(self) -> None:
        """Cancel what is still running and close the private loop."""
        if self._loop is None:
            return
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            import asyncio

            self._loop.run_until_complete(asyncio.gather(*self._tasks, return_exceptions=True))
        self._loop.close()
        self._loop = None
