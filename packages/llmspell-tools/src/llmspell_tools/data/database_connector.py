"""database-connector: query, execute and inspect SQLite, PostgreSQL and MySQL databases.

SQLAlchemy (core only) talks to the three engines. The guard rails, in the order they apply:

- one statement per call, values always bound (``:name`` with a ``params`` object, or ``?`` /
  ``%s`` / ``$1`` with a ``params`` list), never spliced into the SQL text;
- read-only unless the call passes ``allow_write`` *and* ``[tools.database_connector]
  allow_write = true``; a statement whose type is a write is refused otherwise, and every other
  call runs in a read-only transaction (SQLite opened read-only with ``PRAGMA query_only``,
  PostgreSQL and MySQL ``SET TRANSACTION READ ONLY``), so a write hidden in a function call
  still fails; ``SELECT ... INTO`` and MySQL executable comments count as writes (a read-only
  transaction does not stop ``INTO OUTFILE``);
- SQLite files only inside ``[tools.filesystem] allowed_paths`` and no ATTACH / VACUUM INTO;
  a database URL given in the call (not a named connection from config) must reach a public
  host or one in ``allowed_hosts`` (the network tools' SSRF rules);
- at most ``max_rows`` rows come back (``metadata.truncated``; a MySQL read stops at the server
  through ``sql_select_limit``); the server itself stops a statement at the call's deadline
  (``statement_timeout``, ``max_execution_time`` or MariaDB's ``max_statement_time``);
  passwords never appear in results or errors.
"""

from __future__ import annotations

import os
import re
import sqlite3
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Literal, cast
from urllib.parse import quote

from pydantic import AliasChoices, Field

from llmspell_core.errors import SecurityError, TimeoutError, ToolError, ValidationError
from llmspell_core.extras import import_optional
from llmspell_core.tool_types import SecurityLevel, ToolOutput
from llmspell_tools.data._sql_statement import Statement, classify_statement
from llmspell_tools.data._values import plain
from llmspell_tools.framework import (
    ALLOWED_PATHS_KEY,
    BaseTool,
    Invocation,
    ToolParams,
    ToolSettings,
    example,
    section_key,
)
from llmspell_tools.network import NetworkPolicy, redact_text

if TYPE_CHECKING:
    from sqlalchemy.engine import URL, Connection, Engine

__all__ = [
    "DatabaseConnector",
    "DatabaseConnectorParams",
    "DatabaseConnectorSettings",
    "classify_statement",
]

WRITE_KEY = "[tools.database_connector] allow_write"
#: rs-llmspell's environment variables, usable as connection names.
ENV_CONNECTIONS = {
    "postgresql": "DATABASE_POSTGRESQL_URL",
    "mysql": "DATABASE_MYSQL_URL",
    "sqlite": "DATABASE_SQLITE_PATH",
}
_DRIVERS = {
    "sqlite": "sqlite+pysqlite",
    "postgresql": "postgresql+psycopg",
    "mysql": "mysql+pymysql",
    "mariadb": "mysql+pymysql",
}
#: Options a call's own database URL may carry; others could re-route the connection.
_SAFE_URL_OPTIONS = frozenset({"sslmode", "charset", "application_name", "connect_timeout"})


class DatabaseConnectorSettings(ToolSettings):
    #: ``[tools.database_connector.connections]``: name -> database URL.
    connections: dict[str, str] = Field(default_factory=dict[str, str])
    #: ``[tools.database_connector] default_connection``: used when a call names none.
    default_connection: str | None = None
    #: ``[tools.database_connector] allow_write``: calls may write when they also ask to.
    allow_write: bool = False
    #: ``[tools.database_connector] allowed_hosts``: private hosts a call's own URL may reach.
    allowed_hosts: list[str] | None = None
    #: ``[tools.database_connector] connect_timeout_seconds``.
    connect_timeout_seconds: float = Field(default=10.0, gt=0)
    #: ``[tools.database_connector] max_value_chars``: longer text/blob values are cut.
    max_value_chars: int = Field(default=100_000, gt=0)


class DatabaseConnectorParams(ToolParams):
    operation: Literal["query", "execute", "schema"] = Field(
        default="query",
        description="query: run a statement and return its rows; execute: run a statement "
        "(writes need allow_write) and report rows affected; schema: tables and columns",
    )
    query: str | None = Field(
        default=None,
        validation_alias=AliasChoices("query", "sql"),
        description="one SQL statement; put values in 'params', never in the text",
    )
    params: dict[str, Any] | list[Any] | None = Field(
        default=None,
        description="bound values: an object for :name placeholders, a list for ? / %s / $1",
    )
    database: str | None = Field(
        default=None,
        validation_alias=AliasChoices("database", "connection"),
        description="a connection name from [tools.database_connector.connections]",
    )
    url: str | None = Field(
        default=None,
        description="a database URL instead (sqlite:///file.db, postgresql://..., mysql://...)",
    )
    allow_write: bool = Field(
        default=False,
        description="ask to run a write (INSERT/UPDATE/DELETE/DDL); config must allow it too",
    )
    max_rows: int | None = Field(default=None, ge=1, description="return at most this many rows")
    table: str | None = Field(default=None, description="schema: only this table")
    db_schema: str | None = Field(
        default=None, description="schema: the database schema/namespace (default: the default)"
    )
    query_type: str | None = Field(
        default=None,
        description="accepted for rs-llmspell compatibility; the statement itself decides",
    )

    required_for: ClassVar[dict[str, tuple[str, ...]]] = {
        "query": ("query",),
        "execute": ("query",),
    }


@dataclass
class _Target:
    url: URL
    backend: str
    name: str | None
    secrets: tuple[str, ...]
    sqlite_path: str | None = None
    hostaddr: str | None = None

    @property
    def shown(self) -> str:
        """The URL as it may be shown: no password, the driver left out."""
        if self.backend == "sqlite":
            return f"sqlite:///{self.sqlite_path or ':memory:'}"
        return self.url.set(drivername=self.backend).render_as_string(hide_password=True)


def _sqlalchemy() -> Any:
    import_optional(
        "sqlalchemy", what="database-connector", distribution="llmspell-tools", extra="db"
    )
    import sqlalchemy

    return sqlalchemy


def _connection_url(
    params: DatabaseConnectorParams, settings: DatabaseConnectorSettings
) -> tuple[str, str | None]:
    if params.url is not None and params.database is not None:
        raise ValidationError(
            "database-connector: give 'database' (a configured connection) or 'url', not both",
            details={"field": "url", "rule": "exclusive"},
        )
    if params.url is not None:
        return params.url, None
    name = params.database or settings.default_connection
    if name is None and len(settings.connections) == 1:
        name = next(iter(settings.connections))
    if name is None:
        raise ValidationError(
            "database-connector: no database given: pass 'database' (a name from "
            "[tools.database_connector.connections]) or 'url'",
            details={"field": "database", "rule": "required"},
        )
    if name in settings.connections:
        return settings.connections[name], name
    env = ENV_CONNECTIONS.get(name)
    value = os.environ.get(env) if env else None
    if value:
        return (f"sqlite:///{value}" if name == "sqlite" and "://" not in value else value), name
    known = sorted(settings.connections) + [
        n for n, e in ENV_CONNECTIONS.items() if os.environ.get(e)
    ]
    raise ValidationError(
        f"database-connector: unknown connection '{name}'; configured: "
        f"{', '.join(known) or '(none)'} ([tools.database_connector.connections])",
        details={"field": "database", "rule": "connection"},
    )


def _parse_url(raw: str, field: str) -> URL:
    sa = _sqlalchemy()
    from sqlalchemy.exc import ArgumentError

    try:
        return cast("URL", sa.engine.make_url(raw))
    except ArgumentError:
        raise ValidationError(
            f"database-connector: '{field}' is not a database URL (expected e.g. "
            "sqlite:///data.db or postgresql://user:pass@host/db)",
            details={"field": field, "rule": "url"},
        ) from None


async def _target(
    params: DatabaseConnectorParams,
    settings: DatabaseConnectorSettings,
    call: Invocation,
    writing: bool,
) -> _Target:
    raw, name = _connection_url(params, settings)
    url = _parse_url(raw, "url" if name is None else "database")
    backend = url.get_backend_name()
    if backend not in _DRIVERS:
        raise ValidationError(
            f"database-connector: unsupported database '{backend}' (supported: sqlite, "
            "postgresql, mysql)",
            details={"field": "url", "rule": "backend"},
        )
    url = url.set(drivername=_DRIVERS[backend])
    backend = "mysql" if backend == "mariadb" else backend
    secrets = tuple(s for s in (url.password,) if isinstance(s, str) and s)
    target = _Target(url, backend, name, secrets)
    if backend == "sqlite":
        database = url.database or ""
        if url.query.get("uri") or database.startswith("file:"):
            raise ValidationError(
                "database-connector: SQLite URI filenames are not supported; use "
                "sqlite:///path/to/file.db",
                details={"field": "url", "rule": "url"},
            )
        if database not in ("", ":memory:"):
            path = call.safe_path(database, must_exist=not writing)
            target.sqlite_path = str(path)
    elif name is None:
        # a URL the call chose: the network tools' SSRF rules apply, and the connection goes
        # to the address that was checked (no second DNS answer); query options that could
        # redirect it (host=, hostaddr=, unix_socket=, service=...) are refused
        extra = sorted(set(url.query) - _SAFE_URL_OPTIONS)
        if extra:
            raise SecurityError(
                f"database-connector: URL option(s) {', '.join(extra)} are not allowed in a "
                f"URL given to the call (allowed: {', '.join(sorted(_SAFE_URL_OPTIONS))}); "
                "configure the connection in [tools.database_connector.connections] instead",
                details={"rule": "url_options", "field": "url"},
            )
        policy = NetworkPolicy.from_config(call.config, call.tool_name, call.settings)
        host = url.host or "localhost"
        port = url.port or (5432 if backend == "postgresql" else 3306)
        addresses, _ = await policy.resolve_target(host, port)
        target.hostaddr = addresses[0]
    return target


def _engine(
    target: _Target, settings: DatabaseConnectorSettings, writing: bool, call: Invocation
) -> Engine:
    sa = _sqlalchemy()
    from sqlalchemy.pool import NullPool

    timeout = settings.connect_timeout_seconds
    if target.backend == "sqlite":
        path = target.sqlite_path

        def connect() -> sqlite3.Connection:
            if path is None:
                con = sqlite3.connect(":memory:", check_same_thread=False)
            else:
                mode = "rwc" if writing else "ro"
                con = sqlite3.connect(
                    f"file:{quote(path)}?mode={mode}",
                    uri=True,
                    check_same_thread=False,
                    timeout=timeout,
                )
            con.set_authorizer(_sqlite_authorizer)
            if not writing:
                con.execute("PRAGMA query_only = ON")
            # lets the call's deadline stop a long statement (a thread cannot be killed)
            con.set_progress_handler(lambda: 1 if call.expired() else 0, 10_000)
            return con

        return cast(
            "Engine", sa.create_engine("sqlite+pysqlite://", creator=connect, poolclass=NullPool)
        )
    connect_args: dict[str, Any] = {"connect_timeout": max(1, round(timeout))}
    url = target.url
    if target.backend == "postgresql":
        if target.hostaddr is not None:
            connect_args["hostaddr"] = target.hostaddr
        connect_args["application_name"] = "llmspell"
    elif target.hostaddr is not None:
        url = url.set(host=target.hostaddr)
    return cast("Engine", sa.create_engine(url, poolclass=NullPool, connect_args=connect_args))


def _sqlite_authorizer(
    action: int, arg1: str | None, arg2: str | None, db: str | None, source: str | None
) -> int:
    """ATTACH (and VACUUM INTO, which attaches) could open files outside the allowed roots."""
    if action in (sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH):
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def _begin(
    conn: Connection, backend: str, writing: bool, call: Invocation, row_cap: int | None = None
) -> None:
    """Make the transaction read-only (unless writing) and bound it by the call's deadline.

    ``row_cap`` (a read's rows) lets a MySQL server stop a query there instead of sending
    every row to a client that keeps only the first few (PyMySQL buffers whole results).
    """
    remaining = None if call.deadline is None else max(0.001, call.deadline - _now())
    if backend == "postgresql":
        if not writing:
            conn.exec_driver_sql("SET TRANSACTION READ ONLY")
        if remaining is not None:
            conn.exec_driver_sql(f"SET LOCAL statement_timeout = {int(remaining * 1000) + 1}")
    elif backend == "mysql":
        if remaining is not None:
            conn.exec_driver_sql(_mysql_timeout(conn, remaining))
        if row_cap is not None and not writing:  # a write's SELECT must see every row
            conn.exec_driver_sql(f"SET SESSION sql_select_limit = {int(row_cap)}")
        if not writing:  # applies to the next transaction, which the query starts
            conn.exec_driver_sql("SET TRANSACTION READ ONLY")


def _mysql_timeout(conn: Connection, seconds: float) -> str:
    """MariaDB's ``max_statement_time`` (s), or MySQL's ``max_execution_time`` (ms)."""
    if getattr(conn.dialect, "is_mariadb", False):
        return f"SET SESSION max_statement_time = {max(seconds, 0.001):.3f}"
    return f"SET SESSION max_execution_time = {int(seconds * 1000) + 1}"


def _fetch_options(backend: str, statement: Statement, writing: bool, limit: int) -> dict[str, Any]:
    """Stream a PostgreSQL read through a server-side cursor, so a huge result is never
    fetched whole (psycopg would buffer every row) when only ``limit`` rows are kept.

    Only a plain read: a server-side cursor (``DECLARE ... CURSOR FOR``) takes a query, not
    any statement. MySQL reads are capped on the server instead (``_begin``'s row cap).
    """
    if backend == "postgresql" and not writing and statement.kind == "SELECT":
        return {"stream_results": True, "max_row_buffer": limit + 1}
    return {}


def _now() -> float:
    return time.monotonic()


_READ_ONLY_ERRORS = re.compile(
    r"read-only transaction|readonly database|read only transaction|READ ONLY", re.IGNORECASE
)
_SQLITE_DENIED = re.compile(r"not authorized|authorization denied", re.IGNORECASE)
#: The server stopped a statement for its time limit (``_begin`` sets one from the call's).
_SERVER_TIMEOUTS = re.compile(
    r"statement timeout|maximum statement execution time|max_statement_time exceeded",
    re.IGNORECASE,
)


def _database_error(exc: Exception, target: _Target, operation: str, writing: bool) -> Exception:
    """A core error for a driver error: the driver's own message, passwords removed."""
    orig = getattr(exc, "orig", None) or exc
    message = redact_text(str(orig).strip(), target.secrets)
    message = message.splitlines()[0] if message else type(orig).__name__
    where = target.name or target.shown
    if target.backend == "sqlite" and _SQLITE_DENIED.search(message):
        return SecurityError(
            f"database-connector {operation}: refused: ATTACH and VACUUM INTO could reach "
            f"files outside the allowed roots ({ALLOWED_PATHS_KEY})",
            details={"rule": "attach"},
        )
    if not writing and _READ_ONLY_ERRORS.search(message):
        return SecurityError(
            f"database-connector {operation}: the database refused a write in a read-only "
            f"call ({message}); writes need allow_write=true and {WRITE_KEY} = true",
            details={"rule": "read_only", "config_key": WRITE_KEY},
        )
    if _SERVER_TIMEOUTS.search(message):
        return TimeoutError(
            f"database-connector {operation} on {where}: the server stopped the statement for "
            f"running too long ({message}); a call's limit is "
            f"{section_key('database-connector')} timeout_seconds",
            details={"rule": "statement_timeout", "backend": target.backend},
        )
    sa = _sqlalchemy()
    connecting = isinstance(exc, sa.exc.OperationalError) and getattr(
        exc, "connection_invalidated", False
    )
    code = "CONNECTION_FAILED" if connecting else "DATABASE_ERROR"
    return ToolError(
        f"database-connector {operation} on {where}: {message}",
        code=code,
        details={"backend": target.backend, "type": type(orig).__name__},
    )


class DatabaseConnector(BaseTool[DatabaseConnectorParams]):
    tool_name = "database-connector"
    description = (
        "Run one parameterised SQL statement against SQLite, PostgreSQL or MySQL and get the "
        "rows back, or list tables and columns (operation 'schema'). Read-only unless "
        "allow_write is passed and the config allows writes. Put values in 'params'."
    )
    tool_category = "data"
    tags = ("sql", "database", "sqlite", "postgresql", "mysql")
    params_model = DatabaseConnectorParams
    settings_model = DatabaseConnectorSettings
    security_level = SecurityLevel.RESTRICTED
    timeout_seconds = 60.0
    examples = (
        example(
            "Query with bound values",
            url="sqlite:///:memory:",
            query="SELECT :a + :b AS total, upper(:name) AS name",
            params={"a": 2, "b": 3, "name": "ada"},
        ),
        example(
            "Positional placeholders",
            url="sqlite:///:memory:",
            query="SELECT ? * 2 AS doubled",
            params=[21],
        ),
        example("Schema", operation="schema", url="sqlite:///:memory:"),
    )

    async def run(self, params: DatabaseConnectorParams, call: Invocation) -> ToolOutput:
        settings = cast(DatabaseConnectorSettings, call.settings)
        statement: Statement | None = None
        if params.operation != "schema":
            statement = classify_statement(params.query or "", params.params)
            if statement.is_write and not (params.allow_write and settings.allow_write):
                missing = (
                    "the call did not pass allow_write=true"
                    if not params.allow_write
                    else f"{WRITE_KEY} is not true"
                )
                what = (
                    f"this {statement.kind} writes ({statement.hidden_write})"
                    if statement.hidden_write
                    else f"{statement.kind} is a write"
                )
                raise SecurityError(
                    f"database-connector: {what} and this call is "
                    f"read-only ({missing}); writes need allow_write=true in the call and "
                    f"{WRITE_KEY} = true in llmspell.toml",
                    details={"rule": "read_only", "config_key": WRITE_KEY, "kind": statement.kind},
                )
        # a call allowed to write runs in an ordinary transaction (committed at the end), so a
        # SELECT of a function that writes works too; every other call is read-only throughout
        writing = statement is not None and params.allow_write and settings.allow_write
        target = await _target(params, settings, call, writing)
        limit = min(params.max_rows or call.max_rows, call.max_rows)
        engine = await call.to_thread(_engine, target, settings, writing, call)
        try:
            if statement is None:
                result = await call.to_thread(self._schema, engine, target, params, call)
                tables = result["tables"]
                text = f"{len(tables)} table(s): {', '.join(t['name'] for t in tables)}"
            else:
                result = await call.to_thread(
                    self._statement, engine, target, statement, writing, limit, settings, call
                )
                if result["columns"]:
                    text = (
                        f"{result['row_count']} row(s) ({', '.join(result['columns'])})"
                        f"{' (truncated)' if call.truncated else ''}"
                    )
                else:
                    text = f"{statement.kind}: {result['rows_affected']} row(s) affected"
        finally:
            await call.to_thread(engine.dispose)
        return call.ok(
            text,
            result,
            backend=target.backend,
            connection=target.name or target.shown,
            statement_type=statement.kind if statement is not None else "SCHEMA",
            read_only=not writing,
        )

    def _statement(
        self,
        engine: Engine,
        target: _Target,
        statement: Statement,
        writing: bool,
        limit: int,
        settings: DatabaseConnectorSettings,
        call: Invocation,
    ) -> dict[str, Any]:
        sa = _sqlalchemy()
        operation = call.operation
        try:
            with engine.connect() as conn:
                _begin(conn, target.backend, writing, call, row_cap=limit + 1)
                cursor = conn.execute(
                    sa.text(statement.sql),
                    statement.binds,
                    execution_options=_fetch_options(target.backend, statement, writing, limit),
                )
                columns: list[str] = []
                rows: list[dict[str, Any]] = []
                if cursor.returns_rows:
                    columns = [str(c) for c in cursor.keys()]  # noqa: SIM118 - a Result, not a dict
                    fetched = cursor.fetchmany(limit + 1)
                    if len(fetched) > limit:
                        call.truncated = True
                        fetched = fetched[:limit]
                    rows = [
                        {
                            c: self._value(v, settings, call)
                            for c, v in zip(columns, row, strict=True)
                        }
                        for row in fetched
                    ]
                affected = cursor.rowcount if not cursor.returns_rows or writing else None
                cursor.close()
                if writing:
                    conn.commit()
                else:
                    conn.rollback()
        except sa.exc.SQLAlchemyError as exc:
            raise _database_error(exc, target, operation, writing) from None
        except sqlite3.Error as exc:
            raise _database_error(exc, target, operation, writing) from None
        return {
            "columns": columns,
            "rows": rows,
            "row_count": len(rows),
            "rows_affected": affected if isinstance(affected, int) and affected >= 0 else None,
        }

    def _value(self, value: Any, settings: DatabaseConnectorSettings, call: Invocation) -> Any:
        out = plain(value)
        if isinstance(out, str) and len(out) > settings.max_value_chars:
            call.truncated = True
            return out[: settings.max_value_chars]
        return out

    def _schema(
        self, engine: Engine, target: _Target, params: DatabaseConnectorParams, call: Invocation
    ) -> dict[str, Any]:
        sa = _sqlalchemy()
        schema = params.db_schema
        try:
            with engine.connect() as conn:
                _begin(conn, target.backend, False, call)
                inspector: Any = sa.inspect(conn)
                names = [str(n) for n in inspector.get_table_names(schema=schema)]
                views = [str(n) for n in inspector.get_view_names(schema=schema)]
                if params.table is not None:
                    if params.table not in names and params.table not in views:
                        raise ValidationError(
                            f"database-connector: no table '{params.table}'; tables: "
                            f"{', '.join(names) or '(none)'}",
                            details={"field": "table", "rule": "table"},
                        )
                    names = [params.table] if params.table in names else []
                    views = [params.table] if params.table in views else []
                tables = [self._table(inspector, n, schema, "table") for n in names]
                tables += [self._table(inspector, n, schema, "view") for n in views]
                conn.rollback()
        except sa.exc.SQLAlchemyError as exc:
            raise _database_error(exc, target, "schema", False) from None
        return {"tables": call.limit_rows(tables), "schema": schema}

    def _table(self, inspector: Any, name: str, schema: str | None, kind: str) -> dict[str, Any]:
        columns = [
            {
                "name": str(c["name"]),
                "type": str(c["type"]),
                "nullable": bool(c.get("nullable", True)),
                "default": None if c.get("default") is None else str(c["default"]),
            }
            for c in inspector.get_columns(name, schema=schema)
        ]
        info: dict[str, Any] = {"name": name, "kind": kind, "columns": columns}
        if kind == "table":
            pk: dict[str, Any] = inspector.get_pk_constraint(name, schema=schema) or {}
            pk_columns: list[Any] = pk.get("constrained_columns") or []
            info["primary_key"] = [str(c) for c in pk_columns]
            info["foreign_keys"] = [
                {
                    "columns": list(fk.get("constrained_columns") or []),
                    "references_table": fk.get("referred_table"),
                    "references_columns": list(fk.get("referred_columns") or []),
                }
                for fk in inspector.get_foreign_keys(name, schema=schema)
            ]
            info["indexes"] = [
                {
                    "name": ix.get("name"),
                    "columns": [str(c) for c in cast(list[Any], ix.get("column_names") or [])],
                    "unique": bool(ix.get("unique")),
                }
                for ix in inspector.get_indexes(name, schema=schema)
            ]
        return info
