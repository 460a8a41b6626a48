"""uuid7 and prefixed ids: layout per RFC 9562 and strict ordering."""

from __future__ import annotations

import re
import threading
import time
import uuid

import pytest

from llmspell_core.errors import ValidationError
from llmspell_utils import prefixed_id, uuid7, uuid7_unix_ms


def test_version_and_variant_bits() -> None:
    value = uuid7()
    assert value.version == 7
    assert value.variant == uuid.RFC_4122
    assert (value.int >> 76) & 0xF == 7
    assert (value.int >> 62) & 0b11 == 0b10


def test_timestamp_is_unix_milliseconds() -> None:
    before = time.time_ns() // 1_000_000
    value = uuid7()
    after = time.time_ns() // 1_000_000
    assert before <= uuid7_unix_ms(value) <= after + 1


def test_strictly_increasing_within_a_millisecond() -> None:
    values = [uuid7() for _ in range(20_000)]
    assert values == sorted(values)
    assert len(set(values)) == len(values)
    # many share a millisecond, so ordering there comes from the counter, not the clock
    stamps = [uuid7_unix_ms(v) for v in values]
    assert len(set(stamps)) < len(stamps)


def test_unique_across_threads() -> None:
    results: list[list[uuid.UUID]] = [[] for _ in range(4)]

    def make(bucket: list[uuid.UUID]) -> None:
        bucket.extend(uuid7() for _ in range(2_000))

    threads = [threading.Thread(target=make, args=(bucket,)) for bucket in results]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    everything = [value for bucket in results for value in bucket]
    assert len(set(everything)) == len(everything)
    for bucket in results:
        assert bucket == sorted(bucket)


def test_uuid7_unix_ms_rejects_other_versions() -> None:
    with pytest.raises(ValidationError, match="version 4"):
        uuid7_unix_ms(uuid.uuid4())


def test_prefixed_id_shape_and_order() -> None:
    ids = [prefixed_id("agent") for _ in range(1_000)]
    pattern = re.compile(r"agent_[0-9a-hjkmnp-tv-z]{26}")
    assert all(pattern.fullmatch(i) for i in ids)
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)
    # the leading characters encode the timestamp, so current ids start with "01"
    assert ids[0].startswith("agent_01")


def test_prefixed_id_round_trips_to_uuid7() -> None:
    alphabet = "0123456789abcdefghjkmnpqrstvwxyz"
    before = time.time_ns() // 1_000_000
    suffix = prefixed_id("tool_call").removeprefix("tool_call_")
    number = 0
    for char in suffix:
        number = number * 32 + alphabet.index(char)
    value = uuid.UUID(int=number)
    assert value.version == 7
    assert uuid7_unix_ms(value) >= before


@pytest.mark.parametrize("bad", ["", "Agent", "1agent", "agent-x", "agent_", "a b", "_a"])
def test_bad_prefixes_are_refused(bad: str) -> None:
    with pytest.raises(ValidationError, match="invalid id prefix"):
        prefixed_id(bad)
