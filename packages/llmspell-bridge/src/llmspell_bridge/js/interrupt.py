"""A wall-clock interrupt for QuickJS that leaves Python callables usable.

The quickjs binding's own ``set_time_limit`` counts CPU time and, while set, refuses every call
from JavaScript into Python — and the whole llmspell API is such calls. So we install QuickJS's
interrupt handler ourselves (``JS_SetInterruptHandler``, exported by the binding's shared
library) and never set the binding's limit. QuickJS calls the handler every few thousand
instructions; a non-zero answer raises an uncatchable ``InternalError: interrupted``, which
stops a loop even inside ``try``/``catch``.

Finding the runtime pointer relies on the binding's object layout (``PyObject_HEAD`` then the
``JSRuntime*``); it is verified through ``JS_GetRuntimeOpaque``, which the binding sets to the
context object itself, before anything is installed. If the check fails, ``install`` returns
None and the engine falls back to checking the deadline between jobs.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable
from typing import Any

__all__ = ["InterruptHandle", "install"]

_HANDLER = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)
_HEAD = 2 * ctypes.sizeof(ctypes.c_void_p)  # ob_refcnt, ob_type


class InterruptHandle:
    """Keeps the C callback alive; ``remove`` uninstalls it (call before dropping the context)."""

    def __init__(self, library: Any, runtime: int, callback: Any) -> None:
        self._library = library
        self._runtime = runtime
        self._callback = callback

    def remove(self) -> None:
        if self._callback is not None:
            self._library.JS_SetInterruptHandler(self._runtime, _HANDLER(), None)
            self._callback = None


def install(context: Any, should_stop: Callable[[], bool]) -> InterruptHandle | None:
    """Make QuickJS ask ``should_stop()`` periodically while ``context`` runs JavaScript."""
    module = sys.modules.get(type(context).__module__)
    path = getattr(module, "__file__", None)
    if not path or sys.implementation.name != "cpython":
        return None
    try:
        library = ctypes.CDLL(path)
        get_opaque = library.JS_GetRuntimeOpaque
        set_handler = library.JS_SetInterruptHandler
    except (OSError, AttributeError):
        return None
    get_opaque.restype = ctypes.c_void_p
    get_opaque.argtypes = [ctypes.c_void_p]
    set_handler.restype = None
    set_handler.argtypes = [ctypes.c_void_p, _HANDLER, ctypes.c_void_p]
    runtime = ctypes.c_void_p.from_address(id(context) + _HEAD).value
    if not runtime or get_opaque(runtime) != id(context):
        return None

    def handler(_runtime: int | None, _opaque: int | None) -> int:
        try:
            return 1 if should_stop() else 0
        except BaseException:  # must never raise into C; stop rather than run on blind
            return 1

    callback = _HANDLER(handler)
    set_handler(runtime, callback, None)
    return InterruptHandle(library, runtime, callback)
