"""atomic_write_*: complete replacement or nothing, and no temp files left behind."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from llmspell_utils import atomic_write_bytes, atomic_write_text


def test_writes_new_and_replaces_existing(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    atomic_write_text(target, "first\n")
    assert target.read_text() == "first\n"
    atomic_write_text(str(target), "second — ünïcode\n")
    assert target.read_text(encoding="utf-8") == "second — ünïcode\n"
    atomic_write_bytes(target, b"\x00\x01binary")
    assert target.read_bytes() == b"\x00\x01binary"
    assert os.listdir(tmp_path) == ["out.txt"]


def test_new_file_gets_umask_permissions(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        atomic_write_bytes(tmp_path / "f", b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "f").stat().st_mode) == 0o640


def test_existing_permissions_are_kept_unless_mode_given(tmp_path: Path) -> None:
    target = tmp_path / "script.sh"
    target.write_text("#!/bin/sh\n")
    target.chmod(0o750)
    atomic_write_text(target, "#!/bin/sh\necho hi\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o750
    atomic_write_text(target, "x", mode=0o600)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_write_through_symlink_target_dir(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real, target_is_directory=True)
    atomic_write_text(tmp_path / "link" / "f.txt", "via link")
    assert (real / "f.txt").read_text() == "via link"


def test_failure_during_fsync_leaves_old_content_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "data.json"
    target.write_text('{"old": true}')

    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space left"):
        atomic_write_text(target, '{"new": true}')
    assert target.read_text() == '{"old": true}'
    assert os.listdir(tmp_path) == ["data.json"]


def test_failure_during_rename_leaves_old_content_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "data.txt"
    target.write_text("old")

    def refuse(src: str, dst: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(PermissionError):
        atomic_write_bytes(target, b"new")
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["data.txt"]


def test_unencodable_text_writes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "t.txt"
    target.write_text("old")
    with pytest.raises(UnicodeEncodeError):
        atomic_write_text(target, "lone surrogate \udc80")
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["t.txt"]


def test_missing_directory_fails_cleanly(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        atomic_write_text(tmp_path / "no-such-dir" / "f.txt", "x")
    assert os.listdir(tmp_path) == []


def test_target_is_a_directory(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    with pytest.raises(IsADirectoryError):
        atomic_write_text(tmp_path / "d", "x")
    assert os.listdir(tmp_path) == ["d"]
