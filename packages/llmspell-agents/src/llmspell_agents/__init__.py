"""LLM agents for llmspell: conversation, tool loop, structured output, streaming.

The ``llm`` agent kind registers under ``llmspell.agents``; ``Services.create_agent`` builds it
from an ``AgentConfig``. Providers and tools are reached through ``Services`` only.
"""

from llmspell_agents.agent_tool import AgentTool, tool_name_for
from llmspell_agents.factory import create_llm_agent
from llmspell_agents.history import ConversationHistory
from llmspell_agents.llm_agent import DEPTH_KEY, LLMAgent
from llmspell_agents.metrics import AgentMetrics
from llmspell_agents.structured import check_response_schema, decode_reply
from llmspell_agents.tool_calls import ToolRun, run_tool_calls
from llmspell_core.versioning import lazy_version

__version__: str  # read from the distribution metadata on first access (see __getattr__)

__all__ = [
    "DEPTH_KEY",
    "AgentMetrics",
    "AgentTool",
    "ConversationHistory",
    "LLMAgent",
    "ToolRun",
    "__version__",
    "check_response_schema",
    "create_llm_agent",
    "decode_reply",
    "run_tool_calls",
    "tool_name_for",
]


__getattr__ = lazy_version(__name__, "llmspell-agents")
