"""text-manipulator: everyday string transformations (case, trim, replace, wrap, ...).

Parameters follow rs-llmspell: ``input``, ``operation`` and an ``options`` object
(``{from, to}`` for replace, ``{start, end}`` for substring, ...).
"""

from __future__ import annotations

import re
import textwrap
import unicodedata
from typing import Any, ClassVar, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from llmspell_core.errors import ValidationError
from llmspell_core.tool_types import ToolOutput
from llmspell_tools.framework import BaseTool, Invocation, ToolParams, example

__all__ = ["TextManipulator", "TextManipulatorParams", "TextOptions"]

Operation = Literal[
    "uppercase",
    "lowercase",
    "reverse",
    "trim",
    "replace",
    "substring",
    "split",
    "join",
    "snake_case",
    "camel_case",
    "pascal_case",
    "sanitize",
    "truncate",
    "indent",
    "dedent",
    "normalize_whitespace",
    "word_wrap",
]


class TextOptions(BaseModel):
    """Per-operation options; each operation reads only the ones it needs."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    from_: str | None = Field(default=None, alias="from", description="replace: text to find")
    to: str | None = Field(default=None, description="replace: replacement")
    regex: bool = Field(default=False, description="replace: treat 'from' as a regex")
    count: int = Field(default=0, ge=0, description="replace: max replacements, 0 = all")
    start: int | None = Field(default=None, description="substring: start index (0-based)")
    end: int | None = Field(default=None, description="substring: end index (exclusive)")
    separator: str | None = Field(
        default=None, description="split/join separator (split default: whitespace)"
    )
    parts: list[str] | None = Field(default=None, description="join: strings to join")
    length: int = Field(default=100, ge=0, description="truncate: max characters")
    suffix: str = Field(default="...", description="truncate: appended when cut")
    prefix: str = Field(default="    ", description="indent: prefix for each line")
    width: int = Field(default=80, ge=1, description="word_wrap: line width")


class TextManipulatorParams(ToolParams):
    operation: Operation = Field(description="the transformation to apply")
    input: str | None = Field(default=None, description="the text to transform")
    options: TextOptions = Field(default_factory=TextOptions)

    required_for: ClassVar[dict[str, tuple[str, ...]]] = {
        op: ("input",) for op in get_args(Operation) if op != "join"
    }


_WORD_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _words(text: str) -> list[str]:
    spaced = _WORD_BOUNDARY.sub(" ", text)
    return [w for w in re.split(r"[^0-9A-Za-z]+", spaced) if w]


def _normalize_whitespace(text: str) -> str:
    return " ".join(text.split())


def _need(value: Any, option: str, operation: str) -> Any:
    if value is None:
        raise ValidationError(
            f"text-manipulator: {operation} needs options.{option} (rule: required)",
            details={"field": f"options.{option}", "rule": "required"},
        )
    return value


def _replace(text: str, o: TextOptions) -> str:
    find = str(_need(o.from_, "from", "replace"))
    to = str(_need(o.to, "to", "replace"))
    if not o.regex:
        return text.replace(find, to, o.count or -1)
    try:
        pattern = re.compile(find)
    except re.error as exc:
        raise ValidationError(
            f"text-manipulator: options.from is not a valid regex: {exc}",
            details={"field": "options.from", "rule": "regex"},
        ) from None
    return pattern.sub(to, text, count=o.count)


def _truncate(text: str, o: TextOptions) -> str:
    if len(text) <= o.length:
        return text
    keep = max(0, o.length - len(o.suffix))
    return text[:keep] + o.suffix[: o.length]


def _transform(op: str, text: str, o: TextOptions) -> str | list[str]:
    simple: dict[str, Any] = {
        "uppercase": str.upper,
        "lowercase": str.lower,
        "reverse": lambda s: s[::-1],  # pyright: ignore[reportUnknownLambdaType]
        "trim": str.strip,
        "dedent": textwrap.dedent,
        "normalize_whitespace": _normalize_whitespace,
    }
    if op in simple:
        return str(simple[op](text))
    match op:
        case "replace":
            return _replace(text, o)
        case "substring":
            start = int(_need(o.start, "start", "substring"))
            return text[start : o.end]
        case "split":
            return text.split(o.separator) if o.separator else text.split()
        case "snake_case":
            return "_".join(w.lower() for w in _words(text))
        case "camel_case":
            words = _words(text)
            return "".join([w.lower() if i == 0 else w.capitalize() for i, w in enumerate(words)])
        case "pascal_case":
            return "".join(w.capitalize() for w in _words(text))
        case "sanitize":
            return _CONTROL.sub("", unicodedata.normalize("NFC", text)).strip()
        case "truncate":
            return _truncate(text, o)
        case "indent":
            return textwrap.indent(text, o.prefix)
        case "word_wrap":
            return "\n".join(
                "\n".join(textwrap.wrap(line, o.width)) if line.strip() else ""
                for line in text.splitlines()
            )
        case _:  # pragma: no cover - the Literal type rules this out
            raise ValidationError(f"text-manipulator: unknown operation '{op}'")


class TextManipulator(BaseTool[TextManipulatorParams]):
    tool_name = "text-manipulator"
    description = (
        "Transform text: upper/lower case, reverse, trim, replace, substring, split, join, "
        "snake/camel/pascal case, sanitize, truncate, indent, dedent, normalize whitespace, wrap."
    )
    tool_category = "utility"
    tags = ("text", "string")
    params_model = TextManipulatorParams
    timeout_seconds = 5.0
    examples = (
        example("Upper-case", operation="uppercase", input="hello world"),
        example("Replace", operation="replace", input="a-b-c", options={"from": "-", "to": "+"}),
        example("Snake case", operation="snake_case", input="HelloWorld"),
        example("Join", operation="join", options={"parts": ["a", "b"], "separator": ", "}),
    )

    async def run(self, params: TextManipulatorParams, call: Invocation) -> ToolOutput:
        o = params.options
        text = params.input or ""
        if params.operation == "join":
            parts = o.parts if o.parts is not None else text.splitlines()
            result: str | list[str] = (o.separator if o.separator is not None else " ").join(parts)
        else:
            result = _transform(params.operation, text, o)
        if isinstance(result, list):
            rows = call.limit_rows(result)
            shown = "\n".join(rows)
            return call.ok(
                shown,
                {"result": rows, "operation": params.operation, "count": len(result)},
            )
        result = call.limit_text(result)
        return call.ok(
            result,
            {
                "result": result,
                "operation": params.operation,
                "original_length": len(text),
                "result_length": len(result),
            },
        )
