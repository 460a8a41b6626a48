"""citation-formatter: format references in APA, MLA, Chicago, Harvard or IEEE style.

References come as a list of objects or as BibTeX / YAML / JSON text (bibtexparser, PyYAML);
each is normalised to one shape (authors split into family/given) before a style formats it.
"""

from __future__ import annotations

import json
import re
from typing import Any, Literal, cast

from pydantic import Field

from llmspell_core.errors import ValidationError
from llmspell_core.tool_types import ToolOutput
from llmspell_tools.framework import BaseTool, Invocation, ToolParams, example

__all__ = ["CitationFormatter", "CitationParams", "format_entry", "normalize"]

Style = Literal["apa", "mla", "chicago", "harvard", "ieee"]


class CitationParams(ToolParams):
    operation: Literal["format", "bibliography", "parse"] = Field(
        default="format",
        description="format each reference, build a sorted bibliography, or only parse",
    )
    citations: list[dict[str, Any]] | None = Field(
        default=None,
        description="references: {type, title, author(s), year, journal, volume, issue, "
        "pages, publisher, url, doi, edition}",
    )
    source: str | None = Field(default=None, description="BibTeX, YAML or JSON references")
    source_format: Literal["auto", "bibtex", "yaml", "json"] = Field(default="auto")
    style: Style = Field(default="apa", description="citation style")


def _split_name(raw: str) -> dict[str, str]:
    text = " ".join(raw.replace("{", "").replace("}", "").split())
    if "," in text:
        family, given = (part.strip() for part in text.split(",", 1))
        return {"family": family, "given": given}
    parts = text.split(" ")
    return {"family": parts[-1], "given": " ".join(parts[:-1])}


def _authors(value: Any) -> list[dict[str, str]]:
    if value is None:
        return []
    if isinstance(value, str):
        return [_split_name(n) for n in re.split(r"\s+and\s+", value) if n.strip()]
    out: list[dict[str, str]] = []
    for item in cast(list[Any], value):
        if isinstance(item, dict):
            person = cast(dict[str, Any], item)
            out.append(
                {"family": str(person.get("family", "")), "given": str(person.get("given", ""))}
            )
        else:
            out.append(_split_name(str(item)))
    return out


def normalize(entry: dict[str, Any], index: int) -> dict[str, Any]:
    """One reference in the common shape; ``title`` is required."""
    data = {str(k).lower(): v for k, v in entry.items()}
    title = data.get("title")
    if not title:
        raise ValidationError(
            f"citation-formatter: reference {index + 1} has no title",
            details={"field": f"citations[{index}].title", "rule": "required"},
        )

    def text(*keys: str) -> str | None:
        for key in keys:
            if data.get(key) not in (None, ""):
                return str(data[key]).replace("{", "").replace("}", "").strip()
        return None

    return {
        "id": text("id") or f"ref{index + 1}",
        "type": (text("type", "entrytype") or "article").lower(),
        "title": text("title"),
        "authors": _authors(data.get("authors", data.get("author"))),
        "year": text("year", "date"),
        "container": text("journal", "container", "booktitle", "container_title", "website"),
        "volume": text("volume"),
        "issue": text("issue", "number"),
        "pages": (text("pages") or "").replace("--", "-") or None,
        "publisher": text("publisher"),
        "edition": text("edition"),
        "url": text("url"),
        "doi": text("doi"),
    }


def _initials(given: str) -> str:
    return " ".join(f"{p[0]}." for p in re.split(r"[\s.]+", given) if p)


def _join(names: list[str], final: str) -> str:
    if len(names) <= 1:
        return "".join(names)
    if len(names) == 2:
        return f"{names[0]}{final}{names[1]}"
    return ", ".join(names[:-1]) + "," + final + names[-1]


def _authors_text(authors: list[dict[str, str]], style: str) -> str:
    if not authors:
        return ""
    match style:
        case "apa":
            names = [f"{a['family']}, {_initials(a['given'])}".rstrip(", ") for a in authors]
            return _join(names, " & ") if len(names) > 2 else " & ".join(names)
        case "harvard":
            names = [f"{a['family']}, {_initials(a['given'])}".rstrip(", ") for a in authors]
            return _join(names, " and ") if len(names) > 2 else " and ".join(names)
        case "ieee":
            names = [f"{_initials(a['given'])} {a['family']}".strip() for a in authors]
            return _join(names, " and ") if len(names) > 2 else " and ".join(names)
        case _:  # mla, chicago: first author inverted
            first = f"{authors[0]['family']}, {authors[0]['given']}".rstrip(", ")
            if style == "mla" and len(authors) > 2:
                return f"{first}, et al"
            rest = [f"{a['given']} {a['family']}".strip() for a in authors[1:]]
            return _join([first, *rest], " and ") if rest else first


def _volume(e: dict[str, Any], style: str) -> str:
    vol, issue = e["volume"], e["issue"]
    if style in ("mla", "ieee"):
        bits = [f"vol. {vol}" if vol else "", f"no. {issue}" if issue else ""]
        return ", ".join(b for b in bits if b)
    if style == "chicago":
        return f"{vol or ''}{f' ({issue})' if issue else ''}"
    return f"{vol or ''}{f'({issue})' if issue else ''}"


def _link(e: dict[str, Any]) -> str:
    if e["doi"]:
        doi = str(e["doi"])
        return doi if doi.startswith("http") else f"https://doi.org/{doi}"
    return e["url"] or ""


def _sentence(parts: list[str]) -> str:
    return " ".join(p for p in parts if p).replace("..", ".").strip()


def format_entry(e: dict[str, Any], style: str, number: int = 1) -> str:
    """One reference formatted in ``style`` (plain text)."""
    authors = _authors_text(e["authors"], style)
    year = e["year"] or "n.d."
    title, container = e["title"], e["container"]
    vol = _volume(e, style)
    pages = e["pages"]
    book = e["type"] in ("book", "inbook", "incollection") and not container
    edition = f"({e['edition']} ed.)" if e["edition"] else ""
    match style:
        case "apa":
            where = (
                f"{title}{f' {edition}' if edition else ''}. {e['publisher'] or ''}."
                if book
                else f"{title}. {container or ''}{f', {vol}' if vol else ''}"
                f"{f', {pages}' if pages else ''}."
            )
            return _sentence([f"{authors}." if authors else "", f"({year}).", where, _link(e)])
        case "mla":
            if book:
                return _sentence(
                    [f"{authors}.", f"{title}.", f"{e['publisher'] or ''},", f"{year}."]
                )
            bits = [f"{container}" if container else "", vol, year, f"pp. {pages}" if pages else ""]
            return _sentence(
                [
                    f"{authors}." if authors else "",
                    f'"{title}."',
                    ", ".join(b for b in bits if b) + ".",
                ]
            )
        case "chicago":
            if book:
                return _sentence(
                    [f"{authors}.", f"{year}.", f"{title}.", f"{e['publisher'] or ''}."]
                )
            tail = f"{container or ''} {vol}{f': {pages}' if pages else ''}".strip()
            return _sentence(
                [f"{authors}." if authors else "", f"{year}.", f'"{title}."', f"{tail}.", _link(e)]
            )
        case "harvard":
            if book:
                return _sentence([authors, f"({year})", f"{title}.", f"{e['publisher'] or ''}."])
            bits = [f"'{title}'", container or "", vol, f"pp. {pages}" if pages else ""]
            return _sentence([authors, f"({year})", ", ".join(b for b in bits if b) + "."])
        case _:
            if book:
                return _sentence(
                    [f"[{number}]", f"{authors},", f"{title}.", f"{e['publisher'] or ''}, {year}."]
                )
            bits = [container or "", vol, f"pp. {pages}" if pages else "", year]
            head = f"[{number}] {authors}," if authors else f"[{number}]"
            return _sentence([head, f'"{title},"', ", ".join(b for b in bits if b) + "."])


def _in_text(e: dict[str, Any], style: str, number: int) -> str:
    if style == "ieee":
        return f"[{number}]"
    families = [a["family"] for a in e["authors"]]
    who = (
        (
            families[0]
            if len(families) == 1
            else (
                f"{families[0]} & {families[1]}" if len(families) == 2 else f"{families[0]} et al."
            )
        )
        if families
        else e["title"]
    )
    if style == "mla":
        return f"({who})"
    return (
        f"({who}, {e['year'] or 'n.d.'})"
        if style != "chicago"
        else f"({who} {e['year'] or 'n.d.'})"
    )


def _parse_source(source: str, fmt: str) -> list[dict[str, Any]]:
    kind = fmt
    if kind == "auto":
        stripped = source.lstrip()
        kind = (
            "bibtex" if stripped.startswith("@") else ("json" if stripped[:1] in "[{" else "yaml")
        )
    try:
        if kind == "bibtex":
            import bibtexparser  # pyright: ignore[reportMissingTypeStubs]

            entries: Any = bibtexparser.loads(source).entries  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType]
        elif kind == "json":
            entries = json.loads(source)
        else:
            import yaml

            entries = yaml.safe_load(source)
    except Exception as exc:
        raise ValidationError(
            f"citation-formatter: cannot parse the source as {kind}: {exc}",
            details={"field": "source", "rule": kind},
        ) from None
    if isinstance(entries, dict):
        entries = cast(dict[str, Any], entries).get("references", [entries])
    if not isinstance(entries, list) or not all(
        isinstance(e, dict) for e in cast(list[Any], entries)
    ):
        raise ValidationError(
            "citation-formatter: the source must hold a list of references",
            details={"field": "source", "rule": "shape"},
        )
    return cast(list[dict[str, Any]], entries)


class CitationFormatter(BaseTool[CitationParams]):
    tool_name = "citation-formatter"
    description = (
        "Format references (objects, BibTeX, YAML or JSON) as APA, MLA, Chicago, Harvard or "
        "IEEE citations with in-text forms, or build a sorted bibliography."
    )
    tool_category = "utility"
    tags = ("citation", "bibliography", "bibtex")
    params_model = CitationParams
    timeout_seconds = 10.0
    examples = (
        example(
            "APA",
            citations=[
                {
                    "title": "Notes on the Analytical Engine",
                    "author": ["Ada Lovelace"],
                    "year": 1843,
                    "journal": "Scientific Memoirs",
                    "volume": 3,
                    "pages": "666-731",
                }
            ],
        ),
        example(
            "BibTeX bibliography in IEEE",
            operation="bibliography",
            style="ieee",
            source="@book{k, author={Knuth, Donald}, title={TAOCP}, publisher={AW}, year={1968}}",
        ),
    )

    async def run(self, params: CitationParams, call: Invocation) -> ToolOutput:
        raw = params.citations
        if raw is None:
            if params.source is None:
                raise ValidationError(
                    "citation-formatter: give 'citations' or 'source' (rule: required)",
                    details={"field": "citations", "rule": "required"},
                )
            raw = _parse_source(params.source, params.source_format)
        entries = [normalize(e, i) for i, e in enumerate(call.limit_rows(raw))]
        if params.operation == "parse":
            return call.ok(f"{len(entries)} reference(s)", {"citations": entries})
        if params.operation == "bibliography" and params.style != "ieee":
            entries.sort(
                key=lambda e: (
                    (e["authors"][0]["family"] if e["authors"] else e["title"]).lower(),
                    e["year"] or "",
                )
            )
        formatted = [
            {
                "id": e["id"],
                "citation": format_entry(e, params.style, i + 1),
                "in_text": _in_text(e, params.style, i + 1),
            }
            for i, e in enumerate(entries)
        ]
        text = "\n".join(f["citation"] for f in formatted)
        result: dict[str, Any] = {"style": params.style, "citations": formatted}
        if params.operation == "bibliography":
            result["bibliography"] = text
        return call.ok(text, result)
