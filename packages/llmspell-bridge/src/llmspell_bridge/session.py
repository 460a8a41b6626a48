"""``ScriptSession``: one interpreter kept alive across runs, for ``llmspell repl``.

``ScriptRuntime.run_source`` gives every spell a fresh interpreter. A session keeps one, so
the globals a line defines are there for the next, while each ``run`` still gets its own time
limit and its own cancellation: Ctrl-C stops the line, not the session. Engines that cannot
run twice (``EngineCapabilities.reusable`` false) are refused up front.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

from llmspell_bridge.api_layer import build_api
from llmspell_bridge.host import RuntimeHost
from llmspell_core.cancellation import CancellationToken
from llmspell_core.engine import ScriptArgs, ScriptEngine
from llmspell_core.errors import LLMSpellError, UsageError
from llmspell_core.script_api import GlobalContext
from llmspell_core.script_host import Done, Outcome, ScriptHost

if TYPE_CHECKING:
    from llmspell_bridge.loop import LoopThread
    from llmspell_bridge.runtime import ScriptRuntime
    from llmspell_core.context import ExecutionContext

__all__ = ["ScriptSession"]

T = TypeVar("T")


class _LineHost(ScriptHost):
    """The engine's host for the whole session: each run swaps in a fresh ``RuntimeHost``
    (own deadline and cancellation); between runs the last, closed one answers."""

    def __init__(self) -> None:
        self.current: RuntimeHost | None = None

    def _host(self) -> RuntimeHost:
        if self.current is None:
            raise LLMSpellError("no line is running in this session", code="SPELL_FINISHED")
        return self.current

    def run(self, awaitable: Awaitable[T], *, deadline: float | None = None) -> T:
        return self._host().run(awaitable, deadline=deadline)

    def start(self, awaitable: Awaitable[Any], done: Done) -> None:
        self._host().start(awaitable, done)

    def start_eager(self, awaitable: Awaitable[Any], done: Done) -> Outcome | None:
        return self._host().start_eager(awaitable, done)

    def pump(self, timeout: float | None = None) -> bool:
        return self._host().pump(timeout)

    @property
    def pending(self) -> int:
        return 0 if self.current is None else self.current.pending

    async def on_script_thread(self, fn: Callable[[], Any]) -> Any:
        return await self._host().on_script_thread(fn)

    def call_on_script_thread(self, fn: Callable[[], T]) -> T:
        return self._host().call_on_script_thread(fn)

    def interruption(self) -> LLMSpellError | None:
        return None if self.current is None else self.current.interruption()


class ScriptSession:
    """``with runtime.session("lua") as s: s.run("x = 1"); s.run("return x")`` → 1.

    Use it from one thread (the one that created it): engines are not thread-safe.
    ``cancel`` is the exception — it may come from a signal handler or another thread.
    """

    def __init__(
        self,
        runtime: ScriptRuntime,
        engine: str | None,
        chunk_name: str,
        *,
        loop: LoopThread,
        stdout: Callable[[str], None],
        stderr: Callable[[str], None],
    ) -> None:
        from llmspell_bridge.engines import load_engine

        self.chunk_name = chunk_name
        self.engine_name = runtime.engine_for(chunk_name, engine)
        engine_cls = load_engine(runtime.plugins, self.engine_name)
        self._limits = runtime.limits_for(self.engine_name)
        self._loop = loop
        self._args = ScriptArgs(script=chunk_name)
        self._host = _LineHost()
        self._token: CancellationToken | None = None
        self._deadline: float | None = None
        self._context: ExecutionContext | None = None
        self._closed = False

        def make_context() -> ExecutionContext:
            from llmspell_core.context import ExecutionContext

            self._context = ExecutionContext(
                deadline=self._deadline,
                cancellation=self._token or CancellationToken(),
                state=runtime.state,
                config=runtime.config,
                services=runtime.services,
                extras={"script": chunk_name, "engine": self.engine_name},
            )
            return self._context

        context = GlobalContext(
            lambda: runtime.services,
            make_context,
            chunk_name,
            self._args,
            self.engine_name,
            state=lambda: runtime.state,
            host=self._host,
        )
        api = build_api(
            context, plugins=runtime.plugins, stdout=stdout, stderr=stderr, host=self._host
        )
        self._engine: ScriptEngine = engine_cls(self._limits)
        if not self._engine.capabilities.reusable:
            raise UsageError(
                f"engine '{self.engine_name}' cannot keep its interpreter between runs, "
                "so it has no interactive session"
            )
        self._engine.inject(api)

    def run(self, source: str) -> Any:
        """Run ``source`` in the session's interpreter; returns its JSON-like result."""
        if self._closed:
            raise UsageError("this session is closed")
        timeout = self._limits.timeout_seconds
        token = CancellationToken()
        deadline = None if timeout is None else time.monotonic() + timeout
        host = RuntimeHost(self._loop, deadline=deadline, cancellation=token)
        self._host.current, self._token, self._deadline = host, token, deadline
        if self._context is not None:  # built by an earlier line: it now speaks for this one
            self._context.deadline, self._context.cancellation = deadline, token
        try:
            return self._engine.execute(source, self.chunk_name, self._args)
        finally:
            self._token = None
            host.close()

    def cancel(self, reason: str = "interrupted") -> None:
        """Stop the line that is running now (thread- and signal-safe); no-op when idle."""
        token = self._token
        if token is not None:
            token.cancel(reason)

    def close(self) -> None:
        """Free the interpreter (the runtime, its state and services stay open)."""
        if not self._closed:
            self._closed = True
            self._engine.close()

    def __enter__(self) -> ScriptSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
