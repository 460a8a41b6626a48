from __future__ import annotations

import math
import threading
import time

import pytest

from llmspell_core import CancellationToken, ExecutionContext, InMemoryStateStore
from llmspell_core.errors import CancelledError, TimeoutError


def test_deadline_and_remaining() -> None:
    ctx = ExecutionContext.with_timeout(0.05)
    remaining = ctx.remaining()
    assert remaining is not None
    assert 0 < remaining <= 0.05
    assert ctx.timeout_for(10) == pytest.approx(remaining, abs=0.01)
    time.sleep(0.06)
    assert ctx.expired()
    with pytest.raises(TimeoutError, match="time limit"):
        ctx.check("agent call")


def test_no_deadline() -> None:
    ctx = ExecutionContext()
    assert ctx.remaining() is None
    assert ctx.timeout_for(None) is None
    assert ctx.timeout_for(3) == 3
    ctx.check()


def test_child_shares_cancellation() -> None:
    ctx = ExecutionContext()
    child = ctx.child(extras={"step": "a"})
    ctx.cancellation.cancel("Ctrl-C")
    with pytest.raises(CancelledError, match="Ctrl-C"):
        child.check("step a")


def test_cancellation_token_callbacks_across_threads() -> None:
    token = CancellationToken()
    fired: list[str] = []
    unsubscribe = token.on_cancel(lambda: fired.append("a"))
    token.on_cancel(lambda: fired.append("b"))
    unsubscribe()
    thread = threading.Thread(target=token.cancel, args=("stop",))
    thread.start()
    assert token.wait(2)
    thread.join()
    assert fired == ["b"]
    token.on_cancel(lambda: fired.append("late"))  # runs at once when already cancelled
    assert fired == ["b", "late"]
    assert token.reason == "stop"


def test_services_missing_is_clear() -> None:
    with pytest.raises(Exception, match="no services"):
        ExecutionContext().get_services()


async def test_state_round_trips_exactly() -> None:
    store = InMemoryStateStore()
    value = {"n": 3, "f": 2.5, "list": [1, "two", None, True], "nested": {"k": [1.0]}}
    await store.set("global", "v", value)
    loaded = await store.get("global", "v")
    assert loaded == value
    assert isinstance(loaded["n"], int)
    value["n"] = 99  # the store kept its own copy
    assert (await store.get("global", "v"))["n"] == 3
    await store.set("global", "inf", math.inf)
    assert await store.list_keys("global") == ["inf", "v"]
    assert await store.delete("global", "v") is True
    assert await store.delete("global", "v") is False
    assert await store.get("global", "v") is None
    assert await store.list_keys("other") == []
