"""``ScriptRuntime.session``: one interpreter across runs (what ``llmspell repl`` stands on).

Globals survive from run to run in both engines; each run still has its own time limit and
its own cancellation, so a line that is stopped leaves the session and its globals usable.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from llmspell_bridge import ScriptRuntime
from llmspell_core.engine import ScriptArgs, ScriptEngine
from llmspell_core.errors import CancelledError, ScriptError, TimeoutError, UsageError
from llmspell_core.registry import registry
from llmspell_core.script_api import ApiFunction, ApiGlobal, GlobalContext, ScriptApi

SOURCES = {
    "lua": ["n = 20", "function add(k) n = n + k; return n end", "return add(1) + add(1)"],
    "javascript": [
        "globalThis.n = 20",
        "globalThis.add = (k) => { n = n + k; return n }",
        "return add(1) + add(1)",
    ],
}
SPIN = {"lua": "while true do pcall(function() while true do end end) end", "javascript": (
    "while (true) { try { while (true) {} } catch (e) {} }"
)}  # fmt: skip
READ = {"lua": "return n", "javascript": "return n"}


@pytest.fixture
def runtime() -> Iterator[ScriptRuntime]:
    with ScriptRuntime(timeout_seconds=20, stdout=lambda _: None) as rt:
        yield rt


@pytest.mark.parametrize("engine", ["lua", "javascript"])
def test_globals_persist_between_runs(runtime: ScriptRuntime, engine: str) -> None:
    with runtime.session(engine) as session:
        assert session.engine_name == engine
        results = [session.run(source) for source in SOURCES[engine]]
        assert results == [None, None, 43]
        assert session.run(READ[engine]) == 22


@pytest.mark.parametrize("engine", ["lua", "javascript"])
@pytest.mark.skipif(
    not (registry.has("llmspell.agents", "llm") and registry.has("llmspell.providers", "local")),
    reason="needs the llm agent kind and the local provider (llmspell-agents, llmspell-providers)",
)
def test_state_and_agents_persist_between_runs(runtime: ScriptRuntime, engine: str) -> None:
    build = {
        "lua": 'bot = Agent.builder():name("bot"):model("local/echo"):build()',
        "javascript": 'globalThis.bot = Agent.builder().name("bot").model("local/echo").build()',
    }[engine]
    ask = {
        "lua": 'return bot:execute({text = "hi"}).text',
        "javascript": 'return (await bot.execute({text: "hi"})).text',
    }[engine]
    with runtime.session(engine) as session:
        session.run(build)
        session.run('State.set("seen", 1)')
        assert "hi" in session.run(ask)
        assert session.run('return State.get("seen")') == 1


@pytest.mark.parametrize("engine", ["lua", "javascript"])
def test_a_cancelled_run_leaves_the_session_usable(runtime: ScriptRuntime, engine: str) -> None:
    with runtime.session(engine) as session:
        session.run(SOURCES[engine][0])
        timer = threading.Timer(0.3, session.cancel, ("Ctrl-C",))
        timer.start()
        with pytest.raises(CancelledError, match="Ctrl-C"):
            session.run(SPIN[engine])
        assert session.run(READ[engine]) == 20
        session.cancel()  # idle: nothing to stop, and the next run is not affected
        assert session.run(READ[engine]) == 20


@pytest.mark.parametrize("engine", ["lua", "javascript"])
def test_each_run_gets_its_own_time_limit(engine: str) -> None:
    with (
        ScriptRuntime(timeout_seconds=0.4, stdout=lambda _: None) as runtime,
        runtime.session(engine) as session,
    ):
        session.run(SOURCES[engine][0])
        with pytest.raises(TimeoutError):
            session.run(SPIN[engine])
        assert session.run(READ[engine]) == 20


def test_a_cancelled_api_wait_leaves_the_session_usable(runtime: ScriptRuntime) -> None:
    def factory(_ctx: GlobalContext) -> ApiGlobal:
        async def sleep(seconds: float) -> str:
            await asyncio.sleep(seconds)
            return "slept"

        return ApiGlobal("Nap", functions={"sleep": ApiFunction("sleep", sleep, is_async=True)})

    with registry.override("llmspell.globals", "Nap", factory), runtime.session("lua") as s:
        threading.Timer(0.3, s.cancel).start()
        with pytest.raises(CancelledError):
            s.run("return Nap.sleep(30)")
        assert s.run("return Nap.sleep(0.01)") == "slept"


def test_syntax_errors_do_not_run_anything(runtime: ScriptRuntime) -> None:
    with runtime.session("lua") as session:
        with pytest.raises(ScriptError) as caught:
            session.run("return x = 1")
        assert caught.value.code == "SYNTAX_ERROR"


class _OnceOnly(ScriptEngine):
    """An engine that never said it can run twice (``reusable`` defaults to False)."""

    name = "once"

    def inject(self, api: ScriptApi) -> None: ...

    def execute(self, source: str, chunk_name: str, args: ScriptArgs) -> Any:
        return None

    def close(self) -> None: ...


def test_engines_that_cannot_run_twice_are_refused(runtime: ScriptRuntime) -> None:
    with (
        registry.override("llmspell.engines", "lua", _OnceOnly),
        pytest.raises(UsageError, match="cannot keep its interpreter"),
    ):
        runtime.session("lua")


def test_a_closed_session_or_runtime_says_so() -> None:
    runtime = ScriptRuntime(stdout=lambda _: None)
    session = runtime.session("lua")
    session.close()
    with pytest.raises(UsageError, match="session is closed"):
        session.run("return 1")
    runtime.close()
    with pytest.raises(UsageError, match="is closed"):
        runtime.session("lua")
