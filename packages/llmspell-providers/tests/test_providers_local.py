"""The offline local provider: honest echo, scripted turns, replay, hash embeddings."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from pydantic import SecretStr

from llmspell_core.catalog import Catalog
from llmspell_core.config import LLMSpellConfig
from llmspell_core.context import ExecutionContext
from llmspell_core.errors import ConfigError, ProviderError
from llmspell_core.media import MediaContent
from llmspell_core.messages import Message
from llmspell_core.provider import CompletionRequest, ProviderSettings
from llmspell_providers import OFFLINE_NOTICE, LocalProvider, example_for, hash_embedding


def local(script_file: Path | None = None) -> LocalProvider:
    options = {"script_file": str(script_file)} if script_file else {}
    return LocalProvider(
        ProviderSettings(
            name="local", provider_type="local", api_key=SecretStr("unused"), options=options
        )
    )


def ask(text: str, model: str = "echo", **kwargs: object) -> CompletionRequest:
    return CompletionRequest(model=model, messages=[Message.user(text)], **kwargs)  # type: ignore[arg-type]


async def test_echo_says_it_is_offline(ctx: ExecutionContext) -> None:
    response = await local().complete(ask("What is 2+2?"), ctx)
    assert response.message.content == f"{OFFLINE_NOTICE} What is 2+2?"
    assert "no LLM was called" in response.message.content
    assert response.model == "local/echo"
    assert response.usage.input_tokens == 3


async def test_echo_streams_word_by_word(ctx: ExecutionContext) -> None:
    chunks = [c async for c in local().stream(ask("one two three"), ctx)]
    assert "".join(c.text for c in chunks) == f"{OFFLINE_NOTICE} one two three"
    assert len(chunks) > 5
    assert chunks[-1].done


async def test_echo_mentions_media_it_cannot_see(ctx: ExecutionContext) -> None:
    image = MediaContent(kind="image", format="png", data=b"\x89PNG\r\n\x1a\nxxxx")
    request = CompletionRequest(model="echo", messages=[Message.user("look", media=[image])])
    text = (await local().complete(request, ctx)).message.content
    assert "1 attachment(s) it cannot look at: image/png 12 bytes" in text


async def test_structured_output_is_a_schema_valid_placeholder(ctx: ExecutionContext) -> None:
    schema = {
        "type": "object",
        "properties": {
            "title": {"type": "string", "minLength": 3},
            "score": {"type": "integer", "minimum": 1},
            "tags": {"type": "array", "items": {"type": "string"}, "minItems": 2},
            "kind": {"enum": ["a", "b"]},
            "ok": {"type": "boolean"},
        },
        "required": ["title", "score"],
    }
    text = (await local().complete(ask("x", response_format=schema), ctx)).message.content
    data = json.loads(text)
    assert data == {
        "title": "offline",
        "score": 1,
        "tags": ["offline", "offline"],
        "kind": "a",
        "ok": False,
    }


def test_schema_example_refs_and_combinators() -> None:
    schema = {
        "$defs": {
            "item": {"type": "object", "properties": {"n": {"type": "number", "maximum": -1}}}
        },
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/$defs/item"}},
            "either": {"anyOf": [{"type": "null"}, {"type": "string"}]},
            "when": {"type": "string", "format": "date-time"},
            "both": {
                "allOf": [
                    {"properties": {"a": {"const": 1}}},
                    {"properties": {"b": {"type": "string"}}},
                ]
            },
        },
    }
    assert example_for(schema) == {
        "items": [{"n": -1.0}],
        "either": None,
        "when": "1970-01-01T00:00:00Z",
        "both": {"a": 1, "b": "offline"},
    }


async def test_scripted_turns_in_order_with_tool_calls(
    tmp_path: Path, ctx: ExecutionContext
) -> None:
    script = tmp_path / "turns.json"
    script.write_text(
        json.dumps(
            {
                "turns": [
                    {"tool_calls": [{"name": "calculator", "arguments": {"expression": "6*7"}}]},
                    "The answer is 42.",
                ]
            }
        )
    )
    provider = local(script)
    first = await provider.complete(ask("what is 6*7?", model="scripted"), ctx)
    assert first.message.tool_calls[0].name == "calculator"
    assert first.message.tool_calls[0].arguments == {"expression": "6*7"}
    assert first.finish_reason == "tool_calls"
    second = [c async for c in provider.stream(ask("go on", model="anything"), ctx)]
    assert "".join(c.text for c in second) == "The answer is 42."
    with pytest.raises(ProviderError) as info:
        await provider.complete(ask("more?", model="scripted"), ctx)
    assert info.value.code == "SCRIPT_EXHAUSTED"
    assert "2 turn(s)" in info.value.message


async def test_scripted_turns_as_json_lines(tmp_path: Path, ctx: ExecutionContext) -> None:
    script = tmp_path / "turns.jsonl"
    script.write_text('"first"\n{"text": "second"}\n')
    provider = local(script)
    assert (await provider.complete(ask("a", model="m"), ctx)).message.content == "first"
    assert (await provider.complete(ask("b", model="m"), ctx)).message.content == "second"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('[{"text": 5}]', "turn 1 is invalid at 'text'"),
        ("not json\n", ":1: not JSON"),
    ],
)
async def test_bad_script_files_are_config_errors(
    tmp_path: Path, ctx: ExecutionContext, content: str, message: str
) -> None:
    script = tmp_path / "bad.json"
    script.write_text(content)
    with pytest.raises(ConfigError, match=message):
        await local(script).complete(ask("x", model="m"), ctx)


async def test_scripted_mode_needs_a_file(ctx: ExecutionContext) -> None:
    with pytest.raises(ConfigError, match="local/scripted needs a script file"):
        await local().complete(ask("x", model="scripted"), ctx)
    with pytest.raises(ConfigError, match="cannot read"):
        await local(Path("/nonexistent/turns.json")).complete(ask("x", model="m"), ctx)


async def test_script_file_from_config(tmp_path: Path, ctx: ExecutionContext) -> None:
    script = tmp_path / "turns.json"
    script.write_text('["configured reply"]')
    catalog = Catalog(
        LLMSpellConfig.model_validate({"providers": {"local": {"script_file": str(script)}}}),
        environ={},
    )
    resolved = catalog.resolve_model("local/scripted")
    assert (
        await resolved.provider.complete(ask("x", model=resolved.model), ctx)
    ).message.content == "configured reply"


async def test_embeddings_are_deterministic_unit_vectors(ctx: ExecutionContext) -> None:
    vectors = await local().embed(
        ["the cat sat", "the cat sat", "quantum flux capacitor"], None, ctx
    )
    assert vectors[0] == vectors[1]
    assert len(vectors[0]) == 256
    assert math.isclose(sum(x * x for x in vectors[0]), 1.0)

    def cosine(a: list[float], b: list[float]) -> float:
        return sum(x * y for x, y in zip(a, b, strict=True))

    related = hash_embedding("the cat sat on the mat")
    assert cosine(vectors[0], related) > cosine(vectors[2], related)
    assert hash_embedding("") == [0.0] * 256


def test_capabilities() -> None:
    caps = local().capabilities("echo")
    assert caps.supports_streaming
    assert caps.supports_tools
    assert caps.supports_embeddings
    assert caps.available_models == ["echo", "scripted", "replay"]
