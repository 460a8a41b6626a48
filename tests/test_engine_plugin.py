"""A third-party engine, installed for real, runs spells with ``llmspell run --engine calc``.

``tests/plugins/llmspell-calc-engine`` depends on llmspell-core alone and registers one
``llmspell.engines`` entry point. It is built by hatchling and installed with uv into a target
directory put on ``PYTHONPATH``; the real ``llmspell`` executable then finds it through the
registry — nothing first-party names it. Its engine also passes the core ``EngineContract``.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from llmspell_core.engine import ScriptEngine
from llmspell_core.testing import EngineContract

ROOT = Path(__file__).resolve().parents[1]
PLUGIN = ROOT / "tests" / "plugins" / "llmspell-calc-engine"
UV = shutil.which("uv")
LLMSPELL = Path(sys.executable).with_name("llmspell")

SPELL = """\
# a calc spell: ARGS, globals and State through the same API layer as Lua and JS
name = ARGS[1]
x = 6 * 7
print "hello", name, x
print JSON.stringify({"answer": x, "list": [1, 2.0]})
State.set("answer", x)
return {"answer": State.get("answer"), "name": name}
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if UV is None:
        pytest.skip("needs the uv executable to install the plugin")
    target = tmp_path_factory.mktemp("calc-site")
    completed = subprocess.run(
        [UV, "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(PLUGIN)],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    assert list(target.glob("llmspell_calc_engine-*.dist-info/entry_points.txt"))
    return target


def llmspell(site: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(site), "XDG_CONFIG_HOME": str(cwd / "xdg")}
    env.pop("LLMSPELL_PLUGINS", None)
    return subprocess.run(
        [str(LLMSPELL), *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=120
    )


def test_engine_flag_runs_the_installed_plugin(installed: Path, tmp_path: Path) -> None:
    (tmp_path / "spell.txt").write_text(SPELL)
    out = llmspell(
        installed, tmp_path, "run", "spell.txt", "--engine", "calc", "--output", "json", "--", "Ada"
    )
    assert out.returncode == 0, out.stderr
    assert out.stderr.splitlines() == ["hello\tAda\t42", '{"answer":42,"list":[1,2]}']
    assert json.loads(out.stdout) == {"success": True, "result": {"answer": 42, "name": "Ada"}}


def test_extension_picks_the_plugin_and_errors_have_lines(installed: Path, tmp_path: Path) -> None:
    (tmp_path / "ok.calc").write_text("print 1 + 1\n")
    assert llmspell(installed, tmp_path, "run", "ok.calc").stdout == "2\n"
    (tmp_path / "bad.calc").write_text("x = 1\n\ny = x / 0\n")
    out = llmspell(installed, tmp_path, "run", "bad.calc")
    assert (out.returncode, out.stderr) == (1, "bad.calc:3: division by zero\n")
    (tmp_path / "loop.calc").write_text("x = 1\ngoto 1\n")
    out = llmspell(installed, tmp_path, "run", "loop.calc", "--timeout", "0.3")
    assert out.returncode == 124


def test_plugins_command_lists_it(installed: Path, tmp_path: Path) -> None:
    out = llmspell(installed, tmp_path, "plugins", "--json")
    rows = [r for r in json.loads(out.stdout) if r["group"] == "llmspell.engines"]
    calc = next(r for r in rows if r["name"] == "calc")
    assert (calc["distribution"], calc["version"]) == ("llmspell-calc-engine", "0.1.0")


def test_plugin_is_disabled_when_not_allowed(installed: Path, tmp_path: Path) -> None:
    (tmp_path / "ok.calc").write_text("print 1\n")
    env_site = installed
    env = {**os.environ, "PYTHONPATH": str(env_site), "LLMSPELL_PLUGINS": ""}
    out = subprocess.run(
        [str(LLMSPELL), "run", "ok.calc", "--engine", "calc"],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120,
    )  # fmt: skip
    assert out.returncode == 2
    assert "unknown engine 'calc'" in out.stderr


class TestCalcEngineContract(EngineContract):
    """The plugin meets the same contract as the built-in engines, with llmspell-core only."""

    source_returns_42 = "return 6 * 7"
    source_syntax_error_line_2 = "x = 1\ny = (\n"
    source_runtime_error_line_3 = "x = 1\ny = 2\nz = x / 0\n"
    source_infinite_loop = "x = 1\ngoto 1\n"
    source_call_global = "return Probe.add(2, 3)"
    source_async_call = 'return Probe.later("x")'
    source_print = 'print "a", 1, 2.0'
    source_first_arg = "return ARGS[1]"

    def make_engine(self) -> ScriptEngine:
        sys.path.insert(0, str(PLUGIN / "src"))
        try:
            module = importlib.import_module("llmspell_calc_engine")
        finally:
            sys.path.remove(str(PLUGIN / "src"))
        engine_class: type[ScriptEngine] = module.CalcEngine
        return engine_class()
