"""What the Workflow-global tests share: small real tools and agents, a catalog holding only
them, and a spell runtime over that catalog.

Workflow kinds come from the ``llmspell.workflows`` entry points (llmspell-workflows), which the
bridge does not depend on: ``needs_workflows`` skips a test module where none is installed.
"""

from __future__ import annotations

import asyncio
import importlib.util
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest

from llmspell_bridge import ScriptRuntime
from llmspell_core.agent import BaseAgent
from llmspell_core.agent_io import AgentChunk, AgentInput, AgentOutput
from llmspell_core.catalog import Catalog
from llmspell_core.context import ExecutionContext
from llmspell_core.errors import ToolError
from llmspell_core.metadata import ComponentMetadata
from llmspell_core.registry import registry
from llmspell_core.tool import Tool
from llmspell_core.tool_types import ToolOutput, ToolSpec

__all__ = [
    "ENGINES",
    "FakeScriptFunction",
    "Nap",
    "Shout",
    "SpellCatalog",
    "Summariser",
    "needs_engine",
    "needs_workflows",
    "spell_fixtures",
    "spell_runtime",
]

#: Engine name → the module it needs and the spell file suffix.
ENGINES = {"lua": ("lupa", ".lua"), "javascript": ("quickjs", ".js")}

needs_workflows = pytest.mark.skipif(
    not registry.has("llmspell.workflows", "sequential"),
    reason="needs an installed workflow kind (llmspell-workflows)",
)


def needs_engine(engine: str) -> pytest.MarkDecorator:
    module = ENGINES[engine][0]
    return pytest.mark.skipif(importlib.util.find_spec(module) is None, reason=f"needs {module}")


class Shout(Tool):
    """Upper-cases ``text``."""

    @property
    def spec(self) -> ToolSpec:
        return ToolSpec(name="shout", description="upper-cases text")

    async def execute(self, params: dict[str, Any], ctx: ExecutionContext) -> ToolOutput:
        text = str(params.get("text", ""))
        return ToolOutput(text=text.upper(), result={"text": text.upper(), "length": len(text)})


class Nap(Tool):
    """Sleeps ``seconds``; counts overlapping calls."""

    def __init__(self) -> None:
        self.in_flight = 0
        self.max_in_flight = 0

    @property
    def spec(self) -> ToolSpec:
        return ToolSpec(name="nap", description="sleeps")

    async def execute(self, params: dict[str, Any], ctx: ExecutionContext) -> ToolOutput:
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await asyncio.sleep(float(params.get("seconds", 0.1)))
        finally:
            self.in_flight -= 1
        if params.get("fail"):
            raise ToolError(f"nap '{params.get('label')}' failed")
        return ToolOutput(text=str(params.get("label", "")), result=params.get("label"))


class Summariser(BaseAgent):
    """A deterministic agent: ``[summary] <text>``, streamed word by word."""

    supports_streaming = True

    def __init__(self) -> None:
        self._metadata = ComponentMetadata(name="summariser")

    @property
    def metadata(self) -> ComponentMetadata:
        return self._metadata

    async def execute(self, input: AgentInput, ctx: ExecutionContext) -> AgentOutput:
        return AgentOutput(text=f"[summary] {input.text}")

    def stream(self, input: AgentInput, ctx: ExecutionContext) -> AsyncIterator[AgentChunk]:
        return self._words(f"[summary] {input.text}")

    async def _words(self, text: str) -> AsyncIterator[AgentChunk]:
        words = text.split(" ")
        for index, word in enumerate(words):
            last = index == len(words) - 1
            yield AgentChunk(text=word if last else word + " ", index=index, done=last)


class SpellCatalog(Catalog):
    """The real catalog with only the tools above (and the summariser agent)."""

    def __init__(self) -> None:
        super().__init__()
        self.nap = Nap()
        self.tools: dict[str, Tool] = {"shout": Shout(), "nap": self.nap}
        self.register_agent("summariser", Summariser())

    def _tool_map(self) -> dict[str, Tool]:
        return self.tools


def spell_runtime(engine: str, catalog: Catalog, timeout: float = 30) -> ScriptRuntime:
    return ScriptRuntime(engine=engine, services=catalog, timeout_seconds=timeout)


def spell_fixtures(engine: str) -> tuple[Any, Any]:
    """The ``catalog`` and ``runtime`` fixtures of a module whose spells are in ``engine``;
    assign both to module names so pytest finds them."""

    @pytest.fixture(name="catalog")
    def catalog_fixture() -> SpellCatalog:
        return SpellCatalog()

    @pytest.fixture(name="runtime")
    def runtime_fixture(catalog: SpellCatalog) -> Iterator[ScriptRuntime]:
        with spell_runtime(engine, catalog) as runtime:
            yield runtime

    return catalog_fixture, runtime_fixture


class FakeScriptFunction:
    """Stands in for the bridge's ``ScriptFunction`` where no engine runs."""

    def __init__(self, fn: Callable[..., Any]) -> None:
        self.fn = fn

    async def call(self, *args: Any) -> Any:
        return self.fn(*args)

    def call_sync(self, *args: Any) -> Any:
        return self.fn(*args)
