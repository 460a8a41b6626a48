"""Every ``[state]`` backend keeps the same promises: exact round trips, scopes, deletes.

The memory and SQLite stores run the same tests through ``create_state_store``; the
SQLite-only tests cover what only a file can do (outlive the store, be shared between
processes, be unusable).
"""

from __future__ import annotations

import asyncio
import math
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, cast

import pytest

from llmspell_core import SqliteStateStore, StateConfig, StateStore, create_state_store
from llmspell_core.errors import ConfigError, UsageError, ValidationError
from llmspell_core.sqlite_state import decode_state_value, default_state_path, encode_state_value
from llmspell_core.state import InMemoryStateStore

VALUES: dict[str, Any] = {
    "int": 42,
    "negative int": -7,
    "big int": 2**62 + 1,
    "zero": 0,
    "float": 2.5,
    "integral float": 2.0,
    "negative zero": -0.0,
    "tiny float": 5e-324,
    "string": 'héllo \u2603 "quoted" \\ \n tab\t',
    "empty string": "",
    "true": True,
    "false": False,
    "null": None,
    "array": [1, "two", None, True, 3.5],
    "empty array": [],
    "empty table": {},
    "nested": {"k": [1.0, {"deep": [[], {"x": None}]}], "n": {"m": {"o": 1}}},
    "sparse lua table": {5: "x", 1: "a"},
    "numeric-looking string keys": {"1": "a", "2": "b"},
    "mixed keys": {1: "one", "name": "n", 2.5: "half"},
    "marker-like key": {"\u0000llmspell:pairs": [[1, 2]]},
}


@pytest.fixture(params=["memory", "sqlite"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[StateStore]:
    backend = cast(Literal["memory", "sqlite"], request.param)
    made = create_state_store(StateConfig(backend=backend, path=str(tmp_path / "state.db")))
    yield made
    await made.close()


def _same(a: Any, b: Any) -> bool:
    """Equal, with the same types all the way down (``1 == 1.0 == True`` is not enough)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        left, right = cast(dict[Any, Any], a), cast(dict[Any, Any], b)
        return left.keys() == right.keys() and all(_same(v, right[k]) for k, v in left.items())
    if isinstance(a, list):
        xs, ys = cast(list[Any], a), cast(list[Any], b)
        return len(xs) == len(ys) and all(_same(x, y) for x, y in zip(xs, ys, strict=True))
    if isinstance(a, float):
        return math.copysign(1, a) == math.copysign(1, b) and a == b
    return bool(a == b)


def test_the_factory_picks_the_backend(tmp_path: Path) -> None:
    assert isinstance(create_state_store(None), InMemoryStateStore)
    assert isinstance(create_state_store(StateConfig()), InMemoryStateStore)
    sqlite = create_state_store(StateConfig(backend="sqlite", path=str(tmp_path / "s.db")))
    assert isinstance(sqlite, SqliteStateStore)
    assert sqlite.path == tmp_path / "s.db"
    asyncio.run(sqlite.close())


@pytest.mark.parametrize("name", list(VALUES))
async def test_every_value_kind_round_trips(store: StateStore, name: str) -> None:
    await store.set("global", name, VALUES[name])
    loaded = await store.get("global", name)
    assert _same(loaded, VALUES[name]), (loaded, VALUES[name])


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
async def test_nan_and_infinities_become_null(store: StateStore, bad: float) -> None:
    await store.set("s", "k", {"v": bad, "list": [1, bad]})
    assert await store.get("s", "k") == {"v": None, "list": [1, None]}
    await store.set("s", "bare", bad)
    assert await store.get("s", "bare") is None
    assert await store.list_keys("s") == ["bare", "k"]  # stored as null, not dropped


async def test_scopes_keys_and_deletes(store: StateStore) -> None:
    await store.set("global", "b", 1)
    await store.set("global", "a", 2)
    await store.set("agent:x", "a", 3)
    await store.set("global", "a", 4)  # overwrite
    assert await store.list_keys("global") == ["a", "b"]
    assert await store.list_keys("agent:x") == ["a"]
    assert await store.list_keys("nobody") == []
    assert await store.get("global", "a") == 4
    assert await store.get("agent:x", "a") == 3
    assert await store.get("global", "missing") is None
    assert await store.delete("global", "a") is True
    assert await store.delete("global", "a") is False
    assert await store.list_keys("global") == ["b"]


async def test_the_store_keeps_its_own_copy(store: StateStore) -> None:
    value: dict[str, Any] = {"items": [1, 2]}
    await store.set("s", "k", value)
    value["items"].append(3)
    loaded = await store.get("s", "k")
    assert loaded == {"items": [1, 2]}
    loaded["items"].append(4)
    assert await store.get("s", "k") == {"items": [1, 2]}


async def test_tuples_come_back_as_arrays(store: StateStore) -> None:
    await store.set("s", "t", (1, (2, 3)))
    assert await store.get("s", "t") == [1, [2, 3]]


async def test_concurrent_writers_and_readers(store: StateStore) -> None:
    async def worker(n: int) -> list[Any]:
        await store.set("workflow:w", f"step-{n:03}", {"n": n, "half": n / 2})
        return [await store.get("workflow:w", f"step-{n:03}"), await store.list_keys("workflow:w")]

    results = await asyncio.gather(*(worker(n) for n in range(200)))
    for n, (value, keys) in enumerate(results):
        assert value == {"n": n, "half": n / 2}
        assert f"step-{n:03}" in keys
    assert len(await store.list_keys("workflow:w")) == 200


# -- SQLite only --------------------------------------------------------------------------------
async def test_sqlite_state_outlives_the_store(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "state.db"  # parent folders are created
    first = SqliteStateStore(path)
    await first.set("global", "visits", 3)
    await first.set("agent:a", "profile", {"skills": ["lua"], "score": 1.0})
    await first.close()
    second = SqliteStateStore(path)
    assert await second.get("global", "visits") == 3
    profile = await second.get("agent:a", "profile")
    assert _same(profile, {"skills": ["lua"], "score": 1.0})
    await second.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_sqlite_relative_path_is_taken_from_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    store = create_state_store(StateConfig(backend="sqlite", path=".llmspell/state.db"))
    assert isinstance(store, SqliteStateStore)
    assert store.path == tmp_path / ".llmspell" / "state.db"
    assert store.path.is_file()
    await store.close()


def test_sqlite_default_path_follows_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert default_state_path({"XDG_DATA_HOME": "/data"}) == Path("/data/llmspell/state.db")
    relative = default_state_path({"XDG_DATA_HOME": "rel", "HOME": "/home/u"})
    assert relative == Path("/home/u/.local/share/llmspell/state.db")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    store = create_state_store(StateConfig(backend="sqlite"))
    assert isinstance(store, SqliteStateStore)
    assert store.path == tmp_path / "xdg" / "llmspell" / "state.db"
    asyncio.run(store.close())


@pytest.mark.parametrize(
    ("where", "why"),
    [
        (".", "is a directory"),
        ("file.txt/state.db", "cannot create its folder"),
        ("junk.db", "is not a usable SQLite database"),
        ("locked/sub/state.db", "cannot create its folder"),
    ],
    ids=["directory", "parent is a file", "not a database", "unwritable folder"],
)
def test_sqlite_unusable_path_is_a_config_error(tmp_path: Path, where: str, why: str) -> None:
    (tmp_path / "file.txt").write_text("a file, not a folder")
    (tmp_path / "junk.db").write_bytes(b"this is not sqlite at all" * 100)
    if where.startswith("locked"):
        if os.geteuid() == 0:
            pytest.skip(
                "running as root, which ignores permission bits: no folder can be made "
                "unwritable (the same error is covered by the parent-is-a-file case)"
            )
        (tmp_path / "locked").mkdir(mode=0o500)
    path = tmp_path / where
    with pytest.raises(ConfigError, match=why) as caught:
        create_state_store(StateConfig(backend="sqlite", path=str(path)))
    assert str(path) in caught.value.message
    assert "[state] path" in caught.value.message
    assert caught.value.exit_code == 3


async def test_sqlite_closed_store_says_so(tmp_path: Path) -> None:
    store = SqliteStateStore(tmp_path / "s.db")
    await store.close()
    await store.close()  # idempotent
    with pytest.raises(UsageError, match="is closed"):
        await store.get("s", "k")


async def test_sqlite_rejects_what_json_cannot_hold(tmp_path: Path) -> None:
    store = SqliteStateStore(tmp_path / "s.db")
    with pytest.raises(ValidationError, match="object, which cannot be stored"):
        await store.set("s", "k", {"bad": object()})
    # values pydantic knows how to write as JSON are stored that way
    await store.set("s", "when", datetime(2024, 5, 1, tzinfo=UTC))
    assert await store.get("s", "when") == "2024-05-01T00:00:00Z"
    await store.close()


def test_sqlite_codec_keeps_number_types_and_keys() -> None:
    assert encode_state_value({"a": 1, "b": 1.0}) == '{"a":1,"b":1.0}'
    assert decode_state_value(encode_state_value({3: [1]})) == {3: [1]}
    assert decode_state_value(encode_state_value("\u2603")) == "\u2603"


_WRITER = """
import asyncio, sys
from llmspell_core import SqliteStateStore

async def main(path, who):
    store = SqliteStateStore(path)
    for n in range(150):
        await store.set("shared", f"{who}-{n:03}", n)
        assert await store.get("shared", f"{who}-{n:03}") == n
    await store.close()

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


def test_sqlite_two_processes_share_one_file(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    writers = [
        subprocess.Popen([sys.executable, "-c", _WRITER, str(path), who]) for who in ("p", "q")
    ]
    assert [w.wait(timeout=60) for w in writers] == [0, 0]

    async def keys() -> list[str]:
        store = SqliteStateStore(path)
        try:
            return await store.list_keys("shared")
        finally:
            await store.close()

    found = asyncio.run(keys())
    assert found == sorted([f"p-{n:03}" for n in range(150)] + [f"q-{n:03}" for n in range(150)])


_OPENER = """
import asyncio, os, sys, time
from llmspell_core import SqliteStateStore

while not os.path.exists(sys.argv[2]):  # start together: the race is in creating the file
    time.sleep(0.001)

async def main(path, who):
    store = SqliteStateStore(path)
    await store.set("opened", who, True)
    await store.close()

asyncio.run(main(sys.argv[1], sys.argv[3]))
"""


def test_sqlite_many_processes_create_one_file_at_once(tmp_path: Path) -> None:
    """SQLite answers a racing switch to WAL with "database is locked" at once; setup retries."""
    for round_ in range(8):
        path = tmp_path / f"fresh-{round_}.db"
        go = tmp_path / f"go-{round_}"
        openers = [
            subprocess.Popen(
                [sys.executable, "-c", _OPENER, str(path), str(go), str(who)],
                stderr=subprocess.PIPE,
                text=True,
            )
            for who in range(6)
        ]
        time.sleep(0.3)
        go.touch()
        errors = [p.communicate(timeout=60)[1] for p in openers]
        assert [p.returncode for p in openers] == [0] * 6, errors

        async def opened(path: Path = path) -> list[str]:
            store = SqliteStateStore(path)
            try:
                return await store.list_keys("opened")
            finally:
                await store.close()

        assert asyncio.run(opened()) == [str(who) for who in range(6)]
