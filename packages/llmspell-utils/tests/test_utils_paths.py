"""resolve_safe_path against real directories and real symlinks."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from llmspell_core.errors import NotFoundError, SecurityError, ValidationError
from llmspell_utils import ALLOWED_PATHS_KEY, resolve_safe_path


@pytest.fixture
def sandbox(tmp_path: Path) -> Path:
    root = tmp_path / "sandbox"
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "a.txt").write_text("a")
    (tmp_path / "secret.txt").write_text("secret")
    return root


def test_relative_and_absolute_paths_inside_are_allowed(sandbox: Path) -> None:
    expected = (sandbox / "docs" / "a.txt").resolve()
    assert resolve_safe_path("docs/a.txt", [sandbox], base=sandbox) == expected
    assert resolve_safe_path(sandbox / "docs" / "a.txt", [str(sandbox)]) == expected
    assert resolve_safe_path("docs/../docs/a.txt", [sandbox], base=sandbox) == expected
    # a file that does not exist yet (about to be written) is fine unless must_exist
    assert resolve_safe_path("new.txt", [sandbox], base=sandbox) == sandbox.resolve() / "new.txt"


def test_relative_paths_default_to_current_directory(
    sandbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(sandbox / "docs")
    assert resolve_safe_path("a.txt", ["."]) == (sandbox / "docs" / "a.txt").resolve()


def test_dotdot_escape_is_refused_with_a_helpful_message(sandbox: Path) -> None:
    with pytest.raises(SecurityError) as caught:
        resolve_safe_path("docs/../../secret.txt", [sandbox], base=sandbox)
    error = caught.value
    message = str(error)
    assert "docs/../../secret.txt" in message
    assert "'..'" in message
    assert ALLOWED_PATHS_KEY in message
    assert error.code == "SECURITY_DENIED"
    assert error.details["config_key"] == "[tools.filesystem] allowed_paths"
    assert error.details["rule"] == "'..' leads outside the allowed roots"


def test_absolute_path_outside_is_refused(sandbox: Path, tmp_path: Path) -> None:
    with pytest.raises(SecurityError, match="outside the allowed roots"):
        resolve_safe_path(tmp_path / "secret.txt", [sandbox])


def test_sibling_with_common_prefix_is_not_inside(sandbox: Path) -> None:
    sibling = sandbox.parent / (sandbox.name + "-evil")
    sibling.mkdir()
    with pytest.raises(SecurityError):
        resolve_safe_path(sibling / "x", [sandbox])


def test_symlink_escape_is_refused(sandbox: Path, tmp_path: Path) -> None:
    (sandbox / "docs" / "leak").symlink_to(tmp_path / "secret.txt")
    (sandbox / "outside").symlink_to(tmp_path, target_is_directory=True)
    with pytest.raises(SecurityError) as caught:
        resolve_safe_path("docs/leak", [sandbox], base=sandbox)
    assert "symlink" in str(caught.value)
    assert ALLOWED_PATHS_KEY in str(caught.value)
    assert caught.value.details["resolved"] == str((tmp_path / "secret.txt").resolve())
    with pytest.raises(SecurityError, match="symlink"):
        resolve_safe_path("outside/secret.txt", [sandbox], base=sandbox)
    # a dangling link to a place outside is refused too (a write would create the file there)
    (sandbox / "dangling").symlink_to(tmp_path / "not-yet")
    with pytest.raises(SecurityError, match="symlink"):
        resolve_safe_path("dangling", [sandbox], base=sandbox)


def test_symlink_staying_inside_is_allowed(sandbox: Path) -> None:
    (sandbox / "alias").symlink_to(sandbox / "docs", target_is_directory=True)
    expected = (sandbox / "docs" / "a.txt").resolve()
    assert resolve_safe_path("alias/a.txt", [sandbox], base=sandbox) == expected


def test_root_that_is_itself_a_symlink(sandbox: Path, tmp_path: Path) -> None:
    link_root = tmp_path / "link-root"
    link_root.symlink_to(sandbox, target_is_directory=True)
    expected = (sandbox / "docs" / "a.txt").resolve()
    assert resolve_safe_path(link_root / "docs" / "a.txt", [link_root]) == expected


def test_symlink_loop_is_refused(sandbox: Path) -> None:
    (sandbox / "loop1").symlink_to(sandbox / "loop2")
    (sandbox / "loop2").symlink_to(sandbox / "loop1")
    with pytest.raises(SecurityError, match="cannot be resolved"):
        resolve_safe_path("loop1/x", [sandbox], base=sandbox)


def test_any_of_several_roots(sandbox: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    assert resolve_safe_path(other / "f", [sandbox, other]) == other.resolve() / "f"


def test_must_exist(sandbox: Path) -> None:
    with pytest.raises(NotFoundError, match=r"missing\.txt"):
        resolve_safe_path("missing.txt", [sandbox], base=sandbox, must_exist=True)
    assert resolve_safe_path("docs", [sandbox], base=sandbox, must_exist=True).is_dir()


def test_no_roots_means_nothing_is_allowed(sandbox: Path) -> None:
    with pytest.raises(SecurityError, match="no allowed roots"):
        resolve_safe_path(sandbox / "docs", [])


def test_malformed_paths(sandbox: Path) -> None:
    with pytest.raises(ValidationError):
        resolve_safe_path("", [sandbox])
    with pytest.raises(ValidationError):
        resolve_safe_path("a\x00b", [sandbox])


def test_home_in_roots_is_expanded(monkeypatch: pytest.MonkeyPatch, sandbox: Path) -> None:
    monkeypatch.setenv("HOME", str(sandbox))
    target = os.path.join(str(sandbox), "docs", "a.txt")
    assert resolve_safe_path(target, ["~/docs"]) == Path(target).resolve()
