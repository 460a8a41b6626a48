"""Errors that name the workflow and step, keeping the cause's class and code.

A step's ``TimeoutError`` must still exit with 124 and a script must still see
``err.code == "TOOL_ERROR"``, so wrapping keeps the original class where it can.
"""

from __future__ import annotations

import builtins
from typing import Any

from llmspell_core.errors import (
    CancelledError,
    ConfigError,
    LLMSpellError,
    MissingExtraError,
    NotFoundError,
    ScriptError,
    SecurityError,
    ValidationError,
)

__all__ = ["STEP_FAILED", "StepFailedError", "is_retryable", "step_error"]

STEP_FAILED = "WORKFLOW_STEP_FAILED"

#: Errors that another attempt cannot fix.
_PERMANENT = (
    CancelledError,
    ConfigError,
    MissingExtraError,
    NotFoundError,
    SecurityError,
    ValidationError,
)


#: Lua's complaint when a ``fn=`` step calls ``coroutine.yield``.
_YIELDED_OUTSIDE = "attempt to yield from outside a coroutine"


class StepFailedError(LLMSpellError):
    """A step that returned ``success=false`` instead of raising (a soft failure)."""

    default_code = STEP_FAILED


def is_retryable(error: BaseException) -> bool:
    return isinstance(error, Exception) and not isinstance(error, _PERMANENT)


def error_info(error: BaseException) -> dict[str, Any]:
    """``{message, code}`` as scripts see a recorded failure."""
    if isinstance(error, LLMSpellError):
        return {"message": str(error), "code": error.code}
    if isinstance(error, builtins.TimeoutError):
        return {"message": str(error) or "timed out", "code": "TIMEOUT"}
    return {"message": f"{type(error).__name__}: {error}", "code": STEP_FAILED}


def step_error(
    workflow: str, step: str, cause: BaseException, *, what: str | None = None
) -> LLMSpellError:
    """``workflow 'w': step 's' failed: <cause>``, of the cause's class when possible.

    ``what`` replaces ``step 's'`` when something else failed (a branch condition).
    """
    info = error_info(cause)
    # a ScriptError prints its own file:line in front; keep it there, once
    cause_text = cause.message if isinstance(cause, ScriptError) else info["message"]
    if _YIELDED_OUTSIDE in cause_text:
        cause_text += " (a function that yields is a generator body: give it as generator=)"
    subject = what or f"step '{step}'"
    message = f"workflow '{workflow}': {subject} failed: {cause_text}"
    details: dict[str, Any] = {"workflow": workflow, "step": step}
    if isinstance(cause, LLMSpellError):
        details = {**cause.details, **details}
    error: LLMSpellError
    if isinstance(cause, ScriptError):
        error = ScriptError(
            message,
            file=cause.file,
            line=cause.line,
            traceback=cause.traceback,
            code=cause.code,
            details=details,
        )
    elif isinstance(cause, LLMSpellError):
        try:
            error = type(cause)(message, code=cause.code, details=details)
        except TypeError:
            error = LLMSpellError(message, code=cause.code, details=details)
    else:
        error = LLMSpellError(message, code=info["code"], details=details)
    error.__cause__ = cause
    return error
