"""process-executor: run one allow-listed program with arguments, never through a shell.

``asyncio.create_subprocess_exec`` passes arguments straight to the program, so ``;``, ``|``,
``$()`` and friends are plain text. Only names or paths in ``[tools.process_executor]
allowed_executables`` run; the child gets a small inherited environment (no API keys), runs in
its own process group inside the allowed roots, and the whole group is killed on timeout or
cancellation. stdout/stderr are captured up to a byte cap.
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import os
import shutil
import signal
import time
from typing import Any, cast

from pydantic import AliasChoices, Field

from llmspell_core.errors import NotFoundError, SecurityError, TimeoutError, ValidationError
from llmspell_core.tool_types import SecurityLevel, ToolOutput
from llmspell_tools.framework import BaseTool, Invocation, ToolParams, ToolSettings, example

__all__ = [
    "ALLOWED_EXECUTABLES_KEY",
    "DEFAULT_ALLOWED_EXECUTABLES",
    "ProcessExecutor",
    "ProcessExecutorParams",
    "ProcessExecutorSettings",
]

ALLOWED_EXECUTABLES_KEY = "[tools.process_executor] allowed_executables"

#: Harmless programs allowed when the config names none (they read no files by themselves).
DEFAULT_ALLOWED_EXECUTABLES = ("echo", "printf", "date", "pwd", "whoami", "uname", "true", "false")

#: Variables the child inherits by default: enough to run, no credentials.
DEFAULT_INHERITED_ENV = (
    "PATH",
    "HOME",
    "USER",
    "LANG",
    "LC_ALL",
    "LC_CTYPE",
    "TZ",
    "TERM",
    "TMPDIR",
)

_CHUNK = 1 << 16


class ProcessExecutorSettings(ToolSettings):
    #: ``[tools.process_executor] allowed_executables``: names (looked up on PATH) or
    #: absolute paths; None means :data:`DEFAULT_ALLOWED_EXECUTABLES`.
    allowed_executables: list[str] | None = None
    #: ``[tools.process_executor] inherit_env``: variables passed on from this process.
    inherit_env: list[str] = Field(default_factory=lambda: list(DEFAULT_INHERITED_ENV))
    #: ``[tools.process_executor] max_output_bytes_per_stream``: cap on stdout and on stderr.
    max_output_bytes_per_stream: int = Field(default=1024 * 1024, gt=0)


class ProcessExecutorParams(ToolParams):
    executable: str = Field(min_length=1, description="program name or absolute path")
    arguments: list[str] = Field(
        default_factory=list[str],
        validation_alias=AliasChoices("arguments", "args"),
        description="arguments, passed as-is (no shell)",
    )
    working_directory: str | None = Field(
        default=None,
        validation_alias=AliasChoices("working_directory", "cwd"),
        description="directory to run in (inside the allowed roots; default: current)",
    )
    environment: dict[str, str] = Field(
        default_factory=dict[str, str],
        validation_alias=AliasChoices("environment", "env"),
        description="extra environment variables for the program",
    )
    stdin: str | None = Field(default=None, description="text fed to the program's stdin")
    timeout_seconds: float | None = Field(
        default=None, gt=0, description="kill the program after this many seconds"
    )


def _allowed_list(settings: ProcessExecutorSettings) -> list[str]:
    if settings.allowed_executables is None:
        return list(DEFAULT_ALLOWED_EXECUTABLES)
    return settings.allowed_executables


def _absolute_or_none(path: str) -> str | None:
    return path if os.path.isabs(path) else None


def _resolve(executable: str, allowed: list[str]) -> str:
    """The program's path, if the allow-list permits it; SecurityError otherwise.

    A bare name is allowed when listed by name; a path when it is the same file as a listed
    path, or as a listed name found on PATH (so ``/bin/echo`` is ``echo`` but ``/tmp/x/echo``
    is not).
    """
    if "\x00" in executable:
        raise ValidationError(
            "process-executor: 'executable' contains a NUL byte",
            details={"field": "executable", "rule": "nul"},
        )
    bare = "/" not in executable
    found = shutil.which(executable) if bare else _absolute_or_none(executable)
    real = os.path.realpath(found) if found is not None else None
    permitted = False
    for entry in allowed:
        if "/" in entry:
            permitted = real is not None and os.path.realpath(entry) == real
        elif bare:
            permitted = entry == executable
        elif entry == os.path.basename(executable) and real is not None:
            listed = shutil.which(entry)
            permitted = listed is not None and os.path.realpath(listed) == real
        if permitted:
            break
    if not permitted:
        hint = "" if bare or os.path.isabs(executable) else " (give an absolute path)"
        raise SecurityError(
            f"process-executor: '{executable}' is not an allowed executable{hint}; allowed: "
            f"{', '.join(allowed) or 'none'}. To allow it, add it to {ALLOWED_EXECUTABLES_KEY} "
            "in llmspell.toml",
            details={
                "rule": "executable_not_allowed",
                "config_key": ALLOWED_EXECUTABLES_KEY,
                "executable": executable,
            },
        )
    if found is None or not os.path.isfile(found) or not os.access(found, os.X_OK):
        raise NotFoundError(
            f"process-executor: executable '{executable}' was not found or is not executable",
            details={"field": "executable", "executable": executable},
        )
    return found


def _environment(
    params: ProcessExecutorParams, settings: ProcessExecutorSettings
) -> dict[str, str]:
    env = {k: os.environ[k] for k in settings.inherit_env if k in os.environ}
    for key, value in params.environment.items():
        if not key or "=" in key or "\x00" in key or "\x00" in value:
            raise ValidationError(
                f"process-executor: invalid environment variable {key!r}",
                details={"field": f"environment.{key}", "rule": "env_name"},
            )
        env[key] = value
    return env


async def _drain(stream: asyncio.StreamReader | None, cap: int) -> tuple[bytes, bool]:
    """Read a pipe to its end, keeping the first ``cap`` bytes (reading on so the child never
    blocks on a full pipe)."""
    if stream is None:
        return b"", False
    kept = bytearray()
    cut = False
    while chunk := await stream.read(_CHUNK):
        room = cap - len(kept)
        if room > 0:
            kept += chunk[:room]
        if len(chunk) > room:
            cut = True
    return bytes(kept), cut


async def _feed(proc: asyncio.subprocess.Process, data: bytes | None) -> None:
    if proc.stdin is None:
        return
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
        if data:
            proc.stdin.write(data)
            await proc.stdin.drain()
        proc.stdin.close()


def _kill_group(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is not None:
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)  # the child is its own group leader


class ProcessExecutor(BaseTool[ProcessExecutorParams]):
    tool_name = "process-executor"
    description = (
        "Run an allow-listed program with arguments (no shell), working directory, "
        "environment, stdin and a timeout; returns exit code, stdout and stderr."
    )
    tool_category = "system"
    tags = ("process", "command", "exec", "system")
    params_model = ProcessExecutorParams
    settings_model = ProcessExecutorSettings
    security_level = SecurityLevel.PRIVILEGED
    timeout_seconds = 30.0
    default_operation = "execute"
    examples = (
        example("Echo some words", executable="echo", arguments=["hello", "world"]),
        example("Print the date in UTC", executable="date", arguments=["-u"]),
    )

    async def run(self, params: ProcessExecutorParams, call: Invocation) -> ToolOutput:
        settings = cast(ProcessExecutorSettings, call.settings)
        path = _resolve(params.executable, _allowed_list(settings))
        cwd = call.safe_path(params.working_directory or ".", must_exist=True)
        if not cwd.is_dir():
            raise ValidationError(
                f"process-executor: working directory '{cwd}' is not a directory",
                details={"field": "working_directory", "rule": "is_dir"},
            )
        env = _environment(params, settings)
        own = settings.timeout_seconds or self.timeout_seconds
        limit = call.ctx.timeout_for(own) or own
        if params.timeout_seconds is not None:
            limit = min(limit, params.timeout_seconds)
        cap = settings.max_output_bytes_per_stream
        stdin_data = params.stdin.encode("utf-8") if params.stdin is not None else None
        started = time.perf_counter()
        proc = await asyncio.create_subprocess_exec(
            path,
            *params.arguments,
            stdin=asyncio.subprocess.PIPE if stdin_data is not None else asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            cwd=cwd,
            env=env,
            start_new_session=True,  # own process group: a timeout kills its children too
        )
        try:
            async with asyncio.timeout(limit):
                (out, out_cut), (err, err_cut), _, code = await asyncio.gather(
                    _drain(proc.stdout, cap),
                    _drain(proc.stderr, cap),
                    _feed(proc, stdin_data),
                    proc.wait(),
                )
        except builtins.TimeoutError:
            _kill_group(proc)
            await proc.wait()
            raise TimeoutError(
                f"process-executor: '{params.executable}' was killed after {limit:g} s "
                "(raise the 'timeout_seconds' parameter or [tools.process_executor] "
                "timeout_seconds)",
                details={"tool": self.tool_name, "timeout": limit, "executable": path},
            ) from None
        finally:
            _kill_group(proc)  # cancelled, or the program left children behind
        elapsed = round((time.perf_counter() - started) * 1000.0, 3)
        stdout = out.decode("utf-8", errors="replace")
        stderr = err.decode("utf-8", errors="replace")
        call.truncated = call.truncated or out_cut or err_cut
        result: dict[str, Any] = {
            "executable": path,
            "arguments": params.arguments,
            "working_directory": str(cwd),
            "exit_code": code,
            "success": code == 0,
            "stdout": stdout,
            "stderr": stderr,
            "stdout_truncated": out_cut,
            "stderr_truncated": err_cut,
            "execution_time_ms": elapsed,
            "timed_out": False,
        }
        if code != 0:
            tail = stderr.strip().splitlines()[-1:] or [f"exit code {code}"]
            return call.fail(
                f"'{params.executable}' exited with code {code}: {tail[0]}",
                "PROCESS_FAILED",
                result,
            )
        return call.ok(stdout, result)
