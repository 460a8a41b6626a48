"""The ``llm`` agent kind: a model with a system prompt, memory, tools and optional schema.

One loop serves both ``execute`` and ``stream``: ask the model; if it calls tools, run them
concurrently (bounded by ``max_tool_calls``), hand back the results and ask again; stop at a
final answer. With a ``response_format`` the answer is validated against the JSON Schema and,
if it does not fit, the model gets one repair request naming the problem.

Providers are reached only through ``Services.resolve_model`` and tools through
``Services.get_tool``, so any installed provider or tool pack works here unchanged.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Literal

from llmspell_agents.history import ConversationHistory
from llmspell_agents.metrics import AgentMetrics
from llmspell_agents.structured import check_response_schema, decode_reply, repair_prompt
from llmspell_agents.tool_calls import ToolRun, run_tool_calls, skipped
from llmspell_core.agent import AgentConfig, BaseAgent
from llmspell_core.agent_io import AgentChunk, AgentInput, AgentOutput, ErrorInfo
from llmspell_core.context import ExecutionContext
from llmspell_core.errors import (
    NotFoundError,
    ResourceLimitError,
    TimeoutError,
    ValidationError,
)
from llmspell_core.messages import Message, ToolCall
from llmspell_core.metadata import ComponentMetadata
from llmspell_core.provider import CompletionRequest
from llmspell_core.services import Services
from llmspell_core.tool import Tool
from llmspell_core.usage import Usage

__all__ = ["DEPTH_KEY", "LLMAgent"]

#: ``ExecutionContext.extras`` key counting agents calling agents (through agent tools).
DEPTH_KEY = "agent_depth"

AgentState = Literal["Ready", "Running", "Failed"]
#: Shared starting value; usages are replaced, never mutated.
_NO_USAGE = Usage()


@dataclass
class _Turn:
    """What one execute/stream call did, kept even when it fails half-way."""

    usage: Usage = field(default_factory=lambda: _NO_USAGE)
    provider_requests: int = 0
    tool_invocations: int = 0
    tool_runs: list[ToolRun] = field(default_factory=list[ToolRun])
    limited: bool = False
    repaired: bool = False
    finish_reason: str | None = None
    output: AgentOutput | None = None

    def add_usage(self, usage: Usage | None) -> None:
        if usage is None:
            return
        if self.usage.input_tokens or self.usage.output_tokens:
            self.usage = self.usage + usage
        else:
            self.usage = usage


def _number(value: Any, name: str) -> Any:
    if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
        return value
    raise ValidationError(
        f"{name} must be a number, got {type(value).__name__}", details={"field": name}
    )


class LLMAgent(BaseAgent):
    supports_streaming = True
    supports_multimodal = True

    def __init__(self, config: AgentConfig, services: Services) -> None:
        self.config = config
        self._services = services
        where = f"agent '{config.name}'" if config.name else "agent"
        resolved = services.resolve_model(
            config.model,
            provider=config.provider,
            base_url=config.base_url,
            api_key=config.api_key,
        )
        self.provider = resolved.provider
        self.model = resolved.model
        self.response_format = (
            check_response_schema(config.response_format, where)
            if config.response_format is not None
            else None
        )
        self.tool_names: list[str] = list(dict.fromkeys(config.allowed_tools))
        for name in self.tool_names:
            try:
                services.get_tool(name)
            except NotFoundError as exc:
                raise NotFoundError(
                    f"{where}: allowed tool {exc.message}; register script tools before "
                    f"building the agent",
                    details=exc.details,
                ) from exc
        if self.tool_names and not self.provider.capabilities(self.model).supports_tools:
            raise ValidationError(
                f"{where}: model '{self.model}' of provider '{self.provider.name}' cannot call "
                f"tools; choose a model that supports tools or remove allowed_tools",
                details={"field": "allowed_tools"},
            )
        self._metadata = ComponentMetadata(
            name=config.name or f"llm-agent-{uuid.uuid4().hex[:8]}",
            description=config.description,
        )
        self._label = f"agent '{self._metadata.name}'"
        self.history = ConversationHistory(config.max_conversation_length)
        self.metrics = AgentMetrics()
        self._running = 0
        self._failed_last = False

    # -- introspection (spell-api §2) -------------------------------------------------------------
    @property
    def metadata(self) -> ComponentMetadata:
        return self._metadata

    @property
    def name(self) -> str:
        return self._metadata.name

    def get_config(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.config.description,
            "type": self.config.type,
            "provider": self.provider.name,
            "model": self.model,
            "system_prompt": self.config.system_prompt,
            "temperature": self.config.temperature,
            "max_tokens": self.config.max_tokens,
            "max_conversation_length": self.config.max_conversation_length,
            "max_tool_calls": self.config.max_tool_calls,
            "allowed_tools": list(self.tool_names),
            "response_format": self.response_format,
        }

    def get_metrics(self) -> dict[str, int | float]:
        return self.metrics.to_dict()

    def get_history(self) -> list[dict[str, str]]:
        return self.history.to_script()

    def clear_history(self) -> None:
        self.history.clear()

    def get_state(self) -> AgentState:
        if self._running:
            return "Running"
        return "Failed" if self._failed_last else "Ready"

    # -- running ------------------------------------------------------------------------------------
    def _context(self, ctx: ExecutionContext) -> ExecutionContext:
        depth = int(ctx.extras.get(DEPTH_KEY, 0) or 0)
        if depth > self.config.max_recursion_depth:
            raise ResourceLimitError(
                f"agent '{self.name}' was called {depth} levels deep through agent tools; "
                f"max_recursion_depth is {self.config.max_recursion_depth}",
                details={"field": "max_recursion_depth"},
            )
        limit = self.config.max_execution_time
        if limit is None:
            return ctx
        deadline = time.monotonic() + limit
        if ctx.deadline is not None and ctx.deadline <= deadline:
            return ctx
        return ctx.child(deadline=deadline)

    def _tools(self) -> dict[str, Tool]:
        return {name: self._services.get_tool(name) for name in self.tool_names}

    def _schema(self, input: AgentInput) -> dict[str, Any] | None:
        if input.response_format is not None:
            return check_response_schema(input.response_format, f"agent '{self.name}'")
        return self.response_format

    def _user_message(self, input: AgentInput) -> Message:
        if input.media and not self.provider.capabilities(self.model).supports_multimodal:
            raise ValidationError(
                f"agent '{self.name}': model '{self.model}' of provider '{self.provider.name}' "
                f"does not accept images or other media; choose a vision model",
                details={"field": "media"},
            )
        return Message.user(input.text, input.media)

    def _request(
        self,
        input: AgentInput,
        messages: list[Message],
        tools: list[Tool],
        schema: dict[str, Any] | None,
        tool_choice: Literal["auto", "none", "required"] | None,
    ) -> CompletionRequest:
        params = input.parameters
        return CompletionRequest(
            model=self.model,
            messages=messages,
            tools=[tool.spec for tool in tools],
            temperature=_number(params.get("temperature", self.config.temperature), "temperature"),
            max_tokens=_number(params.get("max_tokens", self.config.max_tokens), "max_tokens"),
            response_format=schema,
            tool_choice=tool_choice,
        )

    async def _run(
        self, input: AgentInput, ctx: ExecutionContext, turn: _Turn, *, streaming: bool
    ) -> AsyncIterator[AgentChunk]:
        """The model/tool loop; yields chunks only when ``streaming``."""
        ctx.check(self._label)
        schema = self._schema(input)
        user = self._user_message(input)
        budget = self.config.max_tool_calls
        tools = self._tools() if budget > 0 and self.tool_names else {}
        offered = list(tools.values())
        messages: list[Message] = []
        if self.config.system_prompt:
            messages.append(Message.system(self.config.system_prompt))
        messages.extend(self.history.snapshot())
        messages.append(user)
        tool_choice: Literal["auto", "none", "required"] | None = None
        index = 0
        while True:
            request = self._request(input, messages, offered, schema, tool_choice)
            if streaming:
                parts: list[str] = []
                calls: list[ToolCall] = []
                async for chunk in self.provider.stream(request, ctx):
                    if chunk.text:
                        parts.append(chunk.text)
                        yield AgentChunk(text=chunk.text, index=index)
                        index += 1
                    calls.extend(chunk.tool_calls)
                    if chunk.done:
                        turn.add_usage(chunk.usage)
                        turn.finish_reason = chunk.finish_reason
                reply = Message.assistant("".join(parts), calls)
            else:
                response = await self.provider.complete(request, ctx)
                turn.add_usage(response.usage)
                turn.finish_reason = response.finish_reason
                reply = response.message
            turn.provider_requests += 1
            self.metrics.count(provider_requests=1)
            if not reply.tool_calls or not offered:
                break
            if tool_choice == "none":  # the model ignored "no more tools": take its text
                reply = Message.assistant(reply.content)
                break
            remaining = max(0, budget - turn.tool_invocations)
            to_run, not_run = reply.tool_calls[:remaining], reply.tool_calls[remaining:]
            if streaming:
                for call in reply.tool_calls:
                    yield AgentChunk(
                        index=index,
                        event={
                            "type": "tool_call",
                            "id": call.id,
                            "name": call.name,
                            "arguments": call.arguments,
                        },
                    )
                    index += 1
            runs = await run_tool_calls(to_run, tools, ctx)
            runs.extend(
                skipped(call, f"not run: the agent's max_tool_calls ({budget}) was reached")
                for call in not_run
            )
            turn.tool_invocations += len(to_run)
            turn.tool_runs.extend(runs)
            self.metrics.count(tool_invocations=len(to_run))
            if streaming:
                for run in runs:
                    yield AgentChunk(index=index, event=run.event())
                    index += 1
            messages = [*messages, reply, *(run.message for run in runs)]
            if turn.tool_invocations >= budget:
                tool_choice = "none"
                turn.limited = True
            ctx.check(self._label)

        text = reply.content
        data: Any = None
        error: ErrorInfo | None = None
        if schema is not None:
            data, problem = decode_reply(text, schema)
            if problem is not None and not streaming:
                turn.repaired = True
                repair = [
                    *messages,
                    Message.assistant(text),
                    Message.user(repair_prompt(problem, schema)),
                ]
                response = await self.provider.complete(
                    self._request(input, repair, offered, schema, "none" if offered else None), ctx
                )
                turn.add_usage(response.usage)
                turn.provider_requests += 1
                self.metrics.count(provider_requests=1)
                text = response.message.content
                data, problem = decode_reply(text, schema)
            if problem is not None:
                after = " after one repair request" if turn.repaired else ""
                error = ErrorInfo(
                    message=f"the reply does not match the response_format schema{after}: {problem}",
                    code="STRUCTURED_OUTPUT_INVALID",
                )
        answer = reply if reply.content == text and not reply.tool_calls else None
        self.history.add_turn(user, answer or Message.assistant(text))
        turn.output = AgentOutput(
            success=error is None,
            text=text,
            data=data,
            tool_calls=[run.call for run in turn.tool_runs],
            usage=turn.usage,
            metadata=self._output_metadata(turn),
            error=error,
        )
        if streaming:
            final: dict[str, Any] | None = None
            if schema is not None:
                final = {"type": "final", "success": error is None, "data": data}
                if error is not None:
                    final["error"] = error.model_dump()
            yield AgentChunk(index=index, done=True, usage=turn.usage, event=final)

    def _output_metadata(self, turn: _Turn) -> dict[str, Any]:
        return {
            "agent": self.name,
            "provider": self.provider.name,
            "model": self.model,
            "input_tokens": turn.usage.input_tokens,
            "output_tokens": turn.usage.output_tokens,
            "provider_requests": turn.provider_requests,
            "tool_calls": turn.tool_invocations,
            "tool_calls_limited": turn.limited,
            "repaired": turn.repaired,
            "finish_reason": turn.finish_reason,
        }

    def _own_timeout(self, ctx: ExecutionContext, error: TimeoutError) -> TimeoutError:
        limit = self.config.max_execution_time
        if limit is not None and not ctx.expired():
            return TimeoutError(
                f"agent '{self.name}' exceeded its max_execution_time of {limit:g}s",
                details={"field": "max_execution_time"},
            )
        return error

    async def execute(self, input: AgentInput, ctx: ExecutionContext) -> AgentOutput:
        started = time.perf_counter()
        turn = _Turn()
        failed = True
        self.metrics.started()
        self._running += 1
        try:
            run_ctx = self._context(ctx)
            try:
                async for _ in self._run(input, run_ctx, turn, streaming=False):
                    pass
            except TimeoutError as exc:
                raise self._own_timeout(ctx, exc) from exc
            assert turn.output is not None
            elapsed = (time.perf_counter() - started) * 1000
            turn.output.metadata["duration_ms"] = round(elapsed, 3)
            failed = not turn.output.success
            return turn.output
        finally:
            self._running -= 1
            self._failed_last = failed
            self.metrics.finished(
                usage=turn.usage,
                latency_ms=(time.perf_counter() - started) * 1000,
                failed=failed,
            )

    async def stream(self, input: AgentInput, ctx: ExecutionContext) -> AsyncIterator[AgentChunk]:
        started = time.perf_counter()
        turn = _Turn()
        failed = True
        self.metrics.started()
        self._running += 1
        try:
            run_ctx = self._context(ctx)
            try:
                async for chunk in self._run(input, run_ctx, turn, streaming=True):
                    yield chunk
            except TimeoutError as exc:
                raise self._own_timeout(ctx, exc) from exc
            except GeneratorExit:  # the consumer stopped early: not a failure
                failed = False
                raise
            failed = turn.output is None or not turn.output.success
        finally:
            self._running -= 1
            self._failed_last = failed
            self.metrics.finished(
                usage=turn.usage,
                latency_ms=(time.perf_counter() - started) * 1000,
                failed=failed,
            )

    def as_tool(self, name: str | None = None, description: str | None = None) -> Tool:
        """This agent as a tool other agents (and scripts) can call."""
        from llmspell_agents.agent_tool import AgentTool

        return AgentTool(self, name=name, description=description)
