"""Run the tool calls of one model turn, concurrently, and phrase the results for the model.

A failing tool does not fail the agent: its error goes back to the model as the tool result
(so it can correct its arguments or answer without it). Only the spell's own deadline and
cancellation stop the turn.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from llmspell_core.context import ExecutionContext
from llmspell_core.errors import CancelledError, LLMSpellError, TimeoutError
from llmspell_core.messages import Message, ToolCall
from llmspell_core.tool import Tool
from llmspell_core.tool_types import ToolOutput
from llmspell_utils import concurrent_map, with_timeout

__all__ = ["MAX_RESULT_CHARS", "ToolRun", "run_tool_calls", "skipped"]

#: Longest tool result handed back to the model; longer ones are cut with a note.
MAX_RESULT_CHARS = 50_000


@dataclass
class ToolRun:
    call: ToolCall
    success: bool
    #: The tool message content the model receives.
    content: str
    output: ToolOutput | None = None
    error: LLMSpellError | None = None
    duration_ms: float = 0.0

    @property
    def message(self) -> Message:
        return Message.tool(self.call.id, self.call.name, self.content)

    def event(self) -> dict[str, Any]:
        """The ``tool_result`` stream event."""
        text = self.output.text if self.output is not None else self.content
        return {
            "type": "tool_result",
            "id": self.call.id,
            "name": self.call.name,
            "success": self.success,
            "text": text,
            "duration_ms": round(self.duration_ms, 3),
        }


def _content(payload: dict[str, Any]) -> str:
    text = json.dumps(payload, default=str, ensure_ascii=False)
    if len(text) > MAX_RESULT_CHARS:
        text = text[:MAX_RESULT_CHARS] + f"... [cut: {len(text)} characters in all]"
    return text


def _failure(
    call: ToolCall, message: str, code: str, error: LLMSpellError | None = None
) -> ToolRun:
    return ToolRun(
        call=call,
        success=False,
        content=_content({"success": False, "error": message, "code": code}),
        error=error,
    )


def skipped(call: ToolCall, reason: str) -> ToolRun:
    """A call that was not run (tool budget spent, unknown tool)."""
    return _failure(call, reason, "NOT_RUN")


async def _run_one(call: ToolCall, tools: Mapping[str, Tool], ctx: ExecutionContext) -> ToolRun:
    tool = tools.get(call.name)
    if tool is None:
        available = ", ".join(sorted(tools)) or "none"
        return skipped(call, f"no tool named '{call.name}' is available (available: {available})")
    if "_raw" in call.arguments and len(call.arguments) == 1:
        return _failure(
            call,
            f"the arguments were not a JSON object: {str(call.arguments['_raw'])[:200]}",
            "VALIDATION_ERROR",
        )
    started = time.perf_counter()
    try:
        output = await with_timeout(
            tool.execute(dict(call.arguments), ctx),
            ctx.timeout_for(tool.timeout_seconds),
            f"tool '{call.name}'",
        )
    except (CancelledError, asyncio.CancelledError):
        raise
    except TimeoutError as exc:
        if ctx.expired():
            raise
        run = _failure(call, exc.message, exc.code, exc)
    except LLMSpellError as exc:
        run = _failure(call, exc.message, exc.code, exc)
    except Exception as exc:  # a bug in the tool: report it to the model, keep the agent alive
        error = LLMSpellError(f"tool '{call.name}' crashed: {type(exc).__name__}: {exc}")
        run = _failure(call, error.message, "TOOL_CRASHED", error)
    else:
        payload: dict[str, Any] = {"success": output.success, "text": output.text}
        if output.result is not None:
            payload["result"] = output.result
        if output.error is not None:
            payload["error"] = output.error.model_dump()
        run = ToolRun(call=call, success=output.success, content=_content(payload), output=output)
    run.duration_ms = (time.perf_counter() - started) * 1000
    return run


async def run_tool_calls(
    calls: list[ToolCall], tools: Mapping[str, Tool], ctx: ExecutionContext
) -> list[ToolRun]:
    """Run the calls concurrently (up to ``[runtime] max_concurrent_calls``); results in call
    order. A deadline or cancellation stops the others too."""
    if len(calls) == 1:
        return [await _run_one(calls[0], tools, ctx)]
    return await concurrent_map(
        lambda call: _run_one(call, tools, ctx),
        calls,
        limit=ctx.config.runtime.max_concurrent_calls,
    )
