"""HTML reading shared by web-scraper, url-analyzer and webpage-monitor (selectolax/lexbor).

Readable text keeps block structure (one paragraph per line) and leaves out scripts and
styles; links are made absolute; metadata gathers title, description, canonical, OpenGraph
and Twitter card tags. selectolax is imported inside each function.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from llmspell_core.errors import ValidationError
from llmspell_core.extras import import_optional

if TYPE_CHECKING:
    from selectolax.lexbor import LexborHTMLParser, LexborNode

__all__ = ["extract_links", "extract_metadata", "parse_html", "readable_text", "select"]

_SKIP = frozenset({"script", "style", "noscript", "template", "svg", "head", "iframe", "object"})
_BLOCK = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "dd", "details", "div", "dl", "dt",
        "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
        "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table",
        "td", "th", "tr", "ul", "title", "body", "html",
    }
)  # fmt: skip
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")


def parse_html(html: str, tool: str) -> LexborHTMLParser:
    import_optional(
        "selectolax", what=f"{tool} HTML parsing", distribution="llmspell-tools", extra="web"
    )
    from selectolax.lexbor import LexborHTMLParser

    return LexborHTMLParser(html)


def _walk(node: LexborNode, out: list[str]) -> None:
    for child in node.iter(include_text=True):
        tag = child.tag
        if tag == "-text":
            out.append(child.text_content or "")
        elif tag in _SKIP or tag is None or tag.startswith("-"):
            continue
        else:
            block = tag in _BLOCK
            if block:
                out.append("\n")
            _walk(child, out)
            if block:
                out.append("\n")


def node_text(node: LexborNode) -> str:
    """Text of one node with block elements on their own lines, whitespace collapsed."""
    parts: list[str] = []
    if node.tag == "-text":
        return _SPACES.sub(" ", node.text_content or "").strip()
    _walk(node, parts)
    lines = (_SPACES.sub(" ", line).strip() for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def readable_text(tree: LexborHTMLParser) -> str:
    """The page's visible text (body only), one block per line."""
    body = tree.body or tree.root
    return node_text(body) if body is not None else ""


def extract_links(tree: LexborHTMLParser, base_url: str, limit: int) -> list[dict[str, Any]]:
    """``<a href>`` targets made absolute, deduplicated, in page order (at most ``limit``)."""
    base_url = _document_base(tree, base_url)
    site = urlsplit(base_url).netloc
    seen: set[str] = set()
    links: list[dict[str, Any]] = []
    for anchor in tree.css("a[href]"):
        href = (anchor.attributes.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "#")):
            continue
        absolute = urljoin(base_url, href)
        if absolute in seen:
            continue
        seen.add(absolute)
        parts = urlsplit(absolute)
        links.append(
            {
                "url": absolute,
                "text": node_text(anchor),
                "internal": parts.netloc == site,
                "scheme": parts.scheme,
                "rel": anchor.attributes.get("rel"),
            }
        )
        if len(links) >= limit:
            break
    return links


def _document_base(tree: LexborHTMLParser, url: str) -> str:
    base = tree.css_first("base[href]")
    href = base.attributes.get("href") if base is not None else None
    return urljoin(url, href) if href else url


def extract_metadata(tree: LexborHTMLParser, base_url: str) -> dict[str, Any]:
    """Title, description, keywords, canonical, language, OpenGraph and Twitter tags."""
    base_url = _document_base(tree, base_url)
    title_node = tree.css_first("title")
    meta: dict[str, Any] = {
        "title": node_text(title_node) if title_node is not None else None,
        "description": None,
        "keywords": None,
        "canonical": None,
        "language": None,
        "icon": None,
        "open_graph": {},
        "twitter": {},
    }
    html = tree.css_first("html")
    if html is not None:
        meta["language"] = html.attributes.get("lang")
    for tag in tree.css("meta"):
        attrs = tag.attributes
        key = (attrs.get("property") or attrs.get("name") or "").strip().lower()
        content = attrs.get("content")
        if not key or content is None:
            continue
        if key.startswith("og:"):
            value = urljoin(base_url, content) if key in ("og:image", "og:url") else content
            meta["open_graph"][key[3:]] = value
        elif key.startswith("twitter:"):
            meta["twitter"][key[8:]] = content
        elif key in ("description", "keywords", "author", "robots", "generator"):
            meta[key] = content
    for link in tree.css("link[href]"):
        rel = (link.attributes.get("rel") or "").lower().split()
        href = link.attributes.get("href") or ""
        if "canonical" in rel:
            meta["canonical"] = urljoin(base_url, href)
        elif "icon" in rel and meta["icon"] is None:
            meta["icon"] = urljoin(base_url, href)
    return meta


def select(
    tree: LexborHTMLParser, selector: str, limit: int, *, html: bool = False, field: str
) -> list[Any]:
    """Text (or outer HTML, or ``{text, attributes}``) of nodes matching a CSS selector."""
    try:
        nodes = tree.css(selector)
    except Exception as exc:  # lexbor raises a bare Exception/ValueError for bad selectors
        raise ValidationError(
            f"invalid CSS selector {selector!r} in '{field}': {exc}",
            details={"field": field, "rule": "css_selector"},
        ) from None
    out: list[Any] = []
    for node in nodes[:limit]:
        if html:
            out.append({"text": node_text(node), "html": node.html, "attributes": node.attributes})
        else:
            out.append(node_text(node))
    return out
