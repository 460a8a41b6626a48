"""The CLI in a real terminal (a pty through pexpect): Ctrl-C, the spinner, --stream.

These are the behaviours that only exist when a person is watching: each test spawns the
real `llmspell` executable on a pseudo-terminal and reads the screen as it changes.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pexpect
import pytest

from llmspell_core.registry import registry
from llmspell_core.testing.fake_llm_server import FakeLLMServer

LLMSPELL = str(Path(sys.executable).parent / "llmspell")


def environment(home: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("LLMSPELL_")
        and key not in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "OPENAI_BASE_URL")
    }
    env.update(HOME=str(home), TERM="xterm-256color", **extra)
    return env


def spawn(work: Path, *args: str, **env: str) -> pexpect.spawn[str]:
    return pexpect.spawn(
        LLMSPELL,
        list(args),
        cwd=str(work),
        env=environment(work, **env),
        encoding="utf-8",
        timeout=30,
        dimensions=(24, 120),
    )


BUSY_LUA = """\
print("started")
local stop = os.clock() + {seconds}
while os.clock() < stop do end
print("finished")
"""


def test_ctrl_c_cancels_cleanly_with_exit_130(tmp_path: Path) -> None:
    (tmp_path / "forever.lua").write_text('print("started")\nwhile true do end\n')
    child = spawn(tmp_path, "run", "forever.lua")
    child.expect("started")
    time.sleep(0.5)
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    screen = str(child.before or "")
    assert child.exitstatus == 130, screen
    assert "forever.lua: spell cancelled: interrupted (Ctrl-C)" in screen
    assert "Traceback" not in screen


def test_ctrl_c_inside_pcall_still_stops_the_spell(tmp_path: Path) -> None:
    (tmp_path / "stubborn.lua").write_text(
        'print("started")\nwhile true do pcall(function() while true do end end) end\n'
    )
    child = spawn(tmp_path, "run", "stubborn.lua")
    child.expect("started")
    time.sleep(0.3)
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "Traceback" not in (child.before or "")


def test_spinner_shows_on_a_terminal_and_clears_away(tmp_path: Path) -> None:
    (tmp_path / "busy.lua").write_text(BUSY_LUA.format(seconds=2.5))
    child = spawn(tmp_path, "run", "busy.lua")
    child.expect("started")
    child.expect("running busy.lua")  # the spinner's label, on stderr (the same terminal)
    child.expect("finished")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_no_spinner_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    (tmp_path / "busy.lua").write_text(BUSY_LUA.format(seconds=1.5))
    done = subprocess.run(
        [LLMSPELL, "run", "busy.lua"],
        cwd=tmp_path,
        env=environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0
    assert done.stdout == "started\nfinished\n"
    assert done.stderr == ""


def _streaming_stack_installed() -> bool:
    return registry.has("llmspell.providers", "openai") and registry.has("llmspell.agents", "llm")


@pytest.mark.skipif(
    not _streaming_stack_installed(),
    reason="needs the openai provider and the llm agent kind (llmspell-providers, -agents)",
)
def test_stream_shows_tokens_as_they_arrive(tmp_path: Path) -> None:
    words = "alpha bravo charlie delta echo foxtrot golf hotel"
    (tmp_path / "chat.lua").write_text(
        'local agent = Agent.builder():model("openai/gpt-4o-mini"):build()\n'
        f'local reply = agent:execute("{words}")\n'
        'print("DONE " .. #reply.text)\n'
    )
    with FakeLLMServer(chunk_delay=0.4) as server:
        child = spawn(
            tmp_path,
            "run",
            "chat.lua",
            "--stream",
            OPENAI_API_KEY="sk-test",
            OPENAI_BASE_URL=server.openai_base_url,
        )
        child.expect("alpha")
        # The first word is on screen while the model is still sending the rest.
        early = f"{child.before}{child.after}{child.buffer}"
        assert "hotel" not in early
        assert "DONE" not in early
        started = time.monotonic()
        child.expect("hotel")
        assert time.monotonic() - started > 1.0  # the rest really arrived over time
        child.expect(r"DONE \d+")
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 0
        assert server.requests[-1].stream is True


@pytest.mark.skipif(
    not _streaming_stack_installed(),
    reason="needs the openai provider and the llm agent kind (llmspell-providers, -agents)",
)
def test_without_stream_nothing_shows_until_the_reply_is_complete(tmp_path: Path) -> None:
    (tmp_path / "chat.lua").write_text(
        'local agent = Agent.builder():model("openai/gpt-4o-mini"):build()\n'
        'local reply = agent:execute("one two three")\n'
        'print("REPLY " .. reply.text)\n'
    )
    with FakeLLMServer(chunk_delay=0.2) as server:
        done = subprocess.run(
            [LLMSPELL, "run", "chat.lua"],
            cwd=tmp_path,
            env=environment(
                tmp_path, OPENAI_API_KEY="sk-test", OPENAI_BASE_URL=server.openai_base_url
            ),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.count("one two three") == 1
        assert server.requests[-1].stream is False
