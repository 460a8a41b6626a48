"""text-analyzer: counts, readability, keywords, language, sentiment — all offline."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest

from llmspell_core.config import LLMSpellConfig
from llmspell_core.context import ExecutionContext
from llmspell_core.errors import SecurityError, ValidationError
from llmspell_core.testing.contracts import ToolContract
from llmspell_core.tool import Tool
from llmspell_tools.data import text_analyzer
from llmspell_tools.data.text_analyzer import TextAnalyzer

SIMPLE = "The cat sat on the mat. The dog ran. We had fun."
DENSE = (
    "Notwithstanding considerable methodological heterogeneity, contemporary epidemiological "
    "investigations substantiate the hypothesis that socioeconomic determinants systematically "
    "influence cardiovascular morbidity across industrialized populations."
)


class TestTextContract(ToolContract):
    def make_tool(self) -> Tool:
        return TextAnalyzer()

    def invalid_params(self) -> list[dict[str, Any]]:
        return [
            {},
            {"text": "a", "path": "b.txt"},
            {"operation": "readability", "text": "   "},
            {"operation": "language", "text": "1234"},
            {"operation": "language", "text": "hello", "languages": ["xx"]},
            {"operation": "keywords", "text": "x", "top_k": 0},
        ]


async def ta(config: LLMSpellConfig | None = None, **params: Any) -> Any:
    ctx = ExecutionContext(config=config) if config is not None else ExecutionContext()
    return await TextAnalyzer().execute(params, ctx)


async def test_counts() -> None:
    text = "Hello world. It's a test!\n\nSecond paragraph here?"
    out = await ta(operation="counts", text=text)
    r = out.result
    assert r["words"] == 8
    assert r["sentences"] == 3
    assert r["paragraphs"] == 2
    assert r["lines"] == 3
    assert r["unique_words"] == 8
    assert r["characters"] == len(text)
    assert out.text == "8 words, 3 sentences"


async def test_readability_ranks_simple_above_dense() -> None:
    easy = await ta(operation="readability", text=SIMPLE)
    hard = await ta(operation="readability", text=DENSE)
    assert easy.result["flesch_reading_ease"] > 80
    assert hard.result["flesch_reading_ease"] < 10
    assert hard.result["flesch_kincaid_grade"] > easy.result["flesch_kincaid_grade"] + 10
    assert easy.result["syllables"] == 12  # twelve one-syllable words
    assert hard.result["reading_time_seconds"] > easy.result["reading_time_seconds"]


async def test_keywords_skip_stop_words() -> None:
    text = "Spells drive agents. Agents call tools, and tools answer the spells. Agents rule."
    out = await ta(operation="keywords", text=text, top_k=3)
    assert out.result["keywords"][0] == {"keyword": "agents", "count": 3, "frequency": 0.2727}
    assert [k["keyword"] for k in out.result["keywords"]][1:] == ["spells", "tools"]
    pairs = await ta(
        operation="keywords", text="machine learning and machine learning models", ngrams=2, top_k=1
    )
    assert pairs.result["keywords"][0]["keyword"] == "machine learning"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("The weather is lovely today and we are going to the park.", "en"),
        ("Le temps est magnifique aujourd'hui et nous allons au parc.", "fr"),
        ("Das Wetter ist heute schön und wir gehen in den Park.", "de"),
        ("El tiempo es precioso hoy y vamos a ir al parque.", "es"),
    ],
)
async def test_language(text: str, code: str) -> None:
    out = await ta(operation="language", text=text)
    assert out.result["language"] == code
    assert out.result["confidence"] > 0.9


async def test_language_restricted_to_candidates() -> None:
    out = await ta(operation="language", text="Ceci est une phrase.", languages=["en", "fr"])
    assert out.result["language"] == "fr"
    assert {c["language"] for c in out.result["candidates"]} <= {"en", "fr"}


async def test_sentiment_labels() -> None:
    good = await ta(operation="sentiment", text="I love this library. It is wonderful and fast!")
    bad = await ta(operation="sentiment", text="This is terrible, broken and I hate it.")
    flat = await ta(operation="sentiment", text="The meeting is at noon in room four.")
    assert good.result["label"] == "positive"
    assert good.result["compound"] > 0.5
    assert bad.result["label"] == "negative"
    assert bad.result["compound"] < -0.5
    assert flat.result["label"] == "neutral"


async def test_analyze_runs_everything_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("text-analyzer tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    text_analyzer._identifier.cache_clear()  # pyright: ignore[reportPrivateUsage]
    text_analyzer._vader.cache_clear()  # pyright: ignore[reportPrivateUsage]
    out = await ta(text="I really enjoy reading clear, friendly documentation.")
    assert set(out.result) == {"counts", "readability", "keywords", "language", "sentiment"}
    assert out.result["language"]["language"] == "en"
    assert out.result["sentiment"]["label"] == "positive"
    some = await ta(text="Nice.", analyses=["counts", "sentiment"])
    assert set(some.result) == {"counts", "sentiment"}


async def test_reads_a_file_inside_allowed_roots(tmp_path: Path) -> None:
    doc = tmp_path / "note.txt"
    doc.write_text(SIMPLE, encoding="utf-8")
    config = LLMSpellConfig(tools={"filesystem": {"allowed_paths": [str(tmp_path)]}})
    out = await ta(config, operation="counts", path=str(doc))
    assert out.result["words"] == 12
    with pytest.raises(SecurityError):
        await ta(config, operation="counts", path="/etc/hostname")
    (tmp_path / "bin.dat").write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(ValidationError):
        await ta(config, operation="counts", path=str(tmp_path / "bin.dat"))
