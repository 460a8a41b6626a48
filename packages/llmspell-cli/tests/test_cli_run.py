"""``llmspell run`` / ``exec`` / ``version`` / ``plugins`` through click's CliRunner.

Exit codes follow architecture §6: 0 ok, 1 script error, 2 usage, 3 config, 124 timeout.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from llmspell_cli.main import cli
from llmspell_core.registry import registry

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)  # no stray ./llmspell.toml
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    for name in ("LLMSPELL_CONFIG", "LLMSPELL_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    return CliRunner()


def spell(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize("name", ["hello.lua", "hello.js"])
def test_run_hello(runner: CliRunner, name: str) -> None:
    result = runner.invoke(cli, ["run", str(EXAMPLES / name), "--", "Ada", "--greeting", "Hi"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Hi, Ada!"
    assert lines[-1] == '{"greeted": "Ada", "visits": 1}'


def test_exec_runs_code(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["exec", "print(1 + 1, 2.0)"])
    assert (result.exit_code, result.stdout) == (0, "2\t2\n")
    result = runner.invoke(cli, ["exec", "--engine", "javascript", "console.log('a', 1)"])
    assert (result.exit_code, result.stdout) == (0, "a 1\n")


def test_script_error_is_one_line_and_exit_1(runner: CliRunner, tmp_path: Path) -> None:
    path = spell(tmp_path, "bad.lua", "local a = 1\n\nlocal b = nil + 1\n")
    result = runner.invoke(cli, ["run", path])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"{path}:3: attempt to perform arithmetic on a nil value"
    ]
    assert "Traceback" not in result.output


def test_debug_adds_the_traceback(runner: CliRunner, tmp_path: Path) -> None:
    path = spell(tmp_path, "bad.js", "let a = 1\nnull.x\n")
    result = runner.invoke(cli, ["run", path, "--debug"])
    assert result.exit_code == 1
    assert "Traceback" in result.stderr
    assert (
        result.stderr.strip().splitlines()[-1]
        == f"{path}:2: TypeError: cannot read property 'x' of null"
    )


def test_api_error_names_call_and_line(runner: CliRunner, tmp_path: Path) -> None:
    path = spell(tmp_path, "api.lua", "local x = 1\nJSON.parse('{')\n")
    result = runner.invoke(cli, ["run", path])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{path}:2: JSON.parse: invalid JSON")


@pytest.mark.parametrize(
    ("name", "text"), [("loop.lua", "while true do end"), ("loop.js", "while (true) {}")]
)
def test_timeout_exits_124(runner: CliRunner, tmp_path: Path, name: str, text: str) -> None:
    result = runner.invoke(cli, ["run", spell(tmp_path, name, text), "--timeout", "0.3"])
    assert result.exit_code == 124
    assert "timed out after 0.3s" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_memory_limit_exits_1(runner: CliRunner, tmp_path: Path) -> None:
    path = spell(
        tmp_path, "hog.lua", "local t = {}\nfor i = 1, 1e9 do t[i] = ('x'):rep(100) .. i end"
    )
    result = runner.invoke(cli, ["run", path, "--memory-limit", "32"])
    assert result.exit_code == 1
    assert "memory limit of 32 MB exceeded" in result.stderr


@pytest.mark.parametrize(
    "args",
    [["run", "missing.lua"], ["run"], ["run", "x.lua", "--output", "yaml"], ["nosuchcommand"]],
)
def test_usage_errors_exit_2(runner: CliRunner, tmp_path: Path, args: list[str]) -> None:
    spell(tmp_path, "x.lua", "print(1)")
    assert runner.invoke(cli, args).exit_code == 2


def test_unknown_engine_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["run", spell(tmp_path, "x.lua", "print(1)"), "--engine", "cobol"])
    assert result.exit_code == 2
    assert "unknown engine 'cobol'; installed engines:" in result.stderr


def test_config_errors_exit_3(runner: CliRunner, tmp_path: Path) -> None:
    path = spell(tmp_path, "x.lua", "print(1)")
    (tmp_path / "llmspell.toml").write_text("[runtime]\ntimeout_seconds = -1\n")
    result = runner.invoke(cli, ["run", path])
    assert result.exit_code == 3, result.output
    assert "timeout_seconds" in result.stderr
    (tmp_path / "llmspell.toml").write_text("[runtime\n")
    assert runner.invoke(cli, ["run", path]).exit_code == 3


def test_config_limits_apply_and_flags_win(runner: CliRunner, tmp_path: Path) -> None:
    path = spell(tmp_path, "loop.lua", "while true do end")
    (tmp_path / "llmspell.toml").write_text("[runtime]\ntimeout_seconds = 0.3\n")
    result = runner.invoke(cli, ["run", path])
    assert result.exit_code == 124
    assert "timed out after 0.3s" in result.stderr
    result = runner.invoke(cli, ["run", path, "--timeout", "0.2"])
    assert result.exit_code == 124
    assert "timed out after 0.2s" in result.stderr


def test_output_json(runner: CliRunner, tmp_path: Path) -> None:
    ok = spell(tmp_path, "ok.lua", "print('to stderr')\nreturn {n = 1, list = {1, 2}}")
    result = runner.invoke(cli, ["run", ok, "--output", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"success": True, "result": {"n": 1, "list": [1, 2]}}
    assert "to stderr" in result.stderr
    bad = spell(tmp_path, "bad.lua", "\nerror('boom')")
    result = runner.invoke(cli, ["run", bad, "--output", "json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {
        "success": False,
        "error": {"message": "boom", "code": "SCRIPT_ERROR", "file": bad, "line": 2},
    }


def test_record_and_replay_set_the_environment(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Registered with monkeypatch first, so whatever the command sets is removed afterwards.
    monkeypatch.setenv("LLMSPELL_RECORD", "")
    monkeypatch.setenv("LLMSPELL_REPLAY", "")
    path = spell(tmp_path, "x.lua", "print(1)")
    result = runner.invoke(cli, ["run", path, "--record", "session.json"])
    assert result.exit_code == 0
    assert os.environ["LLMSPELL_RECORD"] == str(tmp_path / "session.json")
    result = runner.invoke(cli, ["run", path, "--replay", "session.json"])
    assert result.exit_code == 0
    assert os.environ["LLMSPELL_REPLAY"] == str(tmp_path / "session.json")


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["version"])
    assert result.exit_code == 0
    assert result.stdout.startswith("llmspell 0.")
    assert "llmspell-bridge" in result.stdout


def test_plugins_lists_the_engines(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["plugins", "--json"])
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    engines = {r["name"]: r for r in rows if r["group"] == "llmspell.engines"}
    assert {"lua", "javascript"} <= set(engines)
    assert engines["lua"]["distribution"] == "llmspell-bridge"
    assert {"group", "name", "distribution", "version", "status"} <= set(engines["lua"])
    table = runner.invoke(cli, ["plugins"])
    assert table.exit_code == 0
    assert table.stdout.splitlines()[0].split() == [
        "GROUP",
        "NAME",
        "DISTRIBUTION",
        "VERSION",
        "STATUS",
    ]


def test_commands_come_from_entry_points(runner: CliRunner) -> None:
    @click.command()
    def hello() -> None:
        click.echo("hello from a plugin command")

    with registry.override("llmspell.cli", "hello-plugin", hello):
        result = runner.invoke(cli, ["hello-plugin"])
        listing = runner.invoke(cli, ["--help"])
    assert (result.exit_code, result.stdout) == (0, "hello from a plugin command\n")
    assert "hello-plugin" in listing.stdout
