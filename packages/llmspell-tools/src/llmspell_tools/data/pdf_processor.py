"""pdf-processor: text, metadata and page extraction from PDF files (pypdf, pure Python).

Page ranges are 1-based (``"1-3,5"``), as people count pages. ``extract_pages`` returns each
page's text and, given ``target_path``, also writes those pages as a new PDF.
"""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

from pydantic import AliasChoices, Field

from llmspell_core.errors import ValidationError
from llmspell_core.extras import import_optional
from llmspell_core.tool_types import SecurityLevel, ToolOutput
from llmspell_tools._files import input_file, output_file
from llmspell_tools.framework import BaseTool, Invocation, ToolParams, ToolSettings, example
from llmspell_utils import atomic_write_bytes

if TYPE_CHECKING:
    from pypdf import PdfReader

__all__ = ["PdfProcessor", "PdfProcessorParams", "PdfProcessorSettings", "parse_page_spec"]


class PdfProcessorSettings(ToolSettings):
    #: ``[tools.pdf_processor] max_file_size``: largest PDF opened, in bytes.
    max_file_size: int = Field(default=100 * 1024 * 1024, gt=0)
    #: ``[tools.pdf_processor] max_pages``: most pages whose text one call extracts.
    max_pages: int = Field(default=2000, gt=0)


class PdfProcessorParams(ToolParams):
    operation: Literal["extract_text", "extract_metadata", "extract_pages"] = Field(
        default="extract_text", description="what to extract"
    )
    path: str = Field(
        validation_alias=AliasChoices("path", "input", "file_path", "source_path"),
        description="the PDF file",
    )
    pages: str | list[int] | None = Field(
        default=None, description="1-based pages: '1-3,5' or [1, 2] (default: all)"
    )
    start_page: int | None = Field(default=None, ge=1, description="first page (1-based)")
    end_page: int | None = Field(default=None, ge=1, description="last page (1-based)")
    password: str | None = Field(default=None, description="password of an encrypted PDF")
    target_path: str | None = Field(
        default=None,
        validation_alias=AliasChoices("target_path", "output_path"),
        description="extract_pages: also write the selected pages to this PDF",
    )
    overwrite: bool = Field(default=True, description="replace an existing target file")


def parse_page_spec(spec: str | list[int], count: int) -> list[int]:
    """0-based page indexes from a 1-based spec like ``"1-3,5"``, checked against ``count``."""
    numbers: list[int] = []
    if isinstance(spec, str):
        for part in (p.strip() for p in spec.split(",")):
            if not part:
                continue
            first, dash, last = part.partition("-")
            try:
                lo = int(first)
                hi = int(last) if dash else lo
            except ValueError:
                raise ValidationError(
                    f"pdf-processor: bad page range '{part}' in pages '{spec}' (use '1-3,5')",
                    details={"field": "pages", "rule": "page_spec"},
                ) from None
            if hi < lo:
                raise ValidationError(
                    f"pdf-processor: page range '{part}' runs backwards",
                    details={"field": "pages", "rule": "page_spec"},
                )
            numbers.extend(range(lo, hi + 1))
    else:
        numbers = list(spec)
    for number in numbers:
        if not 1 <= number <= count:
            raise ValidationError(
                f"pdf-processor: page {number} does not exist; the PDF has {count} pages",
                details={"field": "pages", "rule": "range", "page_count": count},
            )
    return [n - 1 for n in numbers]


def _open(path: Path, password: str | None) -> PdfReader:
    import_optional("pypdf", what="pdf-processor", distribution="llmspell-tools", extra="pdf")
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            if password is None:
                raise ValidationError(
                    f"pdf-processor: '{path.name}' is encrypted; pass 'password'",
                    details={"field": "password", "rule": "required"},
                )
            if not reader.decrypt(password):
                raise ValidationError(
                    f"pdf-processor: wrong password for '{path.name}'",
                    details={"field": "password", "rule": "password"},
                )
        _ = len(reader.pages)  # parse the page tree now, so a broken file fails here
    except PdfReadError as exc:
        raise ValidationError(
            f"pdf-processor: '{path.name}' is not a readable PDF: {exc}",
            details={"field": "path", "rule": "pdf"},
        ) from None
    return reader


def _selection(params: PdfProcessorParams, count: int) -> list[int]:
    if params.pages is not None:
        return parse_page_spec(params.pages, count)
    start = params.start_page or 1
    end = params.end_page or count
    if start > count or end > count or start > end:
        raise ValidationError(
            f"pdf-processor: pages {start}-{end} are outside the PDF's 1-{count}",
            details={"field": "start_page", "rule": "range", "page_count": count},
        )
    return list(range(start - 1, end))


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _metadata(path: Path, reader: PdfReader) -> dict[str, Any]:
    info = reader.metadata
    first = reader.pages[0] if len(reader.pages) else None
    fields: dict[str, Any] = {}
    if info is not None:
        fields = {
            "title": info.title,
            "author": info.author,
            "subject": info.subject,
            "creator": info.creator,
            "producer": info.producer,
            "creation_date": _when(info.creation_date),
            "modification_date": _when(info.modification_date),
            "keywords": cast("str | None", info.get("/Keywords")),
        }
        fields = {k: (str(v) if v is not None else None) for k, v in fields.items()}
    return {
        "path": str(path),
        "file_size": path.stat().st_size,
        "page_count": len(reader.pages),
        "pdf_version": reader.pdf_header.replace("%PDF-", ""),
        "encrypted": reader.is_encrypted,
        "page_width": float(first.mediabox.width) if first is not None else None,
        "page_height": float(first.mediabox.height) if first is not None else None,
        **fields,
    }


def _extract(
    path: Path, params: PdfProcessorParams, max_pages: int, target: Path | None
) -> dict[str, Any]:
    reader = _open(path, params.password)
    if params.operation == "extract_metadata":
        return _metadata(path, reader)
    count = len(reader.pages)
    selected = _selection(params, count)
    if len(selected) > max_pages:
        raise ValidationError(
            f"pdf-processor: {len(selected)} pages selected, over the {max_pages}-page limit "
            "([tools.pdf_processor] max_pages); choose fewer with 'pages'",
            details={"field": "pages", "rule": "max_pages"},
        )
    pages = [{"page": i + 1, "text": reader.pages[i].extract_text() or ""} for i in selected]
    result: dict[str, Any] = {"path": str(path), "page_count": count, "pages": pages}
    if target is not None:
        from pypdf import PdfWriter

        writer = PdfWriter()
        for i in selected:
            writer.add_page(reader.pages[i])
        buffer = io.BytesIO()
        writer.write(buffer)
        atomic_write_bytes(target, buffer.getvalue())
        result["target_path"] = str(target)
        result["target_page_count"] = len(selected)
    return result


class PdfProcessor(BaseTool[PdfProcessorParams]):
    tool_name = "pdf-processor"
    description = (
        "Extract text (all or selected pages), metadata (title, author, dates, page count) "
        "or selected pages (text, and optionally a new PDF) from a PDF file."
    )
    tool_category = "data"
    tags = ("pdf", "document", "text", "extract")
    params_model = PdfProcessorParams
    settings_model = PdfProcessorSettings
    security_level = SecurityLevel.RESTRICTED
    timeout_seconds = 120.0
    examples = (
        example("Text of a PDF", operation="extract_text", path="report.pdf"),
        example("PDF metadata", operation="extract_metadata", path="report.pdf"),
        example("Pages 1-2", operation="extract_pages", path="report.pdf", pages="1-2"),
    )

    async def run(self, params: PdfProcessorParams, call: Invocation) -> ToolOutput:
        settings = cast(PdfProcessorSettings, call.settings)
        source = input_file(call, params.path, field="path", limit=settings.max_file_size)
        target: Path | None = None
        if params.target_path is not None:
            if params.operation != "extract_pages":
                raise ValidationError(
                    "pdf-processor: 'target_path' is only used by operation 'extract_pages'",
                    details={"field": "target_path", "rule": "operation"},
                )
            target = output_file(
                call, params.target_path, field="target_path", overwrite=params.overwrite
            )
        result = await call.to_thread(_extract, source, params, settings.max_pages, target)
        if params.operation == "extract_metadata":
            title = result.get("title") or source.name
            return call.ok(f"{title}: {result['page_count']} pages", result)
        pages = cast("list[dict[str, Any]]", result["pages"])
        text = call.limit_text("\n\n".join(str(p["text"]) for p in pages))
        if params.operation == "extract_text":
            result = {
                "path": result["path"],
                "page_count": result["page_count"],
                "pages_extracted": [p["page"] for p in pages],
                "text": text,
                "length": len(text),
            }
        else:
            budget = call.max_output_bytes
            for page in pages:  # the per-page copies share the same output budget
                if budget <= 0:
                    page["text"] = ""
                    call.truncated = True
                    continue
                page["text"] = call.limit_text(str(page["text"]), budget)
                budget -= len(str(page["text"]).encode("utf-8"))
            result["text"] = text
        return call.ok(text, result)
