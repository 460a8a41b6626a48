"""Throwaway PostgreSQL and MariaDB servers for database-connector's tests.

Each server is made from the system's binaries (``.ci/run`` installs them) in a temp dir,
listens on a free 127.0.0.1 port with a password user ``llmspell``, and is stopped and removed
afterwards. Neither server runs as root, so when the tests do, the server runs as its own system
user (``postgres`` / ``mysql``, else ``nobody``). A server that cannot start raises
:class:`ServerUnavailableError` with the reason; :func:`started` turns that into a printed skip.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Generator, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pytest

__all__ = [
    "DbServer",
    "ServerUnavailableError",
    "free_port",
    "mariadb_server",
    "postgres_server",
    "started",
]

PASSWORD = "db-s3cret-Passw0rd"


@dataclass(frozen=True)
class DbServer:
    """A running server: ``url`` logs in as ``llmspell`` with ``password``."""

    backend: str
    url: str
    password: str
    port: int
    #: A directory the server itself may write files into (MariaDB's ``secure_file_priv``).
    files: Path


class ServerUnavailableError(Exception):
    """The server could not be set up here; the message says why."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def started(server: Callable[[], AbstractContextManager[DbServer]]) -> Iterator[DbServer]:
    """Yield the server, or skip (printing why) when it cannot start."""
    try:
        context = server()
        running = context.__enter__()
    except ServerUnavailableError as exc:
        print(f"SKIP {server.__name__}: {exc}")
        pytest.skip(str(exc))
    try:
        yield running
    finally:
        context.__exit__(None, None, None)


class _Sandbox:
    """A temp dir owned by the user the server runs as, and a way to run commands as them."""

    def __init__(self, prefix: str, *owners: str) -> None:
        self.base = Path(tempfile.mkdtemp(prefix=prefix))
        self.owner: pwd.struct_passwd | None = None
        if os.geteuid() == 0:
            for name in (*owners, "nobody"):
                try:
                    self.owner = pwd.getpwnam(name)
                    break
                except KeyError:
                    continue
        self.env = {"PATH": os.environ.get("PATH", ""), "HOME": str(self.base), "LC_ALL": "C"}
        self.give(self.base)

    def give(self, path: Path) -> None:
        """Hand ``path`` to the server's user."""
        if self.owner is not None:
            os.chown(path, self.owner.pw_uid, self.owner.pw_gid)

    def write(self, name: str, text: str) -> Path:
        path = self.base / name
        path.write_text(text, encoding="utf-8")
        self.give(path)
        return path

    def run(self, command: list[str]) -> subprocess.CompletedProcess[str]:
        owner = self.owner
        return subprocess.run(
            command,
            cwd=self.base,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            user=owner.pw_uid if owner else None,
            group=owner.pw_gid if owner else None,
            extra_groups=[] if owner else None,
        )

    def start(self, command: list[str], output: IO[bytes]) -> subprocess.Popen[bytes]:
        owner = self.owner
        return subprocess.Popen(
            command,
            cwd=self.base,
            env=self.env,
            stdout=output,
            stderr=subprocess.STDOUT,
            user=owner.pw_uid if owner else None,
            group=owner.pw_gid if owner else None,
            extra_groups=[] if owner else None,
        )

    def remove(self) -> None:
        shutil.rmtree(self.base, ignore_errors=True)


def _tail(path: Path) -> str:
    return path.read_text(errors="replace")[-1500:].strip() if path.exists() else ""


def _check(done: subprocess.CompletedProcess[str], what: str, log: Path | None = None) -> None:
    if done.returncode != 0:
        output = (done.stderr.strip() or done.stdout.strip())[-1500:]
        raise ServerUnavailableError(
            f"{what} exited {done.returncode}: {output} {_tail(log) if log else ''}".strip()
        )


def _binary(*names: str) -> str | None:
    for name in names:
        found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/local/sbin")
        if found:
            return found
    return None


# -- PostgreSQL --------------------------------------------------------------------------------
def _pg_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


@contextmanager
def postgres_server() -> Generator[DbServer, None, None]:
    """initdb + pg_ctl: a cluster with scram-sha-256 password auth, fsync off."""
    bindir = _pg_bin()
    if bindir is None:
        raise ServerUnavailableError("PostgreSQL server binaries (initdb) are not installed")
    box = _Sandbox("llmspell-pg-", "postgres")
    data = box.base / "data"
    log = box.base / "server.log"
    port = free_port()
    pwfile = box.write("pwfile", PASSWORD + "\n")
    try:
        _check(
            box.run([
                str(bindir / "initdb"), "-D", str(data), "-U", "llmspell",
                "--auth=scram-sha-256", f"--pwfile={pwfile}", "--no-sync", "-E", "UTF8",
                "--locale=C",
            ]),
            "PostgreSQL initdb",
        )  # fmt: skip
        _check(
            box.run([
                str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60",
                "-o", f"-p {port} -k {box.base} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c full_page_writes=off -c synchronous_commit=off", "start",
            ]),
            "PostgreSQL pg_ctl start",
            log,
        )  # fmt: skip
        yield DbServer(
            "postgresql",
            f"postgresql://llmspell:{PASSWORD}@127.0.0.1:{port}/postgres",
            PASSWORD,
            port,
            box.base,
        )
    finally:
        if (data / "postmaster.pid").exists():
            box.run([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"])
        box.remove()


# -- MariaDB -----------------------------------------------------------------------------------
_MARIADB_SETUP = """
FLUSH PRIVILEGES;
CREATE DATABASE shop CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER 'llmspell'@'127.0.0.1' IDENTIFIED BY '{password}';
GRANT ALL PRIVILEGES ON shop.* TO 'llmspell'@'127.0.0.1';
GRANT FILE, PROCESS ON *.* TO 'llmspell'@'127.0.0.1';
"""


@contextmanager
def mariadb_server() -> Generator[DbServer, None, None]:
    """mariadb-install-db + mariadbd: database ``shop``; ``files`` is its secure_file_priv.

    The install runs in bootstrap mode, where grant tables are off until ``FLUSH PRIVILEGES``;
    after it, the password user can be created. The user also holds FILE (so that a test can
    show ``SELECT ... INTO OUTFILE`` is refused by the tool, not merely by a missing grant).
    """
    server = _binary("mariadbd", "mysqld")
    install = _binary("mariadb-install-db", "mysql_install_db")
    if server is None or install is None:
        raise ServerUnavailableError(
            "MariaDB server binaries (mariadbd, mariadb-install-db) are not installed"
        )
    box = _Sandbox("llmspell-mariadb-", "mysql")
    data = box.base / "data"
    files = box.base / "files"
    files.mkdir()
    box.give(files)
    log = box.base / "server.log"
    port = free_port()
    setup = box.write("setup.sql", _MARIADB_SETUP.format(password=PASSWORD))
    process: subprocess.Popen[bytes] | None = None
    try:
        _check(
            box.run([
                install, "--no-defaults", f"--datadir={data}", "--skip-test-db",
                "--auth-root-authentication-method=socket", "--skip-name-resolve",
                f"--extra-file={setup}",
            ]),
            "mariadb-install-db",
        )  # fmt: skip
        with (box.base / "stdout.log").open("wb") as output:
            process = box.start(
                [
                    server, "--no-defaults", f"--datadir={data}", f"--port={port}",
                    "--bind-address=127.0.0.1", f"--socket={box.base / 'mysqld.sock'}",
                    f"--pid-file={box.base / 'mysqld.pid'}", f"--log-error={log}",
                    f"--secure-file-priv={files}", f"--tmpdir={box.base}", "--skip-name-resolve",
                    "--skip-log-bin", "--performance-schema=OFF", "--innodb-buffer-pool-size=32M",
                    "--innodb-flush-log-at-trx-commit=0", "--innodb-doublewrite=0",
                    "--character-set-server=utf8mb4", "--collation-server=utf8mb4_unicode_ci",
                ],
                output,
            )  # fmt: skip
        deadline = time.monotonic() + 60
        while "ready for connections" not in _tail(log):
            if process.poll() is not None:
                raise ServerUnavailableError(f"mariadbd exited {process.returncode}: {_tail(log)}")
            if time.monotonic() > deadline:
                raise ServerUnavailableError(f"mariadbd did not start in 60 s: {_tail(log)}")
            time.sleep(0.05)
        yield DbServer(
            "mysql", f"mysql://llmspell:{PASSWORD}@127.0.0.1:{port}/shop", PASSWORD, port, files
        )
    finally:
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        box.remove()
