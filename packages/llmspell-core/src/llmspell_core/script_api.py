"""The language-neutral description of the script API that every engine adapts.

Globals are described once, in Python, as plain data: functions (sync or async), objects with
methods, and values. An engine (first-party or third-party) turns the description into Lua
tables or JS objects without knowing what any global does, so adding a global needs no engine
change — and a third-party engine needs nothing beyond llmspell-core.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from llmspell_core.context import ExecutionContext
    from llmspell_core.engine import ScriptArgs
    from llmspell_core.services import Services

__all__ = [
    "ApiFunction",
    "ApiGlobal",
    "ApiObject",
    "ApiStream",
    "GlobalContext",
    "GlobalFactory",
    "ScriptApi",
    "ScriptFunction",
]


@runtime_checkable
class ScriptFunction(Protocol):
    """A script function handed to Python (a hook, a custom tool's handler, a function step).

    Engines are single-threaded, so the engine marshals every call back onto the script's
    thread: ``call`` is awaitable from the runtime loop (use it inside async API functions),
    ``call_sync`` only from the script thread (inside sync API functions). Arguments and
    results are JSON-like.
    """

    async def call(self, *args: Any) -> Any: ...

    def call_sync(self, *args: Any) -> Any: ...


@dataclass
class GlobalContext:
    """What a global's factory receives when a script runtime starts."""

    services: Services
    #: The spell's root context: deadline, cancellation, state, config.
    context: ExecutionContext
    script_name: str
    args: ScriptArgs
    engine_name: str


#: What an ``llmspell.globals`` entry point names.
GlobalFactory = Callable[[GlobalContext], "ApiGlobal"]


@dataclass(frozen=True)
class ApiFunction:
    """One callable. ``is_async`` calls are I/O: Lua blocks on them, JS gets a Promise.

    Arguments arrive as JSON-like Python values (script functions as Python callables that the
    engine marshals back to the script thread); the result is JSON-like, an ``ApiObject`` or an
    ``ApiStream``.
    """

    name: str
    impl: Callable[..., Any]
    is_async: bool = False
    doc: str = ""


@dataclass
class ApiObject:
    """An object handed to a script (agent, builder, workflow): methods plus read-only fields."""

    type_name: str
    methods: Mapping[str, ApiFunction]
    fields: Mapping[str, Any] = field(default_factory=dict[str, Any])


@dataclass
class ApiStream:
    """A stream handed to a script: a Lua iterator or a JS async iterator over JSON-like items."""

    source: AsyncIterator[Any]


@dataclass
class ApiGlobal:
    """A global table/object such as ``Tool`` or ``JSON``."""

    name: str
    functions: Mapping[str, ApiFunction] = field(default_factory=dict[str, ApiFunction])
    values: Mapping[str, Any] = field(default_factory=dict[str, Any])
    #: ``Global["key"]`` lookups for keys that are not functions or values (``Tool["calc"]``).
    index: Callable[[str], Any] | None = None


@dataclass
class ScriptApi:
    """Everything injected into one script: the globals plus the output channels."""

    globals: dict[str, ApiGlobal] = field(default_factory=dict[str, ApiGlobal])
    #: ``print``/``console.log``: receives the already-joined line.
    stdout: Callable[[str], None] = print
    #: ``console.error``.
    stderr: Callable[[str], None] = print
