"""file-search: name globs, content patterns, filters and bounds over a real directory tree."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest
from file_tool_support import files_context

from llmspell_core.context import ExecutionContext
from llmspell_core.errors import SecurityError, ValidationError
from llmspell_core.testing.contracts import ToolContract
from llmspell_core.tool import Tool
from llmspell_tools.filesystem.file_search import FileSearch


class TestFileSearchContract(ToolContract):
    @pytest.fixture(autouse=True)
    def _in_tmp(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
        monkeypatch.chdir(tmp_path)

    def make_tool(self) -> Tool:
        return FileSearch()

    def invalid_params(self) -> list[dict[str, Any]]:
        return [
            {"context_lines": 51},
            {"max_depth": -1},
            {"pattern": "("},
            {"pattern": ""},
            {"modified_after": "yesterday-ish"},
            {"max_results": 0},
            {"globb": "*.py"},
        ]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text("import os\n\ndef main():\n    print('TODO: fix')\n")
    (tmp_path / "src" / "util.py").write_text("# todo later\nx = 1\n")
    (tmp_path / "README.md").write_text("Project readme\nTODO: docs\n")
    (tmp_path / "data.bin").write_bytes(b"\x00\x01TODO\x00")
    (tmp_path / ".hidden.txt").write_text("TODO hidden\n")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text("TODO in git\n")
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "dep.js").write_text("// TODO vendored\n")
    return tmp_path


def ctx(root: Path, **section: Any) -> ExecutionContext:
    return files_context(root, "file_search", section)


async def search(root: Path, **params: Any) -> Any:
    return await FileSearch().execute({"path": str(root), **params}, ctx(root))


def rel(root: Path, paths: list[str]) -> list[str]:
    return sorted(str(Path(p).relative_to(root)) for p in paths)


async def test_name_glob_lists_files(tree: Path) -> None:
    out = await search(tree, name="*.py")
    assert rel(tree, [f["file_path"] for f in out.result["files"]]) == ["src/app.py", "src/util.py"]
    assert out.result["summary"]["total_matches"] == 2
    assert "matches" not in out.result
    flat = await search(tree, name="*.py", recursive=False)
    assert flat.result["files"] == []
    upper = await search(tree, name="README.MD", case_sensitive=False)
    assert rel(tree, [f["file_path"] for f in upper.result["files"]]) == ["README.md"]


async def test_content_regex_with_context(tree: Path) -> None:
    out = await search(tree, pattern=r"TODO: \w+", context_lines=1)
    matches = out.result["matches"]
    assert rel(tree, [m["file_path"] for m in matches]) == ["README.md", "src/app.py"]
    app = next(m for m in matches if m["file_path"].endswith("app.py"))
    assert app["line_number"] == 4
    assert app["column_number"] == 12
    assert app["matched_text"] == "TODO: fix"
    assert app["context_before"] == ["def main():"]
    assert app["context_after"] == []
    assert "src/app.py:4:" in out.text
    summary = out.result["summary"]
    assert summary["has_matches"] is True
    assert summary["files_matched"] == 2


async def test_defaults_skip_binary_hidden_and_vendored(tree: Path) -> None:
    out = await search(tree, pattern="TODO", case_sensitive=False)
    found = rel(tree, [m["file_path"] for m in out.result["matches"]])
    assert found == ["README.md", "src/app.py", "src/util.py"]
    reasons = {Path(s["file_path"]).name: s["reason"] for s in out.result["skipped_files"]}
    assert reasons == {"data.bin": "binary"}
    everything = await search(tree, pattern="TODO", include_hidden=True, exclude_dirs=[])
    names = rel(tree, [m["file_path"] for m in everything.result["matches"]])
    assert ".hidden.txt" in names
    assert ".git/config" in names
    assert "node_modules/dep.js" in names


async def test_literal_search_escapes_regex(tree: Path) -> None:
    (tree / "expr.txt").write_text("a+b = c\naab = c\n")
    literal = await search(tree, pattern="a+b", use_regex=False, include_extensions=["txt"])
    assert [m["line_number"] for m in literal.result["matches"]] == [1]
    regex = await search(tree, pattern="a+b", include_extensions=["txt"])
    assert [m["line_number"] for m in regex.result["matches"]] == [2]  # a+b: one or more a, then b


async def test_extension_size_and_date_filters(tree: Path) -> None:
    md = await search(tree, pattern="TODO", include_extensions=[".md"])
    assert rel(tree, [m["file_path"] for m in md.result["matches"]]) == ["README.md"]
    no_py = await search(tree, pattern="TODO", exclude_extensions=["py"])
    assert rel(tree, [m["file_path"] for m in no_py.result["matches"]]) == ["README.md"]
    small = await search(tree, name="*.py", max_size=20)
    assert rel(tree, [f["file_path"] for f in small.result["files"]]) == ["src/util.py"]
    big = await search(tree, name="*.py", min_size=20)
    assert rel(tree, [f["file_path"] for f in big.result["files"]]) == ["src/app.py"]
    old = time.time() - 10 * 86400
    os.utime(tree / "src" / "util.py", (old, old))
    recent = await search(tree, name="*.py", modified_after=time.time() - 86400)
    assert rel(tree, [f["file_path"] for f in recent.result["files"]]) == ["src/app.py"]
    before = await search(tree, name="*.py", modified_before="2000-01-01T00:00:00Z")
    assert before.result["files"] == []


async def test_results_are_bounded(tree: Path) -> None:
    (tree / "many.txt").write_text("hit\n" * 50)
    capped = await search(tree, pattern="hit", max_matches_per_file=5)
    assert len(capped.result["matches"]) == 5
    assert capped.result["summary"]["files_capped"] == 1
    assert capped.metadata["truncated"] is True
    limited = await search(tree, pattern="hit", max_results=3, max_matches_per_file=100)
    assert len(limited.result["matches"]) == 3
    assert limited.metadata["truncated"] is True
    with pytest.raises(ValidationError) as info:
        await FileSearch().execute(
            {"path": str(tree), "pattern": "x", "max_results": 500}, ctx(tree, max_results=100)
        )
    assert "[tools.file_search] max_results" in info.value.message


async def test_large_files_skipped_by_content_search(tree: Path) -> None:
    (tree / "huge.log").write_text("TODO\n" * 100)
    out = await FileSearch().execute(
        {"path": str(tree), "pattern": "TODO", "include_extensions": ["log"]},
        ctx(tree, max_file_size=100),
    )
    assert out.result["matches"] == []
    assert out.result["skipped_files"][0]["reason"] == "larger than max_file_size"


async def test_max_depth_and_single_file(tree: Path) -> None:
    top = await search(tree, pattern="TODO", max_depth=0)
    assert rel(tree, [m["file_path"] for m in top.result["matches"]]) == ["README.md"]
    one = await FileSearch().execute(
        {"path": str(tree / "src" / "app.py"), "pattern": "print"}, ctx(tree)
    )
    assert [m["line_number"] for m in one.result["matches"]] == [4]


async def test_symlinks_never_lead_outside(tmp_path: Path) -> None:
    root = tmp_path / "root"
    outside = tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (outside / "secret.txt").write_text("TODO secret\n")
    (root / "own.txt").write_text("TODO own\n")
    os.symlink(outside / "secret.txt", root / "file-link.txt")
    os.symlink(outside, root / "dir-link")
    os.symlink(root / "own.txt", root / "inner-link.txt")
    out = await search(root, pattern="TODO")
    found = sorted(Path(m["file_path"]).name for m in out.result["matches"])
    assert found == ["inner-link.txt", "own.txt"]
    skipped = [s for s in out.result["skipped_files"] if s["reason"].startswith("symlink")]
    assert [Path(s["file_path"]).name for s in skipped] == ["file-link.txt"]
    assert "secret" not in out.text


async def test_sandbox_refusals(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    with pytest.raises(SecurityError) as info:
        await FileSearch().execute({"path": str(root / ".."), "name": "*"}, ctx(root))
    assert "'..'" in info.value.message
    with pytest.raises(SecurityError):
        await FileSearch().execute({"path": "/etc", "name": "passwd"}, ctx(root))
