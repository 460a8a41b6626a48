"""Sequential, parallel, conditional, loop and streaming workflows for llmspell.

Each kind is registered under the ``llmspell.workflows`` entry-point group and built from a
JSON-like spec (spell-api §5) by ``Services.create_workflow(kind, spec)``; the classes here
are the same factories for Python users.
"""

from llmspell_core.versioning import lazy_version
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


__getattr__ = lazy_version(__name__, "llmspell-workflows")
