"""Spell packages: spell.toml validation, --param conversion, scaffolding, help text."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmspell_cli.spellpkg import (
    SpellManifest,
    is_spell_package,
    load_package,
    package_help,
    scaffold_package,
)
from llmspell_core.errors import ConfigError, UsageError

MANIFEST = """\
name = "report"
version = "1.2.0"
description = "Write a report"
timeout_seconds = 30
memory_limit_mb = 64
required_env = ["REPORT_TOKEN"]

[parameters.topic]
type = "string"
description = "What the report is about"

[parameters.pages]
type = "integer"
description = "How long"
default = 2

[parameters.ratio]
type = "number"
default = 0.5

[parameters.draft]
type = "boolean"
default = false

[parameters.tags]
type = "array"
items = "string"
default = []

[parameters.scores]
type = "array"
items = "integer"
required = false

[parameters.tone]
type = "string"
choices = ["dry", "warm"]
default = "dry"
"""


@pytest.fixture
def report(tmp_path: Path) -> Path:
    root = tmp_path / "report"
    root.mkdir()
    (root / "spell.toml").write_text(MANIFEST)
    (root / "main.js").write_text("print(ARGS.topic)\n")
    return root


def test_load_package_reads_manifest_entry_engine_and_limits(report: Path) -> None:
    package = load_package(report)
    assert package.name == "report"
    assert package.entry == report / "main.js"
    assert package.engine == "javascript"
    assert (package.timeout_seconds, package.memory_limit_mb) == (30, 64)
    assert is_spell_package(report)
    assert not is_spell_package(report / "main.js")


def test_parameters_are_typed_and_defaults_filled(report: Path) -> None:
    package = load_package(report)
    values = package.parameters(
        ["topic=cats", "pages=5", "ratio=0.25", "draft=yes", "tags=a,b", "tags=c", "scores=[1,2]"]
    )
    assert values == {
        "topic": "cats",
        "pages": 5,
        "ratio": 0.25,
        "draft": True,
        "tags": ["a", "b", "c"],
        "scores": [1, 2],
        "tone": "dry",
    }
    only_required = package.parameters(["topic=x=y"])
    assert only_required["topic"] == "x=y"
    assert "scores" not in only_required  # optional without default: absent


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            [],
            "spell 'report' is missing required parameter 'topic' (string: What the report is "
            "about); pass --param topic=...",
        ),
        (
            ["topic=a", "pages=many"],
            "parameter 'pages' (integer): expected an integer, e.g. 3, got 'many'",
        ),
        (
            ["topic=a", "ratio=half"],
            "parameter 'ratio' (number): expected a number, e.g. 0.5, got 'half'",
        ),
        (
            ["topic=a", "draft=perhaps"],
            "parameter 'draft' (boolean): expected true or false, got 'perhaps'",
        ),
        (
            ["topic=a", 'scores=[1,"x"]'],
            "parameter 'scores' (array of integer): expected an integer, e.g. 3, got '[1,\"x\"]'",
        ),
        (["topic=a", "scores=[1,"], "parameter 'scores' (array of integer): expected a JSON array"),
        (["topic=a", "tone=loud"], "parameter 'tone': 'loud' is not one of: dry, warm"),
        (["topci=a"], "spell 'report' has no parameter 'topci' (did you mean topic?)"),
        (["topic"], "--param 'topic': expected NAME=VALUE"),
    ],
)
def test_parameter_mistakes_are_usage_errors_naming_the_parameter(
    report: Path, options: list[str], message: str
) -> None:
    with pytest.raises(UsageError) as caught:
        load_package(report).parameters(options)
    assert str(caught.value).startswith(message)
    assert caught.value.exit_code == 2


def test_missing_env_is_a_config_error_naming_the_variable(report: Path) -> None:
    package = load_package(report)
    with pytest.raises(ConfigError) as caught:
        package.check_env({})
    assert "spell 'report' needs environment variable REPORT_TOKEN, which is not set" in str(
        caught.value
    )
    assert caught.value.exit_code == 3
    package.check_env({"REPORT_TOKEN": "t"})


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("colour = 'red'\n", "spell.toml:1: colour: unknown key"),
        (
            "[parameters.n]\ntype = 'integer'\ndefault = 'x'\n",
            "parameters.n: default 'x' is not an integer",
        ),
        (
            "[parameters.n]\ntype = 'float'\n",
            "parameters.n.type: expected one of 'string', "
            "'integer', 'number', 'boolean' or 'array', got \"float\"",
        ),
        (
            "[parameters.n]\ntype = 'string'\nrequired = true\ndefault = 'a'\n",
            "a parameter with a default cannot also be required = true",
        ),
        (
            "timeout_seconds = 0\n",
            "spell.toml:1: timeout_seconds: expected a number greater than 0",
        ),
    ],
)
def test_manifest_mistakes_name_file_line_and_key(tmp_path: Path, extra: str, message: str) -> None:
    root = tmp_path / "bad"
    root.mkdir()
    (root / "spell.toml").write_text(
        extra + 'name = "bad"\n' if not extra.startswith("[") else 'name = "bad"\n' + extra
    )
    (root / "main.lua").write_text("")
    with pytest.raises(ConfigError) as caught:
        load_package(root)
    assert message in str(caught.value)
    assert str(root / "spell.toml") in str(caught.value)
    assert caught.value.exit_code == 3


def test_missing_entry_and_non_package_folders(tmp_path: Path) -> None:
    root = tmp_path / "empty"
    root.mkdir()
    with pytest.raises(UsageError, match=r"is a folder without a spell\.toml"):
        load_package(root)
    (root / "spell.toml").write_text('name = "empty"\n')
    with pytest.raises(ConfigError, match=r"no entry script: add main\.lua or main\.js"):
        load_package(root)
    (root / "spell.toml").write_text('name = "empty"\nentry = "run.lua"\n')
    with pytest.raises(ConfigError, match=r"entry = 'run.lua', but .*run.lua does not exist"):
        load_package(root)


def test_invalid_names_are_refused() -> None:
    with pytest.raises(ValueError, match="not a valid spell name"):
        SpellManifest.model_validate({"name": "9lives"})


@pytest.mark.parametrize("engine", ["lua", "javascript"])
def test_scaffold_writes_a_loadable_package(tmp_path: Path, engine: str) -> None:
    root = scaffold_package("greeter", engine=engine, directory=tmp_path, description='Say "hi"')
    package = load_package(root)
    assert package.engine == engine
    assert package.manifest.description == 'Say "hi"'
    assert package.parameters([]) == {"name": "world", "times": 1, "shout": False}
    assert (root / "README.md").is_file()
    with pytest.raises(UsageError, match="already exists and is not empty"):
        scaffold_package("greeter", engine=engine, directory=tmp_path)
    scaffold_package("greeter", engine=engine, directory=tmp_path, force=True)


@pytest.mark.parametrize(
    ("name", "engine", "message"),
    [("bad name", "lua", "not a valid spell name"), ("ok", "ruby", "unknown engine 'ruby'")],
)
def test_scaffold_refuses_bad_input(tmp_path: Path, name: str, engine: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        scaffold_package(name, engine=engine, directory=tmp_path)


def test_package_help_lists_parameters_types_defaults_and_env(report: Path) -> None:
    text = package_help(load_package(report), "./report")
    assert text.startswith("Usage: llmspell run ./report [--param NAME=VALUE]...")
    assert "report 1.2.0: Write a report" in text
    assert "Engine javascript (main.js), timeout 30 s, memory limit 64 MB." in text
    assert "Needs environment: REPORT_TOKEN." in text
    assert "topic   What the report is about [string; required]" in text
    assert "pages   How long [integer; default 2]" in text
    assert "tags    [array of string; default []]" in text
    assert "scores  [array of integer; optional]" in text
    assert 'tone    [string; default "dry"; one of dry|warm]' in text
    assert "llmspell run ./report --param topic=VALUE" in text
