"""What the OpenAI and Anthropic providers share: one SDK client per loop, stream relaying.

Both official SDKs are built the same way (``AsyncOpenAI`` / ``AsyncAnthropic`` with a key, a
base URL, no retries of their own) and both stream raw events that a small state object turns
into llmspell chunks, so the plumbing lives here once and each provider keeps only its format.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from types import ModuleType
from typing import Any, ClassVar, Protocol

from llmspell_core.errors import ProviderError, ProviderUnavailableError
from llmspell_core.extras import import_optional
from llmspell_core.provider import CompletionChunk
from llmspell_providers.base import BaseProvider, LoopBoundClient
from llmspell_providers.error_mapping import bad_response
from llmspell_providers.model_info import ModelInfo

__all__ = ["SDKProvider", "StreamState"]

#: Sent when no key is configured (a local server may need none); the SDKs insist on one.
PLACEHOLDER_KEY = "llmspell-no-key"


class StreamState(Protocol):
    """Turns one SDK stream's raw events into llmspell chunks."""

    events: int

    @property
    def finished(self) -> bool:
        """Whether the model said it was done (a stream may be cut before that)."""
        ...

    def feed(self, event: Any) -> CompletionChunk | None: ...

    def final(self) -> CompletionChunk: ...


class SDKProvider(BaseProvider):
    """A provider calling an official async SDK client."""

    #: The SDK's import name, which is also the ``llmspell-providers`` extra that installs it.
    sdk_name: ClassVar[str]
    #: The async client class in that SDK (``AsyncOpenAI``).
    client_class: ClassVar[str]
    #: Where the official API lives, when no base URL is configured.
    official_base_url: ClassVar[str]
    #: What a model not in the table is assumed to do (the server decides in the end).
    default_model_info: ClassVar[ModelInfo]
    #: Models listed for the official API.
    official_models: ClassVar[list[str]]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: LoopBoundClient[Any] = LoopBoundClient(self._make_client)

    def _load_sdk(self) -> ModuleType:
        return import_optional(
            self.sdk_name,
            what=f"provider '{self.settings.name}'",
            distribution="llmspell-providers",
            extra=self.sdk_name,
        )

    @property
    def base_url(self) -> str:
        return self.settings.base_url or self.official_base_url

    def _make_client(self) -> Any:
        assert self.sdk is not None
        key = self.settings.api_key.get_secret_value() if self.settings.api_key else None
        return getattr(self.sdk, self.client_class)(
            api_key=key or PLACEHOLDER_KEY,
            base_url=self.base_url,
            max_retries=0,  # one retry policy: ours
            # a margin over our own per-request timeout, which then reports it precisely; as
            # the SDK's Timeout, which it would otherwise build again for every request
            timeout=self.sdk.Timeout(self.settings.timeout_seconds + 5.0),
        )

    @property
    def client(self) -> Any:
        """The SDK client for the running event loop."""
        return self._clients.get()

    def _listed_models(self, official: bool) -> list[str]:
        """The models to list, the configured default first."""
        models = list(self.official_models) if official else []
        default = self.settings.default_model
        if default:
            if default in models:
                models.remove(default)
            models.insert(0, default)
        return models

    def _unexpected(self, raw: Any) -> ProviderError:
        """The error for a body that is not the expected response (text, HTML, other JSON)."""
        if isinstance(raw, dict | list):
            preview: Any = json.dumps(raw, default=str)[:120]
        elif isinstance(raw, str | bytes):
            preview = raw[:120]
        else:
            preview = type(raw).__name__
        return bad_response(self.error_context, f"got {preview!r}")

    def _not_a_stream(self, raw: Any) -> None:
        """Raise when the server answered a streaming request with a plain body."""
        if isinstance(raw, (str, bytes)):
            raise bad_response(self.error_context, f"got {raw[:120]!r} instead of a stream")

    async def _relay(self, raw: Any, state: StreamState) -> AsyncIterator[CompletionChunk]:
        """Chunks of an SDK stream, then the final one; a stream cut short is an error."""
        try:
            async for event in raw:
                chunk = state.feed(event)
                if chunk is not None:
                    yield chunk
        finally:
            await raw.close()
        if state.events == 0:
            raise bad_response(self.error_context, "the stream held no events")
        if not state.finished:
            raise ProviderUnavailableError(
                f"provider '{self.name}' ended the stream before the model finished",
                code="STREAM_INCOMPLETE",
            )
        yield state.final()

    async def aclose(self) -> None:
        await self._clients.aclose()
