"""`llmspell run FOLDER --param ...`, `llmspell new`, and the exit codes of `run` (0 1 2 3 124).

Every test runs the real `llmspell` executable in a process, with a clean environment.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

LLMSPELL = str(Path(sys.executable).parent / "llmspell")

ARGS_SPELL_LUA = """\
local keys = {}
for k, v in pairs(ARGS) do
  if type(k) == "string" then keys[#keys + 1] = k end
end
table.sort(keys)
local shown = {}
for _, k in ipairs(keys) do
  local v = ARGS[k]
  local kind = type(v) == "number" and math.type(v) or type(v)
  shown[#shown + 1] = k .. "=" .. kind .. ":" .. JSON.stringify(v)
end
print(table.concat(shown, " "))
"""

MANIFEST = """\
name = "typed"
description = "Shows its parameters"
required_env = {env}

[parameters.topic]
type = "string"
description = "What about"

[parameters.count]
type = "integer"
default = 2

[parameters.ratio]
type = "number"
default = 0.5

[parameters.loud]
type = "boolean"
default = false

[parameters.tags]
type = "array"
default = ["x"]
"""


def environment(home: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("LLMSPELL_")
        and key not in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "XDG_CONFIG_HOME")
    }
    env["HOME"] = str(home)
    env.update(extra)
    return env


@pytest.fixture
def work(tmp_path: Path) -> Path:
    (tmp_path / "home").mkdir()
    work = tmp_path / "work"
    work.mkdir()
    return work


def llmspell(
    work: Path, *args: str, timeout: float = 60, **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [LLMSPELL, *args],
        cwd=work,
        env=environment(work.parent / "home", **env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def make_package(work: Path, env: str = "[]") -> Path:
    root = work / "typed"
    root.mkdir()
    (root / "spell.toml").write_text(MANIFEST.format(env=env))
    (root / "main.lua").write_text(ARGS_SPELL_LUA)
    return root


def test_params_reach_the_spell_typed_with_defaults(work: Path) -> None:
    make_package(work)
    done = llmspell(
        work, "run", "typed", "--param", "topic=cats", "--param", "count=5",
        "--param", "loud=true", "--param", "tags=a,b", "--", "--extra", "word",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == (
        'count=integer:5 extra=string:"word" loud=boolean:true ratio=float:0.5 '
        'tags=table:["a","b"] topic=string:"cats"'
    )


def test_a_javascript_package_gets_the_same_values(work: Path) -> None:
    root = make_package(work)
    (root / "main.lua").unlink()
    (root / "main.js").write_text(
        "print(Object.keys(ARGS).filter(k => isNaN(Number(k))).sort()"
        ".map(k => `${k}=${typeof ARGS[k]}:${JSON.stringify(ARGS[k])}`).join(' '));\n"
    )
    done = llmspell(work, "run", "typed", "--param", "topic=dogs", "--param", "ratio=2")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        'count=number:2 loud=boolean:false ratio=number:2 tags=object:["x"] topic=string:"dogs"'
    )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            [],
            "llmspell: spell 'typed' is missing required parameter 'topic' (string: What "
            "about); pass --param topic=...",
        ),
        (
            ["topic=a", "count=lots"],
            "llmspell: parameter 'count' (integer): expected an integer, e.g. 3, got 'lots'",
        ),
        (
            ["topic=a", "loud=maybe"],
            "llmspell: parameter 'loud' (boolean): expected true or false, got 'maybe'",
        ),
        (
            ["topic=a", "cuont=3"],
            "llmspell: spell 'typed' has no parameter 'cuont' (did you mean "
            "count?); its parameters: count, loud, ratio, tags, topic",
        ),
        (["topic"], "llmspell: --param 'topic': expected NAME=VALUE, e.g. --param topic=cats"),
    ],
)
def test_bad_params_are_named_with_exit_2(work: Path, params: list[str], message: str) -> None:
    make_package(work)
    argv = [word for param in params for word in ("--param", param)]
    done = llmspell(work, "run", "typed", *argv)
    assert done.returncode == 2
    assert done.stderr.strip() == message
    assert done.stdout == ""


def test_missing_required_env_is_exit_3_naming_the_variables(work: Path) -> None:
    make_package(work, env='["TYPED_TOKEN", "TYPED_URL"]')
    done = llmspell(work, "run", "typed", "--param", "topic=a", TYPED_URL="http://x")
    assert done.returncode == 3
    assert done.stderr.startswith(
        "llmspell: spell 'typed' needs environment variable TYPED_TOKEN, which is not set "
    )
    ok = llmspell(work, "run", "typed", "--param", "topic=a", TYPED_URL="u", TYPED_TOKEN="t")
    assert ok.returncode == 0, ok.stderr


def test_bad_manifest_is_exit_3_with_file_line_and_key(work: Path) -> None:
    root = make_package(work)
    (root / "spell.toml").write_text('name = "typed"\ntimeout = 5\n')
    done = llmspell(work, "run", "typed")
    assert done.returncode == 3
    assert done.stderr.startswith(
        f"llmspell: {Path('typed') / 'spell.toml'}:2: timeout: unknown key"
    )
    assert "did you mean timeout_seconds?" in done.stderr


def test_a_folder_without_manifest_is_exit_2(work: Path) -> None:
    (work / "plain").mkdir()
    done = llmspell(work, "run", "plain")
    assert done.returncode == 2
    assert "plain is a folder without a spell.toml, so it is not a spell package" in done.stderr


def test_package_help_shows_its_parameters(work: Path) -> None:
    make_package(work)
    done = llmspell(work, "run", "typed", "--help")
    assert done.returncode == 0
    assert done.stdout.startswith("Usage: llmspell run typed [--param NAME=VALUE]...")
    assert "topic  What about [string; required]" in done.stdout
    assert "count  [integer; default 2]" in done.stdout
    plain = llmspell(work, "run", "--help")
    assert "FILE may be a spell package" in plain.stdout


def test_manifest_timeout_applies_exit_124_and_the_flag_overrides_it(work: Path) -> None:
    root = work / "slow"
    root.mkdir()
    (root / "spell.toml").write_text('name = "slow"\ntimeout_seconds = 1\n')
    (root / "main.lua").write_text("while true do end\n")
    done = llmspell(work, "run", "slow")
    assert done.returncode == 124
    assert "Traceback" not in done.stderr
    assert "slow/main.lua" in done.stderr
    assert "1" in done.stderr


def test_timeout_flag_on_a_file_is_exit_124(work: Path) -> None:
    (work / "loop.lua").write_text("while true do end\n")
    done = llmspell(work, "run", "loop.lua", "--timeout", "0.5")
    assert done.returncode == 124
    assert done.stderr.startswith("loop.lua")


def test_a_script_error_is_exit_1_with_file_line_and_traceback_only_with_debug(
    work: Path,
) -> None:
    (work / "boom.lua").write_text("local x = 1\nerror('boom happened')\n")
    done = llmspell(work, "run", "boom.lua")
    assert done.returncode == 1
    assert done.stderr.strip() == "boom.lua:2: boom happened"
    debug = llmspell(work, "run", "boom.lua", "--debug")
    assert debug.returncode == 1
    assert "Traceback (most recent call last)" in debug.stderr
    assert debug.stderr.strip().endswith("boom.lua:2: boom happened")


def test_an_unknown_option_is_exit_2(work: Path) -> None:
    (work / "ok.lua").write_text("print('ok')\n")
    done = llmspell(work, "run", "ok.lua", "--bogus")
    assert done.returncode == 2
    assert "No such option '--bogus'" in done.stderr


def test_log_level_shows_debug_records(work: Path) -> None:
    (work / "log.lua").write_text("Debug.info('hello from the log')\nprint('done')\n")
    quiet = llmspell(work, "run", "log.lua")
    assert quiet.returncode == 0
    assert "hello from the log" not in quiet.stderr
    loud = llmspell(work, "run", "log.lua", "--log-level", "info")
    assert loud.returncode == 0
    assert "hello from the log" in loud.stderr
    bad = llmspell(work, "run", "log.lua", "--log-level", "chatty")
    assert bad.returncode == 2


def test_param_on_a_plain_file_becomes_a_named_arg(work: Path) -> None:
    (work / "args.lua").write_text(ARGS_SPELL_LUA)
    done = llmspell(work, "run", "args.lua", "--param", "who=Ada")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == 'who=string:"Ada"'


def test_output_json_reports_package_param_errors(work: Path) -> None:
    make_package(work)
    done = llmspell(work, "run", "typed", "--output", "json")
    assert done.returncode == 2
    report = json.loads(done.stdout)
    assert report["success"] is False
    assert "missing required parameter 'topic'" in report["error"]["message"]


@pytest.mark.parametrize("engine", ["lua", "javascript"])
def test_new_scaffolds_a_package_that_runs_at_once(work: Path, engine: str) -> None:
    made = llmspell(work, "new", "greeter", "--engine", engine)
    assert made.returncode == 0, made.stderr
    assert "Created spell package greeter/" in made.stdout
    done = llmspell(work, "run", "greeter")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "Hello, world!"
    loud = llmspell(
        work, "run", "greeter", "--param", "name=Ada", "--param", "times=2", "--param", "shout=yes"
    )
    assert loud.returncode == 0, loud.stderr
    assert loud.stdout.splitlines()[:2] == ["HELLO, ADA!", "HELLO, ADA!"]
    helped = llmspell(work, "run", "greeter", "--help")
    assert 'name   Who to greet [string; default "world"]' in helped.stdout


def test_new_refuses_existing_folders_and_bad_names_with_exit_2(work: Path) -> None:
    assert llmspell(work, "new", "greeter").returncode == 0
    again = llmspell(work, "new", "greeter")
    assert again.returncode == 2
    assert "already exists and is not empty" in again.stderr
    bad = llmspell(work, "new", "no good")
    assert bad.returncode == 2
    assert "'no good' is not a valid spell name" in bad.stderr
    engine = llmspell(work, "new", "x", "--engine", "ruby")
    assert engine.returncode == 2
