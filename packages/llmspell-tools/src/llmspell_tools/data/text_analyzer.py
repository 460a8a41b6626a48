"""text-analyzer: counts, readability, keywords, language and sentiment of a text, offline.

Everything runs from data shipped in wheels, so it works with no network and downloads nothing:
textstat (readability, syllables from the bundled CMU dictionary), py3langid (language
identification, its model inside the package) and VADER (a sentiment lexicon). Keywords are
word frequencies with English stop words removed, which needs no library.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from functools import cache
from typing import Any, Literal, cast

from pydantic import Field

from llmspell_core.errors import ValidationError
from llmspell_core.extras import import_optional
from llmspell_core.tool_types import SecurityLevel, ToolOutput
from llmspell_tools.data._values import text_input
from llmspell_tools.framework import BaseTool, Invocation, ToolParams, ToolSettings, example

__all__ = ["TextAnalyzer", "TextAnalyzerParams", "TextAnalyzerSettings"]

Analysis = Literal["counts", "readability", "keywords", "language", "sentiment"]
_ALL: tuple[Analysis, ...] = ("counts", "readability", "keywords", "language", "sentiment")

_WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*|\d+(?:[.,]\d+)*", re.UNICODE)
_SENTENCE_END = re.compile(r"[.!?…]+(?=\s|$)|\n\s*\n")

_STOP_WORDS_TEXT = """a about above after again against all am an and any are aren't as at be because been
    before being below between both but by can can't cannot could couldn't did didn't do does
    doesn't doing don't down during each few for from further had hadn't has hasn't have haven't
    having he he'd he'll he's her here here's hers herself him himself his how how's i i'd i'll
    i'm i've if in into is isn't it it's its itself let's me more most mustn't my myself no nor
    not of off on once only or other ought our ours ourselves out over own same shan't she
    she'd she'll she's should shouldn't so some such than that that's the their theirs them
    themselves then there there's these they they'd they'll they're they've this those through
    to too under until up very was wasn't we we'd we'll we're we've were weren't what what's
    when when's where where's which while who who's whom why why's will with won't would
    wouldn't you you'd you'll you're you've your yours yourself yourselves also just may might
    must shall us via per like one two get got"""
_STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())


class TextAnalyzerSettings(ToolSettings):
    #: ``[tools.text_analyzer] max_input_bytes``: longest text analysed.
    max_input_bytes: int = Field(default=5 * 1024 * 1024, gt=0)


class TextAnalyzerParams(ToolParams):
    operation: Literal["analyze", "counts", "readability", "keywords", "language", "sentiment"] = (
        Field(default="analyze", description="one analysis, or 'analyze' for all of them")
    )
    text: str | None = Field(default=None, description="the text to analyse")
    path: str | None = Field(default=None, description="a UTF-8 text file instead of 'text'")
    top_k: int = Field(default=10, ge=1, le=500, description="keywords: how many to return")
    min_length: int = Field(default=3, ge=1, le=50, description="keywords: shortest word kept")
    ngrams: Literal[1, 2] = Field(default=1, description="keywords: single words or word pairs")
    languages: list[str] | None = Field(
        default=None, description="language: restrict to these ISO 639-1 codes"
    )
    analyses: list[Analysis] | None = Field(
        default=None, description="analyze: which analyses to run (default: all)"
    )


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def counts(text: str) -> dict[str, Any]:
    found = words(text)
    sentences = [s for s in _SENTENCE_END.split(text) if words(s)]
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    lower = [w.lower() for w in found]
    letters = sum(len(w) for w in found)
    return {
        "characters": len(text),
        "characters_no_spaces": sum(1 for c in text if not c.isspace()),
        "letters": letters,
        "words": len(found),
        "unique_words": len(set(lower)),
        "sentences": len(sentences),
        "paragraphs": len(paragraphs),
        "lines": len(text.splitlines()),
        "average_word_length": round(letters / len(found), 3) if found else 0.0,
        "average_sentence_length": round(len(found) / len(sentences), 3) if sentences else 0.0,
        "lexical_diversity": round(len(set(lower)) / len(found), 4) if found else 0.0,
    }


def readability(text: str) -> dict[str, Any]:
    import_optional("textstat", what="text-analyzer", distribution="llmspell-tools", extra="data")
    import textstat

    if not words(text):
        raise ValidationError(
            "text-analyzer: readability needs some words",
            details={"field": "text", "rule": "empty"},
        )
    ts: Any = textstat
    return {
        "flesch_reading_ease": round(float(ts.flesch_reading_ease(text)), 2),
        "flesch_kincaid_grade": round(float(ts.flesch_kincaid_grade(text)), 2),
        "gunning_fog": round(float(ts.gunning_fog(text)), 2),
        "smog_index": round(float(ts.smog_index(text)), 2),
        "coleman_liau_index": round(float(ts.coleman_liau_index(text)), 2),
        "automated_readability_index": round(float(ts.automated_readability_index(text)), 2),
        "dale_chall": round(float(ts.dale_chall_readability_score(text)), 2),
        "grade_level": str(ts.text_standard(text, float_output=False)),
        "syllables": int(ts.syllable_count(text)),
        "reading_time_seconds": round(float(ts.reading_time(text, ms_per_char=14.69)), 2),
    }


def keywords(text: str, top_k: int, min_length: int, ngrams: int) -> list[dict[str, Any]]:
    tokens = [w.lower().replace("\u2019", "'") for w in words(text)]
    kept = [
        t for t in tokens if len(t) >= min_length and t not in _STOP_WORDS and not t[0].isdigit()
    ]
    if ngrams == 2:
        grams: list[str] = []
        for first, second in itertools.pairwise(tokens):
            if all(
                len(t) >= min_length and t not in _STOP_WORDS and not t[0].isdigit()
                for t in (first, second)
            ):
                grams.append(f"{first} {second}")
        kept = grams
    total = len(kept) or 1
    ranked = Counter(kept).most_common(top_k)
    return [{"keyword": k, "count": c, "frequency": round(c / total, 4)} for k, c in ranked]


@cache
def _identifier() -> Any:
    import_optional("py3langid", what="text-analyzer", distribution="llmspell-tools", extra="data")
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def language(text: str, languages: list[str] | None) -> dict[str, Any]:
    identifier = _identifier()
    if languages:
        known = set(cast(list[str], identifier.nb_classes))
        unknown = sorted(set(languages) - known)
        if unknown:
            raise ValidationError(
                f"text-analyzer: unknown language code(s) {', '.join(unknown)}",
                details={"field": "languages", "rule": "language"},
            )
    # a fresh ranking restricted to the wanted languages, without mutating the shared model
    ranked = cast(list[tuple[str, float]], identifier.rank(text))
    if languages:
        wanted = set(languages)
        ranked = [(code, p) for code, p in ranked if code in wanted]
        total = sum(p for _, p in ranked) or 1.0
        ranked = [(code, p / total) for code, p in ranked]
    code, confidence = ranked[0]
    return {
        "language": str(code),
        "confidence": round(float(confidence), 4),
        "candidates": [
            {"language": str(c), "confidence": round(float(p), 4)} for c, p in ranked[:3]
        ],
    }


@cache
def _vader() -> Any:
    import_optional(
        "vaderSentiment", what="text-analyzer", distribution="llmspell-tools", extra="data"
    )
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def sentiment(text: str) -> dict[str, Any]:
    scores = cast(dict[str, float], _vader().polarity_scores(text))
    compound = float(scores["compound"])
    # VADER's documented cut-offs
    label = "positive" if compound >= 0.05 else "negative" if compound <= -0.05 else "neutral"
    return {
        "label": label,
        "compound": compound,
        "positive": float(scores["pos"]),
        "neutral": float(scores["neu"]),
        "negative": float(scores["neg"]),
        "method": "vader-lexicon",
    }


class TextAnalyzer(BaseTool[TextAnalyzerParams]):
    tool_name = "text-analyzer"
    description = (
        "Analyse a text offline: counts (words, sentences, ...), readability scores (Flesch, "
        "grade level, reading time), keywords by frequency, language detection and lexicon "
        "sentiment (positive/neutral/negative). 'analyze' runs them all."
    )
    tool_category = "data"
    tags = ("text", "nlp", "readability", "sentiment", "language", "keywords")
    params_model = TextAnalyzerParams
    settings_model = TextAnalyzerSettings
    security_level = SecurityLevel.RESTRICTED  # may read a file inside the allowed roots
    timeout_seconds = 30.0
    examples = (
        example("Everything", text="The cat sat on the mat. It was a happy cat."),
        example("Sentiment", operation="sentiment", text="I love this library, it is great!"),
        example("Language", operation="language", text="Ceci est une phrase en français."),
        example(
            "Keywords",
            operation="keywords",
            text="Spells drive agents. Agents call tools; tools answer spells.",
            top_k=3,
        ),
    )

    async def run(self, params: TextAnalyzerParams, call: Invocation) -> ToolOutput:
        return await call.to_thread(self._run, params, call)

    def _run(self, params: TextAnalyzerParams, call: Invocation) -> ToolOutput:
        limit = cast(TextAnalyzerSettings, call.settings).max_input_bytes
        text, _source = text_input(call, params.text, params.path, limit=limit, what="text")
        if params.operation == "analyze":
            wanted = list(params.analyses or _ALL)
            if not words(text):
                wanted = [a for a in wanted if a == "counts"]  # nothing else means anything
        else:
            wanted = [params.operation]
        result: dict[str, Any] = {}
        for analysis in wanted:
            call.check()
            result[analysis] = self._one(cast(Analysis, analysis), text, params)
        if params.operation != "analyze":
            result = cast(dict[str, Any], result[params.operation])
            return call.ok(_summary(params.operation, result), result)
        return call.ok(_summary_all(result), result)

    def _one(self, analysis: Analysis, text: str, params: TextAnalyzerParams) -> Any:
        match analysis:
            case "counts":
                return counts(text)
            case "readability":
                return readability(text)
            case "keywords":
                return {"keywords": keywords(text, params.top_k, params.min_length, params.ngrams)}
            case "language":
                if not any(c.isalpha() for c in text):
                    raise ValidationError(
                        "text-analyzer: language detection needs some words",
                        details={"field": "text", "rule": "empty"},
                    )
                return language(text, params.languages)
            case _:
                return sentiment(text)


def _summary(operation: str, result: dict[str, Any]) -> str:
    match operation:
        case "counts":
            return f"{result['words']} words, {result['sentences']} sentences"
        case "readability":
            return (
                f"Flesch reading ease {result['flesch_reading_ease']}, "
                f"grade level {result['grade_level']}"
            )
        case "keywords":
            return ", ".join(k["keyword"] for k in result["keywords"]) or "no keywords"
        case "language":
            return f"{result['language']} ({result['confidence']:.2f})"
        case _:
            return f"{result['label']} (compound {result['compound']:+.3f})"


def _summary_all(result: dict[str, Any]) -> str:
    return "; ".join(_summary(name, value) for name, value in result.items())
