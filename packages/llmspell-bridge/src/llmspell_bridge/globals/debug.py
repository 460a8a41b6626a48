"""``Debug``: logging, timers and value dumps for spells (spell-api §6).

Messages go to Python logging (logger ``llmspell.script``), not to stdout, so they never mix
with a spell's output; the CLI shows them on stderr with ``--debug``.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from llmspell_bridge.values import format_number
from llmspell_core.errors import ValidationError
from llmspell_core.script_api import ApiFunction, ApiGlobal, ApiObject, GlobalContext

__all__ = ["LOGGER_NAME", "TRACE", "create_global", "dump"]

LOGGER_NAME = "llmspell.script"
TRACE = 5
_LEVELS = {
    "trace": TRACE,
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warn": logging.WARNING,
    "warning": logging.WARNING,
    "error": logging.ERROR,
}


def _text(message: Any) -> str:
    if isinstance(message, str):
        return message
    if isinstance(message, float):
        return format_number(message)
    if message is None:
        return "nil"
    if isinstance(message, bool):
        return "true" if message else "false"
    if isinstance(message, int):
        return str(message)
    return dump(message)


def _jsonable(value: Any) -> Any:
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < 2.0**63 else value
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, dict):
        items: dict[Any, Any] = value  # pyright: ignore[reportUnknownVariableType]
        return {str(k): _jsonable(v) for k, v in items.items()}
    if isinstance(value, list):
        elements: list[Any] = value  # pyright: ignore[reportUnknownVariableType]
        return [_jsonable(v) for v in elements]
    if isinstance(value, ApiObject):
        return f"<{value.type_name}>"
    function = callable(value) or hasattr(value, "call_sync")
    return f"<{'function' if function else type(value).__name__}>"


def dump(value: Any) -> str:
    """A readable, indented rendering of any value a script can hold."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    try:
        return json.dumps(_jsonable(value), ensure_ascii=False, indent=2, sort_keys=True)
    except (ValueError, RecursionError):
        return repr(value)


def create_global(ctx: GlobalContext) -> ApiGlobal:
    logger = logging.getLogger(LOGGER_NAME)
    script = ctx.script_name

    def log(level: Any, message: Any = None) -> None:
        number = _LEVELS.get(str(level).lower()) if isinstance(level, str) else None
        if number is None:
            raise ValidationError(
                f"unknown level {level!r}; use one of {', '.join(sorted(_LEVELS))}",
                details={"field": "level"},
            )
        logger.log(number, "%s: %s", script, _text(message))

    def at(level: str) -> ApiFunction:
        def log_at(message: Any = None) -> None:
            log(level, message)

        return ApiFunction(level, log_at)

    def timer(name: Any = "timer") -> ApiObject:
        label = _text(name)
        started = time.perf_counter()
        stopped: list[float] = []

        def elapsed() -> float:
            end = stopped[0] if stopped else time.perf_counter()
            return (end - started) * 1000.0

        def stop() -> float:
            if not stopped:
                stopped.append(time.perf_counter())
                logger.debug("%s: timer %s: %.3f ms", script, label, elapsed())
            return elapsed()

        return ApiObject(
            "Timer",
            methods={"stop": ApiFunction("stop", stop), "elapsed": ApiFunction("elapsed", elapsed)},
            fields={"name": label},
        )

    return ApiGlobal(
        "Debug",
        functions={
            "log": ApiFunction("log", log, doc="(level, message)"),
            **{name: at(name) for name in ("trace", "debug", "info", "warn", "error")},
            "timer": ApiFunction("timer", timer, doc="(name) -> timer with stop()/elapsed() ms"),
            "dump": ApiFunction("dump", dump, doc="(value) -> readable string"),
        },
        doc="Logging to the llmspell.script logger, timers and dumps.",
    )
