"""The state of one ``execute`` / ``stream`` call: what it asks with and what it did so far.

Kept apart from the agent so a failure half-way still reports the usage, requests and tool
runs made until then (metrics, output metadata).
"""

from __future__ import annotations

import time
from typing import Any, Literal

from llmspell_agents.tool_calls import ToolRun
from llmspell_core.agent_io import AgentInput, AgentOutput
from llmspell_core.messages import Message
from llmspell_core.tool import Tool
from llmspell_core.tool_types import ToolSpec
from llmspell_core.usage import Usage

__all__ = ["ToolChoice", "Turn"]

ToolChoice = Literal["auto", "none", "required"]

#: Shared starting value; usages are replaced, never mutated.
_NO_USAGE = Usage()
_NO_TOOLS: dict[str, Tool] = {}


class Turn:
    """One call's conversation so far and its running totals.

    One is made per call, on the hot path: values that start the same for every call are
    class attributes (rebound per instance when they change), so ``__init__`` stays short.
    """

    #: Filled in by the agent before the first request.
    user: Message | None = None
    schema: dict[str, Any] | None = None
    tools: dict[str, Tool] = _NO_TOOLS
    temperature: float | None = None
    max_tokens: int | None = None
    tool_choice: ToolChoice | None = None
    #: False when the call's parameters override temperature or max_tokens: the request
    #: then validates them (an int temperature becomes a float, a fraction of a token fails).
    parameters_checked: bool = True
    #: Running totals.
    usage: Usage = _NO_USAGE
    provider_requests: int = 0
    tool_invocations: int = 0
    limited: bool = False
    repaired: bool = False
    finish_reason: str | None = None
    output: AgentOutput | None = None
    #: Until the call is known to have succeeded.
    failed: bool = True
    #: Set by :meth:`stop`.
    duration_ms: float | None = None

    def __init__(self, input: AgentInput) -> None:
        self.started = time.perf_counter()
        self.input = input
        self.messages: list[Message] = []
        self.offered: list[Tool] = []
        self.tool_specs: list[ToolSpec] = []
        self.tool_runs: list[ToolRun] = []

    def elapsed_ms(self) -> float:
        return (time.perf_counter() - self.started) * 1000

    def stop(self) -> float:
        """The call's duration in milliseconds, to the microsecond, kept as its latency.

        Cut to whole microseconds in arithmetic: ``round(ms, 3)`` formats the float as
        decimal digits, which costs more than the rest of this put together.
        """
        self.duration_ms = duration = int((time.perf_counter() - self.started) * 1e6) / 1000
        return duration

    def latency_ms(self) -> float:
        """The duration :meth:`stop` kept, or the time so far for a call that did not get
        there (it failed or was cancelled)."""
        if self.duration_ms is None:
            return self.elapsed_ms()
        return self.duration_ms

    def answered(self, usage: Usage | None) -> None:
        """Count one model round trip and its tokens."""
        self.provider_requests += 1
        if usage is None:
            return
        self.usage = usage if self.usage is _NO_USAGE else self.usage + usage
