"""One robustness policy for every provider request: retries, timeouts, deadline, cancellation.

The SDKs' own retries are switched off (``max_retries=0``) so this is the only retry loop:
exponential backoff with full jitter on 429, 5xx, broken connections and per-request timeouts,
honouring ``Retry-After``, never sleeping past the spell's deadline, and stopped at once when
the spell's cancellation token fires. A spell therefore never hangs on a provider.
"""

from __future__ import annotations

import asyncio
import builtins
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from functools import partial
from types import TracebackType
from typing import TypeVar

from llmspell_core.context import ExecutionContext
from llmspell_core.errors import (
    CancelledError,
    LLMSpellError,
    ProviderUnavailableError,
    RateLimitError,
    TimeoutError,
)
from llmspell_providers.deadlines import DeadlineWatch, deadline_watch
from llmspell_providers.token_watch import TokenWatch, token_watch
from llmspell_utils import RetryEvent, retry_async

__all__ = ["AttemptScope", "RequestPolicy", "is_retryable"]

T = TypeVar("T")
log = logging.getLogger("llmspell.providers")

ErrorMapper = Callable[[BaseException], LLMSpellError | None]

_running_loop = asyncio.get_running_loop
_current_task = asyncio.current_task


def is_retryable(error: BaseException) -> bool:
    """Rate limits, unreachable or failing servers and per-request timeouts."""
    return isinstance(error, RateLimitError | ProviderUnavailableError)


class AttemptScope:
    """One attempt's limits in one scope: a time budget and the spell's cancellation token.

    Waiting on the thread-safe token (through its :class:`TokenWatch`, instead of polling) is
    what lets Ctrl-C or a script-side cancel interrupt a request blocked on the network; the
    budget is watched by the loop's :class:`DeadlineWatch`. Either one cancels the current
    task, and leaving the scope turns that cancellation into the llmspell error that says
    which limit it was.
    """

    __slots__ = (
        "_budget",
        "_ctx",
        "_expired",
        "_inside",
        "_loop",
        "_on_expire",
        "_task",
        "_token_fired",
        "_tokens",
        "_watch",
        "_what",
    )

    def __init__(
        self,
        ctx: ExecutionContext,
        what: str,
        budget: float | None = None,
        on_expire: Callable[[], LLMSpellError] | None = None,
    ) -> None:
        self._ctx = ctx
        self._what = what
        self._budget = budget
        self._on_expire = on_expire
        # the task, loop and watches are set on entering: nothing calls back before that
        self._task: asyncio.Task[object] | None
        self._loop: asyncio.AbstractEventLoop | None
        self._tokens: TokenWatch | None
        self._watch: DeadlineWatch | None = None
        self._inside = False
        self._expired = False
        self._token_fired = False

    def token_fired(self) -> None:  # any thread
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._cancel_for_token)

    def _cancel_for_token(self) -> None:
        if self._inside and self._task is not None and not (self._token_fired or self._expired):
            self._token_fired = True
            self._task.cancel()

    def expire(self) -> None:
        """The budget ran out (called by the loop's deadline watch)."""
        if self._inside and self._task is not None and not (self._token_fired or self._expired):
            self._expired = True
            self._task.cancel()

    def _cancelled(self) -> CancelledError:
        reason = self._ctx.cancellation.reason or "cancelled"
        return CancelledError(f"{self._what} cancelled: {reason}")

    def __enter__(self) -> AttemptScope:
        token = self._ctx.cancellation
        loop = self._loop = _running_loop()
        self._task = _current_task(loop)
        self._inside = True
        if self._budget is not None:
            watch = self._watch = deadline_watch(loop)
            watch.add(self, loop.time() + self._budget)
        tokens = self._tokens = token_watch(token)
        tokens.add(self)
        if token.cancelled:  # it fired already (maybe before this joined its watch): stop here
            self.__exit__(None, None, None)
            raise self._cancelled()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._inside = False
        if self._watch is not None:
            self._watch.discard(self)
            self._watch = None
        if self._tokens is not None:
            self._tokens.discard(self)
            self._tokens = None
        if not (self._token_fired or self._expired):
            return
        if self._task is not None:
            self._task.uncancel()
        if not isinstance(exc, asyncio.CancelledError):
            return
        if self._token_fired:
            raise self._cancelled() from exc
        if self._on_expire is not None:
            raise self._on_expire() from exc
        raise builtins.TimeoutError(f"{self._what} timed out") from exc


class RequestPolicy:
    """How one provider instance calls out: timeout per attempt, attempts, backoff."""

    def __init__(
        self,
        *,
        provider: str,
        timeout: float | None,
        attempts: int,
        map_error: ErrorMapper,
        base_delay: float = 0.5,
        max_delay: float = 20.0,
    ) -> None:
        self.provider = provider
        self.timeout = timeout
        self.attempts = max(1, attempts)
        self.base_delay = base_delay
        self.max_delay = max_delay
        self._map_error = map_error

    def _timeout_error(
        self, ctx: ExecutionContext, what: str, budget: float | None, streaming: bool
    ) -> LLMSpellError:
        if ctx.expired():
            return TimeoutError(f"{what} stopped: the spell's time limit was reached")
        waited = f"{budget:g}s" if budget is not None else "the time allowed"
        action = "sent nothing more" if streaming else "did not answer"
        return ProviderUnavailableError(
            f"{what}: provider '{self.provider}' {action} within {waited}; raise "
            f"timeout_seconds in [providers.{self.provider}] if the model is slow",
            code="PROVIDER_TIMEOUT",
            details={"provider": self.provider, "timeout_seconds": budget},
        )

    async def call(
        self,
        op: Callable[[], Awaitable[T]],
        ctx: ExecutionContext,
        what: str,
        *,
        streaming: bool = False,
        retry: bool = True,
    ) -> T:
        """Run ``op`` with the timeout, retrying transient failures within the deadline.

        This is the first attempt; a transient failure goes on to :meth:`_retry` (the first
        attempt needs none of that machinery, nor another frame: this is every agent call).
        With ``retry=False`` it is one attempt, which is how :meth:`_retry` makes the others.
        A cancelled context stops it before ``op`` starts (the scope checks the token).
        """
        if ctx.deadline is None:
            budget = self.timeout
        else:
            ctx.check(what)  # past the spell's deadline: not one more attempt
            budget = ctx.timeout_for(self.timeout)
        # a partial, not a lambda: no closure cells in this frame, which every request runs
        scope = AttemptScope(
            ctx, what, budget, partial(self._timeout_error, ctx, what, budget, streaming)
        )
        try:
            with scope:
                try:
                    return await op()
                except (asyncio.CancelledError, StopAsyncIteration, LLMSpellError):
                    raise
                except Exception as exc:
                    mapped = self._map_error(exc)
                    if mapped is None:
                        raise
                    raise mapped from exc
        except (RateLimitError, ProviderUnavailableError) as first:
            if not retry or self.attempts == 1:
                raise
            return await self._retry(first, op, ctx, what)

    async def _retry(
        self,
        first: Exception,
        op: Callable[[], Awaitable[T]],
        ctx: ExecutionContext,
        what: str,
    ) -> T:
        """Attempts 2 and on, after ``first`` failed: backoff, the deadline, the last error."""
        last: list[BaseException] = []
        pending: list[Exception] = [first]

        async def attempt() -> T:
            if pending:  # hand the first failure to the retry loop as its attempt 1
                raise pending.pop()
            return await self.call(op, ctx, what, retry=False)

        def on_retry(event: RetryEvent) -> None:
            last[:] = [event.error]
            log.info(
                "%s failed (attempt %d of %d): %s; retrying in %.2fs",
                what,
                event.attempt,
                event.attempts,
                event.error,
                event.delay,
            )

        async def sleep(delay: float) -> None:
            left = ctx.remaining()
            if left is not None and delay >= left:
                cause = f": {last[0]}" if last else ""
                raise TimeoutError(
                    f"{what} stopped: the spell's time limit leaves no time to retry{cause}"
                )
            with AttemptScope(ctx, what):
                await asyncio.sleep(delay)

        try:
            return await retry_async(
                attempt,
                retry_on=is_retryable,
                attempts=self.attempts,
                base_delay=self.base_delay,
                max_delay=self.max_delay,
                on_retry=on_retry,
                sleep=sleep,
            )
        except (RateLimitError, ProviderUnavailableError) as exc:
            if "attempts)" not in exc.message:
                exc.message = f"{exc.message} (gave up after {self.attempts} attempts)"
            raise

    async def next_item(self, items: AsyncIterator[T], ctx: ExecutionContext, what: str) -> T:
        """The next streamed item within the idle timeout; StopAsyncIteration at the end."""
        return await self.call(items.__anext__, ctx, what, streaming=True, retry=False)
