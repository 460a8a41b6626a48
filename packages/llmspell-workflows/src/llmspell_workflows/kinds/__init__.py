"""The built-in workflow kinds, each registered under ``llmspell.workflows``."""

from llmspell_workflows.kinds.conditional import ConditionalWorkflow
from llmspell_workflows.kinds.loop import LoopWorkflow
from llmspell_workflows.kinds.parallel import ParallelWorkflow
from llmspell_workflows.kinds.sequential import SequentialWorkflow
from llmspell_workflows.kinds.streaming import StreamingWorkflow

__all__ = [
    "ConditionalWorkflow",
    "LoopWorkflow",
    "ParallelWorkflow",
    "SequentialWorkflow",
    "StreamingWorkflow",
]
