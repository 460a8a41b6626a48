"""``llmspell tool invoke`` runs every integration data tool (and email-sender) from the shell.

Each tool is called through the real CLI group with a real ``llmspell.toml`` (allowed paths,
a named SQLite connection, a local SMTP server), and the printed JSON result is checked. One
call goes through the installed ``llmspell`` executable in a subprocess.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from llmspell_cli.main import cli

LLMSPELL = str(Path(sys.executable).parent / "llmspell")


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with a SQLite database and an llmspell.toml that points the tools at it."""
    monkeypatch.chdir(tmp_path)
    for name in ("LLMSPELL_CONFIG", "LLMSPELL_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    con = sqlite3.connect(tmp_path / "shop.db")
    con.executescript(
        "CREATE TABLE items (name TEXT, price REAL);"
        "INSERT INTO items VALUES ('tea', 2.5), ('coffee', 4.0), ('cake', 3.25);"
    )
    con.commit()
    con.close()
    (tmp_path / "llmspell.toml").write_text(
        f"""
[tools.filesystem]
allowed_paths = ["{tmp_path}"]

[tools.database_connector.connections]
shop = "sqlite:///{tmp_path / "shop.db"}"
""",
        encoding="utf-8",
    )
    return tmp_path


def invoke(name: str, params: dict[str, Any], *extra: str) -> tuple[int, Any, str]:
    result = CliRunner().invoke(
        cli, ["tool", "invoke", name, "--params", json.dumps(params), "--json", *extra]
    )
    try:
        table: Any = json.loads(result.stdout)
    except json.JSONDecodeError:
        table = None
    return result.exit_code, table, result.output


@pytest.mark.parametrize(
    ("name", "params", "expected"),
    [
        (
            "database-connector",
            {
                "database": "shop",
                "query": "SELECT name FROM items WHERE price > ? ORDER BY price",
                "params": [3],
            },
            ("rows", [{"name": "cake"}, {"name": "coffee"}]),
        ),
        (
            "yaml-processor",
            {"content": "name: spell\nlangs: [lua, js]\n"},
            ("data", {"name": "spell", "langs": ["lua", "js"]}),
        ),
        (
            "xml-processor",
            {"operation": "xpath", "content": "<a><b n='1'/><b n='2'/></a>", "query": "count(//b)"},
            ("value", 2.0),
        ),
        (
            "data-transformer",
            {
                "operation": "aggregate",
                "data": [{"k": "a", "v": 1}, {"k": "a", "v": 2}, {"k": "b", "v": 5}],
                "by": "k",
                "aggregations": {"total": "sum:v"},
            },
            ("records", [{"k": "a", "total": 3}, {"k": "b", "total": 5}]),
        ),
        (
            "statistical-analyzer",
            {"data": [1, 2, 3, 4, 100], "operation": "outliers"},
            ("values", [100.0]),
        ),
        (
            "text-analyzer",
            {"operation": "sentiment", "text": "What a wonderful, delightful day!"},
            ("label", "positive"),
        ),
    ],
)
def test_invoke_each_data_tool(
    workspace: Path, name: str, params: dict[str, Any], expected: tuple[str, Any]
) -> None:
    code, table, output = invoke(name, params)
    assert code == 0, output
    assert table["success"] is True
    key, value = expected
    assert table["result"][key] == value, table


def test_invoke_data_visualizer_writes_a_png(workspace: Path) -> None:
    target = workspace / "chart.png"
    code, table, output = invoke(
        "data-visualizer",
        {"chart_type": "line", "y": [1, 3, 2], "width": 320, "height": 240, "path": str(target)},
    )
    assert code == 0, output
    assert table["result"]["path"] == str(target)
    data = target.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(data[16:20], "big") == 320
    assert int.from_bytes(data[20:24], "big") == 240


def test_invoke_refusals_exit_non_zero(workspace: Path) -> None:
    code, _, output = invoke(
        "database-connector", {"database": "shop", "query": "DELETE FROM items"}
    )
    assert code == 1
    assert "allow_write" in output
    code, _, output = invoke("yaml-processor", {"operation": "validate", "content": "a: 1"})
    assert code == 1
    assert "'schema' is required" in output


def test_invoke_email_sender_through_a_real_smtp_server(workspace: Path) -> None:
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import SMTP, Envelope, Session

    received: list[Envelope] = []

    class Inbox:
        async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
            received.append(envelope)
            return "250 OK"

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    controller = Controller(Inbox(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with (workspace / "llmspell.toml").open("a", encoding="utf-8") as toml:
            toml.write(
                f'\n[tools.email_sender]\nsmtp_host = "127.0.0.1"\nsmtp_port = {port}\n'
                'smtp_security = "none"\ndefault_sender = "cli@llmspell.test"\n'
            )
        code, table, output = invoke(
            "email-sender", {"to": "ada@example.com", "subject": "From the CLI", "body": "hi"}
        )
    finally:
        controller.stop()
    assert code == 0, output
    assert table["result"]["status"] == "sent"
    (envelope,) = received
    assert envelope.mail_from == "cli@llmspell.test"
    assert envelope.rcpt_tos == ["ada@example.com"]
    assert b"Subject: From the CLI" in bytes(envelope.original_content or b"")


def test_installed_executable(workspace: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LLMSPELL_")}
    done = subprocess.run(
        [
            LLMSPELL,
            "tool",
            "invoke",
            "database-connector",
            "--params",
            json.dumps({"database": "shop", "query": "SELECT count(*) AS n FROM items"}),
        ],
        cwd=workspace,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "1 row(s) (n)"
