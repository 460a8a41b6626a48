"""load_toml / loads_toml: parse results and ConfigErrors that point at the line."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from llmspell_core.errors import ConfigError
from llmspell_utils import load_toml, loads_toml


def test_loads_a_config_file(tmp_path: Path) -> None:
    config = tmp_path / "llmspell.toml"
    config.write_text(
        'default_engine = "lua"\n\n[tools.filesystem]\nallowed_paths = [".", "/tmp"]\n'
    )
    assert load_toml(config) == {
        "default_engine": "lua",
        "tools": {"filesystem": {"allowed_paths": [".", "/tmp"]}},
    }


def test_bad_toml_names_file_and_line(tmp_path: Path) -> None:
    config = tmp_path / "llmspell.toml"
    config.write_text('default_engine = "lua"\n[providers]\ndefault_provider = openai\n')
    with pytest.raises(ConfigError) as caught:
        load_toml(config)
    error = caught.value
    assert str(error).startswith(f"{config}:3: invalid TOML:")
    assert "(at line" not in str(error)
    assert error.details == {"file": str(config), "line": 3, "column": 20}
    assert error.exit_code == 3


def test_error_at_end_of_document_gets_last_line() -> None:
    with pytest.raises(ConfigError, match=r"^inline:3: invalid TOML: .*at end of file"):
        loads_toml('a = 1\nb = 2\nc = "unterminated', source="inline")


def test_duplicate_key_is_reported() -> None:
    with pytest.raises(ConfigError, match=r"^<toml>:2: "):
        loads_toml("a = 1\na = 2\n")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nope\.toml: file not found"):
        load_toml(tmp_path / "nope.toml")


def test_directory_instead_of_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_toml(tmp_path)


def test_non_utf8_file_names_line(tmp_path: Path) -> None:
    config = tmp_path / "latin1.toml"
    config.write_bytes('a = 1\nname = "café"\n'.encode("latin-1"))
    with pytest.raises(
        ConfigError, match=rf"^{re.escape(os.fspath(config))}:2: invalid TOML: not UTF-8"
    ):
        load_toml(config)
