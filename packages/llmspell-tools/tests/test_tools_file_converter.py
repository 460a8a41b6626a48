"""file-converter: detection and conversion of encodings, line endings and indentation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from file_tool_support import files_context

from llmspell_core.context import ExecutionContext
from llmspell_core.errors import SecurityError, ValidationError
from llmspell_core.testing.contracts import ToolContract
from llmspell_core.tool import Tool
from llmspell_tools.filesystem.file_converter import FileConverter

# Detection needs a few hundred bytes of real prose; short or repetitive text is guessed poorly.
FRENCH = (
    "Il était une fois, dans un pays lointain, une jeune fille qui s'appelait Cendrillon. "
    "Elle vivait avec sa belle-mère et ses deux demi-sœurs, qui étaient très méchantes avec "
    "elle. Chaque jour, elle devait nettoyer la maison, préparer les repas et s'occuper de "
    "tout. Un jour, le prince du royaume organisa un grand bal au château.\n"
) * 3


class TestFileConverterContract(ToolContract):
    @pytest.fixture(autouse=True)
    def _in_tmp(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        (tmp_path / "notes.txt").write_text("plain text\n")
        monkeypatch.chdir(tmp_path)

    def make_tool(self) -> Tool:
        return FileConverter()

    def invalid_params(self) -> list[dict[str, Any]]:
        return [
            {"path": "notes.txt"},
            {"operation": "line_endings", "path": "notes.txt"},
            {"operation": "line_endings", "path": "notes.txt", "line_ending": "lfcr"},
            {"operation": "indentation", "path": "notes.txt", "tab_size": 0},
            {"operation": "encoding", "path": "notes.txt", "to_encoding": "klingon-8"},
            {"operation": "encoding"},
        ]


def ctx(root: Path, **section: Any) -> ExecutionContext:
    return files_context(root, "file_converter", section)


async def convert(root: Path, **params: Any) -> Any:
    return await FileConverter().execute(params, ctx(root))


async def test_detect_utf8_bom_and_line_endings(tmp_path: Path) -> None:
    plain = tmp_path / "plain.txt"
    plain.write_bytes(b"one\r\ntwo\r\n\tthree\r\n")
    out = await convert(tmp_path, operation="detect", path=str(plain))
    assert out.result["encoding"] == "utf-8"
    assert out.result["line_endings"] == {"lf": 0, "crlf": 3, "cr": 0}
    assert out.result["line_ending"] == "crlf"
    assert out.result["indentation"]["tab_indented_lines"] == 1
    bom = tmp_path / "bom.txt"
    bom.write_bytes(b"\xef\xbb\xbfhi\nthere\r\n")
    detected = await convert(tmp_path, operation="detect", path=str(bom))
    assert detected.result["encoding"] == "utf-8-sig"
    assert detected.result["bom"] is True
    assert detected.result["line_ending"] == "mixed"


async def test_detects_legacy_encoding_and_converts_to_utf8(tmp_path: Path) -> None:
    legacy = tmp_path / "legacy.txt"
    legacy.write_bytes(FRENCH.encode("cp1252"))
    found = await convert(tmp_path, operation="detect", path=str(legacy))
    assert found.result["encoding"] in ("cp1252", "iso8859-1", "iso8859-15")
    out = await convert(tmp_path, operation="encoding", path=str(legacy), to_encoding="utf-8")
    assert legacy.read_text(encoding="utf-8") == FRENCH
    assert out.result["to_encoding"] == "utf-8"
    assert out.result["changed"] is True


async def test_encoding_to_separate_target_and_back(tmp_path: Path) -> None:
    source = tmp_path / "u.txt"
    source.write_text("naïve café\n", encoding="utf-8")
    target = tmp_path / "out" / "l1.txt"
    out = await convert(
        tmp_path,
        operation="encoding",
        path=str(source),
        target_path=str(target),
        to_encoding="latin-1",
    )
    assert target.read_bytes() == "naïve café\n".encode("latin-1")
    assert source.read_text(encoding="utf-8") == "naïve café\n"  # source untouched
    assert out.result["output_path"] == str(target)
    with pytest.raises(ValidationError) as info:
        await convert(tmp_path, operation="encoding", path=str(source), to_encoding="ascii")
    assert "cannot be written in ascii" in info.value.message
    with pytest.raises(ValidationError) as wrong:
        await convert(tmp_path, operation="detect", path=str(target), from_encoding="utf-8")
    assert wrong.value.details["field"] == "from_encoding"


async def test_line_endings(tmp_path: Path) -> None:
    mixed = tmp_path / "mixed.txt"
    mixed.write_bytes(b"line1\r\nline2\nline3\r")
    await convert(tmp_path, operation="line_endings", path=str(mixed), line_ending="lf")
    assert mixed.read_bytes() == b"line1\nline2\nline3\n"
    await convert(tmp_path, operation="line_endings", path=str(mixed), line_ending="crlf")
    assert mixed.read_bytes() == b"line1\r\nline2\r\nline3\r\n"


async def test_indentation(tmp_path: Path) -> None:
    code = tmp_path / "code.py"
    code.write_text("def f():\n\tif x:\n\t\treturn 1\t# tab\n")
    await convert(tmp_path, operation="indentation", path=str(code), tab_size=4)
    assert code.read_text() == "def f():\n    if x:\n        return 1\t# tab\n"
    await convert(
        tmp_path, operation="indentation", path=str(code), convert_to_spaces=False, tab_size=4
    )
    assert code.read_text() == "def f():\n\tif x:\n\t\treturn 1\t# tab\n"
    every = tmp_path / "every.txt"
    every.write_text("line1\tindented\ttext")
    await convert(tmp_path, operation="indentation", path=str(every), scope="all")
    assert every.read_text() == "line1    indented    text"


async def test_limits_and_refusals(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (root / "f.txt").write_text("x" * 100)
    (tmp_path / "outside.txt").write_text("x")
    with pytest.raises(ValidationError) as big:
        await FileConverter().execute(
            {"operation": "detect", "path": str(root / "f.txt")}, ctx(root, max_file_size=10)
        )
    assert "[tools.file_converter] max_file_size" in big.value.message
    with pytest.raises(SecurityError):
        await convert(root, operation="detect", path=str(root / ".." / "outside.txt"))
    with pytest.raises(SecurityError):
        await convert(
            root,
            operation="line_endings",
            path=str(root / "f.txt"),
            line_ending="lf",
            target_path=str(tmp_path / "escape.txt"),
        )
    assert not (tmp_path / "escape.txt").exists()
    with pytest.raises(ValidationError):
        await convert(root, operation="detect", path=str(root))
    binary = root / "blob.bin"
    binary.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(ValidationError):
        await convert(root, operation="detect", path=str(binary))
