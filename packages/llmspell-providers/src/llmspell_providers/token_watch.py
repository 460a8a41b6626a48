"""One callback per cancellation token for every provider attempt waiting on it.

An attempt must stop as soon as the spell's token fires, from whatever thread cancels it.
Subscribing each request to the token (``on_cancel``, then its unsubscribe) takes the token's
lock twice and makes a closure, a measurable part of an agent call, while a spell's requests
all share one token. So a token gets one callback, the first time an attempt waits on it, and
attempts just enter and leave that token's watch: a dict, without a lock.
"""

from __future__ import annotations

import threading
import weakref
from typing import Protocol

from llmspell_core.cancellation import CancellationToken

__all__ = ["Interruptible", "TokenWatch", "token_watch"]


class Interruptible(Protocol):
    def token_fired(self) -> None:
        """The token was cancelled (called on the thread that cancelled it)."""
        ...


class TokenWatch:
    """The attempts waiting on one token; the token holds it (through its callback), and it
    holds the token weakly, so it lives exactly as long as the token still can fire."""

    __slots__ = ("__weakref__", "_attempts", "token")

    def __init__(self, token: CancellationToken) -> None:
        self.token = weakref.ref(token)
        self._attempts: dict[Interruptible, None] = {}

    def add(self, attempt: Interruptible) -> None:
        self._attempts[attempt] = None

    def discard(self, attempt: Interruptible) -> None:
        self._attempts.pop(attempt, None)

    def __len__(self) -> int:
        return len(self._attempts)

    def fire(self) -> None:
        """The token's callback (any thread): tell every attempt waiting on it."""
        for attempt in list(self._attempts):  # one step under the GIL: safe while loops add
            attempt.token_fired()


#: Watches by ``id(token)``, held weakly (each checks it is still its token's: ids are reused).
_by_token: weakref.WeakValueDictionary[int, TokenWatch] = weakref.WeakValueDictionary()
_by_token_lock = threading.Lock()
#: The watch asked for last: a spell's requests nearly all wait on the same token.
_recent: TokenWatch | None = None


def token_watch(token: CancellationToken) -> TokenWatch:
    """The watch of ``token``, subscribed to it once.

    A token that has already fired calls the new watch back at once, with nothing in it:
    attempts check ``token.cancelled`` after they join, which covers that case.
    """
    global _recent
    recent = _recent
    if recent is not None and recent.token() is token:
        return recent
    with _by_token_lock:
        watch = _by_token.get(id(token))
        if watch is None or watch.token() is not token:
            watch = _by_token[id(token)] = TokenWatch(token)
            token.on_cancel(watch.fire)
        _recent = watch
    return watch
