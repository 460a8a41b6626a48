"""The real ``llmspell`` executable: exit codes, Ctrl-C, and a light start-up."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
LLMSPELL = Path(sys.executable).with_name("llmspell")


def run(*args: str, cwd: Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_CONFIG_HOME": str(cwd / "xdg")}
    return subprocess.run(
        [str(LLMSPELL), *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=60
    )


def test_exit_codes(tmp_path: Path) -> None:
    (tmp_path / "ok.lua").write_text("print('ok')")
    (tmp_path / "bad.lua").write_text("\nerror('boom')")
    (tmp_path / "loop.js").write_text("while (true) {}")
    assert run("run", "ok.lua", cwd=tmp_path).returncode == 0
    bad = run("run", "bad.lua", cwd=tmp_path)
    assert (bad.returncode, bad.stderr) == (1, "bad.lua:2: boom\n")
    loop = run("run", "loop.js", "--timeout", "0.5", cwd=tmp_path)
    assert loop.returncode == 124
    assert loop.stderr.startswith("loop.js: timed out after 0.5s")
    assert run("run", "nope.lua", cwd=tmp_path).returncode == 2


def test_ctrl_c_exits_130(tmp_path: Path) -> None:
    (tmp_path / "spin.lua").write_text("print('started')\nwhile true do end")
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    process = subprocess.Popen(
        [str(LLMSPELL), "run", "spin.lua"],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    assert process.stdout.readline() == "started\n"
    time.sleep(0.2)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=20)
    assert process.returncode == 130
    assert "interrupted" in stderr
    assert "Traceback" not in stderr


HEAVY = ("openai", "anthropic", "httpx", "quickjs", "_quickjs", "pydantic", "rich")
#: What a plain ``llmspell run hello.lua`` must not import either: the console script takes it
#: past click (``launcher``), the in-memory State answers without an event loop, logging and
#: TOML load only when used, and the start-up path has no dataclasses (``inspect``).
START_UP = ("click", "asyncio", "logging", "tomllib", "dataclasses", "inspect")


def _imported_by_run(tmp_path: Path, entry: str, modules: tuple[str, ...]) -> str:
    probe = (
        "import sys\n"
        f"from {entry} import main\n"
        f"sys.argv = ['llmspell', 'run', {str(EXAMPLES / 'hello.lua')!r}]\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    code = exc.code\n"
        f"found = sorted(m for m in {modules!r} if m in sys.modules)\n"
        "print('RESULT', code, found)\n"
    )
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    out = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        check=True,
    )
    return out.stdout.strip().splitlines()[-1] + "\n" + out.stderr


def test_run_hello_lua_stays_light(tmp_path: Path) -> None:
    assert _imported_by_run(tmp_path, "llmspell_cli.main", HEAVY).startswith("RESULT 0 []\n")


def test_plain_run_skips_click_and_everything_it_does_not_use(tmp_path: Path) -> None:
    found = _imported_by_run(tmp_path, "llmspell_cli.launcher", HEAVY + START_UP)
    assert found.startswith("RESULT 0 []\n"), found


@pytest.mark.parametrize("ext", ["lua", "js"])
def test_json_output_from_the_executable(tmp_path: Path, ext: str) -> None:
    out = run("run", str(EXAMPLES / f"hello.{ext}"), "--output", "json", "--", "Ada", cwd=tmp_path)
    assert out.returncode == 0
    assert json.loads(out.stdout) == {"success": True, "result": {"greeted": "Ada", "visits": 1}}
