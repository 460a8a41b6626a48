"""The Lua 5.4 engine (lupa), sandboxed, with the llmspell API adapted to Lua idioms.

lupa is imported when an engine is first injected, never at module import, so merely listing
engines costs nothing. The sandbox itself lives in ``prelude.lua``; this module converts
values and turns every Python outcome into status values the prelude raises as Lua errors —
a Python exception crossing into Lua would hand the spell a Python object.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, cast

from llmspell_bridge.limited_engine import LimitedEngine
from llmspell_bridge.values import MAX_DEPTH
from llmspell_core.engine import EngineCapabilities, ScriptArgs
from llmspell_core.errors import (
    CancelledError,
    LLMSpellError,
    ScriptError,
    ValidationError,
)
from llmspell_core.extras import import_optional
from llmspell_core.script_api import (
    ApiFunction,
    ApiGlobal,
    ApiObject,
    ApiStream,
    ScriptApi,
    qualify_error,
)
from llmspell_core.script_host import HostedScriptFunction

if TYPE_CHECKING:
    from types import ModuleType

__all__ = ["LuaEngine"]

PRELUDE = Path(__file__).with_name("prelude.lua")
#: Instructions between two runs of the hook (timeout, cancellation, recursion checks).
HOOK_COUNT = 1000
_INT64 = 2**63
_POSITION = re.compile(r"^(?P<file>[^\n]*?):(?P<line>\d+): (?P<message>.*)$", re.S)
_MODULE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*(\.[A-Za-z_][A-Za-z0-9_\-]*)*")


_SCALARS: frozenset[type[Any]] = frozenset({str, float, bool, type(None)})


def _plain(value: dict[Any, Any] | list[Any], depth: int, seen: set[int] | None = None) -> bool:
    """Whether ``value`` is JSON-like data lupa can copy whole (``table_from(recursive=True)``):
    nothing to convert on the way, no empty list (it needs the array marker), ints in range,
    and no container twice (lupa would alias it, and fails on some shapes of sharing)."""
    if depth >= MAX_DEPTH:
        return False
    if seen is None:
        seen = {id(value)}
    for item in value.values() if type(value) is dict else value:
        kind = type(item)  # pyright: ignore[reportUnknownVariableType]
        if kind in _SCALARS:
            continue
        if kind is int:
            if not -_INT64 <= item < _INT64:
                return False
        elif kind is dict or kind is list:
            ident = id(item)
            if ident in seen or (kind is list and not item):
                return False
            seen.add(ident)
            if item and not _plain(item, depth + 1, seen):
                return False
        else:
            return False
    return True


def _deny_attributes(obj: object, name: object, is_setting: bool) -> str:
    raise AttributeError("Python attributes are not accessible from spells")


def _split_position(message: str, chunk: str = "") -> tuple[str | None, int | None, str]:
    """``"file:12: msg"`` into its parts (Lua's own error format).

    Lua shortens long chunk names to ``...<tail>``; the spell's own name is restored.
    """
    match = _POSITION.match(message)
    if match is None:
        return None, None, message
    file = match["file"]
    if file.startswith("...") and chunk.endswith(file[3:]):
        file = chunk
    return file, int(match["line"]), match["message"]


class LuaEngine(LimitedEngine):
    """``lua``: Lua 5.4 through lupa, run on the calling thread."""

    name: ClassVar[str] = "lua"
    file_extensions: ClassVar[tuple[str, ...]] = (".lua",)

    def __init__(self, limits: Any = None) -> None:
        super().__init__(limits)
        self._lupa: ModuleType | None = None
        self._lua: Any = None
        self._h: Any = None
        self._api: ScriptApi | None = None
        self._errors: dict[int, LLMSpellError] = {}
        self._objects: dict[int, ApiObject] = {}
        self._proxies: dict[int, Any] = {}
        #: API object proxies by Lua identity (``repr`` of the table: its address), so a proxy
        #: handed back is recognised without a call into Lua.
        self._by_table: dict[str, ApiObject] = {}
        self._functions: dict[int, Any] = {}
        self._module_dir: Path | None = None
        self._module_prefix = Path()

    @property
    def capabilities(self) -> EngineCapabilities:
        return EngineCapabilities(async_calls=True, streaming=True, modules=True, reusable=True)

    # -- setup -------------------------------------------------------------------------------
    def inject(self, api: ScriptApi) -> None:
        lupa = import_optional(
            "lupa.lua54", what="the Lua engine", distribution="llmspell-bridge", extra="lua"
        )
        self._lupa = lupa
        self._api = api
        self._host = api.get_host()
        memory = self.limits.max_memory_mb
        self._lua = lupa.LuaRuntime(
            register_eval=False,
            register_builtins=False,
            unpack_returned_tuples=True,
            attribute_filter=_deny_attributes,
            max_memory=None if memory is None else memory * 1024 * 1024,
        )
        lazy = self._lua.table_from(dict.fromkeys(api.names(), True))
        prelude = self._lua.execute(
            "return load(...)",
            PRELUDE.read_text(encoding="utf-8"),
            "=[llmspell prelude]",
        )
        self._h = prelude(
            self._stdout,
            self._interrupted,
            self._require,
            self._load_global,
            lazy,
            HOOK_COUNT,
            self.limits.max_recursion_depth,
        )

    def close(self) -> None:
        self._lua = self._h = None
        self._errors.clear()
        self._objects.clear()
        self._proxies.clear()
        self._by_table.clear()
        self._functions.clear()

    # -- callbacks from the prelude (never raise) -----------------------------------------------
    def _stdout(self, line: str) -> None:
        assert self._api is not None
        try:
            self._api.stdout(line)
        except Exception:  # a closed pipe must not become a script error
            return
        except BaseException as exc:  # Ctrl-C: stop at the next hook
            self._remember_base(exc)
            self._stop = self._stop or CancelledError("spell interrupted")

    def _interrupted(self) -> bool:
        try:
            return self._check_limits()
        except BaseException as exc:  # Ctrl-C arriving inside the hook
            self._remember_base(exc)
            self._stop = self._stop or CancelledError("spell interrupted")
            return True

    def _require(self, name: object) -> tuple[bool, str, str | None]:
        try:
            if not isinstance(name, str) or not _MODULE_NAME.fullmatch(name):
                return (
                    False,
                    f"module {name!r} not found: use a name like 'util' or 'lib.text'",
                    None,
                )
            if self._module_dir is None:
                return (
                    False,
                    f"module '{name}' not found: require needs a spell run from a file",
                    None,
                )
            relative = Path(*name.split(".")).with_suffix(".lua")
            base = self._module_dir.resolve()
            path = (base / relative).resolve()
            if not path.is_relative_to(base):
                return (
                    False,
                    f"module '{name}' not found: it leads outside the spell's folder",
                    None,
                )
            if not path.is_file():
                return False, f"module '{name}' not found: no {relative} beside the spell", None
            display = str(self._module_prefix / relative)
            return True, display, path.read_text(encoding="utf-8")
        except BaseException as exc:
            self._remember_base(exc)
            return False, f"module {name!r} could not be read: {exc}", None

    def _load_global(self, name: str) -> tuple[bool, Any, str | None]:
        assert self._api is not None
        try:
            return True, self._global_table(self._api.resolve(name)), None
        except BaseException as exc:
            cause = self._remember_base(exc)
            error = cause if isinstance(cause, LLMSpellError) else qualify_error(name, cause)
            return False, f"global '{name}' is not available: {error.message}", error.code

    # -- values ------------------------------------------------------------------------------
    def _remember_base(self, exc: BaseException) -> BaseException:
        """Ctrl-C inside an API call: remember it for after the spell unwinds."""
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            self._stop_base = exc
            return CancelledError("spell interrupted")
        return exc

    def _failure(self, qualname: str, exc: BaseException) -> tuple[bool, str, str, int]:
        error = qualify_error(qualname, self._remember_base(exc))
        ident = len(self._errors)
        self._errors[ident] = error
        return False, error.message, error.code, ident

    def _call(self, qualname: str, fn: ApiFunction, args: tuple[Any, ...]) -> tuple[Any, ...]:
        try:
            values = [self._from_lua(arg) for arg in args]
            result = fn.impl(*values)
            if hasattr(result, "__await__"):
                assert self._host is not None
                result = self._host.run(result, deadline=self._deadline)
            if isinstance(result, ApiStream):
                iterator, closer = self._stream(qualname, result)
                return True, iterator, closer, None
            return True, self._to_lua(result), None, None
        except BaseException as exc:
            return self._failure(qualname, exc)

    def _function(self, qualname: str, fn: ApiFunction) -> Any:
        def call(*args: Any) -> tuple[Any, ...]:
            return self._call(qualname, fn, args)

        return self._h.make_function(call)

    def _global_table(self, api_global: ApiGlobal) -> Any:
        lua = self._lua
        functions = lua.table_from(
            {
                name: self._function(f"{api_global.name}.{name}", fn)
                for name, fn in api_global.functions.items()
            }
        )
        values = lua.table_from({k: self._to_lua(v) for k, v in api_global.values.items()})
        index_fn = None
        if api_global.index is not None:
            index_fn = self._function(
                f"{api_global.name}[]", ApiFunction("index", api_global.index)
            )
        return self._h.make_global(functions, values, index_fn)

    def _stream(self, qualname: str, stream: ApiStream) -> tuple[Any, Any]:
        source = stream.source
        host = self._host
        assert host is not None

        def pull() -> tuple[Any, ...]:
            try:
                item = host.run(anext(source), deadline=self._deadline)
            except StopAsyncIteration:
                return True, False, None, None
            except BaseException as exc:
                return self._failure(qualname, exc)
            try:
                return True, True, self._to_lua(item), None
            except BaseException as exc:
                return self._failure(qualname, exc)

        def close() -> None:
            closer = getattr(source, "aclose", None)
            if closer is None:
                return
            with contextlib.suppress(BaseException):  # best effort; the loop cleans up at exit
                host.run(closer(), deadline=self._deadline)

        return self._h.make_iterator(pull, close)

    def _object(self, obj: ApiObject) -> Any:
        ref = id(obj)
        known = self._proxies.get(ref)
        if known is not None:
            return known
        self._objects[ref] = obj
        methods = self._lua.table_from(
            {
                name: self._method_caller(f"{obj.type_name}.{name}", fn)
                for name, fn in obj.methods.items()
            }
        )
        fields = self._lua.table_from({k: self._to_lua(v) for k, v in obj.fields.items()})
        proxy = self._h.make_object(obj.type_name, methods, fields, ref)
        self._proxies[ref] = proxy  # kept alive, so its address stays its own
        self._by_table[repr(proxy)] = obj
        return proxy

    def _method_caller(self, qualname: str, fn: ApiFunction) -> Callable[..., tuple[Any, ...]]:
        def call(*args: Any) -> tuple[Any, ...]:
            return self._call(qualname, fn, args)

        return call

    def _to_lua(self, value: Any, depth: int = 0) -> Any:
        if value is None or isinstance(value, bool | str | float):
            return value
        if isinstance(value, int):
            return value if -_INT64 <= value < _INT64 else float(value)
        if depth >= MAX_DEPTH:
            raise ValidationError(f"value is nested more than {MAX_DEPTH} levels deep")
        if isinstance(value, dict):
            items: dict[Any, Any] = value  # pyright: ignore[reportUnknownVariableType]
            if _plain(items, depth):  # plain data: one copy inside lupa
                return self._lua.table_from(items, recursive=True)
            return self._lua.table_from(
                {k: self._to_lua(v, depth + 1) for k, v in items.items() if v is not None}
            )
        if isinstance(value, list | tuple):
            elements: list[Any] = list(value)  # pyright: ignore[reportUnknownArgumentType]
            if not elements:
                return self._h.empty_array()  # so that [] comes back as [] and not {}
            if _plain(elements, depth):
                return self._lua.table_from(elements, recursive=True)
            return self._lua.table_from([self._to_lua(v, depth + 1) for v in elements])
        if isinstance(value, ApiObject):
            return self._object(value)
        if isinstance(value, ApiFunction):
            return self._function(value.name, value)
        if isinstance(value, ApiStream):
            return self._stream("stream", value)[0]
        if isinstance(value, HostedScriptFunction):
            original = self._functions.get(id(value))
            if original is not None:
                return original
        if isinstance(value, bytes):
            return value
        raise ValidationError(f"a {type(value).__name__} cannot be handed to a spell")

    def _from_lua(self, value: Any, depth: int = 0) -> Any:
        kind = type(value)  # pyright: ignore[reportUnknownVariableType]
        if kind is str or kind is int or kind is float or kind is bool or value is None:
            return value
        if kind is bytes:
            return value.decode("utf-8", "replace")
        assert self._lupa is not None
        lua_kind = self._lupa.lua_type(value)
        if lua_kind is None:
            return value
        if lua_kind == "table":
            if self._by_table:  # repr() asks lupa for the address: skip it when no proxy exists
                known = self._by_table.get(repr(value))
                if known is not None:
                    return known
            if depth >= MAX_DEPTH:
                # a cycle nests forever too: find out which, for the message
                self._check_cycles(value, frozenset())
                raise ValidationError(f"value is nested more than {MAX_DEPTH} levels deep")
            items: dict[Any, Any] = {}
            key_kinds: set[type[Any]] = set()
            for k, v in value.items():
                key_kinds.add(type(k))  # pyright: ignore[reportUnknownArgumentType]
                items[k] = self._from_lua(v, depth + 1)
            if not items:
                return [] if self._h.is_array(value) else {}
            if key_kinds == {str}:
                return items
            if key_kinds == {int} and min(items) == 1 and max(items) == len(items):
                return [items[i] for i in range(1, len(items) + 1)]
            return {self._key(k): v for k, v in items.items()}
        if lua_kind == "function":
            return self._script_function(value)
        raise ValidationError(f"a Lua {lua_kind} cannot be passed to the llmspell API")

    def _check_cycles(self, value: Any, path: frozenset[str]) -> None:
        """Raise the cycle error if ``value`` (a Lua table) contains itself."""
        assert self._lupa is not None
        identity = repr(value)
        if identity in path:
            raise ValidationError("value contains itself (a cycle), which has no JSON form")
        if len(path) >= MAX_DEPTH or identity in self._by_table:
            return
        inner = path | {identity}
        for _, item in value.items():
            if self._lupa.lua_type(item) == "table":
                self._check_cycles(item, inner)

    @staticmethod
    def _key(key: Any) -> Any:
        if isinstance(key, bytes):
            return key.decode("utf-8", "replace")
        if isinstance(key, bool):
            return str(key).lower()
        if isinstance(key, float) and key.is_integer():
            return int(key)
        return key

    def _script_function(self, fn: Any) -> HostedScriptFunction:
        assert self._host is not None

        def invoke(*args: Any) -> Any:
            outcome = self._h.run(fn, *[self._to_lua(a) for a in args])
            if outcome[0]:
                return self._from_lua(outcome[1])
            raise self._error_from(outcome[1:])

        def iterate(*args: Any) -> Iterator[Any]:
            step = self._h.generator(fn, *[self._to_lua(a) for a in args])
            while True:
                outcome = step()
                if not outcome[0]:
                    raise self._error_from((*outcome[1:6], None))
                if not outcome[1]:
                    return
                yield self._from_lua(outcome[2])

        wrapper = self._host.script_function(invoke, iterate=iterate, name="Lua function")
        self._functions[id(wrapper)] = fn
        return wrapper

    # -- errors -----------------------------------------------------------------------------
    def _error_from(self, fields: Any) -> LLMSpellError:
        """Turn the prelude's error description into the llmspell error to raise."""
        message, file, line, code, ident, trace = (list(fields) + [None] * 6)[:6]
        if self._stop is not None:
            return self._stop
        if ident is not None and ident in self._errors:
            error = self._errors[ident]
            if file is not None:
                error.details.setdefault("spell_file", file)
                error.details.setdefault("spell_line", line)
            return error
        text = str(message)
        if text == "not enough memory":
            return self._memory_error()
        if file is None:
            file, line, text = _split_position(text, self._chunk)
        return ScriptError(
            text,
            file=file,
            line=line,
            traceback=str(trace) if trace else None,
            code=str(code) if code else None,
        )

    # -- running ------------------------------------------------------------------------------
    def execute(self, source: str, chunk_name: str, args: ScriptArgs) -> Any:
        if self._h is None or self._lupa is None:
            raise LLMSpellError("inject() must be called before execute()", code="USAGE_ERROR")
        self._begin(chunk_name)
        spell = Path(chunk_name)
        if spell.is_file():
            self._module_dir, self._module_prefix = spell.parent, spell.parent
        if source.startswith("#"):
            source = "--" + source  # a shebang line, kept so line numbers stay right
        lupa = self._lupa
        try:
            compiled: Any = self._h.compile(source, chunk_name)
            if isinstance(compiled, tuple):  # nil, message: a syntax error
                parts = cast("tuple[Any, ...]", compiled)
                file, line, message = _split_position(str(parts[1]), chunk_name)
                raise ScriptError(message, file=file or chunk_name, line=line, code="SYNTAX_ERROR")
            chunk: Any = compiled
            table = args.table()
            positional = {0: args.script, **dict(enumerate(args.positional, start=1))}
            self._h.set_args(self._to_lua(table), self._to_lua(positional))
            outcome = self._h.run(chunk)
        except lupa.LuaMemoryError:
            raise self._stop or self._memory_error() from None
        except lupa.LuaError as exc:
            if self._stop is not None:
                raise self._stop from None
            file, line, message = _split_position(
                str(exc).split("\nstack traceback:")[0], chunk_name
            )
            raise ScriptError(message, file=file, line=line) from None
        self._raise_stop()
        if not outcome[0]:
            raise self._error_from(outcome[1:])
        try:
            return self._from_lua(outcome[1])
        except LLMSpellError as exc:
            raise ScriptError(f"the spell's return value: {exc.message}", file=chunk_name) from None
