"""Per tool and host token buckets, so a loop in a spell cannot hammer one server.

Buckets live per event loop (a TokenBucket's lock belongs to one loop) and per
``(tool, host, rate, burst)``, so changing the config gives a fresh bucket.
"""

from __future__ import annotations

import asyncio
import weakref

from llmspell_utils import TokenBucket

__all__ = ["host_bucket", "wait_for_host"]

_Key = tuple[str, str, float, int]
_buckets: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[_Key, TokenBucket]] = (
    weakref.WeakKeyDictionary()
)


def host_bucket(tool: str, host: str, rate: float, burst: int) -> TokenBucket:
    """The shared bucket for ``tool`` talking to ``host`` on the running loop."""
    loop = asyncio.get_running_loop()
    per_loop = _buckets.get(loop)
    if per_loop is None:
        per_loop = {}
        _buckets[loop] = per_loop
    key = (tool, host.lower(), rate, burst)
    bucket = per_loop.get(key)
    if bucket is None:
        bucket = TokenBucket(rate=rate, capacity=burst)
        per_loop[key] = bucket
    return bucket


async def wait_for_host(tool: str, host: str, rate: float, burst: int) -> float:
    """Wait for a token; returns the seconds waited (0.0 when one was ready)."""
    bucket = host_bucket(tool, host, rate, burst)
    if bucket.try_acquire():
        return 0.0
    loop = asyncio.get_running_loop()
    started = loop.time()
    await bucket.acquire()
    return loop.time() - started
