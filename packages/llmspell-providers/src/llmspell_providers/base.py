"""Plumbing every llmspell provider shares: the request policy, record/replay, stream checks.

A concrete provider implements ``_complete``, ``_stream`` (and ``_embed``) against its API;
this base runs them under :class:`RequestPolicy` (retries, timeouts, deadline, cancellation),
answers from or writes to the ``LLMSPELL_REPLAY`` / ``LLMSPELL_RECORD`` tape, and makes sure
a stream ends in exactly one ``done`` chunk or fails with a clear error.
"""

from __future__ import annotations

import asyncio
from abc import abstractmethod
from collections.abc import AsyncIterator, Callable
from functools import partial
from types import CoroutineType, ModuleType
from typing import Any, Generic, TypeVar

from llmspell_core.context import ExecutionContext
from llmspell_core.errors import LLMSpellError, ProviderError, ProviderUnavailableError
from llmspell_core.provider import (
    CompletionChunk,
    CompletionRequest,
    CompletionResponse,
    Provider,
    ProviderSettings,
)
from llmspell_providers.error_mapping import ErrorContext, map_provider_error
from llmspell_providers.policy import RequestPolicy
from llmspell_providers.recording import (
    ActiveTape,
    Kind,
    active_tape,
    embed_fingerprint,
    raise_recorded,
    recordable,
    request_fingerprint,
)

__all__ = ["BaseProvider", "LoopBoundClient"]

ClientT = TypeVar("ClientT")

_running_loop = asyncio.get_running_loop


class LoopBoundClient(Generic[ClientT]):
    """One SDK client per event loop: async HTTP pools must not cross loops."""

    def __init__(self, make: Callable[[], ClientT]) -> None:
        self._make = make
        self._loop: asyncio.AbstractEventLoop | None = None
        self._client: ClientT | None = None

    def get(self) -> ClientT:
        """The client for the running loop, made on the loop's first request."""
        loop = _running_loop()
        client = self._client
        if client is None or self._loop is not loop:
            client = self._client = self._make()
            self._loop = loop
        return client

    async def aclose(self) -> None:
        client, self._client = self._client, None
        loop, self._loop = self._loop, None
        if client is None or loop is None:
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            return
        close = getattr(client, "close", None)
        if running is loop and close is not None:
            try:
                await close()
            except Exception:  # closing is best effort; the loop may be going away
                return


async def _aclose(items: AsyncIterator[Any]) -> None:
    close = getattr(items, "aclose", None)
    if close is not None:
        try:
            await close()
        except Exception:  # a broken stream may fail to close; the error was already raised
            return


class BaseProvider(Provider):
    """A provider with llmspell's robustness and record/replay around its API calls."""

    def __init__(self, settings: ProviderSettings) -> None:
        super().__init__(settings)
        #: The SDK module whose exceptions :func:`map_provider_error` understands; loaded
        #: here so a missing extra fails when the agent is built, not on its first call.
        self.sdk: ModuleType | None = self._load_sdk()
        self.policy = RequestPolicy(
            provider=settings.name,
            timeout=settings.timeout_seconds,
            attempts=settings.max_retries + 1,
            map_error=self.map_error,
        )
        self.error_context = ErrorContext(
            provider=settings.name,
            provider_type=self.provider_type,
            base_url=settings.base_url,
            key_hint=self.key_hint(),
        )
        self._env_tape: ActiveTape | None = None
        self._env_tape_known = False

    # -- hooks for implementations ------------------------------------------------------------
    def _load_sdk(self) -> ModuleType | None:
        return None

    @abstractmethod
    async def _complete(self, request: CompletionRequest) -> CompletionResponse: ...

    @abstractmethod
    def _stream(self, request: CompletionRequest) -> AsyncIterator[CompletionChunk]:
        """Yield deltas; the last chunk has ``done=True`` with usage and finish reason."""

    async def _embed(self, texts: list[str], model: str | None) -> list[list[float]]:
        raise ProviderError(
            f"provider '{self.name}' ({self.provider_type}) does not support embeddings; "
            f"use an OpenAI-compatible provider or 'local'",
            code="UNSUPPORTED",
        )

    def key_hint(self) -> str:
        """Where the key comes from, for authentication error messages."""
        name = self.settings.name
        variable = self.settings.key_source
        if variable is None:
            env = self.default_api_key_env if name == self.provider_type else None
            own = "".join(c if c.isalnum() else "_" for c in name).upper()
            variable = env or f"LLMSPELL_{own}_API_KEY"
        return f"{variable} (or api_key / api_key_env in [providers.{name}])"

    def _active_tape(self) -> ActiveTape | None:
        """The ``LLMSPELL_RECORD`` / ``LLMSPELL_REPLAY`` tape, read from the environment at the
        first request: a run sets it before it starts, and reading it per call is measurable."""
        if not self._env_tape_known:
            self._env_tape = active_tape()
            self._env_tape_known = True
        return self._env_tape

    def map_error(self, exc: BaseException) -> LLMSpellError | None:
        return map_provider_error(exc, self.sdk, self.error_context)

    def _record_failure(
        self,
        tape: ActiveTape | None,
        kind: Kind,
        fingerprint: dict[str, Any],
        error: ProviderError,
        chunks: list[CompletionChunk] | None,
    ) -> None:
        if tape is not None and tape[0] == "record" and recordable(error):
            tape[1].record_failure(
                kind, fingerprint, error,
                provider=self.name, provider_type=self.provider_type, chunks=chunks,
            )  # fmt: skip

    # -- the Provider interface -------------------------------------------------------------------
    def complete(
        self, request: CompletionRequest, ctx: ExecutionContext
    ) -> CoroutineType[Any, Any, CompletionResponse]:
        """Awaited like the ``async def`` it overrides. Without a tape it hands back the request
        policy's coroutine itself: one coroutine frame less under every await of the SDK call,
        which is the hot path of every agent (and a ``partial`` rather than a lambda: one
        Python frame less on each attempt)."""
        what = f"{self.settings.name}/{request.model or '?'} completion"
        tape = self._env_tape if self._env_tape_known else self._active_tape()
        if tape is None:
            return self.policy.call(partial(self._complete, request), ctx, what)
        return self._complete_taped(request, ctx, what, tape)

    async def _complete_taped(
        self, request: CompletionRequest, ctx: ExecutionContext, what: str, tape: ActiveTape
    ) -> CompletionResponse:
        mode, recording = tape
        if mode == "replay":
            ctx.check(what)
            return recording.replay_response(request)
        try:
            response = await self.policy.call(lambda: self._complete(request), ctx, what)
        except ProviderError as error:
            self._record_failure(tape, "complete", request_fingerprint(request), error, None)
            raise
        recording.record_response(
            request, response, provider=self.name, provider_type=self.provider_type
        )
        return response

    async def stream(
        self, request: CompletionRequest, ctx: ExecutionContext
    ) -> AsyncIterator[CompletionChunk]:
        what = f"{self.settings.name}/{request.model or '?'} stream"
        tape = self._active_tape()
        if tape is not None and tape[0] == "replay":
            ctx.check(what)
            chunks, entry = tape[1].replay_chunks(request)
            for chunk in chunks:
                yield chunk
            raise_recorded(entry)  # a stream recorded breaking breaks here again
            return

        async def open_stream() -> tuple[AsyncIterator[CompletionChunk], CompletionChunk]:
            items = aiter(self._stream(request))
            try:
                first = await anext(items)
            except StopAsyncIteration:
                await _aclose(items)
                raise ProviderUnavailableError(
                    f"{what}: provider '{self.name}' ended the stream without sending anything",
                    code="STREAM_INCOMPLETE",
                ) from None
            except BaseException:
                await _aclose(items)
                raise
            return items, first

        recorded: list[CompletionChunk] | None = [] if tape is not None else None
        try:
            items, chunk = await self.policy.call(open_stream, ctx, what)
        except ProviderError as error:
            self._record_failure(tape, "stream", request_fingerprint(request), error, recorded)
            raise
        sent = 0
        try:
            while True:
                if recorded is not None:
                    recorded.append(chunk)
                yield chunk
                sent += 1
                if chunk.done:
                    break
                try:
                    chunk = await self.policy.next_item(items, ctx, what)
                except StopAsyncIteration:
                    raise ProviderUnavailableError(
                        f"{what}: the stream ended after {sent} chunk(s) before the model "
                        f"finished (connection cut?)",
                        code="STREAM_INCOMPLETE",
                    ) from None
                except ProviderUnavailableError as exc:
                    raise ProviderUnavailableError(
                        f"{what}: the stream broke after {sent} chunk(s): {exc.message}",
                        code="STREAM_INCOMPLETE",
                        details=exc.details,
                    ) from exc
        except ProviderError as error:
            self._record_failure(tape, "stream", request_fingerprint(request), error, recorded)
            raise
        finally:
            await _aclose(items)
        if tape is not None and recorded is not None:
            tape[1].record_stream(
                request, recorded, provider=self.name, provider_type=self.provider_type
            )

    async def embed(
        self, texts: list[str], model: str | None, ctx: ExecutionContext
    ) -> list[list[float]]:
        what = f"{self.settings.name}/{model or '?'} embedding"
        tape = self._active_tape()
        if tape is not None and tape[0] == "replay":
            ctx.check(what)
            return tape[1].replay_embedding(texts, model)
        try:
            vectors = await self.policy.call(lambda: self._embed(texts, model), ctx, what)
        except ProviderError as error:
            self._record_failure(tape, "embed", embed_fingerprint(texts, model), error, None)
            raise
        if tape is not None:
            tape[1].record_embedding(
                texts, model, vectors, provider=self.name, provider_type=self.provider_type
            )
        return vectors
