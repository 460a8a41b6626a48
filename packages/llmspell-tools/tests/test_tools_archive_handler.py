"""archive-handler: round trips for zip/tar/tar.gz and refusal of every hostile archive."""

from __future__ import annotations

import io
import os
import tarfile
import zipfile
from pathlib import Path
from typing import Any

import pytest
from file_tool_support import files_context

from llmspell_core.context import ExecutionContext
from llmspell_core.errors import SecurityError, ValidationError
from llmspell_core.testing.contracts import ToolContract
from llmspell_core.tool import Tool
from llmspell_tools.filesystem.archive_handler import ArchiveHandler


class TestArchiveHandlerContract(ToolContract):
    @pytest.fixture(autouse=True)
    def _in_tmp(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        (tmp_path / "notes.txt").write_text("some notes\n")
        monkeypatch.chdir(tmp_path)

    def make_tool(self) -> Tool:
        return ArchiveHandler()

    def invalid_params(self) -> list[dict[str, Any]]:
        return [
            {"operation": "create", "path": "a.zip"},
            {"operation": "extract"},
            {"operation": "explode", "path": "a.zip"},
            {"operation": "list", "path": "a.zip", "format": "rar"},
            {"operation": "create", "path": "a.zip", "input": []},
            {"operation": "list", "path": "notes.txt"},
        ]


def ctx(root: Path, **section: Any) -> ExecutionContext:
    return files_context(root, "archive_handler", section)


async def run(root: Path, **params: Any) -> Any:
    return await ArchiveHandler().execute(params, ctx(root))


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    (tmp_path / "a.txt").write_text("alpha")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "b.md").write_text("# beta")
    (tmp_path / "docs" / "deep").mkdir()
    (tmp_path / "docs" / "deep" / "c.txt").write_text("gamma")
    return tmp_path


@pytest.mark.parametrize("name", ["bundle.zip", "bundle.tar", "bundle.tar.gz", "bundle.tgz"])
async def test_create_list_extract_round_trip(sources: Path, name: str) -> None:
    root = sources
    archive = root / name
    made = await run(
        root,
        operation="create",
        path=str(archive),
        input=[str(root / "a.txt"), str(root / "docs")],
    )
    assert made.success
    assert "docs/deep/c.txt" in made.result["archived_files"]
    assert made.result["total_size"] == len("alpha") + len("# beta") + len("gamma")
    listed = await run(root, operation="list", path=str(archive))
    files = {f["name"].rstrip("/"): f for f in listed.result["files"]}
    assert files["a.txt"]["size"] == 5
    assert files["docs"]["is_dir"] is True
    out = await run(root, operation="extract", path=str(archive), target_path=str(root / "out"))
    assert (root / "out" / "a.txt").read_text() == "alpha"
    assert (root / "out" / "docs" / "deep" / "c.txt").read_text() == "gamma"
    assert out.result["file_count"] == 3


async def test_extract_defaults_beside_the_archive_and_respects_overwrite(sources: Path) -> None:
    archive = sources / "pack.tar.gz"
    await run(sources, operation="create", path=str(archive), input=[str(sources / "a.txt")])
    out = await run(sources, operation="extract", path=str(archive))
    assert out.result["target_path"] == str(sources / "pack")
    assert (sources / "pack" / "a.txt").read_text() == "alpha"
    with pytest.raises(ValidationError) as info:
        await run(sources, operation="extract", path=str(archive))
    assert "overwrite=true" in info.value.message
    (sources / "pack" / "a.txt").write_text("changed")
    await run(sources, operation="extract", path=str(archive), overwrite=True)
    assert (sources / "pack" / "a.txt").read_text() == "alpha"
    with pytest.raises(ValidationError):
        await run(sources, operation="create", path=str(archive), input=[str(sources / "a.txt")])


async def test_create_skips_symlinks_and_refuses_outside_inputs(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "dir").mkdir(parents=True)
    (root / "dir" / "real.txt").write_text("r")
    (tmp_path / "secret.txt").write_text("s")
    os.symlink(tmp_path / "secret.txt", root / "dir" / "leak.txt")
    out = await run(root, operation="create", path=str(root / "d.zip"), input=[str(root / "dir")])
    assert out.result["archived_files"] == ["dir", "dir/real.txt"]
    with pytest.raises(SecurityError):
        await run(
            root, operation="create", path=str(root / "e.zip"), input=[str(tmp_path / "secret.txt")]
        )
    with pytest.raises(SecurityError):
        await run(root, operation="create", path=str(tmp_path / "x.zip"), input=[str(root / "dir")])


# -- hostile archives --------------------------------------------------------------------------


def make_zip(path: Path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=zipfile.ZIP_DEFLATED)


def make_tar(path: Path, members: list[tarfile.TarInfo], mode: str = "w") -> None:
    with tarfile.open(path, mode) as archive:  # type: ignore[call-overload]
        for info in members:
            data = b"x" * info.size if info.isreg() else None
            archive.addfile(info, io.BytesIO(data) if data is not None else None)


def member(
    name: str, kind: bytes = tarfile.REGTYPE, size: int = 1, link: str = ""
) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.size = size if kind == tarfile.REGTYPE else 0
    info.linkname = link
    return info


def assert_nothing_outside(tmp_path: Path, root: Path) -> None:
    stray = [p for p in tmp_path.iterdir() if p != root]
    assert stray == [], stray


@pytest.fixture
def root(tmp_path: Path) -> Path:
    path = tmp_path / "root"
    path.mkdir()
    return path


async def test_zip_slip_is_refused(tmp_path: Path, root: Path) -> None:
    make_zip(root / "slip.zip", {"ok.txt": b"fine", "../evil.txt": b"pwned"})
    with pytest.raises(SecurityError) as info:
        await run(
            root, operation="extract", path=str(root / "slip.zip"), target_path=str(root / "o")
        )
    assert info.value.details["rule"] == "path_traversal"
    assert "zip-slip" in info.value.message
    assert not (root / "o" / "ok.txt").exists()  # refused before anything was written
    assert_nothing_outside(tmp_path, root)
    make_zip(root / "abs.zip", {"/tmp/abs-evil.txt": b"pwned"})
    with pytest.raises(SecurityError) as absolute:
        await run(
            root, operation="extract", path=str(root / "abs.zip"), target_path=str(root / "o")
        )
    assert absolute.value.details["rule"] == "absolute_member_path"
    make_zip(root / "win.zip", {"..\\..\\evil.txt": b"pwned"})
    with pytest.raises(SecurityError):
        await run(
            root, operation="extract", path=str(root / "win.zip"), target_path=str(root / "o")
        )


async def test_tar_slip_absolute_paths_and_links_are_refused(tmp_path: Path, root: Path) -> None:
    cases = {
        "dotdot.tar": ([member("../evil.txt")], "path_traversal"),
        "absolute.tar": ([member("/tmp/evil.txt")], "absolute_member_path"),
        "abs-symlink.tar": ([member("link", tarfile.SYMTYPE, link="/etc/passwd")], "link_escape"),
        "rel-symlink.tar": (
            [member("sub/link", tarfile.SYMTYPE, link="../../outside")],
            "link_escape",
        ),
        "abs-hardlink.tar": ([member("hard", tarfile.LNKTYPE, link="/etc/passwd")], "link_escape"),
        "rel-hardlink.tar": ([member("hard", tarfile.LNKTYPE, link="../x")], "link_escape"),
        "device.tar": ([member("dev", tarfile.CHRTYPE)], "special_file"),
    }
    for name, (members, rule) in cases.items():
        make_tar(root / name, members)
        with pytest.raises(SecurityError) as info:
            await run(root, operation="extract", path=str(root / name), target_path=str(root / "o"))
        assert info.value.details["rule"] == rule, name
    assert_nothing_outside(tmp_path, root)


async def test_chained_symlinks_cannot_climb_out(tmp_path: Path, root: Path) -> None:
    # Each link looks harmless on its own; followed together they reach the parent of the target.
    make_tar(
        root / "chain.tar",
        [
            member("q", tarfile.SYMTYPE, link="."),
            member("p", tarfile.SYMTYPE, link="q/q/q/.."),
            member("p/escaped.txt"),
        ],
    )
    with pytest.raises(SecurityError):
        await run(
            root, operation="extract", path=str(root / "chain.tar"), target_path=str(root / "o")
        )
    assert not (root / "escaped.txt").exists()
    assert_nothing_outside(tmp_path, root)


async def test_in_tree_symlinks_are_extracted(root: Path) -> None:
    make_tar(
        root / "ok.tar",
        [member("data.txt", size=3), member("alias", tarfile.SYMTYPE, link="data.txt")],
    )
    await run(root, operation="extract", path=str(root / "ok.tar"), target_path=str(root / "o"))
    assert os.readlink(root / "o" / "alias") == "data.txt"
    assert (root / "o" / "alias").read_text() == "xxx"


async def test_existing_symlink_in_target_cannot_redirect_writes(
    tmp_path: Path, root: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / "o").mkdir()
    os.symlink(outside, root / "o" / "out")
    make_zip(root / "redirect.zip", {"out/planted.txt": b"pwned"})
    with pytest.raises(SecurityError) as info:
        await run(
            root, operation="extract", path=str(root / "redirect.zip"), target_path=str(root / "o")
        )
    assert "through a symlink" in info.value.message
    make_tar(root / "redirect.tar", [member("out/planted.txt")])
    with pytest.raises(SecurityError):
        await run(
            root, operation="extract", path=str(root / "redirect.tar"), target_path=str(root / "o")
        )
    assert list(outside.iterdir()) == []


async def test_zip_bomb_is_refused_before_extraction(root: Path) -> None:
    make_zip(root / "bomb.zip", {"zeros.bin": bytes(20 * 1024 * 1024)})
    assert (root / "bomb.zip").stat().st_size < 200_000
    listed = await run(root, operation="list", path=str(root / "bomb.zip"))
    assert listed.result["total_size"] == 20 * 1024 * 1024  # listing is harmless
    with pytest.raises(SecurityError) as info:
        await run(
            root, operation="extract", path=str(root / "bomb.zip"), target_path=str(root / "o")
        )
    assert info.value.details["rule"] == "compression_ratio"
    assert "[tools.archive_handler] max_ratio" in info.value.message
    assert not (root / "o" / "zeros.bin").exists()


async def test_targz_bomb_is_refused(root: Path) -> None:
    make_tar(root / "bomb.tar.gz", [member("zeros.bin", size=20 * 1024 * 1024)], mode="w:gz")
    with pytest.raises(SecurityError) as info:
        await run(
            root, operation="extract", path=str(root / "bomb.tar.gz"), target_path=str(root / "o")
        )
    assert info.value.details["rule"] == "compression_ratio"


async def test_size_and_member_count_limits(root: Path) -> None:
    make_zip(root / "five.zip", {f"f{i}.txt": b"data" for i in range(5)})
    with pytest.raises(SecurityError) as many:
        await ArchiveHandler().execute(
            {
                "operation": "extract",
                "path": str(root / "five.zip"),
                "target_path": str(root / "o"),
            },
            ctx(root, max_members=3),
        )
    assert many.value.details["rule"] == "too_many_members"
    make_tar(root / "big.tar", [member("big.bin", size=5000)])
    with pytest.raises(SecurityError) as big:
        await ArchiveHandler().execute(
            {"operation": "extract", "path": str(root / "big.tar"), "target_path": str(root / "o")},
            ctx(root, max_total_size=1000),
        )
    assert big.value.details["rule"] == "max_total_size"
    assert not (root / "o").exists() or list((root / "o").iterdir()) == []


async def test_bad_archives_and_sandbox(tmp_path: Path, root: Path) -> None:
    (root / "fake.zip").write_bytes(b"not a zip")
    with pytest.raises(ValidationError) as info:
        await run(root, operation="list", path=str(root / "fake.zip"))
    assert "not a readable zip" in info.value.message
    (root / "data.rar").write_bytes(b"x")
    with pytest.raises(ValidationError):
        await run(root, operation="list", path=str(root / "data.rar"))
    make_zip(root / "ok.zip", {"a.txt": b"a"})
    with pytest.raises(SecurityError):
        await run(
            root, operation="extract", path=str(root / "ok.zip"), target_path=str(tmp_path / "x")
        )
    with pytest.raises(SecurityError):
        await run(root, operation="list", path=str(root / ".." / "elsewhere.zip"))
