"""``llmspell run --timeout``: a spell whose workflow is mid-flight when time runs out.

Cross-package: the real ``llmspell`` executable, the Workflow global, the workflow kinds and the
process-executor tool. Each in-flight step runs a program that writes its pid and then sleeps;
a step that was really cancelled kills its program, so a program still alive after the run
means a step was left running (the CLI's backstop would also give 124, so the exit code alone
proves nothing — the test checks that the backstop did not fire, too).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

SLEEPER = """#!/bin/sh
echo $$ > "$1"
exec sleep 60
"""

LUA = """
local function nap(label)
  return {executable = "%(sleeper)s", arguments = {"%(pids)s/" .. label}}
end
local wf = Workflow.sequential{name = "slow", steps = {
  {name = "both", workflow = {type = "parallel", steps = {
    {name = "tool_step", tool = "process-executor", input = nap("tool")},
    {name = "fn_step", fn = function() return Tool.execute("process-executor", nap("fn")) end},
  }}},
  {name = "after", fn = function() print("AFTER RAN") end},
}}
print("started")
return wf:execute()
"""

JS = """
const nap = (label) => ({executable: "%(sleeper)s", arguments: [`%(pids)s/${label}`]});
const wf = Workflow.sequential({name: "slow", steps: [
  {name: "both", workflow: {type: "parallel", steps: [
    {name: "tool_step", tool: "process-executor", input: nap("tool")},
    {name: "fn_step", fn: async () => await Tool.execute("process-executor", nap("fn"))},
  ]}},
  {name: "after", fn: () => print("AFTER RAN")},
]});
print("started");
return await wf.execute();
"""


def _llmspell() -> list[str]:
    exe = shutil.which("llmspell", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-m", "llmspell_cli"]


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie waiting for its reaper counts as ended)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _wait_ended(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while _alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to see child processes")
@pytest.mark.parametrize("engine", ["lua", "javascript"])
def test_timeout_cancels_the_steps_in_flight(tmp_path: Path, engine: str) -> None:
    sleeper = tmp_path / "sleeper.sh"
    sleeper.write_text(SLEEPER)
    sleeper.chmod(0o755)
    pids = tmp_path / "pids"
    pids.mkdir()
    config = tmp_path / "llmspell.toml"
    config.write_text(f'[tools.process_executor]\nallowed_executables = ["{sleeper}"]\n')
    spell = tmp_path / ("slow.lua" if engine == "lua" else "slow.js")
    spell.write_text((LUA if engine == "lua" else JS) % {"sleeper": sleeper, "pids": pids})

    started = time.monotonic()
    done = subprocess.run(
        [*_llmspell(), "--config", str(config), "run", "--timeout", "1", str(spell)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    elapsed = time.monotonic() - started

    assert done.returncode == 124, done.stderr
    assert "started" in done.stdout
    assert "AFTER RAN" not in done.stdout
    assert "timed out after 1s" in done.stderr or "time limit" in done.stderr, done.stderr
    assert "did not stop" not in done.stderr  # the spell stopped itself, not the backstop
    assert elapsed < 1 + 5, f"took {elapsed:.1f}s"
    started_programs = {p.name: int(p.read_text()) for p in pids.iterdir()}
    assert set(started_programs) == {"tool", "fn"}, "both steps were in flight"
    for label, pid in started_programs.items():
        assert _wait_ended(pid, 2.0), f"the {label} step's program is still running"
