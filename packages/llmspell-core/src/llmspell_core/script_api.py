"""The language-neutral description of the script API that every engine adapts.

Globals are described once, in Python, as plain data: functions (sync or async), objects with
methods, and values. An engine (first-party or third-party) turns the description into Lua
tables or JS objects without knowing what any global does, so adding a global needs no engine
change — and a third-party engine needs nothing beyond llmspell-core.

Nothing here imports pydantic or asyncio: ``llmspell run hello.lua`` builds these objects on
its hot path.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from llmspell_core.records import FrozenRecord, Record

if TYPE_CHECKING:
    from llmspell_core.context import ExecutionContext
    from llmspell_core.engine import ScriptArgs
    from llmspell_core.errors import LLMSpellError
    from llmspell_core.script_host import ScriptHost
    from llmspell_core.services import Services
    from llmspell_core.state import StateStore

__all__ = [
    "ApiFunction",
    "ApiGlobal",
    "ApiObject",
    "ApiStream",
    "GlobalContext",
    "GlobalFactory",
    "IterableScriptFunction",
    "ScriptApi",
    "ScriptFunction",
    "qualify_error",
]


@runtime_checkable
class ScriptFunction(Protocol):
    """A script function handed to Python (a hook, a custom tool's handler, a function step).

    Engines are single-threaded, so the engine marshals every call back onto the script's
    thread: ``call`` is awaitable from the runtime loop (use it inside async API functions),
    ``call_sync`` from the script thread (inside sync API functions) or from a worker thread
    (it then blocks until the script thread has run it). Arguments and results are JSON-like.
    """

    async def call(self, *args: Any) -> Any: ...

    def call_sync(self, *args: Any) -> Any: ...


@runtime_checkable
class IterableScriptFunction(ScriptFunction, Protocol):
    """A script function that can also run as a generator body.

    ``iterate`` runs the function as a Lua coroutine body (values passed to
    ``coroutine.yield``) or calls a JS generator function, yielding each produced value.
    Script thread only; ``Streaming.create`` is built on it.
    """

    def iterate(self, *args: Any) -> Iterator[Any]: ...


class GlobalContext:
    """What a global's factory receives when a script runtime starts.

    ``services`` and ``context`` may be given as zero-argument factories: the runtime builds
    them only when a global first asks, so spells that never touch agents or tools do not pay
    for building the registry-backed catalog.
    """

    def __init__(
        self,
        services: Services | Callable[[], Services],
        context: ExecutionContext | Callable[[], ExecutionContext],
        script_name: str,
        args: ScriptArgs,
        engine_name: str,
        *,
        state: StateStore | Callable[[], StateStore] | None = None,
        host: ScriptHost | None = None,
    ) -> None:
        self._services = services
        self._context = context
        self._state = state
        self.script_name = script_name
        self.args = args
        self.engine_name = engine_name
        #: The running script's host (None when a global is built outside a runtime).
        self.host = host

    @property
    def services(self) -> Services:
        """Tools, agents, workflows and providers by name."""
        if callable(self._services):
            self._services = self._services()
        return self._services

    @property
    def context(self) -> ExecutionContext:
        """The spell's root context: deadline, cancellation, state, config."""
        if callable(self._context):
            self._context = self._context()
        return self._context

    @property
    def state(self) -> StateStore:
        """The spell's state store (the same one ``services.state`` and ``context.state`` use)."""
        if self._state is None:
            self._state = self.services.state
        elif callable(self._state):
            self._state = self._state()
        return self._state


#: What an ``llmspell.globals`` entry point names.
GlobalFactory = Callable[[GlobalContext], "ApiGlobal"]


class ApiFunction(FrozenRecord):
    """One callable exposed to scripts.

    ``impl`` receives JSON-like Python values (script functions arrive as ``ScriptFunction``,
    objects this API handed out earlier as the same ``ApiObject``) and returns a JSON-like
    value, an ``ApiObject``, an ``ApiStream`` or an ``ApiFunction`` (a callable value), or an
    awaitable of one (a coroutine function, or a plain function that answers at once when it
    can and hands back a coroutine when it must wait): the engine awaits it on the runtime loop.

    ``is_async`` marks I/O: Lua blocks until it finishes either way, JS gets a Promise so that
    ``Promise.all`` overlaps several calls. An ``is_async=False`` coroutine impl (quick store
    access) blocks in both languages. Raise ``LLMSpellError`` subclasses: the script sees
    ``"<Global.method>: <message>"`` with the error's ``code``.
    """

    __slots__ = ("doc", "impl", "is_async", "name")
    name: str
    impl: Callable[..., Any]
    is_async: bool
    doc: str

    def __init__(
        self, name: str, impl: Callable[..., Any], is_async: bool = False, doc: str = ""
    ) -> None:
        self._set("name", name)
        self._set("impl", impl)
        self._set("is_async", is_async)
        self._set("doc", doc)


class ApiObject(Record):
    """An object handed to a script (agent, builder, workflow): methods plus read-only fields.

    Lua calls methods with a colon (``agent:execute(x)``); JS with a dot. Handing the object
    back to Python (as an argument) gives the same ``ApiObject``; ``payload`` is free for the
    global's own bookkeeping (the wrapped agent, say) and never reaches the script.
    """

    __slots__ = ("fields", "methods", "payload", "type_name")

    def __init__(
        self,
        type_name: str,
        methods: Mapping[str, ApiFunction],
        fields: Mapping[str, Any] | None = None,
        payload: Any = None,
    ) -> None:
        self.type_name = type_name
        self.methods = methods
        self.fields: Mapping[str, Any] = {} if fields is None else fields
        self.payload = payload


class ApiStream(Record):
    """A stream handed to a script: a Lua iterator or a JS async iterator over JSON-like items.

    Items are pulled one at a time (never buffered whole); ``aclose`` of the iterator is called
    when the script stops early.
    """

    __slots__ = ("source",)

    def __init__(self, source: AsyncIterator[Any]) -> None:
        self.source = source


class ApiGlobal(Record):
    """A global table/object such as ``Tool`` or ``JSON``."""

    __slots__ = ("doc", "functions", "index", "name", "values")

    def __init__(
        self,
        name: str,
        functions: Mapping[str, ApiFunction] | None = None,
        values: Mapping[str, Any] | None = None,
        index: Callable[[str], Any] | None = None,
        doc: str = "",
    ) -> None:
        self.name = name
        self.functions: Mapping[str, ApiFunction] = {} if functions is None else functions
        self.values: Mapping[str, Any] = {} if values is None else values
        #: ``Global["key"]`` lookups for keys that are not functions or values (``Tool["calc"]``).
        self.index = index
        self.doc = doc


def _print_line(line: str) -> None:
    print(line, flush=True)


class ScriptApi(Record):
    """Everything injected into one script: the globals, the output channels and the host.

    ``factories`` are globals built on first use (an engine installs a lazy stub); ``globals``
    are ready-made ones. ``resolve`` turns either into an ``ApiGlobal``.
    """

    __slots__ = ("factories", "globals", "host", "stderr", "stdout")

    def __init__(
        self,
        globals: dict[str, ApiGlobal] | None = None,
        factories: dict[str, Callable[[], ApiGlobal]] | None = None,
        stdout: Callable[[str], None] = _print_line,
        stderr: Callable[[str], None] = _print_line,
        host: ScriptHost | None = None,
    ) -> None:
        self.globals: dict[str, ApiGlobal] = {} if globals is None else globals
        self.factories: dict[str, Callable[[], ApiGlobal]] = {} if factories is None else factories
        #: ``print``/``console.log``: receives the already-joined line; flushes per call.
        self.stdout = stdout
        #: ``console.error``.
        self.stderr = stderr
        #: Runs async API calls and marshals callbacks; None means an ``InlineHost``.
        self.host = host

    def names(self) -> list[str]:
        """Every global name, ready-made or lazy."""
        return sorted({*self.globals, *self.factories})

    def resolve(self, name: str) -> ApiGlobal:
        """The global called ``name``, building it on first use (KeyError when unknown)."""
        ready = self.globals.get(name)
        if ready is not None:
            return ready
        built = self.factories[name]()
        self.globals[name] = built
        return built

    def get_host(self) -> ScriptHost:
        """The host, creating a single-threaded ``InlineHost`` when none was given."""
        if self.host is None:
            from llmspell_core.script_host import InlineHost

            self.host = InlineHost()
        return self.host


def qualify_error(qualname: str, error: BaseException) -> LLMSpellError:
    """The error a script sees for a failed API call: ``"<Global.method>: <cause>"``.

    Keeps the error's class and code; unexpected Python exceptions become ``INTERNAL_ERROR``
    with the exception type named, so a bug is never mistaken for a user error.
    """
    from llmspell_core.errors import LLMSpellError, ScriptError

    if isinstance(error, LLMSpellError):
        # A script function that failed inside the call keeps its own location in the text.
        cause = str(error) if isinstance(error, ScriptError) else error.message
        message = cause if cause.startswith(f"{qualname}:") else f"{qualname}: {cause}"
        if message == error.message:
            return error
        # type(error).__new__: TimeoutError also derives from builtins.TimeoutError (OSError)
        qualified = type(error).__new__(type(error))
        qualified.__dict__.update(error.__dict__)
        qualified.args = (message,)
        qualified.message = message
        if isinstance(qualified, ScriptError):
            qualified.file = qualified.line = None
        qualified.__cause__ = error
        return qualified
    detail = str(error) or type(error).__name__
    wrapped = LLMSpellError(
        f"{qualname}: {type(error).__name__}: {detail}",
        code="INTERNAL_ERROR",
        details={"exception": type(error).__name__},
    )
    wrapped.__cause__ = error
    return wrapped
