"""Find the line of a dotted key in TOML text, so errors can say ``llmspell.toml:7``.

``tomllib`` keeps no positions, so this is a small line scanner over table headers and
``key = value`` lines. It is best effort: when it cannot tell (a key inside a multi-line
array, say) the error names the file without a line, never a wrong line.
"""

from __future__ import annotations

import re

__all__ = ["line_of_key"]

_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_ASSIGN = re.compile(
    r"^\s*((?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*'))*)\s*="
)
_PART = re.compile(r"[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*'")


def _parts(dotted: str) -> tuple[str, ...]:
    return tuple(part.strip("\"'") for part in _PART.findall(dotted))


def line_of_key(text: str, dotted: str) -> int | None:
    """1-based line where ``dotted`` (e.g. ``runtime.timeout_seconds``) is set, or None.

    A key set inside an inline table (``openai = { timeout_seconds = 0 }``) resolves to the
    line of the enclosing key; a table with no keys of its own resolves to its header.
    """
    target = tuple(dotted.split("."))
    table: tuple[str, ...] = ()
    best: int | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if header := _HEADER.match(line):
            table = _parts(header[1])
            if table == target:
                best = number
            continue
        if assign := _ASSIGN.match(line):
            full = table + _parts(assign[1])
            if full == target:
                return number
            if len(full) < len(target) and target[: len(full)] == full:
                best = number
    return best
