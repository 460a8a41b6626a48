"""database-connector against real servers: a throwaway PostgreSQL and a throwaway MariaDB.

Each server starts once per session (``db_servers``) on a free port in a temp dir and is
stopped afterwards; if one cannot start, its tests are skipped with the reason printed. The
tests shared by both run once per server (``server`` is parametrized); what only one of them
has (PostgreSQL arrays, MariaDB's ``INTO OUTFILE``) is tested on that one alone.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from db_servers import DbServer, mariadb_server, postgres_server, started

from llmspell_core.config import LLMSpellConfig
from llmspell_core.context import ExecutionContext
from llmspell_core.errors import SecurityError, TimeoutError, ToolError, ValidationError
from llmspell_core.tool_types import ToolOutput
from llmspell_tools.data.database_connector import DatabaseConnector

pytestmark = pytest.mark.service


@dataclass(frozen=True)
class Flavor:
    """How the same thing is said to each server."""

    #: A statement that runs for 30 s.
    sleep: str
    #: Counts (column ``n``) the ``sleep`` statements still running on the server.
    running: str
    #: Creates ``{name}()``, a function that inserts into table ``{table}`` and returns 1.
    writing_function: str
    #: ``rows`` rows, far more than a client should ever fetch.
    many_rows: str
    #: What the server says to a wrong password.
    auth_failure: str
    #: A URL option that would send the connection elsewhere.
    rerouting_option: str
    #: The database schema the tests' tables live in.
    schema: str


FLAVORS = {
    "postgresql": Flavor(
        sleep="SELECT pg_sleep(30)",
        running="SELECT count(*) AS n FROM pg_stat_activity "
        "WHERE query LIKE 'SELECT pg_sleep(30)%'",
        writing_function="CREATE OR REPLACE FUNCTION {name}() RETURNS int LANGUAGE plpgsql AS "
        "$$ BEGIN INSERT INTO {table} VALUES ('written'); RETURN 1; END $$",
        # (a recursive CTE yields rows as they are made; generate_series would build them all)
        many_rows="WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c "
        "WHERE n < 100000000) SELECT n FROM c",
        auth_failure="password authentication failed",
        rerouting_option="host=/var/run/postgresql",
        schema="public",
    ),
    "mysql": Flavor(
        sleep="SELECT SLEEP(30)",
        running="SELECT count(*) AS n FROM information_schema.processlist "
        "WHERE info LIKE 'SELECT SLEEP(30)%'",
        writing_function="CREATE OR REPLACE FUNCTION {name}() RETURNS int MODIFIES SQL DATA "
        "BEGIN INSERT INTO {table} VALUES ('written'); RETURN 1; END",
        many_rows="SELECT seq AS n FROM seq_1_to_100000000",
        auth_failure="Access denied for user 'llmspell'",
        rerouting_option="unix_socket=/run/mysqld/mysqld.sock",
        schema="shop",
    ),
}
_names = itertools.count(1)


def unique(prefix: str) -> str:
    """A table or function name no other test uses (the servers live for the session)."""
    return f"{prefix}_{next(_names)}"


@pytest.fixture(scope="session")
def postgres() -> Iterator[DbServer]:
    yield from started(postgres_server)


@pytest.fixture(scope="session")
def mariadb() -> Iterator[DbServer]:
    yield from started(mariadb_server)


@pytest.fixture(params=["postgres", "mariadb"])
def server(request: pytest.FixtureRequest) -> DbServer:
    running: DbServer = request.getfixturevalue(request.param)
    return running


def config_for(server: DbServer, **section: Any) -> LLMSpellConfig:
    """A config naming the server ``live``; writes allowed unless ``section`` says otherwise."""
    section = {"connections": {"live": server.url}, "allow_write": True, **section}
    return LLMSpellConfig(tools={"database_connector": section})


async def db(config: LLMSpellConfig | None = None, **params: Any) -> ToolOutput:
    ctx = ExecutionContext(config=config) if config is not None else ExecutionContext()
    return await DatabaseConnector().execute(params, ctx)


async def live(server: DbServer, **params: Any) -> ToolOutput:
    """A call to the server through its configured connection."""
    return await db(config_for(server), database="live", **params)


async def write(server: DbServer, sql: str, params: Any = None) -> ToolOutput:
    """Run ``sql`` as an allowed write (setting up a test's tables)."""
    return await live(server, operation="execute", allow_write=True, query=sql, params=params)


# -- both servers ------------------------------------------------------------------------------
async def test_values_are_bound_in_every_placeholder_style(server: DbServer) -> None:
    table = unique("people")
    await write(server, f"CREATE TABLE {table} (name varchar(100), city varchar(100))")
    evil = "x'); DROP TABLE people; --"
    await write(server, f"INSERT INTO {table} VALUES (:name, :city)", {"name": evil, "city": "Ü"})
    for placeholders in ("?, ?", "%s, %s", "$1, $2"):
        await write(server, f"INSERT INTO {table} VALUES ({placeholders})", ["ada 🙂", "10:30"])
    rows = await live(server, query=f"SELECT name, city FROM {table} ORDER BY city, name")
    assert rows.result["rows"] == [
        {"name": "ada 🙂", "city": "10:30"},
        {"name": "ada 🙂", "city": "10:30"},
        {"name": "ada 🙂", "city": "10:30"},
        {"name": evil, "city": "Ü"},
    ]
    literal = await live(
        server,
        query="SELECT 'a%' AS pct, '%s' AS fmt, '10:30' AS colon, :x AS x",
        params={"x": "%(x)s"},
    )
    assert literal.result["rows"] == [{"pct": "a%", "fmt": "%s", "colon": "10:30", "x": "%(x)s"}]
    assert literal.metadata["backend"] == server.backend
    assert literal.metadata["read_only"] is True
    assert server.password not in literal.metadata["connection"]


async def test_reads_run_in_a_read_only_transaction(server: DbServer) -> None:
    flavor = FLAVORS[server.backend]
    audit, sneaky = unique("audit"), unique("sneaky")
    await write(server, f"CREATE TABLE {audit} (msg varchar(20))")
    await write(server, flavor.writing_function.format(name=sneaky, table=audit))
    with pytest.raises(SecurityError) as info:  # looks like a read, writes inside a function
        await live(server, query=f"SELECT {sneaky}()")
    assert "read-only" in info.value.message
    assert info.value.details["rule"] == "read_only"
    count = f"SELECT count(*) AS n FROM {audit}"
    assert (await live(server, query=count)).result["rows"] == [{"n": 0}]
    locked = config_for(server, allow_write=False)
    with pytest.raises(SecurityError) as no_config:  # the call asks, the config does not allow
        await db(locked, database="live", query=f"SELECT {sneaky}()", allow_write=True)
    assert "read-only" in no_config.value.message
    wrote = await live(server, query=f"SELECT {sneaky}() AS r", allow_write=True)
    assert wrote.result["rows"] == [{"r": 1}]
    assert wrote.metadata["read_only"] is False
    assert (await live(server, query=count)).result["rows"] == [{"n": 1}]
    with pytest.raises(SecurityError) as early:  # the statement type says write: never sent
        await live(server, operation="execute", query=f"DELETE FROM {audit}")
    assert early.value.details["kind"] == "DELETE"
    with pytest.raises(SecurityError):
        await db(locked, database="live", operation="execute", query=f"DELETE FROM {audit}")
    assert (await live(server, query=count)).result["rows"] == [{"n": 1}]


async def test_one_statement_per_call(server: DbServer) -> None:
    keep = unique("keep")
    await write(server, f"CREATE TABLE {keep} (a int)")
    with pytest.raises(ValidationError) as info:
        await live(server, query=f"SELECT 1; DROP TABLE {keep}")
    assert info.value.details["rule"] == "single_statement"
    still = await live(server, operation="schema", table=keep)
    assert [t["name"] for t in still.result["tables"]] == [keep]


async def test_schema(server: DbServer) -> None:
    schema = FLAVORS[server.backend].schema
    items, owners, view = unique("items"), unique("owners"), unique("cheap")
    await write(server, f"CREATE TABLE {items} (id int PRIMARY KEY, price decimal(8,2))")
    await write(
        server,
        f"CREATE TABLE {owners} (id int PRIMARY KEY, name varchar(40) NOT NULL, "
        f"item_id int, FOREIGN KEY (item_id) REFERENCES {items}(id))",
    )
    await write(server, f"CREATE INDEX {owners}_by_name ON {owners} (name)")
    await write(server, f"CREATE VIEW {view} AS SELECT id FROM {items} WHERE price < 10")
    out = await live(server, operation="schema", db_schema=schema, table=owners)
    assert out.result["schema"] == schema
    [table] = out.result["tables"]
    assert table["columns"] == [
        {"name": "id", "type": "INTEGER", "nullable": False, "default": None},
        {"name": "name", "type": "VARCHAR(40)", "nullable": False, "default": None},
        {"name": "item_id", "type": "INTEGER", "nullable": True, "default": None},
    ]
    assert table["primary_key"] == ["id"]
    assert table["foreign_keys"] == [
        {"columns": ["item_id"], "references_table": items, "references_columns": ["id"]}
    ]
    assert {"name": f"{owners}_by_name", "columns": ["name"], "unique": False} in table["indexes"]
    everything = await live(server, operation="schema", db_schema=schema)
    kinds = {t["name"]: t["kind"] for t in everything.result["tables"]}
    assert kinds[items] == "table"
    assert kinds[view] == "view"
    with pytest.raises(ValidationError):
        await live(server, operation="schema", table=unique("missing"))


async def test_the_row_cap_stops_a_huge_read(server: DbServer) -> None:
    """A hundred million rows: the client must stop at the cap, not fetch them all first."""
    many = FLAVORS[server.backend].many_rows
    config = config_for(server, timeout_seconds=20)
    out = await db(config, database="live", query=many, max_rows=3)
    assert out.result["rows"] == [{"n": 1}, {"n": 2}, {"n": 3}]
    assert out.metadata["truncated"] is True
    assert out.text == "3 row(s) (n) (truncated)"
    capped = config_for(server, timeout_seconds=20, max_rows=2)  # the config's cap
    two = await db(capped, database="live", query=many, max_rows=50)
    assert two.result["row_count"] == 2


async def test_the_server_stops_a_statement_at_the_deadline(server: DbServer) -> None:
    flavor = FLAVORS[server.backend]
    with pytest.raises(TimeoutError):
        await db(config_for(server, timeout_seconds=1), database="live", query=flavor.sleep)
    deadline = time.monotonic() + 10
    while True:  # the server cancels the statement itself, not just the tool's await
        busy = await live(server, query=flavor.running)
        if busy.result["rows"] == [{"n": 0}] or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.2)
    assert busy.result["rows"] == [{"n": 0}]


async def test_credentials_stay_secret(server: DbServer) -> None:
    wrong = server.url.replace(server.password, "Wrong-Passw0rd-xyz")
    config = LLMSpellConfig(tools={"database_connector": {"connections": {"bad": wrong}}})
    with pytest.raises(ToolError) as info:
        await db(config, database="bad", query="SELECT 1")
    assert FLAVORS[server.backend].auth_failure in info.value.message
    assert "Wrong-Passw0rd-xyz" not in info.value.message
    assert server.password not in str(info.value.details)


async def test_a_url_in_the_call_follows_the_ssrf_rules(server: DbServer) -> None:
    with pytest.raises(SecurityError) as info:
        await db(url=server.url, query="SELECT 1")
    assert "loopback" in info.value.message
    assert server.password not in info.value.message
    allowed = LLMSpellConfig(tools={"network": {"allowed_hosts": ["127.0.0.1"]}})
    out = await db(allowed, url=server.url, query="SELECT 1 AS ok")
    assert out.result["rows"] == [{"ok": 1}]
    assert out.metadata["connection"].startswith(f"{server.backend}://llmspell:***@127.0.0.1:")
    rerouted = f"{server.url}?{FLAVORS[server.backend].rerouting_option}"
    with pytest.raises(SecurityError) as options:
        await db(allowed, url=rerouted, query="SELECT 1")
    assert options.value.details["rule"] == "url_options"


# -- PostgreSQL only ---------------------------------------------------------------------------
async def test_pg_types(postgres: DbServer) -> None:
    items = unique("typed")
    await write(
        postgres,
        f"CREATE TABLE {items} (id serial PRIMARY KEY, name text NOT NULL, price numeric(8,2), "
        "tags text[], meta jsonb, made timestamptz, uid uuid, raw bytea)",
    )
    insert = await write(
        postgres,
        f"INSERT INTO {items} (name, price, tags, meta, made, uid, raw) VALUES "
        "($1, $2, $3, $4::jsonb, $5::timestamptz, $6::uuid, $7) RETURNING id",
        [
            "widget",
            "9.50",
            ["a", "b"],
            '{"color": "red"}',
            "2024-02-29T12:00:00+00:00",
            "12345678-1234-5678-1234-567812345678",
            b"\x00\x01",
        ],
    )
    assert insert.result["rows"] == [{"id": 1}]
    assert insert.result["rows_affected"] == 1
    out = await live(
        postgres,
        query=f"SELECT name, price, tags, meta, made, uid, raw, price::int AS whole FROM {items} "
        "WHERE name = :n",
        params={"n": "widget"},
    )
    assert out.result["rows"] == [
        {
            "name": "widget",
            "price": 9.5,
            "tags": ["a", "b"],
            "meta": {"color": "red"},
            "made": "2024-02-29T12:00:00+00:00",
            "uid": "12345678-1234-5678-1234-567812345678",
            "raw": "AAE=",
            "whole": 10,
        }
    ]


# -- MariaDB only ------------------------------------------------------------------------------
async def test_mariadb_types(mariadb: DbServer) -> None:
    items = unique("typed")
    await write(
        mariadb,
        f"CREATE TABLE {items} (id int AUTO_INCREMENT PRIMARY KEY, name varchar(40) NOT NULL, "
        "price decimal(8,2), made datetime, day date, raw blob, meta json, ok boolean)",
    )
    insert = await write(
        mariadb,
        f"INSERT INTO {items} (name, price, made, day, raw, meta, ok) VALUES (?, ?, ?, ?, ?, ?, ?)",
        ["widget", "9.50", "2024-02-29 12:00:00", "2024-03-01", b"\x00\x01", '{"a": 1}', True],
    )
    assert insert.result["rows_affected"] == 1
    out = await live(mariadb, query=f"SELECT * FROM {items} WHERE name = %s", params=["widget"])
    assert out.result["rows"] == [
        {
            "id": 1,
            "name": "widget",
            "price": 9.5,
            "made": "2024-02-29T12:00:00",
            "day": "2024-03-01",
            "raw": "AAE=",
            "meta": '{"a": 1}',  # MariaDB's JSON is LONGTEXT with a check
            "ok": 1,
        }
    ]
    assert out.metadata["backend"] == "mysql"
    via_mariadb_scheme = LLMSpellConfig(
        tools={
            "database_connector": {"connections": {"m": mariadb.url.replace("mysql", "mariadb", 1)}}
        }
    )
    again = await db(via_mariadb_scheme, database="m", query=f"SELECT count(*) AS n FROM {items}")
    assert again.result["rows"] == [{"n": 1}]


async def test_mariadb_writes_hidden_in_a_read_are_refused(mariadb: DbServer) -> None:
    """A read-only transaction lets ``INTO OUTFILE`` write a file; the tool must refuse it."""
    target = mariadb.files / "dump.txt"
    for sql in (
        f"SELECT 1 INTO OUTFILE '{target}'",
        f"SELECT 1 /*! INTO OUTFILE '{target}' */",
        f"SELECT 1 FROM DUAL INTO DUMPFILE '{target}'",
    ):
        with pytest.raises(SecurityError) as info:
            await live(mariadb, query=sql)
        assert info.value.details["rule"] == "read_only"
        assert not target.exists()
    assert "INTO writes" in info.value.message
    variable = await live(mariadb, query="SELECT 41 + 1 INTO @answer")  # only sets a variable
    assert variable.result["rows"] == []
    # the same statement with writes allowed runs: the refusal above was the tool's, not a grant's
    await live(mariadb, query=f"SELECT 'x' INTO OUTFILE '{target}'", allow_write=True)
    assert target.read_text() == "x\n"


async def test_mariadb_statement_time_limit_is_a_timeout(mariadb: DbServer) -> None:
    """The server's own limit (here set by the statement) ends as a TimeoutError too."""
    with pytest.raises(TimeoutError) as info:
        await live(
            mariadb,
            query="SET STATEMENT max_statement_time = 0.2 FOR SELECT SLEEP(5)",
            allow_write=True,  # SET ... FOR counts as a write
        )
    assert "max_statement_time exceeded" in info.value.message
    assert info.value.details["rule"] == "statement_timeout"
