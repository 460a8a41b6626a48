"""diff-calculator: line diffs of texts/files (difflib) and structural diffs of JSON (deepdiff).

JSON diffs are reported as ``added`` / ``removed`` / ``modified`` maps keyed by a readable path
(``a.b[2]``), the shape rs-llmspell scripts read.
"""

from __future__ import annotations

import difflib
from typing import Any, ClassVar, Literal

from pydantic import Field

from llmspell_core.errors import ValidationError
from llmspell_core.tool_types import SecurityLevel, ToolOutput
from llmspell_tools.framework import BaseTool, Invocation, ToolParams, example

__all__ = ["DiffCalculator", "DiffParams"]

MAX_FILE_BYTES = 20 * 1024 * 1024


class DiffParams(ToolParams):
    type: Literal["text", "json"] = Field(default="text", description="what to compare")
    old_text: str | None = Field(default=None, description="text: the old version")
    new_text: str | None = Field(default=None, description="text: the new version")
    old_file: str | None = Field(default=None, description="text: read the old version here")
    new_file: str | None = Field(default=None, description="text: read the new version here")
    old_json: Any = Field(default=None, description="json: the old value")
    new_json: Any = Field(default=None, description="json: the new value")
    format: Literal["unified", "context", "html", "simple"] = Field(
        default="unified", description="text: diff format"
    )
    context_lines: int = Field(default=3, ge=0, le=1000, description="text: lines of context")
    ignore_order: bool = Field(default=False, description="json: lists compare as multisets")

    required_for: ClassVar[dict[str, tuple[str, ...]]] = {}


def _path(raw: str) -> str:
    from deepdiff.path import parse_path  # pyright: ignore[reportUnknownVariableType]

    out = ""
    for part in parse_path(raw):  # pyright: ignore[reportUnknownVariableType]
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))  # pyright: ignore[reportUnknownArgumentType]
    return out or "$"


def json_diff(old: Any, new: Any, *, ignore_order: bool = False) -> dict[str, Any]:
    """``{added, removed, modified}`` maps keyed by path, plus counts."""
    from deepdiff import DeepDiff

    raw: dict[str, Any] = dict(DeepDiff(old, new, verbose_level=2, ignore_order=ignore_order))
    added: dict[str, Any] = {}
    removed: dict[str, Any] = {}
    modified: dict[str, Any] = {}
    for kind, entries in raw.items():
        if not isinstance(entries, dict):
            continue
        items: dict[str, Any] = entries  # pyright: ignore[reportUnknownVariableType]
        for raw_path, value in items.items():
            path = _path(raw_path)
            if kind.endswith("_added"):
                added[path] = value
            elif kind.endswith("_removed"):
                removed[path] = value
            elif kind in ("values_changed", "type_changes"):
                change: dict[str, Any] = value
                modified[path] = {"old": change.get("old_value"), "new": change.get("new_value")}
    return {
        "added": added,
        "removed": removed,
        "modified": modified,
        "summary": {"added": len(added), "removed": len(removed), "modified": len(modified)},
    }


def _text_diff(old: str, new: str, fmt: str, context: int) -> tuple[str, dict[str, int]]:
    a = old.splitlines(keepends=True)
    b = new.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    stats = {"added": 0, "removed": 0, "changed_blocks": 0}
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            stats["changed_blocks"] += 1
            stats["removed"] += i2 - i1
            stats["added"] += j2 - j1
    match fmt:
        case "unified":
            lines = difflib.unified_diff(a, b, "old", "new", n=context)
            text = "".join(line if line.endswith("\n") else line + "\n" for line in lines)
        case "context":
            lines = difflib.context_diff(a, b, "old", "new", n=context)
            text = "".join(line if line.endswith("\n") else line + "\n" for line in lines)
        case "html":
            text = difflib.HtmlDiff().make_table(
                old.splitlines(), new.splitlines(), "old", "new", context=True, numlines=context
            )
        case _:
            changes = [
                line.rstrip("\n") for line in difflib.ndiff(a, b) if line.startswith(("+ ", "- "))
            ]
            total = stats["added"] + stats["removed"]
            text = "\n".join([*changes, f"Total changes: {total}"])
    return text, stats


class DiffCalculator(BaseTool[DiffParams]):
    tool_name = "diff-calculator"
    description = (
        "Compute differences: text or files as unified/context/html/simple line diffs, or "
        "JSON values as added/removed/modified paths."
    )
    tool_category = "utility"
    tags = ("diff", "compare")
    params_model = DiffParams
    security_level = SecurityLevel.RESTRICTED
    timeout_seconds = 30.0
    examples = (
        example("Text diff", old_text="a\nb\nc\n", new_text="a\nB\nc\nd\n"),
        example(
            "JSON diff",
            type="json",
            old_json={"name": "J", "age": 30},
            new_json={"name": "J", "age": 31, "job": "E"},
        ),
    )

    async def run(self, params: DiffParams, call: Invocation) -> ToolOutput:
        call.operation = params.type
        if params.type == "json":
            if "old_json" not in params.model_fields_set or "new_json" not in (
                params.model_fields_set
            ):
                missing = "old_json" if "old_json" not in params.model_fields_set else "new_json"
                raise ValidationError(
                    f"diff-calculator: parameter '{missing}' is required for type 'json' "
                    "(rule: required)",
                    details={"field": missing, "rule": "required"},
                )
            diff = await call.to_thread(
                lambda: json_diff(
                    params.old_json, params.new_json, ignore_order=params.ignore_order
                )
            )
            summary = diff["summary"]
            identical = not any(summary.values())
            text = (
                "identical"
                if identical
                else f"{summary['added']} added, {summary['removed']} removed, "
                f"{summary['modified']} modified"
            )
            result = {"type": "json", "identical": identical, "diff": diff, **diff}
            return call.ok(text, result)
        old = await self._side(params.old_text, params.old_file, "old", call)
        new = await self._side(params.new_text, params.new_file, "new", call)
        text, stats = await call.to_thread(
            _text_diff, old, new, params.format, params.context_lines
        )
        text = call.limit_text(text)
        result = {
            "type": "text",
            "format": params.format,
            "diff": text,
            "identical": old == new,
            **stats,
        }
        return call.ok(text if text else "identical", result)

    async def _side(self, text: str | None, file: str | None, which: str, call: Invocation) -> str:
        if text is not None:
            return text
        if file is None:
            raise ValidationError(
                f"diff-calculator: give '{which}_text' or '{which}_file' (rule: required)",
                details={"field": f"{which}_text", "rule": "required"},
            )
        path = call.safe_path(file, must_exist=True)
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ValidationError(
                f"diff-calculator: '{path}' is larger than {MAX_FILE_BYTES} bytes",
                details={"field": f"{which}_file", "rule": "max_size"},
            )
        return await call.to_thread(path.read_text, "utf-8", "replace")
