"""Turn a spell written like an ES module into code QuickJS can run with top-level ``await``.

The spell becomes the body of an async function whose header sits on the spell's first line,
so every line number QuickJS reports is the spell's own. ``export default X`` becomes the
function's result (so does a top-level ``return``); other ``export`` keywords are dropped.
Static ``import`` has nowhere to load from inside the sandbox and is refused with its line.
"""

from __future__ import annotations

import re

from llmspell_core.errors import ScriptError

__all__ = ["RESULT_NAME", "wrap_spell"]

RESULT_NAME = "__llmspell_default"
_EXPORT_DEFAULT = re.compile(r"^(\s*)export\s+default\s+")
_EXPORT_DECLARATION = re.compile(
    r"^(\s*)export\s+(?=(?:async\s+)?function\b|class\b|const\b|let\b|var\b)"
)
_IMPORT = re.compile(r"^\s*import\s*(?:[\w${*]|['\"])")


def wrap_spell(source: str, chunk_name: str) -> str:
    """The spell as one ``__llmspell_run(async function ...)`` call, line numbers kept."""
    lines = source.split("\n")
    if lines and lines[0].startswith("#!"):
        lines[0] = "//" + lines[0]
    for number, line in enumerate(lines, start=1):
        if _IMPORT.match(line):
            raise ScriptError(
                "import is not available in spells: everything a spell can use is a global",
                file=chunk_name,
                line=number,
                code="SYNTAX_ERROR",
            )
        if match := _EXPORT_DEFAULT.match(line):
            lines[number - 1] = f"{match[1]}{RESULT_NAME} = {line[match.end() :]}"
        elif match := _EXPORT_DECLARATION.match(line):
            lines[number - 1] = match[1] + line[match.end() :]
    header = f'__llmspell_run(async function $spell() {{ "use strict"; let {RESULT_NAME}; '
    return header + "\n".join(lines) + f"\n;return {RESULT_NAME}; }});"
