"""How the CLI reports a spell's outcome: one clear line per error, an exit code per kind.

Exit codes (architecture §6): 0 ok, 1 script/runtime error, 2 usage error, 3 config error,
124 timeout, 130 interrupted. The Python traceback is shown only with ``--debug``.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from llmspell_core.errors import LLMSpellError, ScriptError

__all__ = ["error_fields", "error_line", "exit_code_for", "print_error", "render_result"]

INTERNAL_ERROR_EXIT = 1


def exit_code_for(error: BaseException) -> int:
    if isinstance(error, LLMSpellError):
        return error.exit_code
    if isinstance(error, KeyboardInterrupt):
        return 130
    return INTERNAL_ERROR_EXIT


def error_fields(error: BaseException) -> dict[str, Any]:
    """message, code, file and line of any error, for text and JSON reports."""
    if isinstance(error, ScriptError):
        return {
            "message": error.message,
            "code": error.code,
            "file": error.file,
            "line": error.line,
        }
    if isinstance(error, LLMSpellError):
        return {
            "message": error.message,
            "code": error.code,
            "file": error.details.get("spell_file"),
            "line": error.details.get("spell_line"),
        }
    if isinstance(error, KeyboardInterrupt):
        return {"message": "interrupted", "code": "CANCELLED", "file": None, "line": None}
    return {
        "message": f"internal error: {type(error).__name__}: {error}",
        "code": "INTERNAL_ERROR",
        "file": None,
        "line": None,
    }


def error_line(error: BaseException, *, default_file: str | None = None) -> str:
    """``spell.lua:12: Tool.execute: unknown tool ...`` (or ``llmspell: ...`` with no file)."""
    fields = error_fields(error)
    file = fields["file"] or default_file
    if file and fields["line"] is not None:
        return f"{file}:{fields['line']}: {fields['message']}"
    if file:
        return f"{file}: {fields['message']}"
    return f"llmspell: {fields['message']}"


def print_error(error: BaseException, *, debug: bool, default_file: str | None = None) -> None:
    if debug:
        import traceback  # --debug only

        traceback.print_exception(error, file=sys.stderr)
        script_trace = getattr(error, "traceback", None)
        if isinstance(script_trace, str) and script_trace:
            print(script_trace, file=sys.stderr)
    print(error_line(error, default_file=default_file), file=sys.stderr, flush=True)


def _tolerant(value: object) -> str:
    type_name = getattr(value, "type_name", None)
    return f"<{type_name or type(value).__name__}>"


def render_result(value: Any) -> str:
    """The spell's result for ``--output text``: strings as they are, the rest as JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(_plain(value), ensure_ascii=False, default=_tolerant, sort_keys=True)


def _plain(value: Any) -> Any:
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None
        return int(value) if value.is_integer() and abs(value) < 2.0**63 else value
    if isinstance(value, dict):
        items: dict[Any, Any] = value  # pyright: ignore[reportUnknownVariableType]
        return {str(k): _plain(v) for k, v in items.items()}
    if isinstance(value, list | tuple):
        elements: list[Any] = list(value)  # pyright: ignore[reportUnknownArgumentType]
        return [_plain(v) for v in elements]
    return value


def json_report(result: Any = None, error: BaseException | None = None) -> str:
    """The single JSON document ``--output json`` writes to stdout."""
    if error is None:
        return json.dumps({"success": True, "result": _plain(result)}, ensure_ascii=False, sort_keys=True,
                          default=_tolerant)  # fmt: skip
    return json.dumps({"success": False, "error": error_fields(error)}, ensure_ascii=False)
