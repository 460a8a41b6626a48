"""Sequential, parallel, conditional, loop and streaming workflows for llmspell.

Each kind is registered under the ``llmspell.workflows`` entry-point group and built from a
JSON-like spec (spell-api §5) by ``Services.create_workflow(kind, spec)``; the classes here
are the same factories for Python users.
"""

from typing import Any

from llmspell_workflows.base import BaseWorkflow, WorkflowSpec
from llmspell_workflows.kinds import (
    ConditionalWorkflow,
    LoopWorkflow,
    ParallelWorkflow,
    SequentialWorkflow,
    StreamingWorkflow,
)
from llmspell_workflows.tool import WorkflowTool

__version__: str  # read from the distribution metadata on first access (see __getattr__)

__all__ = [
    "BaseWorkflow",
    "ConditionalWorkflow",
    "LoopWorkflow",
    "ParallelWorkflow",
    "SequentialWorkflow",
    "StreamingWorkflow",
    "WorkflowSpec",
    "WorkflowTool",
    "__version__",
]


def __getattr__(name: str) -> Any:
    # importlib.metadata costs ~15 ms to import: not worth paying on every start-up for a
    # version string that is rarely read.
    if name == "__version__":
        from importlib.metadata import version

        value = version("llmspell-workflows")
        globals()["__version__"] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
