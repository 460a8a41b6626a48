"""file-operations: every operation on real files, and every way out of the sandbox refused."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from file_tool_support import files_context

from llmspell_core.context import ExecutionContext
from llmspell_core.errors import NotFoundError, SecurityError, ValidationError
from llmspell_core.testing.contracts import ToolContract
from llmspell_core.tool import Tool
from llmspell_tools.filesystem.file_operations import FileOperations


class TestFileOperationsContract(ToolContract):
    @pytest.fixture(autouse=True)
    def _in_tmp(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.chdir(tmp_path)

    def make_tool(self) -> Tool:
        return FileOperations()

    def invalid_params(self) -> list[dict[str, Any]]:
        return [
            {},
            {"operation": "shred", "path": "x"},
            {"operation": "read"},
            {"operation": "write", "path": "x"},
            {"operation": "copy", "source_path": "a"},
            {"operation": "read", "path": "x", "pathh": "y"},
        ]


def ctx(root: Path, **section: Any) -> ExecutionContext:
    return files_context(root, "file_operations", section)


async def run(root: Path, **params: Any) -> Any:
    return await FileOperations().execute(params, ctx(root))


async def test_write_then_read_round_trip(tmp_path: Path) -> None:
    out = await run(tmp_path, operation="write", path=str(tmp_path / "sub/a.txt"), input="héllo\n")
    assert out.success
    assert out.result["bytes_written"] == len("héllo\n".encode())
    assert (tmp_path / "sub/a.txt").read_text() == "héllo\n"
    assert not [p for p in (tmp_path / "sub").iterdir() if p.name.startswith(".")]  # no temp left
    read = await run(tmp_path, operation="read", path=str(tmp_path / "sub/a.txt"))
    assert read.text == "héllo\n"
    assert read.result["content"] == "héllo\n"
    assert read.metadata["operation"] == "read"
    assert read.metadata["truncated"] is False


async def test_write_accepts_content_alias_and_encoding(tmp_path: Path) -> None:
    target = tmp_path / "latin.txt"
    await run(tmp_path, operation="write", path=str(target), content="café", encoding="latin-1")
    assert target.read_bytes() == "café".encode("latin-1")
    out = await run(tmp_path, operation="read", path=str(target), encoding="latin-1")
    assert out.text == "café"
    with pytest.raises(ValidationError) as info:
        await run(tmp_path, operation="read", path=str(target))
    assert "not valid utf-8" in info.value.message
    with pytest.raises(ValidationError) as bad:
        await run(tmp_path, operation="write", path=str(target), input="€", encoding="ascii")
    assert bad.value.details["field"] == "input"
    with pytest.raises(ValidationError):
        await run(tmp_path, operation="write", path=str(target), input="x", encoding="nope-42")


async def test_append_creates_and_extends(tmp_path: Path) -> None:
    target = tmp_path / "log.txt"
    await run(tmp_path, operation="append", path=str(target), input="one\n")
    out = await run(tmp_path, operation="append", path=str(target), input="two\n")
    assert target.read_text() == "one\ntwo\n"
    assert out.result["size"] == 8


async def test_size_limits_from_config(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("x" * 100)
    tool = FileOperations()
    with pytest.raises(ValidationError) as info:
        await tool.execute({"operation": "read", "path": str(big)}, ctx(tmp_path, max_file_size=50))
    assert "[tools.file_operations] max_file_size" in info.value.message
    with pytest.raises(ValidationError):
        await tool.execute(
            {"operation": "write", "path": str(tmp_path / "w.txt"), "input": "y" * 60},
            ctx(tmp_path, max_file_size=50),
        )
    with pytest.raises(ValidationError):
        await tool.execute(
            {"operation": "append", "path": str(big), "input": "z"},
            ctx(tmp_path, max_file_size=100),
        )


async def test_read_is_bounded_by_max_output_bytes(tmp_path: Path) -> None:
    target = tmp_path / "long.txt"
    target.write_text("a" * 5000)
    out = await FileOperations().execute(
        {"operation": "read", "path": str(target)}, ctx(tmp_path, max_output_bytes=100)
    )
    assert len(out.text) == 100
    assert out.metadata["truncated"] is True
    assert out.result["size"] == 5000


async def test_read_errors(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        await run(tmp_path, operation="read", path=str(tmp_path / "missing.txt"))
    with pytest.raises(ValidationError) as info:
        await run(tmp_path, operation="read", path=str(tmp_path))
    assert "list_dir" in info.value.message


async def test_delete_file_and_directories(tmp_path: Path) -> None:
    (tmp_path / "f.txt").write_text("x")
    out = await run(tmp_path, operation="delete", path=str(tmp_path / "f.txt"))
    assert out.result == {"path": str(tmp_path / "f.txt"), "deleted": True, "type": "file"}
    assert not (tmp_path / "f.txt").exists()
    full = tmp_path / "full"
    full.mkdir()
    (full / "inner.txt").write_text("x")
    with pytest.raises(ValidationError) as info:
        await run(tmp_path, operation="delete", path=str(full))
    assert "recursive=true" in info.value.message
    await run(tmp_path, operation="delete", path=str(full), recursive=True)
    assert not full.exists()
    (tmp_path / "empty").mkdir()
    await run(tmp_path, operation="delete", path=str(tmp_path / "empty"))
    assert not (tmp_path / "empty").exists()


async def test_delete_refuses_an_allowed_root(tmp_path: Path) -> None:
    with pytest.raises(SecurityError) as info:
        await run(tmp_path, operation="delete", path=str(tmp_path), recursive=True)
    assert info.value.details["rule"] == "root_protected"
    assert (await run(tmp_path, operation="exists", path=str(tmp_path))).result["exists"]


async def test_create_dir(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as info:
        await run(tmp_path, operation="create_dir", path=str(tmp_path / "a/b/c"))
    assert "recursive=true" in info.value.message
    out = await run(tmp_path, operation="create_dir", path=str(tmp_path / "a/b/c"), recursive=True)
    assert out.result["created"] is True
    assert (tmp_path / "a/b/c").is_dir()
    again = await run(tmp_path, operation="create_dir", path=str(tmp_path / "a"))
    assert again.result["created"] is False
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValidationError):
        await run(tmp_path, operation="create_dir", path=str(tmp_path / "file"))


async def test_list_dir_flat_recursive_and_bounded(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("bb")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.txt").write_text("c")
    out = await run(tmp_path, operation="list_dir", path=str(tmp_path))
    names = [e["relative_path"] for e in out.result["entries"]]
    assert names == ["b.txt", "sub"]
    assert out.result["entries"][0]["size"] == 2
    assert out.result["entries"][1]["type"] == "directory"
    assert out.text == "b.txt\nsub/"
    deep = await run(tmp_path, operation="list_dir", path=str(tmp_path), recursive=True)
    assert "sub/c.txt" in [e["relative_path"] for e in deep.result["entries"]]
    capped = await FileOperations().execute(
        {"operation": "list_dir", "path": str(tmp_path), "recursive": True},
        ctx(tmp_path, max_rows=2),
    )
    assert capped.result["count"] == 2
    assert capped.metadata["truncated"] is True
    with pytest.raises(ValidationError):
        await run(tmp_path, operation="list_dir", path=str(tmp_path / "b.txt"))


async def test_copy_and_move(tmp_path: Path) -> None:
    src = tmp_path / "src.txt"
    src.write_text("data")
    await run(
        tmp_path, operation="copy", source_path=str(src), target_path=str(tmp_path / "dst.txt")
    )
    assert (tmp_path / "dst.txt").read_text() == "data"
    with pytest.raises(ValidationError) as info:
        await run(
            tmp_path, operation="copy", source_path=str(src), target_path=str(tmp_path / "dst.txt")
        )
    assert "overwrite=true" in info.value.message
    (tmp_path / "dir").mkdir()
    into = await run(
        tmp_path, operation="copy", source_path=str(src), target_path=str(tmp_path / "dir")
    )
    assert into.result["target"] == str(tmp_path / "dir" / "src.txt")
    with pytest.raises(ValidationError):
        await run(
            tmp_path,
            operation="copy",
            source_path=str(tmp_path / "dir"),
            target_path=str(tmp_path / "d2"),
        )
    tree = await run(
        tmp_path,
        operation="copy",
        source_path=str(tmp_path / "dir"),
        target_path=str(tmp_path / "d2"),
        recursive=True,
    )
    assert tree.result["type"] == "directory"
    assert (tmp_path / "d2" / "src.txt").read_text() == "data"
    moved = await run(
        tmp_path, operation="move", source_path=str(src), target_path=str(tmp_path / "moved.txt")
    )
    assert moved.success
    assert not src.exists()
    assert (tmp_path / "moved.txt").read_text() == "data"
    with pytest.raises(ValidationError) as inside:
        await run(
            tmp_path,
            operation="move",
            source_path=str(tmp_path / "d2"),
            target_path=str(tmp_path / "d2/x"),
        )
    assert inside.value.details["rule"] == "inside_source"
    with pytest.raises(SecurityError):
        await run(
            tmp_path, operation="move", source_path=str(tmp_path), target_path=str(tmp_path / "x")
        )


async def test_metadata_and_exists(tmp_path: Path) -> None:
    target = tmp_path / "m.txt"
    target.write_text("12345")
    meta = await run(tmp_path, operation="metadata", path=str(target))
    assert meta.result["type"] == "file"
    assert meta.result["size"] == 5
    assert meta.result["modified"].endswith("+00:00")
    yes = await run(tmp_path, operation="exists", path=str(target))
    assert yes.result["exists"] is True
    assert yes.result["type"] == "file"
    no = await run(tmp_path, operation="exists", path=str(tmp_path / "none"))
    assert no.result == {"exists": False, "path": str(tmp_path / "none"), "type": None}
    assert no.text.endswith("does not exist")


# -- sandbox refusals --------------------------------------------------------------------------


async def test_dotdot_escape_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (tmp_path / "secret.txt").write_text("s")
    for op in ("read", "exists", "metadata", "delete"):
        with pytest.raises(SecurityError) as info:
            await run(root, operation=op, path=str(root / ".." / "secret.txt"))
        assert "'..'" in info.value.message
        assert "[tools.filesystem] allowed_paths" in info.value.message
    with pytest.raises(SecurityError):
        await run(root, operation="write", path=str(root / "../evil.txt"), input="x")
    assert not (tmp_path / "evil.txt").exists()


async def test_symlink_escape_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "root"
    outside = tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (outside / "secret.txt").write_text("s")
    os.symlink(outside, root / "link")
    with pytest.raises(SecurityError) as info:
        await run(root, operation="read", path=str(root / "link" / "secret.txt"))
    assert "symlink" in info.value.message
    with pytest.raises(SecurityError):
        await run(root, operation="write", path=str(root / "link" / "new.txt"), input="x")
    assert not (outside / "new.txt").exists()
    with pytest.raises(SecurityError):
        await run(
            root,
            operation="copy",
            source_path=str(root / "link/secret.txt"),
            target_path=str(root / "c"),
        )


async def test_delete_removes_a_symlink_not_its_target(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (root / "target.txt").write_text("keep me")
    (tmp_path / "outside.txt").write_text("keep me too")
    os.symlink(root / "target.txt", root / "inner-link")
    os.symlink(tmp_path / "outside.txt", root / "outer-link")
    for name in ("inner-link", "outer-link"):
        out = await run(root, operation="delete", path=str(root / name))
        assert out.result["type"] == "symlink"
    assert sorted(os.listdir(str(root))) == ["target.txt"]
    assert (root / "target.txt").read_text() == "keep me"
    assert (tmp_path / "outside.txt").read_text() == "keep me too"


async def test_absolute_path_outside_roots_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SecurityError) as info:
        await run(tmp_path, operation="read", path="/etc/hostname")
    assert info.value.details["config_key"] == "[tools.filesystem] allowed_paths"
    with pytest.raises(SecurityError):
        await run(tmp_path, operation="list_dir", path="/")
