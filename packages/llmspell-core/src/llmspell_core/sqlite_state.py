"""``[state] backend = "sqlite"``: State that outlives the process, in one SQLite file.

- The file is ``[state] path`` (``~`` expanded, a relative path taken from the current
  directory) or, by default, ``$XDG_DATA_HOME/llmspell/state.db``
  (``~/.local/share/llmspell/state.db`` when XDG_DATA_HOME is unset): state is data, not
  configuration, and belongs to the user rather than to whichever folder a spell ran in.
  Missing parent folders are created; a path that cannot hold a database is a ``ConfigError``.
- One connection, owned by one worker thread, runs every statement in turn (sqlite3
  connections are not safe to share), so parallel workflow steps never interleave halfway
  through a write. WAL journaling and a busy timeout let several ``llmspell`` processes use
  the same file at once.
- Values are stored as JSON text, which keeps integers and floats apart (``2`` vs ``2.0``).
  Tables with non-string keys (a sparse Lua table ``{[5] = "x"}``) are stored as key/value
  pairs so their keys come back as numbers; NaN and infinities become null (spell-api §1).
"""

from __future__ import annotations

import asyncio
import functools
import json
import math
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from llmspell_core.errors import ConfigError, LLMSpellError, UsageError, ValidationError
from llmspell_core.state import StateStore

if TYPE_CHECKING:
    from pydantic import TypeAdapter

__all__ = ["SqliteStateStore", "decode_state_value", "default_state_path", "encode_state_value"]

T = TypeVar("T")

#: Marks a stored table whose keys are not all strings: ``{PAIRS: [[key, value], ...]}``.
PAIRS = "\u0000llmspell:pairs"
SCHEMA_VERSION = 1
BUSY_TIMEOUT_SECONDS = 30.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS state (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    updated_at REAL NOT NULL,
    PRIMARY KEY (scope, key)
) WITHOUT ROWID
"""


def default_state_path(environ: Mapping[str, str] | None = None) -> Path:
    """``$XDG_DATA_HOME/llmspell/state.db``, or under ``~/.local/share`` when unset/relative."""
    env = os.environ if environ is None else environ
    xdg = env.get("XDG_DATA_HOME", "")
    if xdg and Path(xdg).is_absolute():  # the XDG spec says to ignore relative values
        base = Path(xdg)
    else:
        home = env.get("HOME")
        base = (Path(home) if home else Path.home()) / ".local" / "share"
    return base / "llmspell" / "state.db"


# -- values -------------------------------------------------------------------------------------
def _plain(value: Any, depth: int = 0) -> Any:
    """``value`` as JSON-ready data; raises ValidationError for what JSON cannot hold."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if depth > 100:
        raise ValidationError("state value is nested too deeply (or contains a cycle)")
    if isinstance(value, Mapping):
        table = cast(Mapping[Any, Any], value)
        if all(isinstance(k, str) and k != PAIRS for k in table):
            return {k: _plain(v, depth + 1) for k, v in table.items()}
        return {PAIRS: [[_plain(k, depth + 1), _plain(v, depth + 1)] for k, v in table.items()]}
    if isinstance(value, list | tuple):
        items = cast(list[Any], value)
        return [_plain(item, depth + 1) for item in items]
    try:  # models, dataclasses, datetimes, enums, paths ... as pydantic writes them in JSON
        jsonable = _any_adapter().dump_python(value, mode="json")
    except ValueError:  # pydantic's PydanticSerializationError
        raise ValidationError(
            f"state value contains a {type(value).__name__}, which cannot be stored; "
            "store JSON-like values (nil, booleans, numbers, strings, tables)"
        ) from None
    return _plain(jsonable, depth + 1)


@functools.cache
def _any_adapter() -> TypeAdapter[Any]:
    from pydantic import TypeAdapter

    return TypeAdapter(Any)


def _hook(table: dict[str, Any]) -> Any:
    if len(table) == 1 and PAIRS in table:
        pairs = cast(list[list[Any]], table[PAIRS])
        return {pair[0]: pair[1] for pair in pairs}
    return table


def encode_state_value(value: Any) -> str:
    """The stored text of ``value`` (JSON; see the module docstring for the two extras)."""
    return json.dumps(_plain(value), ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def decode_state_value(text: str) -> Any:
    """The value ``encode_state_value`` stored."""
    return json.loads(text, object_hook=_hook)


# -- the store ----------------------------------------------------------------------------------
def _unusable(path: Path, why: str) -> ConfigError:
    return ConfigError(
        f"[state] path {path}: {why}; set [state] path to a writable file "
        '(or use [state] backend = "memory")',
        details={"key": "state.path", "path": str(path)},
    )


def _connect(path: Path) -> sqlite3.Connection:
    if path.is_dir():
        raise _unusable(path, "is a directory, not a database file")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise _unusable(path, f"cannot create its folder: {error.strerror or error}") from None
    try:
        db = sqlite3.connect(
            path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False
        )
    except sqlite3.Error as error:
        raise _unusable(path, f"cannot open it: {error}") from None
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    while True:
        try:
            _prepare(db, path)
            return db
        except sqlite3.OperationalError as error:
            if _is_busy(error) and time.monotonic() < deadline:
                time.sleep(0.01)
                continue
            db.close()
            raise _unusable(path, f"is not a usable SQLite database: {error}") from None
        except sqlite3.Error as error:
            db.close()
            raise _unusable(path, f"is not a usable SQLite database: {error}") from None
        except ConfigError:
            db.close()
            raise


def _is_busy(error: sqlite3.OperationalError) -> bool:
    """Another process is creating the file or switching it to WAL right now.

    SQLite answers a journal-mode change or WAL recovery that races another connection with
    SQLITE_BUSY at once, without consulting the busy timeout, so the setup retries itself.
    """
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return "locked" in str(error) or "busy" in str(error)


def _prepare(db: sqlite3.Connection, path: Path) -> None:
    """Bring the file to this schema; every step is idempotent, so a retry is safe."""
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise _unusable(path, f"was written by a newer llmspell (schema {version})")
    if str(db.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
        db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    if version < SCHEMA_VERSION:
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute(_SCHEMA)
            db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise


class SqliteStateStore(StateStore):
    """A ``StateStore`` in one SQLite file; ``SqliteStateStore(path)`` opens (creates) it now."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = default_state_path() if path is None else Path(path).expanduser().absolute()
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="llmspell-state")
        self._closed = False
        self._lock = threading.Lock()
        try:
            self._db = self._worker.submit(_connect, self.path).result()
        except BaseException:
            self._worker.shutdown(wait=False)
            raise

    async def _run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        with self._lock:
            if self._closed:
                raise UsageError(f"the state store {self.path} is closed")
            future = self._worker.submit(work, self._db)
        try:
            return await asyncio.wrap_future(future)
        except sqlite3.Error as error:  # e.g. the disk is full or the file became read-only
            raise LLMSpellError(f"state store {self.path}: {error}", code="STATE_ERROR") from None

    async def get(self, scope: str, key: str) -> Any:
        def read(db: sqlite3.Connection) -> str | None:
            row = db.execute(
                "SELECT value FROM state WHERE scope = ? AND key = ?", (scope, key)
            ).fetchone()
            return None if row is None else cast(str, row[0])

        text = await self._run(read)
        return None if text is None else decode_state_value(text)

    async def set(self, scope: str, key: str, value: Any) -> None:
        text = encode_state_value(value)

        def write(db: sqlite3.Connection) -> None:
            db.execute(
                "INSERT INTO state (scope, key, value, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (scope, key) DO UPDATE SET "
                "value = excluded.value, updated_at = excluded.updated_at",
                (scope, key, text, time.time()),
            )

        await self._run(write)

    async def delete(self, scope: str, key: str) -> bool:
        def remove(db: sqlite3.Connection) -> bool:
            cursor = db.execute("DELETE FROM state WHERE scope = ? AND key = ?", (scope, key))
            return cursor.rowcount > 0

        return await self._run(remove)

    async def list_keys(self, scope: str) -> list[str]:
        def keys(db: sqlite3.Connection) -> list[str]:
            rows = db.execute("SELECT key FROM state WHERE scope = ? ORDER BY key", (scope,))
            return [cast(str, row[0]) for row in rows]

        return await self._run(keys)

    async def close(self) -> None:
        """Close the connection and stop the worker (idempotent); later calls raise
        ``UsageError``."""
        closing = self._begin_close()
        if closing is not None:
            await asyncio.wrap_future(closing)
            self._worker.shutdown(wait=True)

    def close_now(self) -> None:
        """``close`` for callers without an event loop."""
        closing = self._begin_close()
        if closing is not None:
            closing.result()
            self._worker.shutdown(wait=True)

    def _begin_close(self) -> Future[None] | None:
        with self._lock:
            if self._closed:
                return None
            self._closed = True
            return self._worker.submit(self._db.close)
