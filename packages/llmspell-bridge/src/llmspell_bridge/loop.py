"""The runtime's asyncio event loop, running on a thread of its own.

The script runs on the caller's thread and blocks (Lua) or pumps (JS) while API coroutines
run here, so parallel workflow steps and ``Promise.all`` overlap for real. The thread starts on
the first API call: a spell that only prints never pays for it.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Awaitable, Coroutine
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    import asyncio

__all__ = ["LoopThread"]

T = TypeVar("T")


async def _await(awaitable: Awaitable[T]) -> T:
    return await awaitable


class LoopThread:
    """Starts lazily; ``close`` cancels what is left and joins the thread."""

    def __init__(self, name: str = "llmspell-loop") -> None:
        self._name = name
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    @property
    def started(self) -> bool:
        return self._loop is not None

    @property
    def thread_id(self) -> int | None:
        return self._thread.ident if self._thread is not None else None

    def loop(self) -> asyncio.AbstractEventLoop:
        """The running loop, starting the thread on first use."""
        if self._loop is not None:
            return self._loop
        with self._lock:
            if self._loop is None:
                import asyncio

                loop = asyncio.new_event_loop()
                ready = threading.Event()

                def main() -> None:
                    asyncio.set_event_loop(loop)
                    loop.call_soon(ready.set)
                    loop.run_forever()

                thread = threading.Thread(target=main, name=self._name, daemon=True)
                thread.start()
                ready.wait()
                self._thread = thread
                self._loop = loop
            return self._loop

    def submit(self, awaitable: Awaitable[T]) -> Future[T]:
        """Schedule ``awaitable`` on the loop; the future completes when it does."""
        import asyncio

        coro: Coroutine[Any, Any, T] = (
            awaitable if asyncio.iscoroutine(awaitable) else _await(awaitable)  # type: ignore[assignment]
        )
        return asyncio.run_coroutine_threadsafe(coro, self.loop())

    def run(self, awaitable: Awaitable[T], timeout: float | None = None) -> T:
        """Run ``awaitable`` on the loop and wait for it (not from the loop's own thread)."""
        return self.submit(awaitable).result(timeout)

    def close(self, timeout: float = 5.0) -> None:
        """Cancel leftover tasks, stop the loop and join its thread."""
        with self._lock:
            loop, thread = self._loop, self._thread
            self._loop = self._thread = None
        if loop is None or thread is None:
            return
        import asyncio

        async def shutdown() -> None:
            current = asyncio.current_task()
            tasks = [t for t in asyncio.all_tasks() if t is not current]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await loop.shutdown_asyncgens()

        if thread is not threading.current_thread():
            with contextlib.suppress(Exception):  # best effort: the loop is going away anyway
                asyncio.run_coroutine_threadsafe(shutdown(), loop).result(timeout)
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout)
        if not loop.is_running():
            loop.close()
