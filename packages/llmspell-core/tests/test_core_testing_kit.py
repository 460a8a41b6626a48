from __future__ import annotations

import socket

import pytest

from llmspell_core import Provider
from llmspell_core.testing import (
    EchoProvider,
    FunctionProvider,
    PaidNetworkBlockedError,
    ProviderContract,
)


class TestEchoProviderContract(ProviderContract):
    model = "echo"

    def make_provider(self) -> Provider:
        return EchoProvider()


class TestFunctionProviderContract(ProviderContract):
    model = "scripted"

    def make_provider(self) -> Provider:
        return FunctionProvider(["hello there"])


@pytest.mark.parametrize("host", ["api.openai.com", "API.Anthropic.com.", "x.api.groq.com"])
def test_paid_hosts_are_refused(host: str) -> None:
    with pytest.raises(PaidNetworkBlockedError, match="paid provider host"):
        socket.getaddrinfo(host, 443)


def test_local_hosts_still_resolve() -> None:
    assert socket.getaddrinfo("127.0.0.1", 80)
