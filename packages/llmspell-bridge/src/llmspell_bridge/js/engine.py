"""The JavaScript engine (QuickJS through the ``quickjs`` package).

Async API calls return Promises: the call starts a coroutine on the runtime loop and the
engine settles the Promise when it finishes, by pumping QuickJS's job queue against the host's
finished work — so ``Promise.all`` over several calls runs them concurrently. Everything
crossing the boundary is JSON text; Python callables never raise into QuickJS (the binding
would be left unusable), they answer with ``{"ok": ...}`` / ``{"err": ...}`` envelopes that
the prelude unwraps or throws.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Generator
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from llmspell_bridge.js.interrupt import InterruptHandle, install
from llmspell_bridge.js.source import wrap_spell
from llmspell_bridge.js.wire import loads, plain_ok
from llmspell_bridge.limited_engine import LimitedEngine
from llmspell_bridge.pending_step import PendingStep
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
from llmspell_core.script_host import HostedScriptFunction, is_pending_promise

if TYPE_CHECKING:
    from concurrent.futures import Future
    from types import ModuleType

__all__ = ["JavaScriptEngine"]


PRELUDE = Path(__file__).with_name("prelude.js")
MARK = "__llmspell__"
_INTERNALS = ("settle", "invoke", "iter_start", "iter_next", "setup")
#: C stack QuickJS may use per allowed level of recursion (a simple JS call takes ~0.6 KiB).
_STACK_PER_LEVEL = 1280
_MIN_STACK = 256 * 1024
_FRAME = re.compile(r"^\s*at (?P<name>[^\s(]*)\s*\((?P<where>[^)]*)\)", re.M)
_SYNTAX_LINE = re.compile(r"^\s*at <input>:(\d+)", re.M)


class _Finish:
    def __init__(self) -> None:
        self.done = False
        self.text = ""


class JavaScriptEngine(LimitedEngine):
    """``javascript``: QuickJS, run on the calling thread; spells read like ES modules."""

    name: ClassVar[str] = "javascript"
    file_extensions: ClassVar[tuple[str, ...]] = (".js", ".mjs")

    def __init__(self, limits: Any = None) -> None:
        super().__init__(limits)
        self._quickjs: ModuleType | None = None
        self._ctx: Any = None
        self._interrupt: InterruptHandle | None = None
        self._api: ScriptApi | None = None
        self._internal: dict[str, Any] = {}
        self._errors: dict[int, LLMSpellError] = {}
        self._fns: list[tuple[str, ApiFunction]] = []
        self._objects: dict[int, ApiObject] = {}
        self._object_descs: dict[int, dict[str, Any]] = {}
        self._streams: dict[int, ApiStream] = {}
        self._calls: dict[int, Future[Any] | None] = {}
        self._next_call = 1
        self._js_functions: dict[int, HostedScriptFunction] = {}
        self._promises: dict[int, Future[Any]] = {}
        self._finish = _Finish()

    @property
    def capabilities(self) -> EngineCapabilities:
        return EngineCapabilities(async_calls=True, streaming=True, modules=False, reusable=True)

    # -- setup -------------------------------------------------------------------------------
    def inject(self, api: ScriptApi) -> None:
        quickjs = import_optional(
            "quickjs", what="the JavaScript engine", distribution="llmspell-bridge", extra="js"
        )
        self._quickjs = quickjs
        self._api = api
        self._host = api.get_host()
        ctx = quickjs.Context()
        self._ctx = ctx
        if self.limits.max_memory_mb is not None:
            ctx.set_memory_limit(self.limits.max_memory_mb * 1024 * 1024)
        depth = self.limits.max_recursion_depth
        if depth is not None:
            ctx.set_max_stack_size(max(_MIN_STACK, depth * _STACK_PER_LEVEL))
        self._interrupt = install(ctx, self._interrupted)
        if self._interrupt is None:
            import logging  # only for this rare warning: most runs never log

            logging.getLogger(__name__).warning(
                "QuickJS interrupt handler unavailable; JavaScript time limits are checked "
                "only between jobs"
            )
        ctx.add_callable("__llmspell_host", self._dispatch)
        ctx.eval(PRELUDE.read_text(encoding="utf-8"))
        for name in _INTERNALS:
            self._internal[name] = ctx.get(f"__llmspell_{name}")
        ctx.eval("".join(f"delete globalThis.__llmspell_{name};" for name in _INTERNALS))
        self._internal["setup"](json.dumps(api.names()), "{}")

    def close(self) -> None:
        if self._interrupt is not None:
            self._interrupt.remove()
            self._interrupt = None
        for future in self._promises.values():
            future.cancel()
        self._internal.clear()
        self._ctx = None
        self._errors.clear()
        self._objects.clear()
        self._object_descs.clear()
        self._streams.clear()
        self._js_functions.clear()
        self._promises.clear()

    def _interrupted(self) -> bool:
        try:
            return self._check_limits()
        except BaseException as exc:  # Ctrl-C arriving inside the interrupt handler
            self._remember("llmspell", exc)
            self._stop = self._stop or CancelledError("spell interrupted")
            return True

    # -- the one door from JavaScript (never raises) ------------------------------------------
    def _dispatch(self, op: str, a: Any = None, b: Any = None) -> Any:
        try:
            if op == "call":
                return self._call(int(a), b)
            if op == "start":
                return self._start_call(int(a), b)
            if op == "print":
                self._write(True, str(a))
                return None
            if op == "stderr":
                self._write(False, str(a))
                return None
            if op == "global":
                return self._global(str(a))
            if op == "next":
                return self._start_next(int(a))
            if op == "close":
                self._close_stream(int(a))
                return None
            if op == "timer":
                return self._start_timer(float(a))
            if op == "resolve":
                self._resolve(int(a), str(b))
                return None
            if op == "finish":
                self._finish.done = True
                self._finish.text = str(a)
                return None
            return self._err_text("llmspell", LLMSpellError(f"unknown host operation {op!r}"))
        except BaseException as exc:
            return self._err_text("llmspell", exc)

    def _write(self, to_stdout: bool, line: str) -> None:
        assert self._api is not None
        try:
            (self._api.stdout if to_stdout else self._api.stderr)(line)
        except Exception:  # a closed pipe must not become a script error
            return
        except BaseException as exc:  # Ctrl-C: stop at the next interrupt check
            self._remember("print", exc)
            self._stop = self._stop or CancelledError("spell interrupted")

    def _remember(self, qualname: str, exc: BaseException) -> LLMSpellError:
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            self._stop_base = exc
            exc = CancelledError("spell interrupted")
        return qualify_error(qualname, exc)

    def _err_text(self, qualname: str, exc: BaseException) -> str:
        return json.dumps({"err": self._err_info(self._remember(qualname, exc))})

    def _err_info(self, error: LLMSpellError) -> dict[str, Any]:
        ident = len(self._errors)
        self._errors[ident] = error
        return {"message": error.message, "code": error.code, "id": ident}

    def _ok_text(self, value: Any) -> str:
        text = plain_ok(value)  # plain data: one orjson call
        if text is not None:
            return text
        marked = [False]
        data = self._encode(value, 0, marked)
        return json.dumps({"ok": data, "r": 1} if marked[0] else {"ok": data}, allow_nan=False)

    def _call(self, fid: int, args_text: Any) -> str:
        qualname, fn = self._fns[fid]
        try:
            result = fn.impl(*self._decode(args_text))
            if hasattr(result, "__await__"):
                assert self._host is not None
                result = self._host.run(result, deadline=self._deadline)
            return self._ok_text(result)
        except BaseException as exc:
            return self._err_text(qualname, exc)

    def _new_call(self) -> int:
        ident = self._next_call
        self._next_call += 1
        return ident

    def _start(self, qualname: str, awaitable: Any, encode: Any = None) -> str:
        """Begin ``awaitable``; its outcome settles the JS Promise waiting on the call id.

        A call that finishes at once (no I/O) answers ``{"now": <outcome>}`` instead, and
        the prelude settles the Promise in place: no trip through the job queue and ``pump``.
        """
        assert self._host is not None
        ident = self._new_call()

        def outcome_text(value: Any, error: BaseException | None) -> str:
            if error is not None:
                return self._err_text(qualname, error)
            try:
                return encode(value) if encode is not None else self._ok_text(value)
            except BaseException as exc:
                return self._err_text(qualname, exc)

        def done(value: Any, error: BaseException | None) -> None:
            if self._ctx is None:
                return
            self._internal["settle"](ident, outcome_text(value, error))

        now = self._host.start_eager(awaitable, done)
        if now is not None:
            return '{"now":' + outcome_text(*now) + "}"
        return json.dumps({"ok": ident})

    def _start_call(self, fid: int, args_text: Any) -> str:
        qualname, fn = self._fns[fid]
        try:
            result = fn.impl(*self._decode(args_text))
        except BaseException as exc:
            return self._err_text(qualname, exc)
        if not hasattr(result, "__await__"):  # a plain function: its Promise is settled now
            try:
                return '{"now":' + self._ok_text(result) + "}"
            except BaseException as exc:
                return self._err_text(qualname, exc)
        return self._start(qualname, result)

    def _start_next(self, sid: int) -> str:
        source = self._streams[sid].source

        async def step() -> tuple[bool, Any]:
            try:
                return False, await anext(source)
            except StopAsyncIteration:
                return True, None

        def encode(value: tuple[bool, Any]) -> str:
            finished, item = value
            if finished:
                self._streams.pop(sid, None)
                return json.dumps({"ok": {"done": True, "value": None}})
            marked = [False]
            data = {"done": False, "value": self._encode(item, 0, marked)}
            return json.dumps({"ok": data, "r": 1} if marked[0] else {"ok": data})

        return self._start("stream", step(), encode)

    def _close_stream(self, sid: int) -> None:
        stream = self._streams.pop(sid, None)
        closer = getattr(stream.source, "aclose", None) if stream is not None else None
        if closer is not None:
            assert self._host is not None
            self._host.start(closer(), lambda _value, _error: None)

    def _start_timer(self, ms: float) -> str:
        import asyncio

        return self._start("setTimeout", asyncio.sleep(max(0.0, ms) / 1000.0))

    def _resolve(self, pid: int, text: str) -> None:
        future = self._promises.pop(pid, None)
        if future is None or future.done():
            return
        answer = json.loads(text, object_hook=self._revive_object)
        if "err" in answer:
            future.set_exception(self._error_from(answer["err"]))
        else:
            future.set_result(answer["ok"])

    # -- globals and values -------------------------------------------------------------------
    def _register(self, qualname: str, fn: ApiFunction) -> int:
        self._fns.append((qualname, fn))
        return len(self._fns) - 1

    def _global(self, name: str) -> str:
        assert self._api is not None
        try:
            api_global: ApiGlobal = self._api.resolve(name)
        except BaseException as exc:
            error = self._remember(name, exc)
            error.message = f"global '{name}' is not available: {error.message}"
            return json.dumps({"err": self._err_info(error)})
        marked = [False]
        functions = {
            key: [self._register(f"{name}.{key}", fn), fn.is_async]
            for key, fn in api_global.functions.items()
        }
        values = {k: self._encode(v, 0, marked) for k, v in api_global.values.items()}
        index = None
        if api_global.index is not None:
            index = self._register(f"{name}[]", ApiFunction("index", api_global.index))
        return json.dumps({"ok": {"f": functions, "v": values, "i": index}, "r": 0})

    def _encode(self, value: Any, depth: int, marked: list[bool]) -> Any:
        if value is None or isinstance(value, bool | int | str):
            return value
        if isinstance(value, float):
            return value if value == value and abs(value) != float("inf") else None
        if depth >= MAX_DEPTH:
            raise ValidationError(f"value is nested more than {MAX_DEPTH} levels deep")
        if isinstance(value, dict):
            items: dict[Any, Any] = value  # pyright: ignore[reportUnknownVariableType]
            return {str(k): self._encode(v, depth + 1, marked) for k, v in items.items()}
        if isinstance(value, list | tuple):
            elements: list[Any] = list(value)  # pyright: ignore[reportUnknownArgumentType]
            return [self._encode(v, depth + 1, marked) for v in elements]
        marked[0] = True
        if isinstance(value, ApiObject):
            return self._object_desc(value, marked)
        if isinstance(value, ApiFunction):
            return {MARK: "fn", "id": self._register(value.name, value), "async": value.is_async,
                    "name": value.name}  # fmt: skip
        if isinstance(value, ApiStream):
            sid = self._new_call()
            self._streams[sid] = value
            return {MARK: "stream", "id": sid}
        if isinstance(value, HostedScriptFunction):
            for jid, known in self._js_functions.items():
                if known is value:
                    return {MARK: "jsfn", "id": jid}
        if isinstance(value, bytes):
            return value.decode("utf-8", "replace")
        raise ValidationError(f"a {type(value).__name__} cannot be handed to a spell")

    def _object_desc(self, obj: ApiObject, marked: list[bool]) -> dict[str, Any]:
        ref = id(obj)
        desc = self._object_descs.get(ref)
        if desc is None:
            self._objects[ref] = obj
            methods = {
                name: [self._register(f"{obj.type_name}.{name}", fn), fn.is_async]
                for name, fn in obj.methods.items()
            }
            fields = {k: self._encode(v, 1, marked) for k, v in obj.fields.items()}
            desc = {MARK: "obj", "id": ref, "type": obj.type_name, "m": methods, "f": fields}
            self._object_descs[ref] = desc
        return desc

    def _decode(self, text: Any) -> list[Any]:
        if not isinstance(text, str):
            return []
        # nothing to revive (no mark): no Python call per object
        values = json.loads(text, object_hook=self._revive_object) if MARK in text else loads(text)
        return values if isinstance(values, list) else [values]  # pyright: ignore[reportUnknownVariableType]

    def _revive_object(self, obj: dict[str, Any]) -> Any:
        kind = obj.get(MARK)
        if kind is None:
            return obj
        if kind == "obj":
            return self._objects[int(obj["id"])]
        if kind == "jsfn":
            return self._script_function(int(obj["id"]))
        return obj

    def _script_function(self, jid: int) -> HostedScriptFunction:
        known = self._js_functions.get(jid)
        if known is not None:
            return known
        assert self._host is not None

        def invoke(*args: Any) -> Any:
            return self._answer(self._internal["invoke"](jid, self._ok_args(args)))

        def iterate(*args: Any) -> Generator[Any, Any, None]:
            gid = self._answer(self._internal["iter_start"](jid, self._ok_args(args)))
            while True:
                step = self._answer(self._internal["iter_next"](gid))
                if is_pending_promise(step):  # async function*: settled on the loop, sent back
                    step = yield PendingStep(step)
                if step["done"]:
                    return
                yield step["value"]

        wrapper = self._host.script_function(invoke, iterate=iterate, name="JavaScript function")
        self._js_functions[jid] = wrapper
        return wrapper

    def _ok_args(self, args: tuple[Any, ...]) -> str:
        marked = [False]
        data = [self._encode(a, 1, marked) for a in args]
        return json.dumps({"ok": data, "r": 1} if marked[0] else {"ok": data}, allow_nan=False)

    def _answer(self, text: Any) -> Any:
        """Unwrap what a call into JavaScript answered: a value, an error or a Promise."""
        answer = json.loads(str(text), object_hook=self._revive_object)
        if "err" in answer:
            raise self._error_from(answer["err"])
        if "promise" in answer:
            from concurrent.futures import Future

            future: Future[Any] = Future()
            self._promises[int(answer["promise"])] = future
            return future
        return answer["ok"]

    # -- errors ---------------------------------------------------------------------------
    def _location(self, stack: str) -> int | None:
        for match in _FRAME.finditer(stack):
            if match["name"].startswith("llmspell$"):
                continue
            where = match["where"]
            if match["name"] == "$spell" and where == "<input>":
                # QuickJS names no line until a function's first line change, and the spell's
                # body starts on the wrapper's own first line: no line there means line 1.
                return 1
            if where.startswith("<input>:"):
                try:
                    return int(where.split(":")[1])
                except ValueError:
                    return None
        return None

    def _error_from(self, info: dict[str, Any]) -> LLMSpellError:
        if self._stop is not None:
            return self._stop
        ident = info.get("id")
        line = self._location(str(info.get("stack") or ""))
        if ident is not None and int(ident) in self._errors:
            error = self._errors[int(ident)]
            error.details.setdefault("spell_file", self._chunk)
            if line is not None:
                error.details.setdefault("spell_line", line)
            return error
        message = str(info.get("message", ""))
        name = str(info.get("name") or "Error")
        if name == "InternalError" and message == "out of memory":
            return self._memory_error()
        if info.get("thrown_null") and self.limits.max_memory_mb is not None:
            # QuickJS throws null when it runs out of memory building the error itself.
            return self._memory_error()
        if name == "InternalError" and message == "stack overflow":
            return ScriptError(
                f"recursion too deep: stack overflow (limit {self.limits.max_recursion_depth} "
                "levels; raise it with runtime.max_recursion_depth)",
                file=self._chunk,
                line=line,
            )
        text = str(info.get("text") or message)
        code = info.get("code")
        return ScriptError(
            text,
            file=self._chunk,
            line=line,
            traceback=str(info.get("stack") or "") or None,
            code=str(code) if isinstance(code, str) else None,
        )

    def _js_exception(self, exc: BaseException) -> LLMSpellError:
        """An exception thrown out of eval / a job (syntax errors, interrupts, OOM)."""
        if self._stop is not None:
            return self._stop
        text = str(exc)
        head, _, stack = text.partition("\n")
        name, _, message = head.partition(": ")
        if head.startswith("InternalError: out of memory") or head == "null":
            return self._memory_error()
        if name == "SyntaxError":
            found = _SYNTAX_LINE.search(stack) or _SYNTAX_LINE.search(text)
            line = int(found.group(1)) if found else self._location(stack)
            return ScriptError(message, file=self._chunk, line=line, code="SYNTAX_ERROR")
        return self._error_from({"message": message, "name": name, "stack": stack, "text": head})

    # -- running ------------------------------------------------------------------------------
    def execute(self, source: str, chunk_name: str, args: ScriptArgs) -> Any:
        if self._ctx is None or self._quickjs is None or self._host is None:
            raise LLMSpellError("inject() must be called before execute()", code="USAGE_ERROR")
        self._begin(chunk_name)
        self._finish = _Finish()
        wrapped = wrap_spell(source, chunk_name)
        line_count = source.count("\n") + 1
        ctx = self._ctx
        try:
            self._internal["setup"]("[]", json.dumps(self._encode(args.table(), 0, [False])))
            ctx.eval(wrapped)
            self._loop()
        except self._quickjs.JSException as exc:
            error = self._js_exception(exc)
            if isinstance(error, ScriptError) and error.line is not None:
                error.line = min(error.line, line_count)
            raise error from None
        self._raise_stop()
        answer = json.loads(self._finish.text, object_hook=self._revive_object)
        if "err" in answer:
            raise self._error_from(answer["err"])
        return answer["ok"]

    def _loop(self) -> None:
        """Run jobs until the spell's Promise settles, waiting on the host in between."""
        ctx = self._ctx
        host = self._host
        assert host is not None
        while True:
            while ctx.execute_pending_job():
                pass
            if self._stop is not None or self._stop_base is not None or self._finish.done:
                return
            if self._interrupted():
                return
            if host.pending == 0 and not self._promises:
                raise ScriptError(
                    "the spell is waiting for a Promise that nothing will ever settle",
                    file=self._chunk,
                )
            remaining = None if self._deadline is None else self._deadline - time.monotonic()
            host.pump(None if remaining is None else max(0.0, remaining))
