"""Interfaces, data models, errors and the plugin registry shared by every llmspell package.

Packages reach each other only through what is exported here, so this module is the
contract: a third-party engine, provider or tool pack needs nothing else.
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from llmspell_core.agent import AgentConfig, AgentFactory, BaseAgent
    from llmspell_core.agent_io import AgentChunk, AgentInput, AgentOutput, ErrorInfo
    from llmspell_core.cancellation import CancellationToken
    from llmspell_core.catalog import Catalog
    from llmspell_core.config import (
        EngineConfig,
        LLMSpellConfig,
        ProviderConfig,
        ProvidersConfig,
        RuntimeConfig,
        SecurityConfig,
        StateConfig,
    )
    from llmspell_core.context import ExecutionContext
    from llmspell_core.engine import EngineCapabilities, EngineLimits, ScriptArgs, ScriptEngine
    from llmspell_core.errors import (
        AuthError,
        CancelledError,
        ConfigError,
        LLMSpellError,
        MissingExtraError,
        NotFoundError,
        PluginConflictError,
        ProviderError,
        ProviderUnavailableError,
        RateLimitError,
        ResourceLimitError,
        ScriptError,
        SecurityError,
        TimeoutError,
        ToolError,
        UsageError,
        ValidationError,
    )
    from llmspell_core.extras import import_optional
    from llmspell_core.media import AudioFormat, ImageFormat, MediaContent, VideoFormat
    from llmspell_core.messages import Message, Role, ToolCall
    from llmspell_core.metadata import ComponentMetadata
    from llmspell_core.model_spec import ModelSpec
    from llmspell_core.provider import (
        CompletionChunk,
        CompletionRequest,
        CompletionResponse,
        Provider,
        ProviderCapabilities,
        ProviderSettings,
    )
    from llmspell_core.registry import GROUPS, PluginInfo, Registry, registry
    from llmspell_core.script_api import (
        ApiFunction,
        ApiGlobal,
        ApiObject,
        ApiStream,
        GlobalContext,
        GlobalFactory,
        ScriptApi,
        ScriptFunction,
    )
    from llmspell_core.services import ResolvedModel, Services
    from llmspell_core.sqlite_state import SqliteStateStore
    from llmspell_core.state import InMemoryStateStore, StateStore, create_state_store
    from llmspell_core.tool import Tool, ToolPack
    from llmspell_core.tool_types import SecurityLevel, ToolOutput, ToolSpec
    from llmspell_core.usage import Usage
    from llmspell_core.workflow import Workflow, WorkflowEvent, WorkflowFactory, WorkflowResult

# Exports load on first use (PEP 562): importing llmspell_core must stay cheap because
# `llmspell run hello.lua` should not pay for pydantic models it never touches.
_LAZY: dict[str, str] = {
    "AgentConfig": "llmspell_core.agent",
    "AgentFactory": "llmspell_core.agent",
    "BaseAgent": "llmspell_core.agent",
    "AgentChunk": "llmspell_core.agent_io",
    "AgentInput": "llmspell_core.agent_io",
    "AgentOutput": "llmspell_core.agent_io",
    "ErrorInfo": "llmspell_core.agent_io",
    "CancellationToken": "llmspell_core.cancellation",
    "Catalog": "llmspell_core.catalog",
    "EngineConfig": "llmspell_core.config",
    "LLMSpellConfig": "llmspell_core.config",
    "ProviderConfig": "llmspell_core.config",
    "ProvidersConfig": "llmspell_core.config",
    "RuntimeConfig": "llmspell_core.config",
    "SecurityConfig": "llmspell_core.config",
    "StateConfig": "llmspell_core.config",
    "ExecutionContext": "llmspell_core.context",
    "EngineCapabilities": "llmspell_core.engine",
    "EngineLimits": "llmspell_core.engine",
    "ScriptArgs": "llmspell_core.engine",
    "ScriptEngine": "llmspell_core.engine",
    "AuthError": "llmspell_core.errors",
    "CancelledError": "llmspell_core.errors",
    "ConfigError": "llmspell_core.errors",
    "LLMSpellError": "llmspell_core.errors",
    "MissingExtraError": "llmspell_core.errors",
    "NotFoundError": "llmspell_core.errors",
    "PluginConflictError": "llmspell_core.errors",
    "ProviderError": "llmspell_core.errors",
    "ProviderUnavailableError": "llmspell_core.errors",
    "RateLimitError": "llmspell_core.errors",
    "ResourceLimitError": "llmspell_core.errors",
    "ScriptError": "llmspell_core.errors",
    "SecurityError": "llmspell_core.errors",
    "TimeoutError": "llmspell_core.errors",
    "ToolError": "llmspell_core.errors",
    "UsageError": "llmspell_core.errors",
    "ValidationError": "llmspell_core.errors",
    "import_optional": "llmspell_core.extras",
    "AudioFormat": "llmspell_core.media",
    "ImageFormat": "llmspell_core.media",
    "MediaContent": "llmspell_core.media",
    "VideoFormat": "llmspell_core.media",
    "Message": "llmspell_core.messages",
    "Role": "llmspell_core.messages",
    "ToolCall": "llmspell_core.messages",
    "ComponentMetadata": "llmspell_core.metadata",
    "ModelSpec": "llmspell_core.model_spec",
    "CompletionChunk": "llmspell_core.provider",
    "CompletionRequest": "llmspell_core.provider",
    "CompletionResponse": "llmspell_core.provider",
    "Provider": "llmspell_core.provider",
    "ProviderCapabilities": "llmspell_core.provider",
    "ProviderSettings": "llmspell_core.provider",
    "GROUPS": "llmspell_core.registry",
    "PluginInfo": "llmspell_core.registry",
    "Registry": "llmspell_core.registry",
    "registry": "llmspell_core.registry",
    "ApiFunction": "llmspell_core.script_api",
    "ApiGlobal": "llmspell_core.script_api",
    "ApiObject": "llmspell_core.script_api",
    "ApiStream": "llmspell_core.script_api",
    "ScriptApi": "llmspell_core.script_api",
    "GlobalContext": "llmspell_core.script_api",
    "GlobalFactory": "llmspell_core.script_api",
    "ScriptFunction": "llmspell_core.script_api",
    "ResolvedModel": "llmspell_core.services",
    "Services": "llmspell_core.services",
    "InMemoryStateStore": "llmspell_core.state",
    "StateStore": "llmspell_core.state",
    "create_state_store": "llmspell_core.state",
    "SqliteStateStore": "llmspell_core.sqlite_state",
    "Tool": "llmspell_core.tool",
    "ToolPack": "llmspell_core.tool",
    "SecurityLevel": "llmspell_core.tool_types",
    "ToolOutput": "llmspell_core.tool_types",
    "ToolSpec": "llmspell_core.tool_types",
    "Usage": "llmspell_core.usage",
    "Workflow": "llmspell_core.workflow",
    "WorkflowEvent": "llmspell_core.workflow",
    "WorkflowFactory": "llmspell_core.workflow",
    "WorkflowResult": "llmspell_core.workflow",
}


def __getattr__(name: str) -> Any:
    if name == "__version__":  # importlib.metadata costs ~15 ms: only when asked
        from importlib.metadata import version

        value = version("llmspell-core")
        globals()["__version__"] = value
        return value
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'llmspell_core' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__version__: str  # read from the distribution metadata on first access (see __getattr__)

__all__ = [
    "GROUPS",
    "AgentChunk",
    "AgentConfig",
    "AgentFactory",
    "AgentInput",
    "AgentOutput",
    "ApiFunction",
    "ApiGlobal",
    "ApiObject",
    "ApiStream",
    "AudioFormat",
    "AuthError",
    "BaseAgent",
    "CancellationToken",
    "CancelledError",
    "Catalog",
    "CompletionChunk",
    "CompletionRequest",
    "CompletionResponse",
    "ComponentMetadata",
    "ConfigError",
    "EngineCapabilities",
    "EngineConfig",
    "EngineLimits",
    "ErrorInfo",
    "ExecutionContext",
    "GlobalContext",
    "GlobalFactory",
    "ImageFormat",
    "InMemoryStateStore",
    "LLMSpellConfig",
    "LLMSpellError",
    "MediaContent",
    "Message",
    "MissingExtraError",
    "ModelSpec",
    "NotFoundError",
    "PluginConflictError",
    "PluginInfo",
    "Provider",
    "ProviderCapabilities",
    "ProviderConfig",
    "ProviderError",
    "ProviderSettings",
    "ProviderUnavailableError",
    "ProvidersConfig",
    "RateLimitError",
    "Registry",
    "ResolvedModel",
    "ResourceLimitError",
    "Role",
    "RuntimeConfig",
    "ScriptApi",
    "ScriptArgs",
    "ScriptEngine",
    "ScriptError",
    "ScriptFunction",
    "SecurityConfig",
    "SecurityError",
    "SecurityLevel",
    "Services",
    "SqliteStateStore",
    "StateConfig",
    "StateStore",
    "TimeoutError",
    "Tool",
    "ToolCall",
    "ToolError",
    "ToolOutput",
    "ToolPack",
    "ToolSpec",
    "Usage",
    "UsageError",
    "ValidationError",
    "VideoFormat",
    "Workflow",
    "WorkflowEvent",
    "WorkflowFactory",
    "WorkflowResult",
    "__version__",
    "create_state_store",
    "import_optional",
    "registry",
]
