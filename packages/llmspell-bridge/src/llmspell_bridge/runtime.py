"""``ScriptRuntime``: runs spells in any installed engine with the llmspell API injected.

One runtime owns one asyncio loop (created on first use and run by whichever thread waits on
it — the spell's own, mostly; see ``loop.py``), the services (tools, agents, workflows,
providers) and the state store; each ``run_*`` call gets a fresh, sandboxed interpreter.
Heavy pieces — the loop, the registry-backed catalog, the pydantic config — are built only
when a spell first needs them.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from llmspell_bridge.api_layer import build_api
from llmspell_bridge.engines import choose_engine, load_engine
from llmspell_bridge.host import RuntimeHost
from llmspell_bridge.loop import LoopThread
from llmspell_core.cancellation import CancellationToken
from llmspell_core.engine import EngineLimits, ScriptArgs, ScriptEngine
from llmspell_core.errors import NotFoundError, UsageError
from llmspell_core.registry import Registry, registry
from llmspell_core.script_api import GlobalContext

if TYPE_CHECKING:
    from llmspell_bridge.session import ScriptSession
    from llmspell_core.config import LLMSpellConfig
    from llmspell_core.context import ExecutionContext
    from llmspell_core.services import Services
    from llmspell_core.state import StateStore

__all__ = ["ScriptRuntime"]

DEFAULT_ENGINE = "lua"


def _write_line(stream: Any) -> Callable[[str], None]:
    def write(line: str) -> None:
        stream.write(line + "\n")
        stream.flush()

    return write


class ScriptRuntime:
    """Run spells: ``with ScriptRuntime() as rt: rt.run_file("hello.lua")``.

    ``timeout_seconds`` / ``max_memory_mb`` / ``max_recursion_depth`` override the config's
    limits (``timeout_seconds=0`` means no time limit). ``stdout``/``stderr`` receive whole
    lines (``print`` / ``console.error``); by default they go to ``sys.stdout``/``sys.stderr``.
    """

    def __init__(
        self,
        engine: str | None = None,
        config: LLMSpellConfig | None = None,
        services: Services | None = None,
        *,
        timeout_seconds: float | None = None,
        max_memory_mb: int | None = None,
        max_recursion_depth: int | None = None,
        stdout: Callable[[str], None] | None = None,
        stderr: Callable[[str], None] | None = None,
        plugins: Registry | None = None,
    ) -> None:
        self.engine = engine
        self._config = config
        self._services = services
        self._own_services = services is None
        self._overrides = (timeout_seconds, max_memory_mb, max_recursion_depth)
        self._stdout = stdout or _write_line(sys.stdout)
        self._stderr = stderr or _write_line(sys.stderr)
        self.plugins = plugins or registry
        self._loop = LoopThread()
        self._state: StateStore | None = services.state if services is not None else None
        self._token: CancellationToken | None = None
        self._closed = False

    # -- lazily built parts -----------------------------------------------------------------
    @property
    def config(self) -> LLMSpellConfig:
        if self._config is None:
            from llmspell_core.config import LLMSpellConfig

            self._config = LLMSpellConfig()
        return self._config

    @property
    def state(self) -> StateStore:
        if self._state is None:
            from llmspell_core.state import create_state_store

            # no config: in memory, without building the pydantic config just to say so
            self._state = create_state_store(None if self._config is None else self._config.state)
        return self._state

    @property
    def services(self) -> Services:
        if self._services is None:
            from llmspell_core.catalog import Catalog

            self._services = Catalog(self.config, self.state, plugins=self.plugins)
        return self._services

    def limits_for(self, engine: str) -> EngineLimits:
        """The engine's limits: config (``[engines.<name>]`` over ``[runtime]``), then overrides."""
        if self._config is None:
            limits = EngineLimits()
        else:
            section = self._config.engine_limits(engine)
            limits = EngineLimits(
                timeout_seconds=section.timeout_seconds,
                max_memory_mb=section.max_memory_mb,
                max_recursion_depth=section.max_recursion_depth,
            )
        timeout, memory, depth = self._overrides
        if timeout is not None:
            limits.timeout_seconds = timeout if timeout > 0 else None
        if memory is not None:
            limits.max_memory_mb = memory if memory > 0 else None
        if depth is not None:
            limits.max_recursion_depth = depth if depth > 0 else None
        return limits

    def engine_for(self, chunk_name: str | None, engine: str | None = None) -> str:
        """The engine name a run of ``chunk_name`` would use."""
        default = self._config.default_engine if self._config is not None else DEFAULT_ENGINE
        return choose_engine(
            self.plugins, explicit=engine or self.engine, chunk_name=chunk_name, default=default
        )

    # -- running ------------------------------------------------------------------------------
    def run_file(
        self,
        path: str | Path,
        args: ScriptArgs | Sequence[str] | None = None,
        *,
        engine: str | None = None,
    ) -> Any:
        """Run the spell at ``path``; ``args`` are ``ARGS`` (or the words after ``--``)."""
        name = str(path)
        try:
            source = Path(path).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise NotFoundError(f"{name}: no such spell file") from None
        except IsADirectoryError:
            raise UsageError(f"{name}: is a directory, not a spell file") from None
        except UnicodeDecodeError as exc:
            raise UsageError(f"{name}: not UTF-8 text ({exc.reason})") from None
        except OSError as exc:
            raise UsageError(f"{name}: cannot read: {exc.strerror or exc}") from None
        return self.run_source(source, name, engine, args)

    def run_source(
        self,
        source: str,
        chunk_name: str = "<string>",
        engine: str | None = None,
        args: ScriptArgs | Sequence[str] | None = None,
    ) -> Any:
        """Run ``source`` as a spell named ``chunk_name`` (used in error locations)."""
        if self._closed:
            raise UsageError("this ScriptRuntime is closed")
        if args is None:
            script_args = ScriptArgs(script=chunk_name)
        elif isinstance(args, ScriptArgs):
            script_args = args
        else:
            script_args = ScriptArgs.parse(chunk_name, args)
        name = self.engine_for(chunk_name, engine)
        engine_cls = load_engine(self.plugins, name)
        limits = self.limits_for(name)
        token = CancellationToken()
        deadline = (
            None if limits.timeout_seconds is None else time.monotonic() + limits.timeout_seconds
        )
        host = RuntimeHost(self._loop, deadline=deadline, cancellation=token)

        def make_context() -> ExecutionContext:
            from llmspell_core.context import ExecutionContext

            return ExecutionContext(
                deadline=deadline,
                cancellation=token,
                state=self.state,
                config=self.config,
                services=self.services,
                extras={"script": chunk_name, "engine": name},
            )

        context = GlobalContext(
            lambda: self.services,
            make_context,
            chunk_name,
            script_args,
            name,
            state=lambda: self.state,
            host=host,
        )
        api = build_api(
            context, plugins=self.plugins, stdout=self._stdout, stderr=self._stderr, host=host
        )
        instance: ScriptEngine = engine_cls(limits)
        self._token = token
        try:
            instance.inject(api)
            return instance.execute(source, chunk_name, script_args)
        finally:
            self._token = None
            try:
                instance.close()
            finally:
                host.close()

    def session(self, engine: str | None = None, chunk_name: str = "<repl>") -> ScriptSession:
        """One interpreter kept across ``run`` calls, so globals persist (``llmspell repl``)."""
        if self._closed:
            raise UsageError("this ScriptRuntime is closed")
        from llmspell_bridge.session import ScriptSession

        return ScriptSession(
            self, engine, chunk_name, loop=self._loop, stdout=self._stdout, stderr=self._stderr
        )

    def cancel(self, reason: str = "interrupted") -> None:
        """Stop the spell that is running now (thread- and signal-safe); no-op when idle."""
        token = self._token
        if token is not None:
            token.cancel(reason)

    # -- lifetime -----------------------------------------------------------------------------
    def close(self) -> None:
        """Close what the runtime created (provider clients, state store) and stop its loop."""
        if self._closed:
            return
        self._closed = True
        try:
            if self._own_services and self._services is not None:
                services: Any = self._services
                closer = getattr(services, "aclose", None)
                if closer is not None:
                    self._loop.run(closer(), timeout=10)
            elif self._own_services and self._state is not None and self._loop.started:
                self._loop.run(self._state.close(), timeout=10)
        finally:
            self._loop.close()

    def __enter__(self) -> ScriptRuntime:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
