"""database-connector on SQLite files, and what it checks before any server is reached.

The same tool against live PostgreSQL and MariaDB servers: test_tools_database_servers.py.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from db_servers import free_port

from llmspell_core.config import LLMSpellConfig
from llmspell_core.context import ExecutionContext
from llmspell_core.errors import (
    NotFoundError,
    SecurityError,
    TimeoutError,
    ToolError,
    ValidationError,
)
from llmspell_core.testing.contracts import ToolContract
from llmspell_core.tool import Tool
from llmspell_tools.data.database_connector import DatabaseConnector, classify_statement


class TestDatabaseContract(ToolContract):
    def make_tool(self) -> Tool:
        return DatabaseConnector()

    def invalid_params(self) -> list[dict[str, Any]]:
        memory = "sqlite:///:memory:"
        return [
            {"operation": "query", "url": memory},  # no query
            {"url": memory, "query": "SELECT 1; SELECT 2"},
            {"url": memory, "query": "SELECT ?", "params": {"a": 1}},
            {"url": memory, "query": "SELECT :a", "params": [1]},
            {"url": memory, "query": "SELECT ?, ?", "params": [1]},
            {"url": memory, "query": "SELECT 1", "database": "main"},
            {"url": "oracle://u@h/db", "query": "SELECT 1"},
            {"url": "not a url", "query": "SELECT 1"},
            {"query": "SELECT 1"},  # no connection at all
            {"url": memory, "query": "   "},
        ]


def sqlite_config(root: Path, **section: Any) -> LLMSpellConfig:
    return LLMSpellConfig(
        tools={
            "filesystem": {"allowed_paths": [str(root)]},
            "database_connector": section,
        }
    )


async def db(config: LLMSpellConfig | None = None, **params: Any) -> Any:
    ctx = ExecutionContext(config=config) if config is not None else ExecutionContext()
    return await DatabaseConnector().execute(params, ctx)


@pytest.fixture
def shop(tmp_path: Path) -> tuple[LLMSpellConfig, str]:
    """A real SQLite file with two related tables, and a config that allows writes."""
    path = tmp_path / "shop.db"
    con = sqlite3.connect(path)
    con.executescript(
        """
        CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, city TEXT);
        CREATE TABLE orders (
            id INTEGER PRIMARY KEY,
            customer_id INTEGER NOT NULL REFERENCES customers(id),
            total REAL,
            note BLOB
        );
        CREATE INDEX orders_by_customer ON orders(customer_id);
        CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 100;
        INSERT INTO customers VALUES (1, 'ada', 'London'), (2, 'alan', 'Wilmslow');
        INSERT INTO orders VALUES (1, 1, 250.0, x'00ff'), (2, 1, 12.5, NULL), (3, 2, 99.0, NULL);
        """
    )
    con.close()
    config = sqlite_config(tmp_path, allow_write=True, connections={"shop": f"sqlite:///{path}"})
    return config, str(path)


# -- statement handling ----------------------------------------------------------------------
def test_classify_statement_kinds_and_placeholders() -> None:
    assert classify_statement("select 1", None).is_write is False
    assert classify_statement("WITH x AS (SELECT 1) SELECT * FROM x", None).is_write is False
    assert classify_statement("WITH x AS (SELECT 1) DELETE FROM t", None).is_write is True
    assert classify_statement("PRAGMA table_info(t)", None).is_write is False
    assert classify_statement("PRAGMA user_version = 3", None).is_write is True
    assert classify_statement("EXPLAIN SELECT 1", None).is_write is False
    assert classify_statement("/* hi */ UPDATE t SET a = 1", None).kind == "UPDATE"
    stmt = classify_statement("SELECT * FROM t WHERE a = ? AND b = ?", ["x", 2])
    assert stmt.sql == "SELECT * FROM t WHERE a = :p1 AND b = :p2"
    assert stmt.binds == {"p1": "x", "p2": 2}
    dollar = classify_statement("SELECT $2, $1", ["a", "b"])
    assert dollar.binds == {"p1": "a", "p2": "b"}
    casts = classify_statement("SELECT ':x' AS s, a::int FROM t WHERE c = :c", {"c": 1})
    assert casts.sql == "SELECT '\\:x' AS s, a\\:\\:int FROM t WHERE c = :c"
    with pytest.raises(SecurityError):
        classify_statement("ATTACH DATABASE '/tmp/x.db' AS x", None)


@pytest.mark.parametrize(
    ("sql", "hidden"),
    [
        ("SELECT a INTO OUTFILE '/tmp/x' FROM t", "INTO"),
        ("SELECT a FROM t INTO DUMPFILE '/tmp/x'", "INTO"),
        ("SELECT * INTO new_table FROM t", "INTO"),
        ("SELECT 1 /*! INTO OUTFILE '/tmp/x' */", "executable comment"),
        ("SELECT 1 /*M!100000 , sneaky() */", "executable comment"),
        ("SELECT 1 INTO @v", None),
        ("SELECT 1 /* INTO OUTFILE, a plain comment */", None),
        ("SELECT 'INTO OUTFILE' AS s", None),
    ],
)
def test_reads_that_write_anyway(sql: str, hidden: str | None) -> None:
    statement = classify_statement(sql, None)
    assert statement.kind == "SELECT"
    if hidden is None:
        assert statement.is_write is False
        assert statement.hidden_write is None
    else:
        assert statement.is_write is True
        assert hidden in (statement.hidden_write or "")


# -- SQLite ----------------------------------------------------------------------------------
async def test_query_with_named_and_positional_params(shop: tuple[LLMSpellConfig, str]) -> None:
    config, _ = shop
    named = await db(
        config,
        database="shop",
        query="SELECT c.name, sum(o.total) AS spent FROM customers c JOIN orders o "
        "ON o.customer_id = c.id WHERE c.city = :city GROUP BY c.name",
        params={"city": "London"},
    )
    assert named.result["columns"] == ["name", "spent"]
    assert named.result["rows"] == [{"name": "ada", "spent": 262.5}]
    assert named.text == "1 row(s) (name, spent)"
    assert named.metadata["read_only"] is True
    assert named.metadata["statement_type"] == "SELECT"
    positional = await db(
        config,
        database="shop",
        sql="SELECT id FROM orders WHERE total > ? ORDER BY id",
        params=[50],
    )
    assert positional.result["rows"] == [{"id": 1}, {"id": 3}]


async def test_values_are_bound_never_spliced(shop: tuple[LLMSpellConfig, str]) -> None:
    config, path = shop
    evil = "x'); DROP TABLE customers; --"
    out = await db(
        config,
        database="shop",
        operation="execute",
        query="INSERT INTO customers (name, city) VALUES (:name, :city)",
        params={"name": evil, "city": "Nowhere"},
        allow_write=True,
    )
    assert out.result["rows_affected"] == 1
    assert out.text == "INSERT: 1 row(s) affected"
    con = sqlite3.connect(path)
    try:
        names = [r[0] for r in con.execute("SELECT name FROM customers ORDER BY id")]
    finally:
        con.close()
    assert names == ["ada", "alan", evil]


async def test_writes_need_the_call_and_the_config(shop: tuple[LLMSpellConfig, str]) -> None:
    config, path = shop
    update = "UPDATE customers SET city = 'Paris'"
    with pytest.raises(SecurityError) as no_flag:
        await db(config, database="shop", operation="execute", query=update)
    assert "allow_write=true" in no_flag.value.message
    assert no_flag.value.details["config_key"] == "[tools.database_connector] allow_write"
    locked = sqlite_config(
        Path(path).parent, connections={"shop": f"sqlite:///{path}"}
    )  # allow_write not set
    with pytest.raises(SecurityError) as no_config:
        await db(locked, database="shop", operation="execute", query=update, allow_write=True)
    assert "[tools.database_connector] allow_write is not true" in no_config.value.message
    for sneaky in ("PRAGMA user_version = 7", "REPLACE INTO customers VALUES (1, 'x', 'y')"):
        with pytest.raises(SecurityError):
            await db(config, database="shop", query=sneaky)
    con = sqlite3.connect(path)
    try:
        assert con.execute("SELECT count(*) FROM customers WHERE city = 'Paris'").fetchone() == (0,)
        assert con.execute("PRAGMA user_version").fetchone() == (0,)
    finally:
        con.close()
    done = await db(config, database="shop", operation="execute", query=update, allow_write=True)
    assert done.result["rows_affected"] == 2
    assert done.metadata["read_only"] is False


async def test_a_write_can_create_a_new_database(tmp_path: Path) -> None:
    config = sqlite_config(tmp_path, allow_write=True)
    url = f"sqlite:///{tmp_path / 'new.db'}"
    await db(
        config, url=url, operation="execute", query="CREATE TABLE t (a INTEGER)", allow_write=True
    )
    out = await db(config, url=url, query="SELECT count(*) AS n FROM t")
    assert out.result["rows"] == [{"n": 0}]
    with pytest.raises(NotFoundError):  # a read never creates a file
        await db(config, url=f"sqlite:///{tmp_path / 'missing.db'}", query="SELECT 1")
    assert not (tmp_path / "missing.db").exists()


async def test_sqlite_files_stay_inside_allowed_roots(
    shop: tuple[LLMSpellConfig, str], tmp_path: Path
) -> None:
    config, _ = shop
    with pytest.raises(SecurityError) as info:
        await db(config, url="sqlite:////etc/llmspell.db", query="SELECT 1")
    assert "allowed_paths" in info.value.message
    outside = tmp_path.parent / "outside.db"
    for statement in (f"ATTACH DATABASE '{outside}' AS other", f"VACUUM INTO '{outside}'"):
        with pytest.raises(SecurityError):
            await db(
                config, database="shop", operation="execute", query=statement, allow_write=True
            )
    assert not outside.exists()


async def test_rows_and_values_are_bounded(shop: tuple[LLMSpellConfig, str]) -> None:
    config, path = shop
    out = await db(config, database="shop", query="SELECT * FROM orders ORDER BY id", max_rows=2)
    assert out.result["row_count"] == 2
    assert out.metadata["truncated"] is True
    assert out.result["rows"][0]["note"] == "AP8="  # BLOB x'00ff' as base64
    assert "(truncated)" in out.text
    small = LLMSpellConfig(
        tools={
            "filesystem": {"allowed_paths": [str(Path(path).parent)]},
            "database_connector": {"max_value_chars": 5, "max_rows": 1},
        }
    )
    cut = await db(
        small, url=f"sqlite:///{path}", query="SELECT 'abcdefghij' AS s UNION ALL SELECT 'x'"
    )
    assert cut.result["rows"] == [{"s": "abcde"}]
    assert cut.metadata["truncated"] is True


async def test_schema(shop: tuple[LLMSpellConfig, str]) -> None:
    config, _ = shop
    out = await db(config, database="shop", operation="schema")
    tables = {t["name"]: t for t in out.result["tables"]}
    assert set(tables) == {"customers", "orders", "big_orders"}
    orders = tables["orders"]
    assert orders["primary_key"] == ["id"]
    assert [c["name"] for c in orders["columns"]] == ["id", "customer_id", "total", "note"]
    assert orders["columns"][1]["nullable"] is False
    assert orders["foreign_keys"] == [
        {"columns": ["customer_id"], "references_table": "customers", "references_columns": ["id"]}
    ]
    assert orders["indexes"] == [
        {"name": "orders_by_customer", "columns": ["customer_id"], "unique": False}
    ]
    assert tables["big_orders"]["kind"] == "view"
    one = await db(config, database="shop", operation="schema", table="customers")
    assert [t["name"] for t in one.result["tables"]] == ["customers"]
    with pytest.raises(ValidationError):
        await db(config, database="shop", operation="schema", table="nope")


async def test_connections_by_name(
    shop: tuple[LLMSpellConfig, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config, path = shop
    with pytest.raises(ValidationError) as info:
        await db(config, database="warehouse", query="SELECT 1")
    assert "configured: shop" in info.value.message
    only = await db(config, query="SELECT count(*) AS n FROM customers")  # the single connection
    assert only.result["rows"] == [{"n": 2}]
    assert only.metadata["connection"] == "shop"
    monkeypatch.setenv("DATABASE_SQLITE_PATH", path)  # rs-llmspell's variable
    roots = sqlite_config(Path(path).parent)
    env = await db(roots, database="sqlite", query="SELECT name FROM customers WHERE id = 2")
    assert env.result["rows"] == [{"name": "alan"}]


async def test_literal_colons_and_driver_errors(shop: tuple[LLMSpellConfig, str]) -> None:
    config, _ = shop
    out = await db(config, database="shop", query="SELECT ':x' AS s, '10:30' AS t")
    assert out.result["rows"] == [{"s": ":x", "t": "10:30"}]
    with pytest.raises(ToolError) as info:
        await db(config, database="shop", query="SELECT * FROM no_such_table")
    assert info.value.code == "DATABASE_ERROR"
    assert "no such table: no_such_table" in info.value.message


async def test_a_runaway_query_is_stopped(shop: tuple[LLMSpellConfig, str]) -> None:
    config, _ = shop
    slow = LLMSpellConfig(
        tools={
            **config.tools,
            "database_connector": {**config.tools["database_connector"], "timeout_seconds": 0.5},
        }
    )
    forever = (
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"
    )
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        await db(slow, database="shop", query=forever)
    assert time.monotonic() - started < 10
    after = await db(config, database="shop", query="SELECT 1 AS ok")
    assert after.result["rows"] == [{"ok": 1}]


async def test_mysql_urls(tmp_path: Path) -> None:
    url = f"mysql://app:my-Secret-pw@127.0.0.1:{free_port()}/shop"  # nothing listens there
    with pytest.raises(SecurityError) as ssrf:
        await db(url=url, query="SELECT 1")
    assert "allowed_hosts" in ssrf.value.message
    allowed = LLMSpellConfig(tools={"database_connector": {"allowed_hosts": ["127.0.0.1"]}})
    with pytest.raises(ToolError) as refused:
        await db(allowed, url=url, query="SELECT 1")
    assert "my-Secret-pw" not in refused.value.message
    assert "mysql://app:***@127.0.0.1" in refused.value.message
