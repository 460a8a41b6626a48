"""``llmspell repl``: stdin fed to the real executable, and Ctrl-C on a real terminal."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pexpect
import pytest

from llmspell_cli.repl_input import attempts, unfinished
from llmspell_core.errors import ScriptError

LLMSPELL = str(Path(sys.executable).with_name("llmspell"))


def environment(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LLMSPELL_")}
    return env | {"HOME": str(home), "XDG_CONFIG_HOME": str(home / "xdg"), "TERM": "xterm"}


def repl(stdin: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [LLMSPELL, "repl", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environment(cwd),
        timeout=60,
    )


LUA_SESSION = """\
x = 41
x + 1
function double(n)
  return n * 2
end
double(x)
error("boom")
State.set("k", {1, 2.5, "s"})
State.get("k")
local hidden = 3
hidden
"text"
=x
for i = 1, 2 do print("line " .. i) end
.exit
print("never")
"""


def test_lua_lines_share_one_interpreter(tmp_path: Path) -> None:
    out = repl(LUA_SESSION, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [
        "42", "82", '[1, 2.5, "s"]', "text", "41", "line 1", "line 2",
    ]  # fmt: skip
    assert out.stderr.splitlines() == ["<repl>:1: boom"]


JS_SESSION = """\
const a = 5
a * 2
function inc(n) {
  return n + 1
}
inc(a)
await Promise.resolve(7)
throw new Error("bad")
let o = {k: [1, 2]}
o
class Greeter { hi() { return "hi" } }
new Greeter().hi()
console.log("one"); print("two")
"""


def test_javascript_lines_share_one_interpreter(tmp_path: Path) -> None:
    out = repl(JS_SESSION, "--engine", "javascript", cwd=tmp_path)  # ends at EOF (Ctrl-D)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["10", "6", "7", '{"k": [1, 2]}', "hi", "one", "two"]
    errors = out.stderr.splitlines()
    assert len(errors) == 1
    assert errors[0].endswith("Error: bad")


def test_a_timed_out_line_leaves_the_session_usable(tmp_path: Path) -> None:
    out = repl("kept = 'yes'\nwhile true do end\nkept\n", "--timeout", "0.5", cwd=tmp_path)
    assert out.returncode == 0
    assert out.stdout.splitlines() == ["yes"]
    assert "timed out after 0.5s" in out.stderr


def test_state_reaches_a_sqlite_file_from_the_repl(tmp_path: Path) -> None:
    (tmp_path / "llmspell.toml").write_text('[state]\nbackend = "sqlite"\npath = "s.db"\n')
    assert repl('State.set("n", 7)\n', cwd=tmp_path).returncode == 0
    out = repl('State.get("n")\n', "--engine", "javascript", cwd=tmp_path)
    assert out.stdout == "7\n", out.stderr


def test_startup_problems_exit_with_their_code(tmp_path: Path) -> None:
    unknown = repl("1\n", "--engine", "cobol", cwd=tmp_path)
    assert unknown.returncode == 2
    assert "unknown engine 'cobol'" in unknown.stderr
    (tmp_path / "llmspell.toml").write_text("[runtime]\ntimeout_seconds = -1\n")
    bad = repl("1\n", cwd=tmp_path)
    assert bad.returncode == 3
    assert "runtime.timeout_seconds" in bad.stderr


def test_ctrl_c_stops_the_line_not_the_session(tmp_path: Path) -> None:
    child: pexpect.spawn[str] = pexpect.spawn(
        LLMSPELL, ["repl"], cwd=str(tmp_path), env=environment(tmp_path),
        encoding="utf-8", timeout=30, dimensions=(24, 120),
    )  # fmt: skip
    child.expect("REPL")
    child.expect("> ")
    child.sendline("x = 7")
    child.expect("> ")
    child.sendline("while true do pcall(function() while true do end end) end")
    time.sleep(0.5)
    child.sendintr()
    child.expect("interrupted")
    child.expect("> ")
    child.sendline("x * 6")
    child.expect("42")
    child.expect("> ")
    child.send("forgotten half line")
    # Ctrl-C at the prompt drops the input. Wait until readline has echoed the text and is
    # back in its select(): a SIGINT that lands between CPython's prompt and that select()
    # (only when this test outruns a loaded machine, never at human speed) sits unseen until
    # the next key, and ^C has already flushed the keys still queued.
    child.expect("forgotten half line")
    time.sleep(0.3)
    child.sendintr()
    child.expect("> ")
    child.sendline("function f()")
    child.expect(">> ")  # unfinished: asks for more
    child.sendline("return 'done' end")
    child.expect("> ")
    child.sendline("f()")
    child.expect("done")
    child.expect("> ")
    child.sendeof()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "Traceback" not in str(child.before or "")


# -- what gets run for what was typed -----------------------------------------------------------
@pytest.mark.parametrize(
    ("engine", "text", "expected"),
    [
        ("lua", "x + 1", ["return x + 1", "x + 1"]),
        ("lua", "=x", ["return x"]),
        ("javascript", "a * 2;", ["return (a * 2\n)", "a * 2;"]),
        ("javascript", "const a = 5", ["globalThis.a = 5"]),
        ("javascript", "let b=1", ["globalThis.b =1"]),
        ("javascript", "var same == 1", ["return (var same == 1\n)", "var same == 1"]),
        ("javascript", "async function f() {}", ["globalThis.f = async function f() {}"]),
        ("javascript", "class C {}", ["globalThis.C = class C {}"]),
        ("other", "anything", ["anything"]),
    ],
)
def test_attempts(engine: str, text: str, expected: list[str]) -> None:
    assert attempts(engine, text) == expected


@pytest.mark.parametrize(
    ("engine", "text", "message", "more"),
    [
        ("lua", "function f()", "'end' expected near <eof>", True),
        ("lua", "x = = 1", "unexpected symbol near '='", False),
        ("javascript", "function f() {", "whatever", True),
        ("javascript", "call(1,", "whatever", True),
        ("javascript", "`a ${b", "whatever", True),
        ("javascript", "/* open", "whatever", True),
        ("javascript", "f(')')", "whatever", False),
        ("javascript", "x = 1 }", "whatever", False),
        ("javascript", "// only a comment (", "whatever", False),
    ],
)
def test_unfinished(engine: str, text: str, message: str, more: bool) -> None:
    error = ScriptError(message, code="SYNTAX_ERROR")
    assert unfinished(engine, text, error) is more
    assert unfinished(engine, text, ScriptError(message)) is False  # not a syntax error
