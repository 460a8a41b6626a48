"""The ``llm`` agent kind: a model with a system prompt, memory, tools and optional schema.

``execute`` and ``stream`` run the same steps: ask the model; if it calls tools, run them
concurrently (bounded by ``max_tool_calls``), hand back the results and ask again; stop at a
final answer. With a ``response_format`` the answer is validated against the JSON Schema and,
if it does not fit, the model gets one repair request naming the problem (a stream announces
it with a ``repair`` event, then streams the repaired text). ``execute`` is a plain coroutine
rather than a drained stream: it is the hot path, and it answers within a few percent of a raw
SDK call.

Providers are reached only through ``Services.resolve_model`` and tools through
``Services.get_tool``, so any installed provider or tool pack works here unchanged.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from typing import Any, Literal

from llmspell_agents.history import ConversationHistory
from llmspell_agents.metrics import AgentMetrics
from llmspell_agents.structured import check_response_schema, decode_reply, repair_prompt
from llmspell_agents.tool_calls import ToolRun, run_tool_calls, skipped
from llmspell_agents.turn import ToolChoice, Turn
from llmspell_core.agent import AgentConfig, BaseAgent
from llmspell_core.agent_io import AgentChunk, AgentInput, AgentOutput, ErrorInfo
from llmspell_core.context import ExecutionContext
from llmspell_core.errors import (
    NotFoundError,
    ResourceLimitError,
    TimeoutError,
    ValidationError,
)
from llmspell_core.messages import Message, Role, ToolCall
from llmspell_core.metadata import ComponentMetadata
from llmspell_core.provider import CompletionRequest
from llmspell_core.services import Services
from llmspell_core.tool import Tool
from llmspell_utils.trusted_models import trusted_builder

__all__ = ["DEPTH_KEY", "LLMAgent"]

#: ``ExecutionContext.extras`` key counting agents calling agents (through agent tools).
DEPTH_KEY = "agent_depth"

AgentState = Literal["Ready", "Running", "Failed"]

#: Read once: looking a member up on the enum class costs more than using it.
_USER = Role.USER

#: Builders for the models of every call, from values validated models already hold.
_message = trusted_builder(Message)
_request = trusted_builder(CompletionRequest)
_output = trusted_builder(AgentOutput)


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
        self._provider_name = self.provider.name
        prompt = config.system_prompt
        #: Built once: every request starts with the same system message.
        self._system = Message(role=Role.SYSTEM, content=prompt) if prompt else None
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
        """``ctx`` checked for agent recursion, bounded by ``max_execution_time``."""
        if not ctx.extras and self.config.max_execution_time is None:
            return ctx
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

    def _check_media(self) -> None:
        if not self.provider.capabilities(self.model).supports_multimodal:
            raise ValidationError(
                f"{self._label}: model '{self.model}' of provider '{self.provider.name}' "
                f"does not accept images or other media; choose a vision model",
                details={"field": "media"},
            )

    def _prepare(self, turn: Turn, ctx: ExecutionContext) -> None:
        """Check the call and set up its first request: schema, tools, messages."""
        ctx.check(self._label)
        input = turn.input
        if input.response_format is not None:
            turn.schema = check_response_schema(input.response_format, self._label)
        else:
            turn.schema = self.response_format
        media = input.media
        if media:
            self._check_media()
        user = turn.user = _message(
            {
                "role": _USER,
                "content": input.text,
                "media": list(media) if media else [],
                "tool_calls": [],
                "tool_call_id": None,
                "name": None,
            }
        )
        config = self.config
        params = input.parameters
        if params:
            temperature = params.get("temperature", config.temperature)
            turn.temperature = _number(temperature, "temperature")
            turn.max_tokens = _number(params.get("max_tokens", config.max_tokens), "max_tokens")
            turn.parameters_checked = False  # the request validates them
        else:
            turn.temperature, turn.max_tokens = config.temperature, config.max_tokens
        if self.tool_names and config.max_tool_calls > 0:
            turn.tools = self._tools()
            turn.offered = list(turn.tools.values())
            turn.tool_specs = [tool.spec for tool in turn.offered]
        turn.messages = self.history.around(self._system, user)

    def _request(
        self, turn: Turn, messages: list[Message], tool_choice: ToolChoice | None
    ) -> CompletionRequest:
        values = {
            "model": self.model,
            "messages": messages,
            "tools": turn.tool_specs,
            "temperature": turn.temperature,
            "max_tokens": turn.max_tokens,
            "response_format": turn.schema,
            "tool_choice": tool_choice,
        }
        if turn.parameters_checked:
            return _request(values)
        return CompletionRequest.model_validate(values)

    def _final_reply(self, turn: Turn, reply: Message) -> Message | None:
        """The reply that ends the turn, or None when its tool calls are to be run."""
        if not reply.tool_calls or not turn.offered:
            return reply
        if turn.tool_choice == "none":  # the model ignored "no more tools": take its text
            return Message.assistant(reply.content)
        return None

    def _split_calls(self, turn: Turn, reply: Message) -> tuple[list[ToolCall], list[ToolCall]]:
        """The calls within the ``max_tool_calls`` budget, and the ones beyond it."""
        remaining = max(0, self.config.max_tool_calls - turn.tool_invocations)
        return reply.tool_calls[:remaining], reply.tool_calls[remaining:]

    async def _run_tools(self, turn: Turn, reply: Message, ctx: ExecutionContext) -> list[ToolRun]:
        """Run the reply's tool calls and add them and their results to the conversation."""
        budget = self.config.max_tool_calls
        to_run, not_run = self._split_calls(turn, reply)
        runs = await run_tool_calls(to_run, turn.tools, ctx)
        runs.extend(
            skipped(call, f"not run: the agent's max_tool_calls ({budget}) was reached")
            for call in not_run
        )
        turn.tool_invocations += len(to_run)
        turn.tool_runs.extend(runs)
        turn.messages = [*turn.messages, reply, *(run.message for run in runs)]
        if turn.tool_invocations >= budget:
            turn.tool_choice = "none"
            turn.limited = True
        return runs

    def _repair_request(self, turn: Turn, text: str, problem: str) -> CompletionRequest:
        """The one request asking the model to fix a reply that does not fit the schema."""
        assert turn.schema is not None
        turn.repaired = True
        messages = [
            *turn.messages,
            Message.assistant(text),
            Message.user(repair_prompt(problem, turn.schema)),
        ]
        choice: ToolChoice | None = "none" if turn.offered else None
        return self._request(turn, messages, choice)

    async def _structured(
        self, turn: Turn, text: str, ctx: ExecutionContext, *, repair: bool
    ) -> tuple[str, Any, ErrorInfo | None]:
        """The reply decoded against the schema: ``(text, data, error)``, after one repair
        request naming the problem when ``repair`` is allowed."""
        schema = turn.schema
        assert schema is not None
        data, problem = decode_reply(text, schema)
        if problem is not None and repair:
            response = await self.provider.complete(self._repair_request(turn, text, problem), ctx)
            turn.answered(response.usage)
            text = response.message.content
            data, problem = decode_reply(text, schema)
        if problem is None:
            return text, data, None
        after = " after one repair request" if turn.repaired else ""
        return (
            text,
            data,
            ErrorInfo(
                message=f"the reply does not match the response_format schema{after}: {problem}",
                code="STRUCTURED_OUTPUT_INVALID",
            ),
        )

    def _output(
        self, turn: Turn, reply: Message, text: str, data: Any, error: ErrorInfo | None
    ) -> AgentOutput:
        """Remember the exchange and build the call's output."""
        assert turn.user is not None
        answer = reply if reply.content == text and not reply.tool_calls else None
        self.history.add_turn(turn.user, answer or Message.assistant(text))
        usage = turn.usage
        output = turn.output = _output(
            {
                "success": error is None,
                "text": text,
                "data": data,
                "tool_calls": [run.call for run in turn.tool_runs] if turn.tool_runs else [],
                "usage": usage,
                "metadata": {
                    "agent": self._metadata.name,
                    "provider": self._provider_name,
                    "model": self.model,
                    "input_tokens": usage.input_tokens,
                    "output_tokens": usage.output_tokens,
                    "provider_requests": turn.provider_requests,
                    "tool_calls": turn.tool_invocations,
                    "tool_calls_limited": turn.limited,
                    "repaired": turn.repaired,
                    "finish_reason": turn.finish_reason,
                },
                "error": error,
            }
        )
        return output

    async def _stream_answer(self, turn: Turn, ctx: ExecutionContext) -> AsyncIterator[AgentChunk]:
        """``stream``'s loop: text deltas and tool events as they happen."""
        self._prepare(turn, ctx)
        index = 0
        while True:
            parts: list[str] = []
            calls: list[ToolCall] = []
            request = self._request(turn, turn.messages, turn.tool_choice)
            async for chunk in self.provider.stream(request, ctx):
                if chunk.text:
                    parts.append(chunk.text)
                    yield AgentChunk(text=chunk.text, index=index)
                    index += 1
                calls.extend(chunk.tool_calls)
                if chunk.done:
                    turn.answered(chunk.usage)
                    turn.finish_reason = chunk.finish_reason
            asked = Message.assistant("".join(parts), calls)
            reply = self._final_reply(turn, asked)
            if reply is not None:
                break
            for call in asked.tool_calls:
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
            for run in await self._run_tools(turn, asked, ctx):
                yield AgentChunk(index=index, event=run.event())
                index += 1
            ctx.check(self._label)
        text, data, error = reply.content, None, None
        if turn.schema is not None:
            _, problem = decode_reply(text, turn.schema)
            if problem is not None:  # one repair, streamed too, announced by an event
                yield AgentChunk(index=index, event={"type": "repair", "problem": problem})
                index += 1
                parts = []
                async for chunk in self.provider.stream(
                    self._repair_request(turn, text, problem), ctx
                ):
                    if chunk.text:
                        parts.append(chunk.text)
                        yield AgentChunk(text=chunk.text, index=index)
                        index += 1
                    if chunk.done:
                        turn.answered(chunk.usage)
                text = "".join(parts)
            text, data, error = await self._structured(turn, text, ctx, repair=False)
        output = self._output(turn, reply, text, data, error)
        final: dict[str, Any] | None = None
        if turn.schema is not None:
            final = {"type": "final", "success": output.success, "data": output.data}
            if output.error is not None:
                final["error"] = output.error.model_dump()
        yield AgentChunk(index=index, done=True, usage=turn.usage, event=final)

    def _own_timeout(self, ctx: ExecutionContext, error: TimeoutError) -> TimeoutError:
        limit = self.config.max_execution_time
        if limit is not None and not ctx.expired():
            return TimeoutError(
                f"agent '{self.name}' exceeded its max_execution_time of {limit:g}s",
                details={"field": "max_execution_time"},
            )
        return error

    def _end(self, turn: Turn) -> None:
        self._running -= 1
        failed = self._failed_last = turn.failed
        self.metrics.record(
            turn.usage, turn.latency_ms(), failed, turn.provider_requests, turn.tool_invocations
        )

    async def execute(self, input: AgentInput, ctx: ExecutionContext) -> AgentOutput:
        """Whole answers from ``provider.complete``; the loop is written out here, on the hot
        path, rather than draining :meth:`stream`."""
        turn = Turn(input)
        self._running += 1
        try:
            run_ctx = self._context(ctx)
            try:
                self._prepare(turn, run_ctx)
                while True:
                    request = self._request(turn, turn.messages, turn.tool_choice)
                    response = await self.provider.complete(request, run_ctx)
                    turn.answered(response.usage)
                    turn.finish_reason = response.finish_reason
                    message = response.message
                    reply = self._final_reply(turn, message) if message.tool_calls else message
                    if reply is not None:
                        break
                    await self._run_tools(turn, message, run_ctx)
                    run_ctx.check(self._label)
                text, data, error = reply.content, None, None
                if turn.schema is not None:
                    text, data, error = await self._structured(turn, text, run_ctx, repair=True)
            except TimeoutError as exc:
                raise self._own_timeout(ctx, exc) from exc
            output = self._output(turn, reply, text, data, error)
            output.metadata["duration_ms"] = turn.stop()
            turn.failed = not output.success
            return output
        finally:
            self._end(turn)

    async def stream(self, input: AgentInput, ctx: ExecutionContext) -> AsyncIterator[AgentChunk]:
        turn = Turn(input)
        self._running += 1
        try:
            run_ctx = self._context(ctx)
            try:
                async for chunk in self._stream_answer(turn, run_ctx):
                    yield chunk
            except TimeoutError as exc:
                raise self._own_timeout(ctx, exc) from exc
            except GeneratorExit:  # the consumer stopped early: not a failure
                turn.failed = False
                raise
            turn.failed = turn.output is None or not turn.output.success
        finally:
            self._end(turn)

    def as_tool(self, name: str | None = None, description: str | None = None) -> Tool:
        """This agent as a tool other agents (and scripts) can call."""
        from llmspell_agents.agent_tool import AgentTool

        return AgentTool(self, name=name, description=description)
