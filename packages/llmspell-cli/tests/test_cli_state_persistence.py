"""``[state] backend = "sqlite"`` through the real ``llmspell`` executable.

One process saves, a later one loads: State outlives the process, values keep their types,
Lua and JavaScript read each other's values, and parallel workflow steps that record their
results at the same time all land.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from llmspell_core.registry import registry

LLMSPELL = Path(sys.executable).with_name("llmspell")


def llmspell(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("LLMSPELL_")} | {
        "XDG_CONFIG_HOME": str(cwd / "xdg-config"),
        "XDG_DATA_HOME": str(cwd / "xdg-data"),
    }
    return subprocess.run(
        [str(LLMSPELL), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environ | env,
        timeout=120,
    )


def sqlite_config(tmp_path: Path, path: str = "state/spells.db") -> None:
    (tmp_path / "llmspell.toml").write_text(f'[state]\nbackend = "sqlite"\npath = "{path}"\n')


SAVE_LUA = """\
State.save("global", "visits", (State.load("global", "visits") or 0) + 1)
State.save("global", "values", {
  int = 42, float = 2.0, half = 0.5, text = "héllo", yes = true, no = false,
  list = {1, "two", 3.5}, nested = {deep = {deeper = {1, 2}}}, empty = {},
})
State.save("agent:helper", "sparse", {[2] = "b", [10] = "j"})
State.set("nan", 0/0)
"""

LOAD_LUA = """\
local v = State.load("global", "values")
local sparse = State.load("agent:helper", "sparse")
return {
  visits = State.load("global", "visits"),
  int_type = math.type(v.int), float_type = math.type(v.float),
  values = v, sparse_10 = sparse[10], sparse_type = type(next(sparse)),
  nan_is_nil = State.get("nan") == nil,
  keys = State.list_keys("global"),
}
"""

LOAD_JS = """\
const v = State.load("global", "values");
export default {
  visits: State.load("global", "visits"),
  isInteger: Number.isInteger(v.int), text: v.text, nested: v.nested.deep.deeper,
};
"""


def test_state_outlives_the_process(tmp_path: Path) -> None:
    sqlite_config(tmp_path)
    (tmp_path / "save.lua").write_text(SAVE_LUA)
    (tmp_path / "load.lua").write_text(LOAD_LUA)
    (tmp_path / "load.js").write_text(LOAD_JS)
    for _ in range(2):
        saved = llmspell("run", "save.lua", cwd=tmp_path)
        assert saved.returncode == 0, saved.stderr
    assert (tmp_path / "state" / "spells.db").is_file()

    loaded = llmspell("run", "load.lua", "--output", "json", cwd=tmp_path)
    assert loaded.returncode == 0, loaded.stderr
    result = json.loads(loaded.stdout)["result"]
    assert result["visits"] == 2
    assert (result["int_type"], result["float_type"]) == ("integer", "float")
    assert result["values"] == {
        "int": 42, "float": 2, "half": 0.5, "text": "héllo", "yes": True, "no": False,
        "list": [1, "two", 3.5], "nested": {"deep": {"deeper": [1, 2]}}, "empty": {},
    }  # fmt: skip
    assert (result["sparse_10"], result["sparse_type"]) == ("j", "number")
    assert result["nan_is_nil"] is True
    assert result["keys"] == ["nan", "values", "visits"]

    from_js = llmspell("run", "load.js", "--output", "json", cwd=tmp_path)
    assert from_js.returncode == 0, from_js.stderr
    assert json.loads(from_js.stdout)["result"] == {
        "visits": 2, "isInteger": True, "text": "héllo", "nested": [1, 2]
    }  # fmt: skip


def test_memory_backend_forgets(tmp_path: Path) -> None:
    (tmp_path / "save.lua").write_text(SAVE_LUA)
    (tmp_path / "count.lua").write_text('return State.load("global", "visits")')
    assert llmspell("run", "save.lua", cwd=tmp_path).returncode == 0
    counted = llmspell("run", "count.lua", "--output", "json", cwd=tmp_path)
    assert json.loads(counted.stdout) == {"success": True, "result": None}
    assert not (tmp_path / "xdg-data").exists()


def test_default_path_is_in_the_xdg_data_dir(tmp_path: Path) -> None:
    (tmp_path / "llmspell.toml").write_text('[state]\nbackend = "sqlite"\n')
    (tmp_path / "save.lua").write_text('State.set("k", 1)')
    assert llmspell("run", "save.lua", cwd=tmp_path).returncode == 0
    assert (tmp_path / "xdg-data" / "llmspell" / "state.db").is_file()


PARALLEL_LUA = """\
local steps = {}
for i = 1, 16 do
  steps[i] = {name = string.format("s%02d", i), type = "tool", tool = "calculator",
              input = {expression = i .. " * 3"}}
end
local flow = Workflow.parallel({name = "fan", max_concurrency = 16, steps = steps})
local run = flow:execute({})
State.set("scope", run.metadata.state_scope)
return run.success
"""

READ_STEPS_LUA = """\
local scope = State.get("scope")
local results = {}
for _, key in ipairs(State.list_keys(scope)) do
  results[key] = State.load(scope, key).result.result
end
return results
"""


@pytest.mark.skipif(
    not registry.has("llmspell.workflows", "parallel"),
    reason="needs the parallel workflow kind (llmspell-workflows), not a dependency of the CLI",
)
def test_parallel_workflow_steps_all_land(tmp_path: Path) -> None:
    """16 steps record their results into State at once; a later process reads them all."""
    sqlite_config(tmp_path)
    (tmp_path / "parallel.lua").write_text(PARALLEL_LUA)
    (tmp_path / "read.lua").write_text(READ_STEPS_LUA)
    ran = llmspell("run", "parallel.lua", "--output", "json", cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout)["result"] is True
    read = llmspell("run", "read.lua", "--output", "json", cwd=tmp_path)
    assert read.returncode == 0, read.stderr
    assert json.loads(read.stdout)["result"] == {f"s{i:02}": i * 3 for i in range(1, 17)}


def test_unusable_state_path_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "not-a-folder").write_text("")
    sqlite_config(tmp_path, "not-a-folder/state.db")
    (tmp_path / "save.lua").write_text('\nState.set("k", 1)')
    ran = llmspell("run", "save.lua", cwd=tmp_path)
    assert ran.returncode == 3
    lines = ran.stderr.strip().splitlines()
    assert len(lines) == 1, ran.stderr
    assert "[state] path" in lines[0]
    assert "not-a-folder/state.db: cannot create its folder" in lines[0]
    assert "Traceback" not in ran.stderr


def test_memory_backend_never_loads_the_sqlite_module(tmp_path: Path) -> None:
    probe = (
        "import sys\n"
        "from llmspell_cli.main import main\n"
        "sys.argv = ['llmspell', 'exec', 'State.set(\"k\", 1) return State.get(\"k\")']\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    code = exc.code\n"
        "print('RESULT', code, 'llmspell_core.sqlite_state' in sys.modules)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("LLMSPELL_")}
    out = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env | {"XDG_CONFIG_HOME": str(tmp_path / "xdg")},
        check=True,
    )
    assert out.stdout.strip().splitlines()[-1] == "RESULT 0 False", out.stdout + out.stderr
