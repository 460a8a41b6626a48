"""LLMSPELL_RECORD saves exchanges; LLMSPELL_REPLAY answers from them with no network."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from pydantic import SecretStr

from llmspell_core.catalog import Catalog
from llmspell_core.config import LLMSpellConfig
from llmspell_core.context import ExecutionContext
from llmspell_core.errors import ConfigError, ProviderError
from llmspell_core.messages import Message
from llmspell_core.provider import CompletionChunk, CompletionRequest, ProviderSettings
from llmspell_core.testing import FakeLLMServer, FakeReply, FakeToolCall
from llmspell_providers import LocalProvider, reset_tapes

MakeCatalog = Callable[..., Catalog]


def ask(text: str, model: str = "gpt-4o-mini") -> CompletionRequest:
    return CompletionRequest(model=model, messages=[Message.user(text)])


@pytest.fixture
def recording(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The tape providers built from here on record to (``LLMSPELL_RECORD``)."""
    tape = tmp_path / "session.jsonl"
    monkeypatch.setenv("LLMSPELL_RECORD", str(tape))
    return tape


def replaying(tape: Path, monkeypatch: pytest.MonkeyPatch) -> Catalog:
    """A catalog whose providers answer from ``tape``: no server behind them and no API key."""
    monkeypatch.delenv("LLMSPELL_RECORD")
    monkeypatch.setenv("LLMSPELL_REPLAY", str(tape))
    reset_tapes()
    return Catalog(
        LLMSpellConfig.model_validate(
            {"providers": {"openai": {"base_url": "http://127.0.0.1:9/v1"}}}
        ),
        environ={"LLMSPELL_REPLAY": str(tape)},
    )


async def test_record_then_replay_without_network_or_key(
    make_catalog: MakeCatalog,
    server: FakeLLMServer,
    ctx: ExecutionContext,
    recording: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tape = recording
    provider = make_catalog().get_provider("openai")
    server.reply(
        "first answer",
        FakeReply(text="streamed answer", tool_calls=[FakeToolCall("calc", {"x": 1}, id="c1")]),
        "second answer to the same question",
    )
    assert (await provider.complete(ask("hello"), ctx)).message.content == "first answer"
    streamed = [c async for c in provider.stream(ask("stream please"), ctx)]
    assert (await provider.complete(ask("hello"), ctx)).message.content.startswith("second")
    vectors = await provider.embed(["a", "b"], None, ctx)
    lines = [json.loads(line) for line in tape.read_text().splitlines()]
    assert [line["kind"] for line in lines] == ["complete", "stream", "complete", "embed"]
    assert lines[0]["provider"] == "openai"
    assert lines[0]["request"]["model"] == "gpt-4o-mini"
    server.stop()  # from here on there is no server at all

    offline = replaying(tape, monkeypatch)
    replayed = offline.get_provider("openai")
    assert (await replayed.complete(ask("hello"), ctx)).message.content == "first answer"
    assert (await replayed.complete(ask("hello"), ctx)).message.content.startswith("second")
    again = [c async for c in replayed.stream(ask("stream please"), ctx)]
    assert [c.model_dump() for c in again] == [c.model_dump() for c in streamed]
    assert again[-1].tool_calls[0].id == "c1"
    assert await replayed.embed(["a", "b"], None, ctx) == vectors

    with pytest.raises(ProviderError) as info:
        await replayed.complete(ask("hello"), ctx)
    assert info.value.code == "REPLAY_MISSING"
    assert "all 2 recorded answer(s) for this request were already used" in info.value.message
    with pytest.raises(ProviderError) as info:
        await replayed.complete(ask("never asked before"), ctx)
    assert "no recorded answer" in info.value.message
    assert "'never asked before'" in info.value.message
    assert "model 'gpt-4o-mini'" in info.value.message
    assert "LLMSPELL_RECORD" in info.value.message
    await offline.aclose()


async def test_a_recorded_session_replays_on_another_provider(
    make_catalog: MakeCatalog,
    ctx: ExecutionContext,
    recording: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tape = recording
    await make_catalog().get_provider("anthropic").complete(ask("hi", model="m"), ctx)
    monkeypatch.delenv("LLMSPELL_RECORD")
    reset_tapes()
    # the local provider in replay mode reads the same file
    provider = LocalProvider(
        ProviderSettings(
            name="local",
            provider_type="local",
            api_key=SecretStr("x"),
            options={"script_file": str(tape)},
        )
    )
    assert provider.mode("replay") == "replay"
    assert (await provider.complete(ask("hi", model="m"), ctx)).message.content == "echo: hi"


async def test_missing_or_broken_replay_file(
    ctx: ExecutionContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    provider = LocalProvider(ProviderSettings(name="local", provider_type="local"))
    monkeypatch.setenv("LLMSPELL_REPLAY", str(tmp_path / "absent.jsonl"))
    with pytest.raises(ConfigError, match="no such file"):
        await provider.complete(ask("x"), ctx)
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"key": "k", "response": {}}\nnot json\n')
    monkeypatch.setenv("LLMSPELL_REPLAY", str(broken))
    with pytest.raises(ConfigError, match=r"broken.jsonl:2: not a recorded provider exchange"):
        await provider.complete(ask("x"), ctx)


async def drain(stream: AsyncIterator[CompletionChunk], into: list[str]) -> None:
    async for chunk in stream:
        into.append(chunk.text)


async def test_failures_are_recorded_and_replayed_as_the_same_errors(
    make_catalog: MakeCatalog,
    server: FakeLLMServer,
    ctx: ExecutionContext,
    recording: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from llmspell_core.testing import Fault

    provider = make_catalog(max_retries=0).get_provider("openai")
    server.reply("fine", FakeReply(text="one two three four five"), "after the storm")
    server.fault(Fault.unauthorized(times=1))
    with pytest.raises(ProviderError) as denied:
        await provider.complete(ask("who am I"), ctx)
    assert (await provider.complete(ask("hello"), ctx)).message.content == "fine"
    server.fault(Fault.cut_stream(after_chunks=2))
    streamed: list[str] = []
    with pytest.raises(ProviderError) as broken:
        await drain(provider.stream(ask("stream please"), ctx), streamed)
    assert streamed  # some chunks came before the cut
    text = recording.read_text()  # noqa: ASYNC240 - a small local file, read once
    lines = [json.loads(line) for line in text.splitlines()]
    assert [(line["kind"], "error" in line) for line in lines] == [
        ("complete", True),
        ("complete", False),
        ("stream", True),
    ]
    assert lines[0]["error"]["type"] == type(denied.value).__name__
    assert len(lines[2]["chunks"]) == len(streamed)
    server.stop()

    offline = replaying(recording, monkeypatch)
    replayed = offline.get_provider("openai")
    with pytest.raises(ProviderError) as again:
        await replayed.complete(ask("who am I"), ctx)
    assert type(again.value) is type(denied.value)
    assert (again.value.code, again.value.message) == (denied.value.code, denied.value.message)
    assert again.value.details["replayed"] is True
    assert (await replayed.complete(ask("hello"), ctx)).message.content == "fine"
    replayed_chunks: list[str] = []
    with pytest.raises(ProviderError) as broken_again:
        await drain(replayed.stream(ask("stream please"), ctx), replayed_chunks)
    assert replayed_chunks == streamed
    assert broken_again.value.message == broken.value.message
    await offline.aclose()
