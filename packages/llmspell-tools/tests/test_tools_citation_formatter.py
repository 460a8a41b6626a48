"""citation-formatter: styles, BibTeX/YAML/JSON input, bibliography ordering, errors."""

from __future__ import annotations

from typing import Any

import pytest

from llmspell_core.context import ExecutionContext
from llmspell_core.errors import ValidationError
from llmspell_core.testing.contracts import ToolContract
from llmspell_core.tool import Tool
from llmspell_tools.utility.citation_formatter import CitationFormatter


class TestCitationContract(ToolContract):
    def make_tool(self) -> Tool:
        return CitationFormatter()

    def invalid_params(self) -> list[dict[str, Any]]:
        return [
            {},
            {"citations": [{"author": "A"}]},
            {"citations": [{"title": "T"}], "style": "vancouver"},
            {"source": "{not: [valid", "source_format": "yaml"},
            {"source": "42", "source_format": "json"},
        ]


ARTICLE = {
    "type": "article",
    "title": "Notes on the Analytical Engine",
    "author": "Lovelace, Ada and Babbage, Charles",
    "year": 1843,
    "journal": "Scientific Memoirs",
    "volume": 3,
    "issue": 2,
    "pages": "666--731",
    "doi": "10.1000/xyz",
}
BOOK = {
    "type": "book",
    "title": "TAOCP",
    "author": ["Donald E. Knuth"],
    "year": 1968,
    "publisher": "Addison-Wesley",
}


async def fmt(**params: Any) -> Any:
    return await CitationFormatter().execute(params, ExecutionContext())


@pytest.mark.parametrize(
    ("style", "citation", "in_text"),
    [
        (
            "apa",
            "Lovelace, A. & Babbage, C. (1843). Notes on the Analytical Engine. Scientific Memoirs, 3(2), 666-731. https://doi.org/10.1000/xyz",
            "(Lovelace & Babbage, 1843)",
        ),
        (
            "mla",
            'Lovelace, Ada and Charles Babbage. "Notes on the Analytical Engine." Scientific Memoirs, vol. 3, no. 2, 1843, pp. 666-731.',
            "(Lovelace & Babbage)",
        ),
        (
            "chicago",
            'Lovelace, Ada and Charles Babbage. 1843. "Notes on the Analytical Engine." Scientific Memoirs 3 (2): 666-731. https://doi.org/10.1000/xyz',
            "(Lovelace & Babbage 1843)",
        ),
        (
            "harvard",
            "Lovelace, A. and Babbage, C. (1843) 'Notes on the Analytical Engine', Scientific Memoirs, 3(2), pp. 666-731.",
            "(Lovelace & Babbage, 1843)",
        ),
        (
            "ieee",
            '[1] A. Lovelace and C. Babbage, "Notes on the Analytical Engine," Scientific Memoirs, vol. 3, no. 2, pp. 666-731, 1843.',
            "[1]",
        ),
    ],
)
async def test_article_in_each_style(style: str, citation: str, in_text: str) -> None:
    out = await fmt(citations=[ARTICLE], style=style)
    assert out.result["citations"][0]["citation"] == citation
    assert out.result["citations"][0]["in_text"] == in_text


async def test_book_and_many_authors() -> None:
    out = await fmt(citations=[BOOK], style="apa")
    assert out.text == "Knuth, D. E. (1968). TAOCP. Addison-Wesley."
    many = {"title": "T", "author": ["A One", "B Two", "C Three"], "year": 2000, "journal": "J"}
    apa = await fmt(citations=[many], style="apa")
    assert apa.text.startswith("One, A., Two, B., & Three, C. (2000)")
    mla = await fmt(citations=[many], style="mla")
    assert mla.text.startswith("One, A, et al.")
    assert (await fmt(citations=[{"title": "Untitled work"}])).text.startswith(
        "(n.d.). Untitled work."
    )


async def test_bibtex_bibliography_sorted_by_author() -> None:
    source = """
    @article{z, author={Zuse, Konrad}, title={{Plankalkul}}, journal={J}, year={1945}}
    @book{k, author={Knuth, Donald}, title={TAOCP}, publisher={AW}, year={1968}}
    """
    out = await fmt(operation="bibliography", source=source)
    assert [c["id"] for c in out.result["citations"]] == ["k", "z"]
    assert out.result["bibliography"].splitlines()[0].startswith("Knuth, D.")


async def test_yaml_and_json_sources_and_parse() -> None:
    yaml_source = "references:\n  - title: A\n    author: [Ann Bee]\n    year: 2001\n"
    parsed = await fmt(operation="parse", source=yaml_source)
    entry = parsed.result["citations"][0]
    assert entry["authors"] == [{"family": "Bee", "given": "Ann"}]
    assert entry["year"] == "2001"
    json_source = '[{"title": "B", "authors": [{"family": "Cee", "given": "Dee"}]}]'
    out = await fmt(source=json_source, style="harvard")
    assert out.text.startswith("Cee, D. (n.d.)")


async def test_missing_title_names_the_reference() -> None:
    with pytest.raises(ValidationError) as info:
        await fmt(citations=[{"title": "ok"}, {"author": "X"}])
    assert info.value.details["field"] == "citations[1].title"
