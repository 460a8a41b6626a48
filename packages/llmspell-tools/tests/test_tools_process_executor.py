"""process-executor: real processes, the allow-list, no shell, timeouts that kill the group."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from llmspell_core.config import LLMSpellConfig, RuntimeConfig, SecurityConfig
from llmspell_core.context import ExecutionContext
from llmspell_core.errors import NotFoundError, SecurityError, TimeoutError, ValidationError
from llmspell_core.testing.contracts import ToolContract
from llmspell_core.tool import Tool
from llmspell_tools.system.process_executor import ProcessExecutor

PYTHON = os.path.realpath(sys.executable)


class TestProcessExecutorContract(ToolContract):
    def make_tool(self) -> Tool:
        return ProcessExecutor()

    def invalid_params(self) -> list[dict[str, Any]]:
        return [
            {},
            {"executable": ""},
            {"executable": "echo", "arguments": "hello"},
            {"executable": "echo", "environment": {"A": 1}},
            {"executable": "echo", "timeout_seconds": 0},
            {"executable": "echo", "shell": True},
        ]


def ctx(
    root: Path, allowed: list[str] | None = None, privileged: bool = True, **section: Any
) -> ExecutionContext:
    own: dict[str, Any] = dict(section)
    if allowed is not None:
        own["allowed_executables"] = allowed
    tools: dict[str, dict[str, Any]] = {
        "filesystem": {"allowed_paths": [str(root)]},
        "process_executor": own,
    }
    runtime = RuntimeConfig(security=SecurityConfig(allow_privileged_tools=privileged))
    return ExecutionContext(config=LLMSpellConfig(tools=tools, runtime=runtime))


async def run(root: Path, params: dict[str, Any], **kw: Any) -> Any:
    return await ProcessExecutor().execute(
        {"working_directory": str(root), **params}, ctx(root, **kw)
    )


def _ends_within(pid: int, seconds: float) -> bool:
    """Whether ``pid`` exits (or is a zombie awaiting its reaper) within ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
        except FileNotFoundError:
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.05)
    return False


def py(code: str) -> dict[str, Any]:
    return {"executable": PYTHON, "arguments": ["-c", code]}


async def test_echo_runs_and_captures_stdout(tmp_path: Path) -> None:
    out = await run(tmp_path, {"executable": "echo", "arguments": ["hello", "world"]})
    assert out.success
    assert out.text == "hello world\n"
    assert out.result["exit_code"] == 0
    assert out.result["executable"] == shutil.which("echo")
    assert out.result["timed_out"] is False
    assert out.metadata["operation"] == "execute"


async def test_shell_metacharacters_are_plain_arguments(tmp_path: Path) -> None:
    hostile = [
        "a; touch pwned",
        "$(touch pwned2)",
        "`touch pwned3`",
        "| cat",
        "&& id",
        "$HOME",
        "*",
    ]
    out = await run(tmp_path, {"executable": "echo", "arguments": hostile})
    assert out.text == " ".join(hostile) + "\n"
    assert os.listdir(str(tmp_path)) == []  # nothing was run by a shell


async def test_only_allow_listed_executables_run(tmp_path: Path) -> None:
    for name in ("sh", "bash", "rm", "echo; rm -rf /", "cat"):
        with pytest.raises(SecurityError) as info:
            await run(tmp_path, {"executable": name, "arguments": ["-c", "id"]})
        assert "[tools.process_executor] allowed_executables" in info.value.message
        assert info.value.details["rule"] == "executable_not_allowed"
    with pytest.raises(SecurityError):
        await run(tmp_path, {"executable": "echo"}, allowed=["date"])


async def test_paths_must_be_the_listed_program(tmp_path: Path) -> None:
    echo = shutil.which("echo")
    assert echo is not None
    out = await run(tmp_path, {"executable": echo, "arguments": ["by path"]})
    assert out.text == "by path\n"
    fake = tmp_path / "echo"
    shutil.copy(echo, fake)
    with pytest.raises(SecurityError):
        await run(tmp_path, {"executable": str(fake), "arguments": ["x"]})
    with pytest.raises(SecurityError) as relative:
        await run(tmp_path, {"executable": "./echo"})
    assert "absolute path" in relative.value.message
    allowed = await run(
        tmp_path, {"executable": str(fake), "arguments": ["ok"]}, allowed=[str(fake)]
    )
    assert allowed.text == "ok\n"


async def test_nonzero_exit_is_a_soft_failure_with_stderr(tmp_path: Path) -> None:
    out = await run(
        tmp_path,
        py("import sys; print('partial'); sys.stderr.write('boom\\n'); sys.exit(3)"),
        allowed=[PYTHON],
    )
    assert out.success is False
    assert out.error is not None
    assert out.error.code == "PROCESS_FAILED"
    assert "code 3: boom" in out.error.message
    assert out.result["exit_code"] == 3
    assert out.result["stdout"] == "partial\n"
    assert out.result["stderr"] == "boom\n"
    false = await run(tmp_path, {"executable": "false"})
    assert false.success is False
    assert false.result["exit_code"] == 1


async def test_timeout_kills_the_whole_process_group(tmp_path: Path) -> None:
    marker = tmp_path / "child.pid"
    code = (
        "import subprocess, sys, time; "
        f"child = subprocess.Popen([{PYTHON!r}, '-c', 'import time; time.sleep(60)']); "
        f"open({str(marker)!r}, 'w').write(str(child.pid)); "
        "print('started', flush=True); time.sleep(60)"
    )
    started = time.monotonic()
    with pytest.raises(TimeoutError) as info:
        await run(tmp_path, {**py(code), "timeout_seconds": 1.0}, allowed=[PYTHON])
    assert time.monotonic() - started < 10
    assert "killed after 1 s" in info.value.message
    child = int(marker.read_text())
    assert await asyncio.to_thread(_ends_within, child, 5.0), f"grandchild {child} survived"


async def test_output_is_capped_per_stream(tmp_path: Path) -> None:
    out = await run(
        tmp_path,
        py("import sys; sys.stdout.write('x' * 100000); sys.stderr.write('y' * 100000)"),
        allowed=[PYTHON],
        max_output_bytes_per_stream=100,
    )
    assert out.result["stdout"] == "x" * 100
    assert out.result["stderr"] == "y" * 100
    assert out.result["stdout_truncated"] is True
    assert out.metadata["truncated"] is True


async def test_cwd_env_and_stdin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLMSPELL_T_SECRET_API_KEY", "sk-should-not-leak")
    (tmp_path / "sub").mkdir()
    code = (
        "import os, sys; print(os.getcwd()); print(os.environ.get('GREETING')); "
        "print(os.environ.get('LLMSPELL_T_SECRET_API_KEY')); print(sys.stdin.read().upper())"
    )
    out = await ProcessExecutor().execute(
        {
            **py(code),
            "cwd": str(tmp_path / "sub"),
            "env": {"GREETING": "hi there"},
            "stdin": "piped text",
        },
        ctx(tmp_path, allowed=[PYTHON]),
    )
    lines = out.text.splitlines()
    assert lines == [str(tmp_path / "sub"), "hi there", "None", "PIPED TEXT"]


async def test_cwd_must_stay_inside_the_roots(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    with pytest.raises(SecurityError):
        await ProcessExecutor().execute(
            {"executable": "pwd", "working_directory": str(tmp_path)}, ctx(root)
        )
    with pytest.raises(SecurityError):
        await ProcessExecutor().execute(
            {"executable": "pwd", "working_directory": str(root / "..")}, ctx(root)
        )
    (root / "file").write_text("x")
    with pytest.raises(ValidationError):
        await ProcessExecutor().execute(
            {"executable": "pwd", "working_directory": str(root / "file")}, ctx(root)
        )


async def test_refused_without_privilege_and_unknown_program(tmp_path: Path) -> None:
    with pytest.raises(SecurityError) as info:
        await run(tmp_path, {"executable": "echo"}, privileged=False)
    assert "[runtime.security] allow_privileged_tools" in info.value.message
    with pytest.raises(NotFoundError):
        await run(
            tmp_path,
            {"executable": "llmspell-no-such-program"},
            allowed=["llmspell-no-such-program"],
        )
    with pytest.raises(ValidationError):
        await run(tmp_path, {"executable": "echo", "environment": {"A=B": "x"}})
