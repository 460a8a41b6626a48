"""The bridge's own globals: JSON, State, Debug, Config and Streaming."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from llmspell_bridge import ScriptRuntime
from llmspell_bridge.globals.config import REDACTED, redacted_view
from llmspell_bridge.globals.json import parse, stringify
from llmspell_core.config import LLMSpellConfig
from llmspell_core.errors import LLMSpellError, ValidationError


@pytest.fixture
def runtime() -> Iterator[ScriptRuntime]:
    with ScriptRuntime(stdout=lambda _: None) as rt:
        yield rt


def test_json_stringify_is_compact_sorted_and_indentable() -> None:
    assert stringify({"b": 1, "a": [1.0, 2.5, None]}) == '{"a":[1,2.5,null],"b":1}'
    assert stringify({"x": float("nan")}) == '{"x":null}'
    assert stringify([1], 2) == "[\n  1\n]"
    assert stringify("ü") == '"ü"'
    with pytest.raises(ValidationError, match="indent"):
        stringify([], "wide")


def test_json_parse_names_the_position() -> None:
    assert parse('{"a": [1, 2.5]}') == {"a": [1, 2.5]}
    with pytest.raises(ValidationError, match="line 2 column 3"):
        parse("{\n  x}")
    with pytest.raises(ValidationError, match="NaN is not valid JSON"):
        parse("NaN")
    with pytest.raises(ValidationError, match="expected a string"):
        parse(1)


def test_state_round_trips_exactly_in_both_languages(runtime: ScriptRuntime) -> None:
    lua = """
    State.save("agent:1", "v", {i = 1, f = 2.0, s = "x", list = {1, 2}, empty = {}, nested = {t = true}})
    local v = State.load("agent:1", "v")
    return {math.type(v.i), math.type(v.f), v.s, #v.list, v.nested.t, State.list_keys("agent:1")}
    """
    assert runtime.run_source(lua, "s.lua") == ["integer", "float", "x", 2, True, ["v"]]
    assert runtime.run_source("return State.load('agent:1', 'v').f", "s.js") == 2.0
    assert runtime.run_source("return Number.isInteger(State.load('agent:1', 'v').i)", "s.js")


def test_state_refuses_what_it_cannot_store(runtime: ScriptRuntime) -> None:
    with pytest.raises(LLMSpellError, match=r"State\.set: value contains a function"):
        runtime.run_source("State.set('f', print)", "f.lua")
    with pytest.raises(LLMSpellError, match=r"State\.load: scope must be a non-empty string"):
        runtime.run_source("State.load(1, 'x')", "f.lua")


def test_debug_goes_to_logging_not_stdout(caplog: pytest.LogCaptureFixture) -> None:
    lines: list[str] = []
    with caplog.at_level(5, logger="llmspell.script"), ScriptRuntime(stdout=lines.append) as rt:
        rt.run_source(
            "Debug.info('hello')\nDebug.log('warn', 'careful')\nDebug.trace(1.0)\n"
            "local t = Debug.timer('work')\nt:stop()\nreturn t:elapsed() >= 0",
            "d.lua",
        )
    assert lines == []
    messages = [(r.levelno, r.getMessage()) for r in caplog.records]
    assert (logging.INFO, "d.lua: hello") in messages
    assert (logging.WARNING, "d.lua: careful") in messages
    assert (5, "d.lua: 1") in messages
    assert any("timer work" in m for _, m in messages)


def test_debug_dump_renders_any_value(runtime: ScriptRuntime) -> None:
    dumped = runtime.run_source(
        "return Debug.dump({a = 1, fn = print, t = Debug.timer('x')})", "d.lua"
    )
    assert '"a": 1' in dumped
    assert '"fn": "<function>"' in dumped
    assert '"t": "<Timer>"' in dumped


def test_config_redacts_secrets() -> None:
    config = LLMSpellConfig.model_validate(
        {
            "providers": {
                "default_provider": "openai",
                "openai": {"api_key": "sk-secret", "api_key_env": "OPENAI_API_KEY"},
            },
            "tools": {"web": {"token": "t0k", "timeout": 5}},
        }
    )
    view = redacted_view(config)
    assert view["providers"]["openai"]["api_key"] == REDACTED
    assert view["providers"]["openai"]["api_key_env"] == "OPENAI_API_KEY"
    assert view["providers"]["default_provider"] == "openai"
    assert view["tools"]["web"] == {"token": REDACTED, "timeout": 5}
    assert "sk-secret" not in repr(view)
    secret = config.providers.entries["openai"].api_key
    assert secret is not None
    assert secret.get_secret_value() == "sk-secret"


def test_config_global_is_a_read_only_view() -> None:
    config = LLMSpellConfig.model_validate({"providers": {"openai": {"api_key": "sk-x"}}})
    with ScriptRuntime(config=config) as runtime:
        source = """
        local p = Config.getProvider("openai")
        local all = Config.get()
        all.runtime.max_memory_mb = 1  -- a copy: changing it changes nothing
        return {p.api_key, Config.listProviders(), Config.getSection("runtime").max_memory_mb,
                Config.get().runtime.max_memory_mb, Config.getSection("nope") == nil}
        """
        assert runtime.run_source(source, "c.lua") == [REDACTED, ["openai"], 256, 256, True]
        assert runtime.run_source("return typeof Config.set", "c.js") == "undefined"


def test_streaming_needs_a_generator_body(runtime: ScriptRuntime) -> None:
    with pytest.raises(LLMSpellError, match="expected a generator body"):
        runtime.run_source("Streaming.create(42)", "s.lua")
    with pytest.raises(LLMSpellError, match="generator function"):
        runtime.run_source("Streaming.create(() => 1).next()", "s.js")
    source = "local s = Streaming.create(function() coroutine.yield(1) error('mid') end)\nlocal a = s:next()\nlocal ok, err = pcall(s.next, s)\nreturn {a, ok, tostring(err):match('mid') ~= nil}"
    assert runtime.run_source(source, "s.lua") == [1, False, True]
