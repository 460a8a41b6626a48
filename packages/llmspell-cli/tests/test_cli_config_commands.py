"""`llmspell config init|show|validate|profiles` through the real CLI (CliRunner and a process)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from llmspell_cli.configuration import PROFILE_NAMES
from llmspell_cli.main import cli
from llmspell_core.registry import FIRST_PARTY, registry

LLMSPELL = str(Path(sys.executable).parent / "llmspell")


@pytest.fixture
def clean(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working directory and $HOME; no LLMSPELL_* or provider keys from outside."""
    for key in list(os.environ):
        if key.startswith("LLMSPELL_") or key in ("XDG_CONFIG_HOME", "OPENAI_API_KEY"):
            monkeypatch.delenv(key)
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


def invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def test_init_writes_a_valid_commented_file_and_refuses_to_overwrite(clean: Path) -> None:
    code, out, _ = invoke("config", "init")
    assert code == 0
    assert "Wrote llmspell.toml from the commented defaults" in out
    text = (clean / "llmspell.toml").read_text()
    assert text.startswith("# llmspell configuration.")
    assert tomllib.loads(text)["runtime"]["timeout_seconds"] == 300

    code, _, err = invoke("config", "init")
    assert code == 2
    assert "llmspell.toml already exists; pass --force to overwrite it" in err
    assert invoke("config", "init", "--force", "--profile", "local")[0] == 0
    assert tomllib.loads((clean / "llmspell.toml").read_text())["providers"][
        "default_provider"
    ] == ("local")


def test_init_user_writes_the_xdg_file(clean: Path, tmp_path: Path) -> None:
    xdg = tmp_path / "xdg"
    code, _, _ = invoke("config", "init", "--user", env={"XDG_CONFIG_HOME": str(xdg)})
    assert code == 0
    assert (xdg / "llmspell" / "config.toml").is_file()


def test_init_with_an_unknown_profile_is_a_usage_error(clean: Path) -> None:
    code, _, err = invoke("config", "init", "--profile", "nope")
    assert code == 2
    assert "'nope' is not one of" in err


def test_show_prints_merged_toml_with_secrets_redacted(clean: Path) -> None:
    (clean / "llmspell.toml").write_text(
        "[providers.openai]\napi_key = 'sk-very-secret'\ndefault_model = 'gpt-4o-mini'\n"
    )
    code, out, _ = invoke("config", "show", env={"LLMSPELL_RUNTIME__TIMEOUT_SECONDS": "42"})
    assert code == 0
    assert "sk-very-secret" not in out
    shown = tomllib.loads(out)
    assert shown["providers"]["openai"]["api_key"] == "<REDACTED>"
    assert shown["providers"]["openai"]["default_model"] == "gpt-4o-mini"
    assert shown["runtime"]["timeout_seconds"] == 42


def test_show_json_with_sources_and_a_section(clean: Path) -> None:
    (clean / "llmspell.toml").write_text("[runtime]\nmax_memory_mb = 77\n")
    code, out, _ = invoke("-p", "local", "config", "show", "--format", "json", "--sources")
    assert code == 0
    document = json.loads(out)
    assert [s["kind"] for s in document["sources"]] == ["defaults", "file", "profile"]
    assert document["sources"][2]["name"] == "local"
    assert document["config"]["runtime"]["max_memory_mb"] == 77
    assert document["config"]["providers"]["default_provider"] == "local"

    code, out, _ = invoke("config", "show", "--section", "runtime", "-p", "minimal")
    assert code == 0
    assert list(tomllib.loads(out)) == ["runtime"]
    assert tomllib.loads(out)["runtime"]["timeout_seconds"] == 60

    code, out, _ = invoke("config", "show", "--sources")
    assert out.startswith("# Merged from (later layers win):\n#   1. built-in defaults")

    code, _, err = invoke("config", "show", "--section", "nosuch")
    assert code == 2
    assert "no section 'nosuch'; sections: engines, providers, runtime" in err


def test_validate_ok_and_every_problem_named_with_exit_3(clean: Path) -> None:
    code, out, _ = invoke("config", "validate")
    assert (code, out.strip()) == (0, "Configuration is valid (defaults only)")
    bad = clean / "bad.toml"
    bad.write_text("[runtime]\ntimeout_seconds = -1\nmax_memory = 5\n")
    code, out, err = invoke("config", "validate", str(bad))
    assert code == 3
    assert err.splitlines() == [
        "llmspell: 2 problems:",
        "bad.toml:2: runtime.timeout_seconds: expected a number greater than 0, got -1",
        "bad.toml:3: runtime.max_memory: unknown key (did you mean max_memory_mb?); known keys "
        "in [runtime]: timeout_seconds, max_memory_mb, max_recursion_depth, "
        "max_concurrent_calls, security",
    ]
    assert "Traceback" not in err


def test_validate_names_a_bad_environment_variable(clean: Path) -> None:
    code, _, err = invoke(
        "config", "validate", env={"LLMSPELL_RUNTIME__SECURITY__ALLOW_FILE_ACCESS": "sometimes"}
    )
    assert code == 3
    assert (
        "environment variable LLMSPELL_RUNTIME__SECURITY__ALLOW_FILE_ACCESS: "
        'runtime.security.allow_file_access: expected true or false, got "sometimes"' in err
    )


def test_missing_config_file_is_exit_3_and_unknown_profile_exit_2(clean: Path) -> None:
    code, _, err = invoke("--config", "missing.toml", "config", "show")
    assert code == 3
    assert "missing.toml: configuration file named by --config does not exist" in err
    code, _, err = invoke("-p", "developement", "config", "show")
    assert code == 2
    assert "unknown profile 'developement' (did you mean development?)" in err


def test_profiles_lists_every_profile(clean: Path) -> None:
    code, out, _ = invoke("config", "profiles")
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()] == list(PROFILE_NAMES)


def test_config_errors_from_a_real_process_are_one_line_exit_3(clean: Path) -> None:
    (clean / "llmspell.toml").write_text("[state]\nbackend = 'redis'\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("LLMSPELL_")}
    for argv in (["config", "validate"], ["run", "spell.lua"]):
        (clean / "spell.lua").write_text("print('never runs')\n")
        done = subprocess.run(
            [LLMSPELL, *argv], cwd=clean, env=env, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 3, done.stderr
        assert done.stderr.strip() == (
            "llmspell: llmspell.toml:2: state.backend: expected one of 'memory' or 'sqlite', "
            'got "redis"'
        )
        assert "never runs" not in done.stdout


@pytest.mark.parametrize(
    "command",
    [
        ["config"],
        ["config", "init"],
        ["config", "show"],
        ["config", "validate"],
        ["config", "profiles"],
        ["new"],
        ["provider"],
        ["provider", "list"],
        ["completion"],
        ["run"],
        ["exec"],
        ["version"],
        ["plugins"],
        ["tool"],
        ["tool", "list"],
        ["tool", "info"],
        ["tool", "invoke"],
    ],
)
def test_help_of_every_command_has_an_example(clean: Path, command: list[str]) -> None:
    """Every command of `llmspell`, whoever wrote it, shows at least one example."""
    code, out, _ = invoke(*command, "--help")
    assert code == 0
    assert "Examples:" in out
    assert "llmspell " in out.split("Examples:", 1)[1]


def test_every_first_party_command_and_subcommand_has_an_example(clean: Path) -> None:
    """Walks the real command tree, so a command added later cannot skip its example."""
    third_party = {
        info.name
        for info in registry.plugins("llmspell.cli")
        if info.distribution not in FIRST_PARTY
    }
    root = click.Context(cli)
    paths: list[list[str]] = []
    for name in cli.list_commands(root):
        if name in third_party:
            continue
        command = cli.get_command(root, name)
        assert command is not None
        paths.append([name])
        if isinstance(command, click.Group):
            sub = click.Context(command, parent=root)
            paths.extend([name, child] for child in command.list_commands(sub))
    assert ["config", "validate"] in paths
    for path in paths:
        code, out, _ = invoke(*path, "--help")
        assert code == 0, path
        assert "Examples:" in out, f"`llmspell {' '.join(path)} --help` shows no example"
