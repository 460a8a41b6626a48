"""A third-party tool pack: counts words, using nothing but llmspell-core."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

from llmspell_core.context import ExecutionContext
from llmspell_core.errors import ValidationError
from llmspell_core.tool import Tool
from llmspell_core.tool_types import ToolOutput, ToolSpec

__all__ = ["WordCount", "demo_tools"]
__version__ = "0.1.0"


class WordCount(Tool):
    """``demo-word-count``: how many words a text has, and the most common ones."""

    @property
    def spec(self) -> ToolSpec:
        return ToolSpec(
            name="demo-word-count",
            description="Count the words of a text and list the most common ones.",
            category="demo",
            tags=["text", "demo"],
            parameters={
                "type": "object",
                "properties": {
                    "text": {"type": "string", "description": "the text to count"},
                    "top": {"type": "integer", "minimum": 1, "default": 3},
                },
                "required": ["text"],
                "additionalProperties": False,
            },
            examples=[{"description": "Count", "params": {"text": "a b a"}}],
        )

    async def execute(self, params: dict[str, Any], ctx: ExecutionContext) -> ToolOutput:
        started = time.perf_counter()
        unknown = sorted(set(params) - {"text", "top"})
        if unknown:
            raise ValidationError(
                f"demo-word-count: unknown parameter '{unknown[0]}'",
                details={"field": unknown[0], "rule": "additionalProperties"},
            )
        text = params.get("text")
        if not isinstance(text, str):
            raise ValidationError(
                "demo-word-count: parameter 'text' must be a string (rule: type)",
                details={"field": "text", "rule": "type"},
            )
        top = params.get("top", 3)
        if not isinstance(top, int) or top < 1:
            raise ValidationError(
                "demo-word-count: parameter 'top' must be a positive integer (rule: minimum)",
                details={"field": "top", "rule": "minimum"},
            )
        words = text.lower().split()
        common = [{"word": w, "count": c} for w, c in Counter(words).most_common(top)]
        return ToolOutput(
            text=f"{len(words)} words",
            result={"words": len(words), "most_common": common},
            metadata={
                "operation": "count",
                "duration_ms": round((time.perf_counter() - started) * 1000, 3),
            },
        )


def demo_tools() -> list[Tool]:
    """The ``llmspell.tools`` entry point."""
    return [WordCount()]
