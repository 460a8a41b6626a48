"""Every injected fault ends in success or one clear error, for both SDKs, never a hang."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import pytest

from llmspell_core.catalog import Catalog
from llmspell_core.context import ExecutionContext
from llmspell_core.errors import (
    CancelledError,
    ProviderError,
    ProviderUnavailableError,
    RateLimitError,
    TimeoutError,
)
from llmspell_core.messages import Message
from llmspell_core.provider import CompletionRequest
from llmspell_core.testing import FakeLLMServer, Fault
from llmspell_providers import BaseProvider

MakeCatalog = Callable[..., Catalog]
PROVIDERS = ["openai", "anthropic"]


def request(text: str = "hello world") -> CompletionRequest:
    return CompletionRequest(model="test-model", messages=[Message.user(text)])


@pytest.fixture(params=PROVIDERS)
def name(request: pytest.FixtureRequest) -> str:
    """Each test taking ``name`` runs against both SDKs."""
    return str(request.param)


def provider_for(make_catalog: MakeCatalog, name: str, **settings: object) -> BaseProvider:
    provider = make_catalog(**settings).get_provider(name)
    assert isinstance(provider, BaseProvider)
    provider.policy.base_delay = 0.01  # keep exponential backoff short in tests
    return provider


async def test_rate_limit_honours_retry_after_then_succeeds(
    make_catalog: MakeCatalog, server: FakeLLMServer, ctx: ExecutionContext, name: str
) -> None:
    server.fault(Fault.rate_limited(times=2, retry_after=0.25))
    provider = provider_for(make_catalog, name)
    response = await provider.complete(request(), ctx)
    assert response.message.content == "echo: hello world"
    sent = server.chat_requests()
    assert len(sent) == 3
    gaps = [b.received_at - a.received_at for a, b in itertools.pairwise(sent)]
    assert all(gap >= 0.25 for gap in gaps), gaps


@dataclass(frozen=True)
class ClearError:
    """A fault that ends a plain request in one error saying what went wrong."""

    fault: Fault
    error: type[ProviderError]
    code: str
    says: tuple[str, ...]
    requests: int
    settings: dict[str, Any] = field(default_factory=dict[str, Any])
    retry_after: float | None = None


CLEAR_ERRORS = {
    "rate limit outlasting the retries": ClearError(
        Fault.rate_limited(times=10, retry_after=0.01),
        RateLimitError,
        "RATE_LIMITED",
        ("HTTP 429", "gave up after 2 attempts"),
        requests=2,
        settings={"max_retries": 1},
        retry_after=0.01,
    ),
    "persistent server error": ClearError(
        Fault.server_error(),
        ProviderUnavailableError,
        "PROVIDER_UNAVAILABLE",
        ("HTTP 500", "gave up after 3 attempts"),
        requests=3,
        settings={"max_retries": 2},
    ),
    "non-JSON body, not retried": ClearError(
        Fault.non_json(),
        ProviderError,
        "BAD_RESPONSE",
        ("502 Bad Gateway", "base URL"),
        requests=1,
    ),
    "slower than the timeout every time": ClearError(
        Fault.slow(5.0, times=None),
        ProviderUnavailableError,
        "PROVIDER_TIMEOUT",
        ("0.3s", "[providers.{name}]", "gave up after 2 attempts"),
        requests=2,
        settings={"timeout_seconds": 0.3, "max_retries": 1},
    ),
}


@pytest.mark.parametrize("case", CLEAR_ERRORS.values(), ids=CLEAR_ERRORS.keys())
async def test_a_fault_that_does_not_pass_is_one_clear_error(
    make_catalog: MakeCatalog,
    server: FakeLLMServer,
    ctx: ExecutionContext,
    name: str,
    case: ClearError,
) -> None:
    server.fault(replace(case.fault))
    provider = provider_for(make_catalog, name, **case.settings)
    with pytest.raises(case.error) as info:
        await provider.complete(request(), ctx)
    assert info.value.code == case.code
    for words in case.says:
        assert words.format(name=name) in info.value.message
    assert getattr(info.value, "retry_after", None) == pytest.approx(case.retry_after)
    assert len(server.chat_requests()) == case.requests


#: Faults a retry gets past: the request succeeds on its second attempt.
PASSING_FAULTS: dict[str, tuple[Fault, dict[str, Any]]] = {
    "server error once (503)": (Fault.server_error(times=1, status=503), {}),
    "slower than the timeout once": (Fault.slow(5.0, times=1), {"timeout_seconds": 0.3}),
    "connection dropped": (Fault.drop(), {}),
    "body cut mid-way": (Fault.cut_stream(after_chunks=1), {}),
}


@pytest.mark.parametrize(("fault", "settings"), PASSING_FAULTS.values(), ids=PASSING_FAULTS.keys())
async def test_a_passing_fault_is_retried_then_succeeds(
    make_catalog: MakeCatalog,
    server: FakeLLMServer,
    ctx: ExecutionContext,
    name: str,
    fault: Fault,
    settings: dict[str, Any],
) -> None:
    server.fault(replace(fault))
    provider = provider_for(make_catalog, name, **settings)
    assert (await provider.complete(request(), ctx)).message.content == "echo: hello world"
    assert len(server.chat_requests()) == 2


async def test_non_json_body_on_a_stream_is_a_bad_response(
    make_catalog: MakeCatalog, server: FakeLLMServer, ctx: ExecutionContext, name: str
) -> None:
    server.fault(Fault.non_json())
    provider = provider_for(make_catalog, name)
    with pytest.raises(ProviderError) as info:
        async for _ in provider.stream(request(), ctx):
            pass
    assert info.value.code == "BAD_RESPONSE"


async def test_stream_cut_mid_way_is_one_clear_error(
    make_catalog: MakeCatalog, server: FakeLLMServer, ctx: ExecutionContext, name: str
) -> None:
    server.fault(Fault.cut_stream(after_chunks=3))
    provider = provider_for(make_catalog, name)
    received: list[str] = []

    async def consume() -> None:
        async for chunk in provider.stream(request("one two three four five"), ctx):
            received.append(chunk.text)

    with pytest.raises(ProviderUnavailableError) as info:
        await consume()
    assert info.value.code == "STREAM_INCOMPLETE"
    assert "stream" in info.value.message
    assert received
    assert "".join(received) != "echo: one two three four five"
    assert len(server.chat_requests()) == 1  # partial output was delivered: no silent retry


async def test_stream_cut_before_any_chunk_is_retried(
    make_catalog: MakeCatalog, server: FakeLLMServer, ctx: ExecutionContext, name: str
) -> None:
    server.fault(Fault.drop())
    provider = provider_for(make_catalog, name)
    text = "".join([c.text async for c in provider.stream(request(), ctx)])
    assert text == "echo: hello world"
    assert len(server.chat_requests()) == 2


async def test_unreachable_server_names_the_url(make_catalog: MakeCatalog) -> None:
    catalog = make_catalog(
        {
            "dead": {
                "provider_type": "openai",
                "base_url": "http://127.0.0.1:9/v1",
                "max_retries": 1,
            }
        },
        env={"LLMSPELL_DEAD_API_KEY": "k"},
    )
    dead = catalog.get_provider("dead")
    assert isinstance(dead, BaseProvider)
    dead.policy.base_delay = 0.01
    with pytest.raises(ProviderUnavailableError) as info:
        await dead.complete(request(), ExecutionContext.with_timeout(30))
    assert "provider 'dead' at http://127.0.0.1:9/v1" in info.value.message
    assert "server is running" in info.value.message
    assert "gave up after 2 attempts" in info.value.message


async def test_spell_deadline_stops_a_hanging_request(
    make_catalog: MakeCatalog, server: FakeLLMServer, name: str
) -> None:
    server.fault(Fault.slow(30.0, times=None))
    provider = provider_for(make_catalog, name, timeout_seconds=60)
    with pytest.raises(TimeoutError) as info:
        await provider.complete(request(), ExecutionContext.with_timeout(0.4))
    assert info.value.code == "TIMEOUT"
    assert "time limit" in info.value.message
    assert len(server.chat_requests()) == 1


async def test_no_retry_wait_beyond_the_deadline(
    make_catalog: MakeCatalog, server: FakeLLMServer
) -> None:
    server.fault(Fault.rate_limited(times=5, retry_after=20))
    provider = provider_for(make_catalog, "openai")
    with pytest.raises(TimeoutError) as info:
        await provider.complete(request(), ExecutionContext.with_timeout(2))
    assert "no time to retry" in info.value.message
    assert "HTTP 429" in info.value.message
    assert len(server.chat_requests()) == 1


async def test_cancellation_interrupts_a_request_in_flight(
    make_catalog: MakeCatalog, server: FakeLLMServer, name: str
) -> None:
    server.fault(Fault.slow(30.0, times=None))
    provider = provider_for(make_catalog, name, timeout_seconds=60)
    ctx = ExecutionContext.with_timeout(30)
    timer = threading.Timer(0.3, ctx.cancellation.cancel, ["Ctrl-C"])
    timer.start()
    try:
        with pytest.raises(CancelledError, match="Ctrl-C"):
            await provider.complete(request(), ctx)
    finally:
        timer.cancel()


async def test_cancellation_interrupts_a_stream(
    make_catalog: MakeCatalog, server: FakeLLMServer
) -> None:
    server.chunk_delay = 0.2
    provider = provider_for(make_catalog, "openai")
    ctx = ExecutionContext.with_timeout(30)
    received: list[str] = []

    async def consume() -> None:
        async for chunk in provider.stream(request("a b c d e f g h i j k l m n o p"), ctx):
            received.append(chunk.text)
            if len(received) == 2:
                threading.Timer(0.05, ctx.cancellation.cancel, ["stop now"]).start()

    with pytest.raises(CancelledError, match="stop now"):
        await consume()
    assert 2 <= len(received) < 10


async def test_already_cancelled_context_makes_no_request(
    make_catalog: MakeCatalog, server: FakeLLMServer
) -> None:
    provider = provider_for(make_catalog, "openai")
    ctx = ExecutionContext.with_timeout(30)
    ctx.cancellation.cancel("gone")
    with pytest.raises(CancelledError):
        await provider.complete(request(), ctx)
    assert server.chat_requests() == []
