"""A pipeline: a source produces items, each later step transforms them one by one.

Stages are connected by bounded ``asyncio.Queue``s (``buffer_size``), so a slow stage or a
slow consumer of ``stream()`` makes the faster ones wait instead of piling items up in memory.

- Source: ``source`` (a step), ``source="input.<key>"`` (a list or async iterable in the
  input), or else the first step. An agent source yields its streamed text chunks; a function
  source yields the items of what it returns — a list, a Python (async) generator, or a script
  iterator (a Lua iterator function or ``coroutine.wrap``, a JS closure; called until it
  returns nil) — and a ``generator=`` step yields what its body yields (a Lua coroutine body,
  a JS ``function*``); a tool source yields the items of a list result; a workflow source
  yields its ``chunk`` events. Lazy sources are pulled only as the queue has room.
- Stages: every other step, applied to each item. ``{{stream.item}}`` / ``{{stream.index}}``
  reference the current item; without ``input`` the item itself is the step's input. A
  function's return value is the next item (``nil``/None drops it; a generator or script
  iterator may emit several); an agent streams its reply's chunks downstream as they arrive
  (``chunks=false``: the whole reply as one item); a tool or workflow emits its result value.
  A step's ``timeout_ms`` bounds the work on one item, not the time spent waiting for room
  downstream; a streamed agent reply is retried only if no chunk of it has gone on yet.
- ``execute`` collects the final items into ``result.final`` (unless ``collect=false``);
  ``stream`` yields them as ``chunk`` events and never accumulates them.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any, cast

from pydantic import Field, field_validator, model_validator

from llmspell_core.agent import BaseAgent
from llmspell_core.agent_io import AgentInput
from llmspell_core.context import ExecutionContext
from llmspell_core.services import Services
from llmspell_utils import retry_async, to_jsonable, with_timeout
from llmspell_workflows.base import BaseWorkflow, WorkflowSpec, parse_spec
from llmspell_workflows.errors import StepFailedError, is_retryable, step_error
from llmspell_workflows.execution import Execution, Frame
from llmspell_workflows.interpolation import interpolate
from llmspell_workflows.items import iterate_items
from llmspell_workflows.kinds.pipes import Channel, StageStats, count_error, forward, raise_first
from llmspell_workflows.runner import (
    agent_input,
    invoke,
    own_timeout,
    resolve_agent,
    resolve_workflow,
    text_of,
    value_of,
)
from llmspell_workflows.spec import (
    AgentStep,
    FunctionStep,
    Step,
    StepList,
    ToolStep,
    WorkflowStep,
    normalise_step,
    parse_steps,
)

__all__ = ["StageStats", "StreamingSpec", "StreamingWorkflow"]

_END = object()


class StreamingSpec(WorkflowSpec):
    steps: StepList
    #: A step producing the items; None = the first step (or ``source_input``).
    source_step: Step | None = None
    #: ``"input.<key>"``: iterate that input value instead of running a source step.
    source_input: str | None = None
    buffer_size: int = Field(default=16, ge=1)
    collect: bool = True
    text_separator: str = ""

    @model_validator(mode="before")
    @classmethod
    def _source(cls, data: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        mapping = dict(cast("Mapping[str, Any]", data))
        source = mapping.pop("source", None)
        if isinstance(source, str):
            mapping["source_input"] = source
        elif source is not None:
            mapping["source_step"] = normalise_step(source)
        return mapping

    @field_validator("steps", mode="before")
    @classmethod
    def _steps(cls, value: Any) -> Any:
        return parse_steps(value)

    @field_validator("source_input")
    @classmethod
    def _input_key(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith("input."):
            raise ValueError(f"source must be a step or 'input.<key>', got {value!r}")
        return value


async def _agent_texts(
    agent: BaseAgent, request: AgentInput, ctx: ExecutionContext
) -> AsyncIterator[str]:
    """The text pieces of the agent's streamed reply (tool events and empty pieces left out)."""
    async for chunk in agent.stream(request, ctx):
        if chunk.text and chunk.event is None:
            yield chunk.text


class StreamingWorkflow(BaseWorkflow):
    kind_name = "streaming"
    extra_roots = frozenset({"stream"})

    def __init__(
        self, spec: Mapping[str, Any] | StreamingSpec, services: Services | None = None
    ) -> None:
        self.spec = parse_spec(StreamingSpec, spec, self.kind_name)
        super().__init__(self.spec, services)

    def _source_and_stages(self) -> tuple[Step | None, list[Step]]:
        spec = self.spec
        if spec.source_step is not None or spec.source_input is not None:
            return spec.source_step, list(spec.steps)
        return (spec.steps[0], list(spec.steps[1:])) if spec.steps else (None, [])

    def step_groups(self) -> list[tuple[str, list[Step]]]:
        source = self.spec.source_step
        return [("steps", [*([source] if source is not None else []), *self.spec.steps])]

    def _may_be_empty(self) -> bool:
        return self.spec.source_input is not None

    # -- the source ---------------------------------------------------------------------------
    async def _source_items(self, ex: Execution, source: Step | None) -> AsyncIterator[Any]:
        if source is None:
            key = cast("str", self.spec.source_input).removeprefix("input.")
            value = interpolate("{{input." + key + "}}", ex.variables(Frame()), step="source")
            async for item in iterate_items(value, lists=True):
                yield item
            return
        frame = Frame()
        value = (
            interpolate(source.input, ex.variables(frame), step=source.name)
            if source.input is not None
            else None
        )
        if isinstance(source, AgentStep) and source.chunks:
            agent = resolve_agent(ex, source)
            request = agent_input(
                source.name, value if value is not None else ex.input.get("text", "")
            )
            async for text in _agent_texts(agent, request, ex.ctx):
                yield text
        elif isinstance(source, FunctionStep):
            argument = value if value is not None else ex.input
            context = ex.context_table(frame, source.name)
            if source.fn.is_script:
                argument, context = to_jsonable(argument), to_jsonable(context)
            async for item in iterate_items(await source.fn(argument, context), lists=True):
                yield item
        elif isinstance(source, WorkflowStep):
            workflow = resolve_workflow(ex, source)
            nested = (
                dict(cast("Mapping[str, Any]", value))
                if isinstance(value, Mapping)
                else dict(ex.input)
            )
            chunks = 0
            async for event in workflow.stream(nested, ex.ctx):
                if event.type == "chunk":
                    chunks += 1
                    yield event.data
                elif event.type == "completed" and chunks == 0:
                    yield value_of(cast("Mapping[str, Any]", event.data))
        else:
            result = await invoke(ex, source, value, None, frame)
            if isinstance(source, AgentStep):  # chunks=false: the whole reply
                yield result.get("text", "")
                return
            async for item in iterate_items(value_of(result), lists=True):
                yield item

    async def _pump_source(self, ex: Execution, source: Step | None, out: Channel) -> None:
        name = source.name if source is not None else "source"
        ex.running.add(name)
        try:
            async for item in self._source_items(ex, source):
                await out.send(item)
        except Exception as error:
            if ex.ctx.cancellation.cancelled or ex.ctx.expired():
                raise
            count_error(out.stats, error)
            raise step_error(ex.workflow_name, name, error, what=f"source '{name}'") from error
        ex.running.discard(name)
        await out.queue.put(_END)

    # -- a stage ------------------------------------------------------------------------------
    @staticmethod
    def _stage_input(ex: Execution, step: Step, item: Any, index: int) -> tuple[Frame, Any]:
        frame = Frame(stream={"item": item, "index": index})
        value: Any = (
            interpolate(step.input, ex.variables(frame), step=step.name)
            if step.input is not None
            else item
        )
        return frame, value

    async def _apply(self, ex: Execution, step: Step, item: Any, index: int) -> Any:
        frame, value = self._stage_input(ex, step, item, index)
        if isinstance(step, ToolStep) and not isinstance(value, Mapping):
            value = {"input": value}
        if isinstance(step, WorkflowStep) and not isinstance(value, Mapping):
            value = {"item": value, "text": text_of(value)}
        if isinstance(step, FunctionStep):
            context: Any = ex.context_table(frame, step.name)
            argument = cast("object", value)
            if step.fn.is_script:
                argument, context = to_jsonable(argument), to_jsonable(context)
            return await step.fn(argument, context)
        result = await invoke(ex, step, value, None, frame)
        if not result.get("success", True):
            info: dict[str, Any] = result.get("error") or {}
            raise StepFailedError(str(info.get("message") or "returned success=false"))
        if isinstance(step, AgentStep):  # chunks=false: the whole reply is the item
            return result.get("text", "")
        return value_of(result)

    @staticmethod
    async def _with_retries(
        ex: Execution,
        step: Step,
        attempt: Callable[[], Awaitable[Any]],
        still_retryable: Callable[[], bool] = lambda: True,
    ) -> Any:
        retries = ex.policy.retries_for(step.retry_count)
        if retries == 0:
            return await attempt()
        backoff = (
            step.retry_backoff_ms
            if step.retry_backoff_ms is not None
            else ex.policy.retry_backoff_ms
        )
        return await retry_async(
            attempt,
            retry_on=lambda e: still_retryable() and is_retryable(e) and not ex.ctx.expired(),
            attempts=retries + 1,
            base_delay=backoff / 1000,
            max_delay=max(backoff / 1000, 5.0),
            retry_after=None,
        )

    async def _transform(
        self, ex: Execution, step: Step, item: Any, index: int, out: Channel
    ) -> None:
        """Apply ``step`` to one item and send what it produces on, as it is produced."""
        timeout = own_timeout(step)

        async def attempt() -> Any:
            return await with_timeout(
                self._apply(ex, step, item, index), timeout, f"step '{step.name}'"
            )

        produced = await self._with_retries(ex, step, attempt)
        async for output in iterate_items(produced, lists=False):
            await out.send(output)

    async def _stream_agent(
        self, ex: Execution, step: AgentStep, item: Any, index: int, out: Channel
    ) -> None:
        """Send the agent's reply to one item on chunk by chunk, while it is being written."""
        _, value = self._stage_input(ex, step, item, index)
        agent = resolve_agent(ex, step)
        request = agent_input(step.name, value)
        sent = 0

        async def send(text: Any) -> None:
            nonlocal sent
            sent += 1
            await out.send(text)

        async def attempt() -> None:
            texts = _agent_texts(agent, request, ex.ctx)
            await forward(texts, send, own_timeout(step), f"step '{step.name}'")

        # a reply is retried only while none of it has gone downstream
        await self._with_retries(ex, step, attempt, still_retryable=lambda: sent == 0)

    async def _pump_stage(self, ex: Execution, step: Step, inbox: Channel, out: Channel) -> None:
        stats = out.stats
        index = 0
        while True:
            item = await inbox.queue.get()
            if item is _END:
                break
            stats.items_in += 1
            ex.running.add(step.name)
            try:
                if isinstance(step, AgentStep) and step.chunks:
                    await self._stream_agent(ex, step, item, index, out)
                else:
                    await self._transform(ex, step, item, index, out)
            except Exception as error:
                if ex.ctx.cancellation.cancelled or ex.ctx.expired():
                    raise
                count_error(stats, error)
                if ex.policy.strategy != "continue":
                    raise step_error(
                        ex.workflow_name,
                        step.name,
                        error,
                        what=f"step '{step.name}' (item {index})",
                    ) from error
            ex.running.discard(step.name)
            index += 1
        await out.queue.put(_END)

    # -- the pipeline -------------------------------------------------------------------------
    async def _items(self, ex: Execution, stats: list[StageStats]) -> AsyncIterator[Any]:
        source, stages = self._source_and_stages()
        size = self.spec.buffer_size
        channels = [Channel(size, s) for s in stats]

        async def run_all() -> None:
            async with asyncio.TaskGroup() as group:
                group.create_task(self._pump_source(ex, source, channels[0]))
                for position, step in enumerate(stages):
                    group.create_task(
                        self._pump_stage(ex, step, channels[position], channels[position + 1])
                    )

        pipeline = asyncio.create_task(run_all())
        last = channels[-1].queue
        try:
            while True:
                if pipeline.done():
                    raise_first(pipeline)
                    item = last.get_nowait()  # finished cleanly: the rest is queued
                else:
                    getter = asyncio.ensure_future(last.get())
                    await asyncio.wait({getter, pipeline}, return_when=asyncio.FIRST_COMPLETED)
                    if not getter.done():
                        getter.cancel()  # an item never leaves the queue for a cancelled get
                        continue
                    item = getter.result()
                if item is _END:
                    break
                yield item
        finally:
            if not pipeline.done():
                pipeline.cancel()
            with contextlib.suppress(BaseException):
                await pipeline
        raise_first(pipeline)

    async def _run(self, ex: Execution) -> None:
        source, stages = self._source_and_stages()
        names = [source.name if source is not None else "source", *(s.name for s in stages)]
        stats = [StageStats(name) for name in names]
        collect = self.spec.collect and ex.sink is None
        items: list[Any] = []
        count = 0
        last_name = names[-1]
        try:
            async for item in self._items(ex, stats):
                count += 1
                if collect:
                    items.append(item)
                await ex.emit("chunk", last_name, item)
        finally:
            await self._record(ex, stats, source is not None)
        ex.final = items if collect else None
        ex.text = self.spec.text_separator.join(text_of(i) for i in items) if collect else ""
        ex.meta["items_out"] = count
        ex.meta["buffer_size"] = self.spec.buffer_size
        ex.meta["queue_high_water"] = {s.name: s.queue_high_water for s in stats}

    async def _record(self, ex: Execution, stats: list[StageStats], has_source_step: bool) -> None:
        for position, stage in enumerate(stats):
            if position == 0 and not has_source_step:
                continue
            result: dict[str, Any] = {
                "success": stage.errors == 0,
                "text": f"{stage.items_out} items",
                "result": {
                    "items_in": stage.items_in,
                    "items_out": stage.items_out,
                    "errors": stage.errors,
                    "queue_high_water": stage.queue_high_water,
                },
                "metadata": {
                    "stage": position,
                    "duration_ms": round((time.perf_counter() - stage.started) * 1000, 3),
                },
            }
            if stage.first_error is not None:
                result["error"] = stage.first_error
            await ex.record(
                stage.name, result, outcome="success" if stage.errors == 0 else "failed"
            )
