"""An agent exposed as a core ``Tool``: other agents (and spells) call it with ``{input}``.

Each call goes one level deeper in ``ExecutionContext.extras['agent_depth']``, which the
called agent checks against its ``max_recursion_depth``, so agents calling each other in a
cycle stop with a clear error instead of recursing until the deadline.
"""

from __future__ import annotations

import re
import time
from typing import Any, ClassVar

from llmspell_agents.llm_agent import DEPTH_KEY
from llmspell_core.agent import BaseAgent
from llmspell_core.agent_io import AgentInput
from llmspell_core.context import ExecutionContext
from llmspell_core.errors import ValidationError
from llmspell_core.tool import Tool
from llmspell_core.tool_types import SecurityLevel, ToolOutput, ToolSpec

__all__ = ["AgentTool", "tool_name_for"]


def tool_name_for(agent_name: str) -> str:
    """A kebab-case tool name derived from an agent name."""
    name = re.sub(r"[^a-z0-9]+", "-", agent_name.lower()).strip("-")
    return name or "agent"


class AgentTool(Tool):
    security_level: ClassVar[SecurityLevel] = SecurityLevel.SAFE
    #: Agents make model calls; the spell's deadline still bounds them.
    timeout_seconds: ClassVar[float] = 600.0

    def __init__(
        self, agent: BaseAgent, *, name: str | None = None, description: str | None = None
    ) -> None:
        self.agent = agent
        meta = agent.metadata
        self._spec = ToolSpec(
            name=name or tool_name_for(meta.name),
            description=description or meta.description or f"Ask the agent '{meta.name}'",
            parameters={
                "type": "object",
                "properties": {"input": {"type": "string", "description": "What to ask the agent"}},
                "required": ["input"],
            },
            category="agent",
            tags=["agent"],
            examples=[{"params": {"input": "Hello"}}],
        )

    @property
    def spec(self) -> ToolSpec:
        return self._spec

    async def execute(self, params: dict[str, Any], ctx: ExecutionContext) -> ToolOutput:
        text = params.get("input", params.get("text"))
        if not isinstance(text, str):
            raise ValidationError(
                f"tool '{self._spec.name}': 'input' must be a string (what to ask the agent)",
                details={"field": "input", "rule": "type"},
            )
        started = time.perf_counter()
        depth = int(ctx.extras.get(DEPTH_KEY, 0) or 0) + 1
        child = ctx.child(extras={**ctx.extras, DEPTH_KEY: depth})
        output = await self.agent.execute(AgentInput(text=text), child)
        metadata = dict(output.metadata)
        metadata["duration_ms"] = round((time.perf_counter() - started) * 1000, 3)
        return ToolOutput(
            success=output.success,
            text=output.text,
            result={"text": output.text, "data": output.data},
            metadata=metadata,
            error=output.error,
        )
