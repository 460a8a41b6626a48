"""A third-party tool pack, installed for real, is found exactly like the built-in one.

``tests/plugins/llmspell-demo-tools`` depends on llmspell-core alone and registers one
``llmspell.tools`` entry point. It is installed with uv (built by hatchling like any sdist) —
into a target directory put on ``PYTHONPATH``, and (slow) into a fresh virtualenv together with
wheels built from the workspace — and then looked up through the core Catalog in a separate
interpreter, next to the built-in pack.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "tests" / "plugins" / "llmspell-demo-tools"
UV = shutil.which("uv")

pytestmark = pytest.mark.skipif(UV is None, reason="needs the uv executable to install packs")

PROBE = """
import asyncio, json
from llmspell_core.catalog import Catalog
from llmspell_core.context import ExecutionContext
from llmspell_core.errors import LLMSpellError
from llmspell_core.registry import registry

catalog = Catalog()
out = {
    "packs": registry.names("llmspell.tools"),
    "plugins": [
        {"name": p.name, "distribution": p.distribution, "status": p.status, "error": p.error}
        for p in registry.plugins("llmspell.tools")
    ],
    "tools": [t.name for t in catalog.list_tools()],
}
try:
    tool = catalog.get_tool("demo-word-count")
    result = asyncio.run(tool.execute({"text": "b a b"}, ExecutionContext()))
    out["result"] = result.to_script()
    calc = catalog.get_tool("calculator")
    out["calculator"] = asyncio.run(
        calc.execute({"expression": "6*7"}, ExecutionContext())
    ).to_script()["text"]
except LLMSpellError as error:
    out["error"] = str(error)
print(json.dumps(out))
"""


def probe(python: str | Path, **env: str) -> dict[str, Any]:
    completed = subprocess.run(
        [str(python), "-c", PROBE],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def uv(*args: str) -> None:
    assert UV is not None
    completed = subprocess.run(
        [UV, *args], capture_output=True, text=True, timeout=600, check=False
    )
    assert completed.returncode == 0, completed.stderr


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo pack installed (with its metadata and entry point) into a plain directory."""
    site = tmp_path_factory.mktemp("demo-site")
    uv(
        "pip", "install", "--quiet", "--no-deps", "--python", sys.executable,
        "--target", str(site), str(DEMO),
    )  # fmt: skip
    return site


def test_installed_pack_is_found_next_to_builtin(target: Path) -> None:
    assert (target / "llmspell_demo_tools" / "__init__.py").exists()
    assert list(target.glob("llmspell_demo_tools-*.dist-info/entry_points.txt"))
    out = probe(sys.executable, PYTHONPATH=str(target))
    assert {"builtin", "demo"} <= set(out["packs"])
    demo = next(p for p in out["plugins"] if p["name"] == "demo")
    assert demo["distribution"] == "llmspell-demo-tools"
    assert "demo-word-count" in out["tools"]
    assert "calculator" in out["tools"]
    assert out["result"]["success"] is True
    assert out["result"]["result"]["words"] == 3
    assert out["result"]["result"]["most_common"][0] == {"word": "b", "count": 2}
    assert out["calculator"] == "42"


def test_not_installed_means_not_found() -> None:
    out = probe(sys.executable)
    assert "demo" not in out["packs"]
    assert "unknown tool 'demo-word-count'" in out["error"]


def test_allow_list_disables_third_party_packs_only(target: Path) -> None:
    out = probe(sys.executable, PYTHONPATH=str(target), LLMSPELL_PLUGINS="")
    demo = next(p for p in out["plugins"] if p["name"] == "demo")
    assert demo["status"] == "disabled"
    assert "LLMSPELL_PLUGINS" in (demo["error"] or "")
    assert "builtin" in out["packs"]
    assert "unknown tool 'demo-word-count'" in out["error"]
    allowed = probe(sys.executable, PYTHONPATH=str(target), LLMSPELL_PLUGINS="llmspell-demo-tools")
    assert "demo-word-count" in allowed["tools"]


@pytest.mark.slow
def test_pack_installs_into_a_fresh_environment_from_wheels(tmp_path: Path) -> None:
    """Build the workspace wheels, make a clean venv, pip-install them plus the pack."""
    dist = tmp_path / "dist"
    for package in ("llmspell-core", "llmspell-utils", "llmspell-tools"):
        uv("build", "--quiet", "--wheel", "--out-dir", str(dist), str(ROOT / "packages" / package))
    uv("build", "--quiet", "--wheel", "--out-dir", str(dist), str(DEMO))
    venv = tmp_path / "venv"
    uv("venv", "--quiet", "--python", sys.executable, str(venv))
    python = venv / "bin" / "python"
    wheels = sorted(str(w) for w in dist.glob("*.whl"))
    assert len(wheels) == 4, wheels
    uv("pip", "install", "--quiet", "--python", str(python), *wheels)
    out = probe(python)
    assert {"builtin", "demo"} <= set(out["packs"])
    assert out["result"]["result"]["words"] == 3
    assert out["calculator"] == "42"
