"""file-converter: change a text file's encoding, line endings or indentation.

The source encoding is detected with charset-normalizer when not given (UTF-8, with or
without BOM, is recognised first, since it is by far the most common). The output replaces
the file atomically, or goes to ``target_path``.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import Any, ClassVar, Literal, cast

from pydantic import AliasChoices, Field

from llmspell_core.errors import ValidationError
from llmspell_core.extras import import_optional
from llmspell_core.tool_types import SecurityLevel, ToolOutput
from llmspell_tools._files import input_file, output_file
from llmspell_tools.framework import BaseTool, Invocation, ToolParams, ToolSettings, example
from llmspell_utils import atomic_write_bytes

__all__ = ["FileConverter", "FileConverterParams", "FileConverterSettings"]

_NEWLINES = {"lf": "\n", "crlf": "\r\n", "cr": "\r"}
_NEWLINE_RE = re.compile(r"\r\n|\r|\n")


class FileConverterSettings(ToolSettings):
    #: ``[tools.file_converter] max_file_size``: largest file converted, in bytes.
    max_file_size: int = Field(default=50 * 1024 * 1024, gt=0)


class FileConverterParams(ToolParams):
    operation: Literal["detect", "encoding", "line_endings", "indentation"] = Field(
        description="detect (report encoding, line endings, indentation) or a conversion"
    )
    path: str = Field(
        validation_alias=AliasChoices("path", "input_path", "source_path"),
        description="the text file",
    )
    target_path: str | None = Field(
        default=None,
        validation_alias=AliasChoices("target_path", "output_path"),
        description="where to write the result (default: replace the file)",
    )
    from_encoding: str | None = Field(
        default=None, description="source encoding (default: detected)"
    )
    to_encoding: str = Field(default="utf-8", description="encoding: the target encoding")
    line_ending: Literal["lf", "crlf", "cr"] | None = Field(
        default=None, description="line_endings: the target line ending"
    )
    convert_to_spaces: bool = Field(
        default=True, description="indentation: tabs to spaces (true) or spaces to tabs (false)"
    )
    tab_size: int = Field(default=4, ge=1, le=16, description="indentation: spaces per tab")
    scope: Literal["leading", "all"] = Field(
        default="leading",
        description="indentation: convert only leading whitespace, or every tab/space run",
    )

    required_for: ClassVar[dict[str, tuple[str, ...]]] = {"line_endings": ("line_ending",)}


def _codec(name: str, field: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise ValidationError(
            f"file-converter: unknown encoding '{name}' (parameter '{field}')",
            details={"field": field, "rule": "encoding"},
        ) from None


def _detect(data: bytes) -> dict[str, Any]:
    """The encoding of ``data``: UTF-8 (BOM or not) first, then charset-normalizer's guess."""
    if data.startswith(codecs.BOM_UTF8):
        return {"encoding": "utf-8-sig", "bom": True, "confidence": 1.0, "language": None}
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return {"encoding": "utf-16", "bom": True, "confidence": 1.0, "language": None}
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return {"encoding": "utf-8", "bom": False, "confidence": 1.0, "language": None}
    import_optional(
        "charset_normalizer",
        what="file-converter encoding detection",
        distribution="llmspell-tools",
        extra="filesystem",
    )
    import charset_normalizer

    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise ValidationError(
            "file-converter: the file does not look like text in any known encoding; "
            "pass 'from_encoding' if you know it",
            details={"field": "from_encoding", "rule": "detect"},
        )
    return {
        "encoding": _codec(best.encoding, "from_encoding"),
        "bom": best.bom,
        "confidence": round(1.0 - best.chaos, 3),
        "language": best.language or None,
    }


def _decode(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ValidationError(
            f"file-converter: the file is not valid {encoding} at byte {exc.start}; pass the "
            "right 'from_encoding'",
            details={"field": "from_encoding", "rule": "decode"},
        ) from None


def _encode(text: str, encoding: str) -> bytes:
    try:
        return text.encode(encoding)
    except UnicodeEncodeError as exc:
        bad = exc.object[exc.start : exc.end]
        raise ValidationError(
            f"file-converter: {bad!r} at character {exc.start} cannot be written in {encoding}",
            details={"field": "to_encoding", "rule": "encode"},
        ) from None


def _line_endings(text: str) -> dict[str, int]:
    crlf = text.count("\r\n")
    return {"lf": text.count("\n") - crlf, "crlf": crlf, "cr": text.count("\r") - crlf}


def _reindent_line(line: str, to_spaces: bool, size: int, scope: str) -> str:
    if scope == "all":
        return line.replace("\t", " " * size) if to_spaces else line.replace(" " * size, "\t")
    body = line.lstrip(" \t")
    lead = line[: len(line) - len(body)]
    if to_spaces:
        return lead.replace("\t", " " * size) + body
    width = len(lead.replace("\t", " " * size))
    return "\t" * (width // size) + " " * (width % size) + body


def _reindent(text: str, to_spaces: bool, size: int, scope: str) -> str:
    parts = _NEWLINE_RE.split(text)
    breaks = _NEWLINE_RE.findall(text)
    out = [_reindent_line(p, to_spaces, size, scope) for p in parts]
    return "".join(line + (breaks[i] if i < len(breaks) else "") for i, line in enumerate(out))


def _indentation(text: str) -> dict[str, int]:
    lines = _NEWLINE_RE.split(text)
    return {
        "tab_indented_lines": sum(1 for line in lines if line.startswith("\t")),
        "space_indented_lines": sum(1 for line in lines if line.startswith(" ")),
    }


class FileConverter(BaseTool[FileConverterParams]):
    tool_name = "file-converter"
    description = (
        "Detect or convert a text file's encoding (auto-detected source), line endings "
        "(lf/crlf/cr) and indentation (tabs/spaces); writes atomically."
    )
    tool_category = "filesystem"
    tags = ("file", "encoding", "line-endings", "convert")
    params_model = FileConverterParams
    settings_model = FileConverterSettings
    security_level = SecurityLevel.RESTRICTED
    timeout_seconds = 60.0
    examples = (example("Detect a file's encoding", operation="detect", path="notes.txt"),)

    async def run(self, params: FileConverterParams, call: Invocation) -> ToolOutput:
        settings = cast(FileConverterSettings, call.settings)
        source = input_file(call, params.path, field="path", limit=settings.max_file_size)
        data = await call.to_thread(source.read_bytes)
        if params.from_encoding is not None:
            detected: dict[str, Any] = {
                "encoding": _codec(params.from_encoding, "from_encoding"),
                "bom": False,
                "confidence": 1.0,
                "language": None,
            }
        else:
            detected = await call.to_thread(_detect, data)
        encoding = str(detected["encoding"])
        text = _decode(data, encoding)
        op = params.operation
        if op == "detect":
            endings = _line_endings(text)
            used = [k for k, v in endings.items() if v]
            result = {
                "path": str(source),
                "size": len(data),
                **detected,
                "line_endings": endings,
                "line_ending": used[0] if len(used) == 1 else ("mixed" if used else None),
                "indentation": _indentation(text),
            }
            return call.ok(
                f"{source.name}: {encoding}, line endings {result['line_ending']}", result
            )
        out_encoding = encoding
        if op == "encoding":
            out_encoding = _codec(params.to_encoding, "to_encoding")
            converted = text
        elif op == "line_endings":
            newline = _NEWLINES[cast(str, params.line_ending)]
            converted = _NEWLINE_RE.sub(newline, text)
        else:
            converted = _reindent(text, params.convert_to_spaces, params.tab_size, params.scope)
        encoded = _encode(converted, out_encoding)
        target: Path = (
            output_file(call, params.target_path, field="target_path")
            if params.target_path is not None
            else source
        )
        await call.to_thread(atomic_write_bytes, target, encoded)
        result = {
            "input_path": str(source),
            "output_path": str(target),
            "from_encoding": encoding,
            "to_encoding": out_encoding,
            "bytes_in": len(data),
            "bytes_out": len(encoded),
            "changed": encoded != data,
        }
        return call.ok(f"converted {source.name} ({op}) -> {target}", result)
