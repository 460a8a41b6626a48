"""pdf-processor: text, metadata and pages from PDFs the tests write by hand."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from file_tool_support import files_context
from pypdf import PdfReader, PdfWriter

from llmspell_core.context import ExecutionContext
from llmspell_core.errors import SecurityError, ValidationError
from llmspell_core.testing.contracts import ToolContract
from llmspell_core.tool import Tool
from llmspell_tools.data.pdf_processor import PdfProcessor, parse_page_spec


def write_pdf(
    path: Path, pages: list[str], title: str = "Quarterly Report", author: str = "Ada"
) -> Path:
    """A minimal valid PDF: one Helvetica text line per page, an /Info dictionary, an xref."""
    first_page = 5
    objects: dict[int, str] = {
        1: "<< /Type /Catalog /Pages 2 0 R >>",
        3: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        4: f"<< /Title ({title}) /Author ({author}) /CreationDate (D:20240131120000Z) >>",
    }
    kids: list[str] = []
    for i, text in enumerate(pages):
        page, content = first_page + 2 * i, first_page + 2 * i + 1
        kids.append(f"{page} 0 R")
        stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET"
        objects[page] = (
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {content} 0 R >>"
        )
        objects[content] = f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream"
    objects[2] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(pages)} >>"
    out = bytearray(b"%PDF-1.4\n")
    offsets: dict[int, int] = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += f"{number} 0 obj\n{objects[number]}\nendobj\n".encode("latin-1")
    xref = len(out)
    size = max(objects) + 1
    out += f"xref\n0 {size}\n0000000000 65535 f \n".encode()
    for number in range(1, size):
        out += f"{offsets[number]:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {size} /Root 1 0 R /Info 4 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    path.write_bytes(bytes(out))
    return path


PAGES = ["Alpha page one", "Beta page two", "Gamma page three"]


class TestPdfProcessorContract(ToolContract):
    @pytest.fixture(autouse=True)
    def _in_tmp(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        write_pdf(tmp_path / "report.pdf", PAGES)
        monkeypatch.chdir(tmp_path)

    def make_tool(self) -> Tool:
        return PdfProcessor()

    def invalid_params(self) -> list[dict[str, Any]]:
        return [
            {},
            {"operation": "ocr", "path": "report.pdf"},
            {"path": "report.pdf", "pages": "2-1"},
            {"path": "report.pdf", "pages": "one"},
            {"path": "report.pdf", "pages": "9"},
            {"path": "report.pdf", "start_page": 0},
            {"path": "report.pdf", "target_path": "x.pdf"},
        ]


def ctx(root: Path, **section: Any) -> ExecutionContext:
    return files_context(root, "pdf_processor", section)


async def run(root: Path, **params: Any) -> Any:
    return await PdfProcessor().execute(params, ctx(root))


@pytest.fixture
def report(tmp_path: Path) -> Path:
    return write_pdf(tmp_path / "report.pdf", PAGES)


async def test_extract_text(report: Path) -> None:
    out = await run(report.parent, path=str(report))
    assert out.metadata["operation"] == "extract_text"
    assert out.text == "Alpha page one\n\nBeta page two\n\nGamma page three"
    assert out.result["page_count"] == 3
    assert out.result["pages_extracted"] == [1, 2, 3]
    some = await run(report.parent, input=str(report), pages="1,3")
    assert some.text == "Alpha page one\n\nGamma page three"
    ranged = await run(report.parent, path=str(report), start_page=2)
    assert ranged.result["pages_extracted"] == [2, 3]


async def test_extract_metadata(report: Path) -> None:
    out = await run(report.parent, operation="extract_metadata", path=str(report))
    result = out.result
    assert result["title"] == "Quarterly Report"
    assert result["author"] == "Ada"
    assert result["page_count"] == 3
    assert result["pdf_version"] == "1.4"
    assert result["encrypted"] is False
    assert (result["page_width"], result["page_height"]) == (612.0, 792.0)
    assert result["creation_date"].startswith("2024-01-31T12:00:00")
    assert out.text == "Quarterly Report: 3 pages"


async def test_extract_pages_with_new_pdf(report: Path) -> None:
    target = report.parent / "out" / "middle.pdf"
    out = await run(
        report.parent,
        operation="extract_pages",
        path=str(report),
        pages=[2, 3],
        target_path=str(target),
    )
    assert [p["page"] for p in out.result["pages"]] == [2, 3]
    assert out.result["pages"][0]["text"] == "Beta page two"
    assert out.result["target_page_count"] == 2
    reader = PdfReader(target)
    assert [p.extract_text() for p in reader.pages] == ["Beta page two", "Gamma page three"]


async def test_output_is_bounded(report: Path) -> None:
    out = await PdfProcessor().execute(
        {"operation": "extract_pages", "path": str(report)}, ctx(report.parent, max_output_bytes=20)
    )
    assert out.metadata["truncated"] is True
    assert sum(len(p["text"]) for p in out.result["pages"]) <= 20
    with pytest.raises(ValidationError) as info:
        await PdfProcessor().execute({"path": str(report)}, ctx(report.parent, max_pages=2))
    assert "[tools.pdf_processor] max_pages" in info.value.message


async def test_encrypted_pdf(report: Path) -> None:
    writer = PdfWriter(clone_from=PdfReader(report))
    writer.encrypt("open-sesame", algorithm="AES-128")
    locked = report.parent / "locked.pdf"
    with locked.open("wb") as handle:
        writer.write(handle)
    with pytest.raises(ValidationError) as missing:
        await run(report.parent, path=str(locked))
    assert missing.value.details["field"] == "password"
    with pytest.raises(ValidationError) as wrong:
        await run(report.parent, path=str(locked), password="nope")
    assert "wrong password" in wrong.value.message
    opened = await run(report.parent, path=str(locked), password="open-sesame", pages="2")
    assert opened.text == "Beta page two"


def test_page_spec_parsing() -> None:
    assert parse_page_spec("1-3, 5", 5) == [0, 1, 2, 4]
    assert parse_page_spec([2], 2) == [1]
    with pytest.raises(ValidationError):
        parse_page_spec("0", 3)
    with pytest.raises(ValidationError):
        parse_page_spec("1-x", 3)


async def test_bad_files_and_sandbox(tmp_path: Path, report: Path) -> None:
    (tmp_path / "fake.pdf").write_bytes(b"%PDF-1.4\nthis is not really a pdf\n")
    with pytest.raises(ValidationError) as info:
        await run(tmp_path, path=str(tmp_path / "fake.pdf"))
    assert "not a readable PDF" in info.value.message
    root = tmp_path / "root"
    root.mkdir()
    with pytest.raises(SecurityError):
        await run(root, path=str(root / ".." / "report.pdf"))
    inside = write_pdf(root / "in.pdf", PAGES)
    with pytest.raises(SecurityError):
        await run(
            root, operation="extract_pages", path=str(inside), target_path=str(tmp_path / "x.pdf")
        )
