"""Agent and Provider globals from real Lua (and JavaScript) spells, against the fake server.

Cross-package: the spell runs through ``ScriptRuntime`` with the registry-backed Catalog, so
the bridge reaches agents and providers exactly as ``llmspell run`` does.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from llmspell_bridge import ScriptRuntime
from llmspell_core import Catalog, LLMSpellConfig, LLMSpellError
from llmspell_core.testing import FakeLLMServer, FakeReply, FakeRequest, FakeToolCall, Fault

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 8

Run = Callable[..., tuple[Any, list[str]]]


@pytest.fixture
def server() -> Iterator[FakeLLMServer]:
    with FakeLLMServer() as fake:
        yield fake


@pytest.fixture
def run(server: FakeLLMServer, tmp_path: Path) -> Iterator[Run]:
    """Run a spell (source text) in an engine; returns (result, printed lines)."""
    runtimes: list[ScriptRuntime] = []

    def go(
        source: str, engine: str = "lua", timeout: float | None = 30, **extra: Any
    ) -> tuple[Any, list[str]]:
        config = LLMSpellConfig.model_validate(
            {
                "providers": {
                    "openai": {"base_url": server.openai_base_url, **extra},
                    "anthropic": {"base_url": server.anthropic_base_url, **extra},
                }
            }
        )
        catalog = Catalog(config, environ={"OPENAI_API_KEY": "sk", "ANTHROPIC_API_KEY": "ak"})
        lines: list[str] = []
        runtime = ScriptRuntime(
            engine=engine,
            config=config,
            services=catalog,
            timeout_seconds=timeout,
            stdout=lines.append,
            stderr=lines.append,
        )
        runtimes.append(runtime)
        suffix = ".lua" if engine == "lua" else ".js"
        spell = tmp_path / f"spell{suffix}"
        spell.write_text(source)
        return runtime.run_file(spell), lines

    yield go
    for runtime in runtimes:
        services: Any = runtime.services
        runtime._loop.run(services.aclose(), timeout=10)
        runtime.close()


def test_lua_builder_execute_and_result_table(run: Run, server: FakeLLMServer) -> None:
    result, _ = run(
        """
        local agent = Agent.builder()
            :name("helper"):model("openai/gpt-4o-mini")
            :system_prompt("be brief"):temperature(0.2):max_tokens(50)
            :build()
        local r = agent:execute({text = "Hello"})
        local s = agent:execute("plain string")
        return {
            success = r.success, text = r.text, content = r.content, result = r.result,
            provider = r.metadata.provider, model = r.metadata.model,
            tokens_in = r.metadata.input_tokens, tokens_out = r.metadata.output_tokens,
            timed = r.metadata.duration_ms > 0, second = s.text,
        }
        """
    )
    assert result == {
        "success": True,
        "text": "echo: Hello",
        "content": "echo: Hello",
        "result": "echo: Hello",
        "provider": "openai",
        "model": "gpt-4o-mini",
        "tokens_in": 3,
        "tokens_out": 2,
        "timed": True,
        "second": "echo: plain string",
    }
    body = server.chat_requests()[0].fields
    assert body["messages"][0] == {"role": "system", "content": "be brief"}
    assert body["temperature"] == 0.2
    assert body["max_tokens"] == 50


def test_lua_tool_loop_with_a_script_tool(run: Run, server: FakeLLMServer) -> None:
    def respond(request: FakeRequest) -> FakeReply:
        if request.tool_results:
            return FakeReply(text="result: " + json.loads(request.tool_results[0][1])["text"])
        return FakeReply(tool_calls=[FakeToolCall("shout", {"word": "hey"})])

    server.responder = respond
    result, _ = run(
        """
        Tool.register{
            name = "shout", description = "uppercase a word",
            parameters = {type = "object", properties = {word = {type = "string"}}, required = {"word"}},
            handler = function(params) return {success = true, text = string.upper(params.word)} end,
        }
        local agent = Agent.create{name = "caller", model = "anthropic/claude-test", tools = {"shout"}}
        local r = agent:execute{text = "shout hey"}
        return {text = r.text, calls = r.metadata.tool_calls, name = r.tool_calls[1].name,
                invocations = agent:get_metrics().tool_invocations}
        """
    )
    assert result == {"text": "result: HEY", "calls": 1, "name": "shout", "invocations": 1}


def test_lua_streaming_and_invoke_stream(run: Run) -> None:
    result, lines = run(
        """
        local agent = Agent.create{model = "openai/gpt-4o-mini"}
        local parts, last = {}, nil
        for chunk in agent:stream({text = "one two three"}) do
            parts[#parts + 1] = chunk.text
            last = chunk
        end
        local seen = 0
        local r = agent:invokeStream("four five", function(chunk)
            seen = seen + 1
            print("chunk", chunk.index, chunk.text)
        end)
        return {streamed = table.concat(parts), pieces = #parts, last_done = last.done,
                usage = last.usage.output_tokens, invoked = r.text,
                received = r.chunks_received, seen = seen, ok = r.success}
        """
    )
    assert result["streamed"] == "echo: one two three"
    assert result["pieces"] >= 4
    assert result["last_done"] is True
    assert result["usage"] == 4
    assert result["invoked"] == "echo: four five"
    assert result["received"] == result["seen"] >= 3
    assert result["ok"] is True
    assert lines[0].startswith("chunk\t0\t")


def test_lua_structured_output(run: Run, server: FakeLLMServer) -> None:
    server.reply('{"city": "Paris", "population": "lots"}', '{"city": "Paris", "population": 2}')
    result, _ = run(
        """
        local agent = Agent.builder():model("openai/gpt-4o-mini")
            :response_format({type = "object",
                              properties = {city = {type = "string"}, population = {type = "integer"}},
                              required = {"city", "population"}})
            :build()
        local r = agent:execute{text = "Paris?"}
        return {ok = r.success, city = r.data.city, population = r.result.population,
                repaired = r.metadata.repaired}
        """
    )
    assert result == {"ok": True, "city": "Paris", "population": 2, "repaired": True}


def test_lua_media_from_path_and_base64(run: Run, server: FakeLLMServer, tmp_path: Path) -> None:
    (tmp_path / "photo.png").write_bytes(PNG)
    encoded = base64.b64encode(PNG).decode()
    run(
        f"""
        local agent = Agent.create{{model = "openai/gpt-4o-mini"}}
        agent:execute{{text = "what is this?", media = {{{{path = "photo.png"}}}}}}
        agent:execute{{text = "and this?", media = {{{{base64 = "{encoded}", format = "png"}}}}}}
        """
    )
    first, second = server.chat_requests()
    for request in (first, second):
        parts = request.messages[-1]["content"]
        assert parts[1]["image_url"]["url"] == f"data:image/png;base64,{encoded}"


def test_lua_media_outside_the_spell_dir_is_refused(run: Run) -> None:
    with pytest.raises(LLMSpellError) as info:
        run(
            """
            local agent = Agent.create{model = "openai/gpt-4o-mini"}
            agent:execute{text = "x", media = {{path = "/etc/passwd", format = "png"}}}
            """
        )
    assert info.value.code == "SECURITY_DENIED"
    assert "allowed_paths" in str(info.value)


def test_lua_introspection_and_wrap_as_tool(run: Run) -> None:
    result, _ = run(
        """
        local agent = Agent.builder():name("researcher"):description("finds things")
            :model("openai/gpt-4o-mini"):system_prompt("dig"):build()
        agent:execute("first")
        local same = Agent.get("researcher")
        local cfg = same:get_config()
        local history = agent:get_history()
        local metrics = agent:get_metrics()
        local tool = Agent.wrap_as_tool("researcher", {tool_name = "research", description = "ask it"})
        local via = Tool.execute(tool, {input = "via tool"})
        local details = Agent.get_details("researcher")
        local listed = Agent.list()
        agent:clear_history()
        return {
            cfg = {cfg.name, cfg.provider, cfg.model, cfg.system_prompt},
            history = #history, first_role = history[1].role,
            requests = metrics.requests_total, state = agent:get_state(),
            tool = tool, via = via.text, desc = details.description,
            listed = listed[1].name .. "/" .. listed[1].provider,
            kinds = Agent.discover()[1].type, cleared = #agent:get_history(),
            missing = Agent.get("nobody") == nil,
        }
        """
    )
    assert result == {
        "cfg": ["researcher", "openai", "gpt-4o-mini", "dig"],
        "history": 2,
        "first_role": "user",
        "requests": 1,
        "state": "Ready",
        "tool": "research",
        "via": "echo: via tool",
        "desc": "finds things",
        "listed": "researcher/openai",
        "kinds": "llm",
        "cleared": 0,
        "missing": True,
    }


def test_lua_errors_are_clear_and_catchable(run: Run, server: FakeLLMServer) -> None:
    server.fault(Fault.unauthorized())
    result, _ = run(
        """
        local function err(f) local ok, e = pcall(f); return ok and "no error" or tostring(e) end
        return {
            typo = err(function() return Agent.create{model = "openai/gpt-4o-mini", temprature = 1} end),
            range = err(function() return Agent.builder():model("openai/gpt-4o-mini"):temperature(9):build() end),
            provider = err(function() return Agent.create{model = "opnai/gpt-4o-mini"} end),
            auth = err(function() return Agent.create{model = "openai/gpt-4o-mini"}:execute("x") end),
            input = err(function() return Agent.create{model = "openai/gpt-4o-mini"}:execute({}) end),
        }
        """
    )
    assert (
        "Agent.create: unknown agent option 'temprature' (did you mean temperature?)"
        in result["typo"]
    )
    assert "temperature" in result["range"]
    assert "less than or equal to 2" in result["range"]
    assert "unknown provider 'opnai' (did you mean openai?)" in result["provider"]
    assert "rejected the credentials" in result["auth"]
    assert "OPENAI_API_KEY" in result["auth"]
    assert "needs 'text'" in result["input"]


def test_lua_spell_never_hangs_on_a_slow_provider(run: Run, server: FakeLLMServer) -> None:
    server.fault(Fault.slow(30, times=None))
    with pytest.raises(LLMSpellError) as info:
        run('Agent.create{model = "openai/gpt-4o-mini"}:execute("x")', timeout=1.0)
    assert info.value.code == "TIMEOUT"


def test_lua_provider_global(run: Run) -> None:
    result, _ = run(
        """
        local names = {}
        for _, p in ipairs(Provider.list()) do names[#names + 1] = p.name end
        local caps = Provider.getCapabilities("openai/gpt-4o-mini")
        return {
            names = names,
            tools = caps.supports_tools, context = caps.max_context_tokens,
            available = Provider.isAvailable("anthropic"),
            ollama = Provider.isAvailable("ollama"),
            unknown = Provider.get("nope") == nil,
            claude = Provider.get("sdk/anthropic/claude-test").capabilities.max_context_tokens,
        }
        """
    )
    assert result == {
        "names": ["sdk/anthropic/claude-sonnet-4-6", "sdk/openai/gpt-4o-mini"],
        "tools": True,
        "context": 128000,
        "available": True,
        "ollama": True,
        "unknown": True,
        "claude": 200000,
    }


# -- JavaScript: the same API, Promises for I/O ----------------------------------------------


def test_js_promise_all_runs_agents_concurrently(run: Run, server: FakeLLMServer) -> None:
    server.latency = 0.3
    result, _ = run(
        """
        const agent = Agent.builder().name("js-helper").model("openai/gpt-4o-mini").build();
        const [a, b] = await Promise.all([agent.execute({text: "one"}), agent.execute("two")]);
        return {a: a.text, b: b.text, provider: a.metadata.provider, ok: a.success && b.success};
        """,
        engine="javascript",
    )
    assert result == {"a": "echo: one", "b": "echo: two", "provider": "openai", "ok": True}
    first, second = server.chat_requests()
    assert abs(second.received_at - first.received_at) < 0.3  # both were in flight at once


def test_js_streaming_and_invoke_stream(run: Run) -> None:
    result, lines = run(
        """
        const agent = Agent.create({model: "anthropic/claude-test"});
        const parts = [];
        let done = false;
        for await (const chunk of agent.stream({text: "alpha beta gamma"})) {
            parts.push(chunk.text);
            done = chunk.done;
        }
        const r = await agent.invokeStream("delta", (chunk) => console.log("got", chunk.text));
        return {streamed: parts.join(""), pieces: parts.length, done, invoked: r.text,
                received: r.chunks_received};
        """,
        engine="javascript",
    )
    assert result["streamed"] == "echo: alpha beta gamma"
    assert result["pieces"] >= 4
    assert result["done"] is True
    assert result["invoked"] == "echo: delta"
    assert result["received"] == len([line for line in lines if line.startswith("got")])


def test_js_tool_loop_structured_output_and_errors(run: Run, server: FakeLLMServer) -> None:
    def respond(request: FakeRequest) -> FakeReply:
        if request.wants_json:
            return FakeReply(text='{"total": 5}')
        if request.tool_results:
            return FakeReply(text="sum is " + json.loads(request.tool_results[0][1])["text"])
        return FakeReply(tool_calls=[FakeToolCall("add", {"a": 2, "b": 3})])

    server.responder = respond
    result, _ = run(
        """
        Tool.register({
            name: "add", description: "add two numbers",
            parameters: {type: "object", properties: {a: {type: "number"}, b: {type: "number"}}},
            handler: (p) => ({success: true, text: String(p.a + p.b)}),
        });
        const agent = Agent.create({model: "openai/gpt-4o-mini", tools: ["add"]});
        const r = await agent.execute({text: "2+3?"});
        const s = await agent.execute({text: "as json", response_format: {
            type: "object", properties: {total: {type: "integer"}}, required: ["total"]}});
        let message = "", code = "";
        try { Agent.create({model: "openai/gpt-4o-mini", temperature: 9}); }
        catch (e) { message = e.message; code = e.code; }
        return {text: r.text, total: s.data.total, message, code,
                names: Provider.list().map((p) => p.name)};
        """,
        engine="javascript",
    )
    assert result["text"] == "sum is 5"
    assert result["total"] == 5
    assert result["message"].startswith("Agent.create: invalid agent option 'temperature'")
    assert result["code"] == "VALIDATION_ERROR"
    assert result["names"] == ["sdk/anthropic/claude-sonnet-4-6", "sdk/openai/gpt-4o-mini"]


def test_lua_without_keys_uses_the_offline_provider_and_says_so(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from llmspell_agents import factory

    factory._noticed.clear()
    catalog = Catalog(LLMSpellConfig(), environ={})
    lines: list[str] = []
    with (
        caplog.at_level("WARNING", logger="llmspell.agents"),
        ScriptRuntime(engine="lua", services=catalog, stdout=lines.append) as runtime,
    ):
        result = runtime.run_source(
            """
            local agent = Agent.create{model = "gpt-4o-mini"}
            local r = agent:execute("Hello offline world")
            local s = agent:execute{text = "json please",
                                    response_format = {type = "object",
                                                       properties = {n = {type = "integer"}}}}
            return {text = r.text, provider = r.metadata.provider, data_n = s.data.n}
            """,
            "offline.lua",
        )
    assert result["provider"] == "local"
    assert "no LLM was called" in result["text"]
    assert result["text"].endswith("Hello offline world")
    assert result["data_n"] == 0
    assert any("offline 'local' provider" in r.getMessage() for r in caplog.records)
    factory._noticed.clear()
