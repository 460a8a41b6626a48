"""A workflow offered as a core ``Tool``, so agents (and ``Tool.execute``) can run it.

The tool's parameters become the workflow's input; the workflow's result becomes the tool
result (``text``, ``result={steps, final}``, ``metadata``). A workflow that fails softly
(``continue`` strategy) gives ``success=false``; one that raises makes the tool raise.
"""

from __future__ import annotations

from typing import Any, ClassVar

from llmspell_core.agent_io import ErrorInfo
from llmspell_core.context import ExecutionContext
from llmspell_core.tool import Tool
from llmspell_core.tool_types import ToolOutput, ToolSpec
from llmspell_core.workflow import Workflow

__all__ = ["WorkflowTool"]

_PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "text": {"type": "string", "description": "The main input, as {{input.text}}."},
    },
    "additionalProperties": True,
}


class WorkflowTool(Tool):
    #: Workflows chain several calls; give them longer than a single tool.
    timeout_seconds: ClassVar[float] = 600.0

    def __init__(
        self,
        workflow: Workflow,
        *,
        name: str | None = None,
        description: str | None = None,
        parameters: dict[str, Any] | None = None,
    ) -> None:
        self.workflow = workflow
        meta = workflow.metadata
        self._spec = ToolSpec(
            name=name or meta.name,
            description=description
            or meta.description
            or f"Runs the {workflow.kind} workflow '{meta.name}' with the given input.",
            parameters=parameters or _PARAMETERS,
            category="workflow",
            tags=["workflow", workflow.kind],
        )

    @property
    def spec(self) -> ToolSpec:
        return self._spec

    async def execute(self, params: dict[str, Any], ctx: ExecutionContext) -> ToolOutput:
        outcome = await self.workflow.execute(params, ctx)
        error = None
        if outcome.error is not None:
            error = ErrorInfo(
                message=str(outcome.error.get("message", "workflow failed")),
                code=str(outcome.error.get("code", "WORKFLOW_FAILED")),
            )
        return ToolOutput(
            success=outcome.success,
            text=outcome.text,
            result=outcome.result,
            metadata=outcome.metadata,
            error=error,
        )
