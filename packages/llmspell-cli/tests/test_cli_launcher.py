"""The console script's quick path: ``llmspell run FILE [-- ARGS]`` without click.

Whatever takes the quick path must behave exactly as the click ``run`` command does, so each
case runs the real executable twice — once plain (quick path) and once with an option that
changes nothing (``--output text``, the default), which sends it through click — and the
two runs must agree on stdout, stderr and exit code.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from llmspell_cli.launcher import plain_run

LLMSPELL = Path(sys.executable).with_name("llmspell")
EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


def test_plain_run_takes_only_a_file_and_spell_args(tmp_path: Path) -> None:
    spell = tmp_path / "s.lua"
    spell.write_text("return 1")
    (tmp_path / "pkg").mkdir()
    name = str(spell)
    assert plain_run(["run", name]) == (name, [])
    assert plain_run(["run", name, "--", "Ada", "--greeting", "Hi"]) == (
        name,
        ["Ada", "--greeting", "Hi"],
    )
    assert plain_run(["run", name, "--", "--"]) == (name, ["--"])
    # Everything else is click's: options, help, folders, missing files, other commands.
    assert plain_run(["run", name, "Ada"]) is None
    assert plain_run(["run", name, "--timeout", "3"]) is None
    assert plain_run(["run", "--engine", "lua", name]) is None
    assert plain_run(["run", "--help"]) is None
    assert plain_run(["run", str(tmp_path / "pkg")]) is None
    assert plain_run(["run", str(tmp_path / "missing.lua")]) is None
    assert plain_run(["exec", "print(1)"]) is None
    assert plain_run(["run"]) is None
    assert plain_run([]) is None


SPELLS = {
    "ok.lua": "print('hi', ARGS[1], ARGS.k)\nreturn {n = 1, s = 'x'}\n",
    "ok.js": "print('hi', ARGS[1], ARGS.k);\nexport default {n: 1};\n",
    "fails.lua": "local x = 1\nerror('boom')\n",
    "fails.js": "const x = 1;\nthrow new Error('boom');\n",
    "syntax.lua": "print('a'\n",
    "logs.lua": "Debug.warn('careful')\nDebug.info('hidden at the default level')\nprint('done')\n",
    "slow.lua": "while true do end\n",
    "api_error.lua": "return JSON.parse('{nope')\n",
}


def _both(tmp_path: Path, spell: str, *args: str, **env: str) -> tuple[list[object], list[object]]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("LLMSPELL_")}
    environ.update(XDG_CONFIG_HOME=str(tmp_path / "xdg"), **env)
    runs: list[list[object]] = []
    for extra in ([], ["--output", "text"]):
        command = [str(LLMSPELL), "run", spell, *extra, *(["--", *args] if args else [])]
        done = subprocess.run(
            command, capture_output=True, text=True, cwd=tmp_path, env=environ, timeout=60
        )
        runs.append([done.returncode, done.stdout, done.stderr])
    return runs[0], runs[1]


@pytest.mark.parametrize("spell", sorted(set(SPELLS) - {"slow.lua"}))
def test_quick_path_matches_click(tmp_path: Path, spell: str) -> None:
    for name, text in SPELLS.items():
        (tmp_path / name).write_text(text)
    quick, through_click = _both(tmp_path, spell, "Ada", "--k", "v")
    assert quick == through_click
    assert quick[0] == (0 if spell.startswith(("ok", "logs")) else 1)


def test_quick_path_reads_configuration_like_click(tmp_path: Path) -> None:
    (tmp_path / "slow.lua").write_text(SPELLS["slow.lua"])
    quick, through_click = _both(tmp_path, "slow.lua", LLMSPELL_RUNTIME__TIMEOUT_SECONDS="0.5")
    assert quick == through_click
    assert quick[0] == 124
    (tmp_path / "llmspell.toml").write_text("[runtime]\ntimeout_seconds = 0.5\n")
    quick, through_click = _both(tmp_path, "slow.lua")
    assert quick == through_click
    assert quick[0] == 124
    (tmp_path / "llmspell.toml").write_text("[runtime]\ntimeout_seconds = -1\n")
    quick, through_click = _both(tmp_path, "slow.lua")
    assert quick == through_click
    assert quick[0] == 3


def test_quick_path_logs_in_the_cli_format(tmp_path: Path) -> None:
    (tmp_path / "logs.lua").write_text(SPELLS["logs.lua"])
    quick, _ = _both(tmp_path, "logs.lua")
    assert quick[1] == "done\n"
    assert "[WARNING]" in str(quick[2])
    assert "careful" in str(quick[2])
    assert "hidden" not in str(quick[2])


def test_hello_examples_agree(tmp_path: Path) -> None:
    for ext in ("lua", "js"):
        quick, through_click = _both(tmp_path, str(EXAMPLES / f"hello.{ext}"), "Ada")
        assert quick == through_click
        assert quick[0] == 0
        assert "Hello, Ada!" in str(quick[1])
