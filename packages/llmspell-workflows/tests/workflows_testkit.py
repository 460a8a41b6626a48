"""Real (small) tools and agents for workflow tests, and a catalog that holds only them.

The tools implement core ``Tool`` and do real work (string ops, arithmetic, sleeping with
cancellation bookkeeping); the agent runs core's scripted ``FunctionProvider`` /
``EchoProvider`` through the provider interface, as an LLM agent would.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

from llmspell_core.agent import BaseAgent
from llmspell_core.agent_io import AgentChunk, AgentInput, AgentOutput, ErrorInfo
from llmspell_core.catalog import Catalog
from llmspell_core.context import ExecutionContext
from llmspell_core.errors import ProviderUnavailableError, ToolError
from llmspell_core.messages import Message
from llmspell_core.metadata import ComponentMetadata
from llmspell_core.provider import CompletionRequest, Provider
from llmspell_core.testing import EchoProvider, FunctionProvider, ScriptedTurn
from llmspell_core.tool import Tool
from llmspell_core.tool_types import ToolOutput, ToolSpec

__all__ = ["Backlog", "FakeScriptFunction", "Kit", "ProviderAgent", "make_kit", "upper_step"]


class _SimpleTool(Tool):
    tool_name = "wf-base"

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    @property
    def spec(self) -> ToolSpec:
        return ToolSpec(name=self.tool_name, description=f"test tool {self.tool_name}")

    async def execute(self, params: dict[str, Any], ctx: ExecutionContext) -> ToolOutput:
        self.calls.append(params)
        return await self.run(params, ctx)

    async def run(self, params: dict[str, Any], ctx: ExecutionContext) -> ToolOutput:
        raise NotImplementedError


class UpperTool(_SimpleTool):
    tool_name = "wf-upper"

    async def run(self, params: dict[str, Any], ctx: ExecutionContext) -> ToolOutput:
        text = str(params.get("text", params.get("input", "")))
        return ToolOutput(text=text.upper(), result={"text": text.upper(), "length": len(text)})


class AddTool(_SimpleTool):
    tool_name = "wf-add"

    async def run(self, params: dict[str, Any], ctx: ExecutionContext) -> ToolOutput:
        total = params["a"] + params["b"]
        return ToolOutput(text=str(total), result={"sum": total})


class NoopTool(_SimpleTool):
    """Does nothing and keeps no record (for measuring orchestration overhead)."""

    tool_name = "wf-noop"

    async def execute(self, params: dict[str, Any], ctx: ExecutionContext) -> ToolOutput:
        return ToolOutput(text="ok")


class SleepTool(_SimpleTool):
    """Sleeps ``seconds``; counts how many calls overlap and which were cancelled."""

    tool_name = "wf-sleep"

    def __init__(self) -> None:
        super().__init__()
        self.in_flight = 0
        self.max_in_flight = 0
        self.cancelled = 0
        self.finished: list[str] = []

    async def run(self, params: dict[str, Any], ctx: ExecutionContext) -> ToolOutput:
        label = str(params.get("label", ""))
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await asyncio.sleep(float(params.get("seconds", 0.05)))
        except asyncio.CancelledError:
            self.cancelled += 1
            raise
        finally:
            self.in_flight -= 1
        if params.get("fail"):
            raise ToolError(f"sleeper '{label}' was told to fail")
        self.finished.append(label)
        return ToolOutput(text=label, result={"label": label})


class FlakyTool(_SimpleTool):
    """Fails ``failures`` times with a transient error, then succeeds."""

    tool_name = "wf-flaky"

    def __init__(self) -> None:
        super().__init__()
        self.failures = 2

    async def run(self, params: dict[str, Any], ctx: ExecutionContext) -> ToolOutput:
        if len(self.calls) <= self.failures:
            raise ProviderUnavailableError(f"flaky failure #{len(self.calls)}")
        return ToolOutput(text="recovered", result={"attempt": len(self.calls)})


class FailTool(_SimpleTool):
    tool_name = "wf-fail"

    async def run(self, params: dict[str, Any], ctx: ExecutionContext) -> ToolOutput:
        raise ToolError(str(params.get("message", "boom")), code="WF_TEST_BOOM")


class SoftFailTool(_SimpleTool):
    tool_name = "wf-soft-fail"

    async def run(self, params: dict[str, Any], ctx: ExecutionContext) -> ToolOutput:
        return ToolOutput(
            success=False,
            text="could not do it",
            error=ErrorInfo(message="soft failure", code="WF_SOFT"),
        )


class ProviderAgent(BaseAgent):
    """A minimal LLM agent: one user message to a provider, the reply back."""

    supports_streaming = True

    def __init__(
        self, name: str, provider: Provider, *, model: str = "scripted", latency: float = 0.0
    ) -> None:
        self._metadata = ComponentMetadata(name=name)
        self.provider = provider
        self.model = model
        self.latency = latency
        self.prompts: list[str] = []

    @property
    def metadata(self) -> ComponentMetadata:
        return self._metadata

    def _request(self, input: AgentInput) -> CompletionRequest:
        self.prompts.append(input.text)
        return CompletionRequest(model=self.model, messages=[Message.user(input.text)])

    async def execute(self, input: AgentInput, ctx: ExecutionContext) -> AgentOutput:
        if self.latency:
            await asyncio.sleep(self.latency)
        response = await self.provider.complete(self._request(input), ctx)
        return AgentOutput(
            text=response.message.content,
            usage=response.usage,
            metadata={"provider": self.provider.name, "model": response.model},
        )

    def stream(self, input: AgentInput, ctx: ExecutionContext) -> AsyncIterator[AgentChunk]:
        return self._stream(input, ctx)

    async def _stream(self, input: AgentInput, ctx: ExecutionContext) -> AsyncIterator[AgentChunk]:
        response = await self.provider.complete(self._request(input), ctx)
        words = response.message.content.split(" ")
        for index, word in enumerate(words):
            last = index == len(words) - 1
            yield AgentChunk(text=word if last else word + " ", index=index, done=last)


class FakeScriptFunction:
    """Stands in for the bridge's ScriptFunction (awaited from the runtime loop)."""

    def __init__(self, fn: Callable[..., Any]) -> None:
        self.fn = fn
        self.calls: list[tuple[Any, ...]] = []

    async def call(self, *args: Any) -> Any:
        self.calls.append(args)
        return self.fn(*args)

    def call_sync(self, *args: Any) -> Any:
        raise AssertionError("workflows call script functions from the runtime loop")


class KitCatalog(Catalog):
    """The real catalog, with its tool table limited to the tools a test registers."""

    def __init__(self) -> None:
        super().__init__()
        self.test_tools: dict[str, Tool] = {}

    def _tool_map(self) -> dict[str, Tool]:
        return self.test_tools


@dataclass
class Kit:
    catalog: KitCatalog
    ctx: ExecutionContext
    upper: UpperTool = field(default_factory=UpperTool)
    add: AddTool = field(default_factory=AddTool)
    sleep: SleepTool = field(default_factory=SleepTool)
    flaky: FlakyTool = field(default_factory=FlakyTool)
    fail: FailTool = field(default_factory=FailTool)
    soft_fail: SoftFailTool = field(default_factory=SoftFailTool)
    noop: NoopTool = field(default_factory=NoopTool)

    def agent(
        self,
        name: str,
        reply: Callable[[CompletionRequest], str] | list[str] | None = None,
        *,
        latency: float = 0.0,
    ) -> ProviderAgent:
        """Register an agent answering with ``reply`` (a function, scripted turns, or echo)."""
        provider: Provider
        if reply is None:
            provider = EchoProvider()
        elif callable(reply):
            fn = reply
            provider = FunctionProvider(lambda request: ScriptedTurn(text=fn(request)))
        else:
            provider = FunctionProvider(reply)
        agent = ProviderAgent(name, provider, latency=latency)
        self.catalog.register_agent(name, agent)
        return agent

    def context(self, timeout: float | None = None) -> ExecutionContext:
        return ExecutionContext.with_timeout(
            timeout, services=self.catalog, state=self.catalog.state
        )


def make_kit() -> Kit:
    catalog = KitCatalog()
    kit = Kit(catalog=catalog, ctx=ExecutionContext(services=catalog, state=catalog.state))
    for tool in (kit.upper, kit.add, kit.sleep, kit.flaky, kit.fail, kit.soft_fail, kit.noop):
        catalog.register_tool(tool)
    return kit


def upper_step(name: str, text: str | None = None, **extra: Any) -> dict[str, Any]:
    """A ``wf-upper`` tool step shouting ``text`` (which may hold ``{{...}}`` references)."""
    step: dict[str, Any] = {"name": name, "tool": "wf-upper", **extra}
    if text is not None:
        step["input"] = {"text": text}
    return step


class Backlog:
    """A slow last stage that measures how far the producer got ahead of it.

    ``produced`` reads the producer's count; a pipeline with working backpressure keeps
    ``widest`` near the total size of its queues, whatever the number of items.
    """

    def __init__(self, produced: Callable[[], int], delay: float = 0.001) -> None:
        self.produced = produced
        self.delay = delay
        self.consumed = 0
        self.widest = 0

    async def consume(self, item: Any) -> Any:
        await asyncio.sleep(self.delay)
        self.consumed += 1
        self.widest = max(self.widest, self.produced() - self.consumed)
        return item
