"""Time-ordered ids: UUIDv7 (RFC 9562) and short prefixed ids such as ``agent_01j9...``.

Ids sort by creation time, which keeps logs, state keys and session lists in a natural order,
and they stay unique and strictly increasing within one process even inside one millisecond.
"""

from __future__ import annotations

import os
import re
import threading
import time
import uuid

from llmspell_core.errors import ValidationError

__all__ = ["prefixed_id", "uuid7", "uuid7_unix_ms"]

# RFC 9562 section 6.2 method 1: a 42-bit counter in rand_a (12 bits) and the top 30 bits of
# rand_b, seeded randomly each new millisecond with its top bit clear so it has room to grow.
_COUNTER_BITS = 42
_COUNTER_MAX = (1 << _COUNTER_BITS) - 1
_lock = threading.Lock()
_last_ms = 0
_last_counter = 0

_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"
_PREFIX = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")


def uuid7() -> uuid.UUID:
    """A new version-7 UUID; each call in this process returns a larger one than the last."""
    global _last_ms, _last_counter
    with _lock:
        now_ms = time.time_ns() // 1_000_000
        if now_ms > _last_ms:
            counter = int.from_bytes(os.urandom(6)) >> (48 - _COUNTER_BITS + 1)
        else:  # same millisecond, or the wall clock stepped back: keep counting up
            now_ms = _last_ms
            counter = _last_counter + 1
            if counter > _COUNTER_MAX:
                now_ms += 1  # counter exhausted: borrow the next millisecond
                counter = int.from_bytes(os.urandom(6)) >> (48 - _COUNTER_BITS + 1)
        _last_ms, _last_counter = now_ms, counter
    tail = int.from_bytes(os.urandom(4))
    rand_a = counter >> 30
    rand_b = ((counter & ((1 << 30) - 1)) << 32) | tail
    value = (now_ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76 | rand_a << 64
    value |= 0b10 << 62 | rand_b
    return uuid.UUID(int=value)


def uuid7_unix_ms(value: uuid.UUID) -> int:
    """The Unix time in milliseconds a UUIDv7 was made at."""
    if value.version != 7:
        raise ValidationError(
            f"{value} is a version {value.version} UUID, not version 7",
            details={"field": "uuid"},
        )
    return value.int >> 80


def _crockford32(number: int, length: int) -> str:
    chars: list[str] = []
    for _ in range(length):
        number, digit = divmod(number, 32)
        chars.append(_CROCKFORD[digit])
    return "".join(reversed(chars))


def prefixed_id(prefix: str) -> str:
    """``<prefix>_<26 chars>``: a UUIDv7 in lowercase Crockford base32, so it sorts by time.

    The prefix says what the id names (``agent``, ``session``, ``run``): lowercase letters and
    digits, optionally joined by single underscores.
    """
    if not _PREFIX.fullmatch(prefix):
        raise ValidationError(
            f"invalid id prefix {prefix!r}: use lowercase letters and digits "
            "starting with a letter, e.g. 'agent' or 'tool_call'",
            details={"field": "prefix"},
        )
    return f"{prefix}_{_crockford32(uuid7().int, 26)}"
