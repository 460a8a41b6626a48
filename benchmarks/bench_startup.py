"""``llmspell run examples/hello.lua`` wall time vs the same Lua run through bare lupa.

Both sides are whole processes started the same way, so interpreter start-up counts on both:
the measure is what llmspell adds (CLI, registry, runtime, sandbox, API layer) on top of
``python -c`` with lupa. The baseline gives hello.lua the few globals it uses (``ARGS``,
``State``, ``JSON``) as thin Lua/Python shims. Budget (architecture.md §7): at most 2.5x.

Also reported, not budgeted: the same for hello.js, and peak memory (max RSS) of the run.

Measured the way a user runs it: the children may write bytecode caches (an inherited
``PYTHONDONTWRITEBYTECODE`` would make every run recompile each module it imports, which no
installed copy does), caches are warmed first, and the two sides are timed in alternation so
that a busy machine slows both alike. The ratio compares the best runs of the same session.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchkit import Bench, Timing

ROOT = Path(__file__).resolve().parents[1]
HELLO = ROOT / "examples" / "hello.lua"
LLMSPELL = Path(sys.executable).with_name("llmspell")

BASELINE = r"""
import json, sys
import lupa.lua54 as lupa
lua = lupa.LuaRuntime(unpack_returned_tuples=True)
def parse(text):
    try:
        value = json.loads(text)
    except ValueError as exc:
        return False, str(exc)
    return True, lua.table_from(value, recursive=True)
def stringify(table):
    def plain(v):
        if lupa.lua_type(v) == "table":
            items = dict(v.items())
            if items and all(isinstance(k, int) for k in items):
                return [plain(items[k]) for k in sorted(items)]
            return {str(k): plain(x) for k, x in items.items()}
        return v
    return json.dumps(plain(table), separators=(",", ":"), sort_keys=True)
def out(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()
shim = lua.eval('''function(parse, stringify, out)
  ARGS = {[0] = "hello.lua"}
  local store = {}
  State = {
    get = function(k) return (store.global or {})[k] end,
    set = function(k, v) store.global = store.global or {}; store.global[k] = v end,
    save = function(s, k, v) store[s] = store[s] or {}; store[s][k] = v end,
    load = function(s, k) return (store[s] or {})[k] end,
  }
  JSON = {
    parse = function(text)
      local ok, value = parse(text)
      if not ok then error({message = value, code = "VALIDATION_ERROR"}) end
      return value
    end,
    stringify = stringify,
  }
  print = function(...)
    local parts = {}
    for i = 1, select("#", ...) do parts[i] = tostring((select(i, ...))) end
    out(table.concat(parts, "\t"))
  end
end''')
shim(parse, stringify, out)
lua.execute(open(sys.argv[1]).read())
"""


REPEAT = 15


def run(command: list[str], cwd: Path, env: dict[str, str]) -> None:
    subprocess.run(command, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL)


def alternate(commands: dict[str, Callable[[], None]], repeat: int) -> dict[str, Timing]:
    """Time each command ``repeat`` times, taking turns, so drift hits all of them alike."""
    samples: dict[str, list[float]] = {label: [] for label in commands}
    for _ in range(repeat):
        for label, command in commands.items():
            started = time.perf_counter()
            command()
            samples[label].append(time.perf_counter() - started)
    return {
        label: Timing(label, min(values), statistics.median(values), len(values))
        for label, values in samples.items()
    }


def peak_rss_mib(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    """Max RSS of one run of ``command`` (a fresh child, measured by the kernel)."""
    probe = (
        "import resource, subprocess, sys\n"
        "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, *command], cwd=cwd, env=env, check=True,
        capture_output=True, text=True,
    )  # fmt: skip
    return int(out.stdout.strip()) / 1024


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        cwd = Path(scratch)  # no llmspell.toml here: built-in defaults, as on a fresh machine
        env = {**os.environ, "XDG_CONFIG_HOME": str(cwd / "xdg")}
        env.pop("LLMSPELL_CONFIG", None)
        env.pop("LLMSPELL_PROFILE", None)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        spell = [str(LLMSPELL), "run", str(HELLO)]
        bare = [sys.executable, "-c", BASELINE, str(HELLO)]
        js = [str(LLMSPELL), "run", str(HELLO.with_suffix(".js"))]
        for _ in range(2):
            for command in (spell, bare, js):
                run(command, cwd, env)  # warm the OS file cache and the bytecode caches

        bench = Bench("llmspell run hello.lua vs bare lupa (whole processes)")
        timings = alternate(
            {
                "llmspell run examples/hello.lua": lambda: run(spell, cwd, env),
                "python -c <same Lua through bare lupa>": lambda: run(bare, cwd, env),
                "llmspell run examples/hello.js": lambda: run(js, cwd, env),
            },
            REPEAT,
        )
        measured, baseline, js_timing = timings.values()
        for timing in (measured, baseline, js_timing):
            bench.timing(timing)
        print(f"   (median ratio: {measured.median / baseline.median:.3g}x)")
        bench.ratio("llmspell run / bare lupa", measured, baseline, budget=2.5)
        print(
            f"   peak RSS, llmspell run hello.lua: {peak_rss_mib(spell, cwd, env):.1f} MiB (budget < 50 MiB)"
        )
        print(f"   peak RSS, bare lupa: {peak_rss_mib(bare, cwd, env):.1f} MiB")
        return bench.finish()


if __name__ == "__main__":
    raise SystemExit(main())
