"""One way to call a script function or a plain Python callable from the runtime loop.

Function steps, conditions and ``with_while`` bodies arrive either as the bridge's
``ScriptFunction`` (which marshals the call onto the script thread) or, for Python users, as
ordinary sync/async callables. Wrapping both once keeps the workflow code free of the
difference, including Lua's idea of truth (only ``nil`` and ``false`` are false).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, cast

from llmspell_core.script_api import ScriptFunction

__all__ = ["Callback", "is_callback"]


def is_callback(value: object) -> bool:
    """Whether ``value`` can be a function step, condition or loop predicate."""
    return isinstance(value, ScriptFunction | Callback) or callable(value)


def _max_positional(fn: Callable[..., Any]) -> int | None:
    """How many positional arguments ``fn`` takes; None when it takes any number."""
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return None
    count = 0
    for parameter in signature.parameters.values():
        if parameter.kind is inspect.Parameter.VAR_POSITIONAL:
            return None
        if parameter.kind in (
            inspect.Parameter.POSITIONAL_ONLY,
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
        ):
            count += 1
    return count


class Callback:
    """A script function or Python callable, awaited the same way.

    Python callables receive only as many positional arguments as they accept, so
    ``lambda x: ...`` works where the workflow offers ``(input, context)``.
    """

    __slots__ = ("_fn", "_max_args", "is_script")

    def __init__(self, fn: object) -> None:
        if isinstance(fn, Callback):
            other = fn
            self._fn: Any = other._fn
            self._max_args: int | None = other._max_args
            self.is_script: bool = other.is_script
            return
        if isinstance(fn, ScriptFunction):
            self._fn = fn
            self._max_args = None
            self.is_script = True
            return
        if not callable(fn):
            raise TypeError(f"expected a function, got {type(fn).__name__}")
        python_fn = cast("Callable[..., Any]", fn)
        self._fn = python_fn
        self._max_args = _max_positional(python_fn)
        self.is_script = False

    @property
    def target(self) -> object:
        return cast("object", self._fn)

    async def __call__(self, *args: Any) -> Any:
        if self.is_script:
            script_fn = cast("ScriptFunction", self._fn)
            return await script_fn.call(*args)
        if self._max_args is not None:
            args = args[: self._max_args]
        result = self._fn(*args)
        if inspect.isawaitable(result):
            return await cast("Any", result)
        return result

    def truthy(self, value: object) -> bool:
        """Script functions follow Lua/JS-from-Lua truth (nil/false are false); Python uses bool."""
        if self.is_script:
            return value is not None and value is not False
        return bool(value)

    def __repr__(self) -> str:
        kind = "script" if self.is_script else "python"
        return f"Callback({kind}, {self._fn!r})"
