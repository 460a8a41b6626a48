"""Test support for llmspell implementations: fakes, contract mixins and a network guard."""

from llmspell_core.testing.contracts import EngineContract, ProviderContract, ToolContract
from llmspell_core.testing.fake_llm_server import (
    FakeLLMServer,
    FakeReply,
    FakeRequest,
    FakeToolCall,
    Fault,
)
from llmspell_core.testing.fakes import EchoProvider, FunctionProvider, ScriptedTurn
from llmspell_core.testing.network_guard import PAID_PROVIDER_HOSTS, PaidNetworkBlockedError

__all__ = [
    "PAID_PROVIDER_HOSTS",
    "EchoProvider",
    "EngineContract",
    "FakeLLMServer",
    "FakeReply",
    "FakeRequest",
    "FakeToolCall",
    "Fault",
    "FunctionProvider",
    "PaidNetworkBlockedError",
    "ProviderContract",
    "ScriptedTurn",
    "ToolContract",
]
