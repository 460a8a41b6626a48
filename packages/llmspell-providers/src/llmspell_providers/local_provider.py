"""The offline ``local`` provider: echo, scripted turns, or a replayed recording.

It is the default when no API key is configured, so a first ``llmspell run`` works without
an account. It never pretends to be a model: echo replies say they come from the offline
provider, and structured output is a schema-valid placeholder whose strings say ``offline``.

Modes, chosen by model name (``local/echo``, ``local/scripted``, ``local/replay``) or, for any
other name, by ``script_file`` (``[providers.local] script_file`` or ``LLMSPELL_LOCAL_SCRIPT``):

- echo: repeats the last user message;
- scripted: answers with the file's turns in order, a JSON list (or ``{"turns": [...]}``, or
  JSON lines) of strings or ``{"text": ..., "tool_calls": [{"name": ..., "arguments": {...}}]}``;
- replay: the file is a recording (``LLMSPELL_RECORD``), answered from by request.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, ClassVar, Literal, cast

from pydantic import BaseModel, Field
from pydantic import ValidationError as PydanticValidationError

from llmspell_core.errors import ConfigError, ProviderError
from llmspell_core.messages import Message, Role, ToolCall
from llmspell_core.provider import (
    CompletionChunk,
    CompletionRequest,
    CompletionResponse,
    ProviderCapabilities,
)
from llmspell_core.usage import Usage
from llmspell_providers.base import BaseProvider
from llmspell_providers.hash_embeddings import DEFAULT_DIMENSIONS, hash_embedding
from llmspell_providers.recording import ActiveTape, Tape, active_tape, raise_recorded, tape_for
from llmspell_providers.schema_example import example_for

__all__ = ["OFFLINE_NOTICE", "LocalProvider", "ScriptedToolCall", "ScriptedTurnSpec"]

Mode = Literal["echo", "scripted", "replay"]
MODES: tuple[Mode, ...] = ("echo", "scripted", "replay")
SCRIPT_ENV = "LLMSPELL_LOCAL_SCRIPT"
OFFLINE_NOTICE = "[offline: llmspell's local provider echoes, no LLM was called]"


class ScriptedToolCall(BaseModel):
    name: str
    arguments: dict[str, Any] = Field(default_factory=dict[str, Any])
    id: str | None = None


class ScriptedTurnSpec(BaseModel):
    """One scripted reply from a turns file."""

    text: str = ""
    tool_calls: list[ScriptedToolCall] = Field(default_factory=list[ScriptedToolCall])


def _words(text: str) -> int:
    return len(text.split())


def _load_turns(path: Path) -> list[ScriptedTurnSpec] | None:
    """The turns in ``path``, or None when the file is a recording (replay mode)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(
            f"cannot read the local provider's script file {path}: {exc.strerror or exc}; "
            f"set [providers.local] script_file or {SCRIPT_ENV} to an existing file"
        ) from exc
    items: list[Any]
    try:
        data = json.loads(text)
        if isinstance(data, dict) and "turns" in data:
            data = cast(dict[str, Any], data)["turns"]
        items = cast(list[Any], data) if isinstance(data, list) else [data]
    except ValueError:
        items = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                items.append(json.loads(line))
            except ValueError as exc:
                raise ConfigError(
                    f"{path}:{number}: not JSON ({exc}); a script file is a JSON list of "
                    f"turns or one JSON turn per line"
                ) from exc
    if items and all(isinstance(i, dict) and "key" in i for i in items):
        return None
    turns: list[ScriptedTurnSpec] = []
    for index, item in enumerate(items, start=1):
        try:
            turns.append(
                ScriptedTurnSpec(text=item)
                if isinstance(item, str)
                else ScriptedTurnSpec.model_validate(item)
            )
        except PydanticValidationError as exc:
            problem = exc.errors()[0]
            where = ".".join(str(p) for p in problem["loc"])
            raise ConfigError(
                f"{path}: turn {index} is invalid at '{where}': {problem['msg']}; a turn is a "
                f'string or {{"text": ..., "tool_calls": [{{"name": ..., "arguments": {{}}}}]}}'
            ) from exc
    return turns


class LocalProvider(BaseProvider):
    provider_type: ClassVar[str] = "local"
    implementation: ClassVar[str] = "offline"
    default_api_key_env: ClassVar[str | None] = None
    default_base_url_env: ClassVar[str | None] = None
    requires_api_key: ClassVar[bool] = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._lock = threading.Lock()
        self._turns: list[ScriptedTurnSpec] | None = None
        self._tape: Tape | None = None
        self._turns_used = 0

    # -- configuration ----------------------------------------------------------------------------
    def _active_tape(self) -> ActiveTape | None:
        # the offline stand-in follows the environment on every call, as it does for its
        # script file: tests and demos switch LLMSPELL_REPLAY under one provider
        return active_tape()

    def script_path(self) -> Path | None:
        raw = self.settings.options.get("script_file") or os.environ.get(SCRIPT_ENV)
        return Path(str(raw)).expanduser() if raw else None

    def _load(self) -> None:
        if self._turns is not None or self._tape is not None:
            return
        path = self.script_path()
        if path is None:
            return
        turns = _load_turns(path)
        if turns is None:
            self._tape = tape_for(str(path))
        else:
            self._turns = turns

    def mode(self, model: str | None) -> Mode:
        if model in MODES:
            chosen: Mode = model
            if chosen != "echo" and self.script_path() is None:
                raise ConfigError(
                    f"local/{chosen} needs a script file: set script_file in [providers.local] "
                    f"or {SCRIPT_ENV}"
                )
            if chosen == "echo":
                return chosen
        with self._lock:
            self._load()
        if self._tape is not None:
            return "replay"
        if self._turns is not None:
            return "scripted"
        return "echo"

    def capabilities(self, model: str | None = None) -> ProviderCapabilities:
        return ProviderCapabilities(
            supports_streaming=True,
            supports_tools=True,
            supports_multimodal=True,
            supports_embeddings=True,
            max_context_tokens=None,
            available_models=list(MODES),
        )

    # -- answers ------------------------------------------------------------------------------------
    def _echo(self, request: CompletionRequest) -> tuple[str, list[ToolCall]]:
        last = next((m for m in reversed(request.messages) if m.role == Role.USER), None)
        said = last.content if last is not None else ""
        if request.response_format is not None:
            return json.dumps(example_for(request.response_format, "offline")), []
        media = ""
        if last is not None and last.media:
            described = ", ".join(f"{m.kind}/{m.format} {len(m.data)} bytes" for m in last.media)
            media = f" (received {len(last.media)} attachment(s) it cannot look at: {described})"
        return f"{OFFLINE_NOTICE} {said}{media}".rstrip(), []

    def _scripted(self) -> tuple[str, list[ToolCall]]:
        assert self._turns is not None
        with self._lock:
            if self._turns_used >= len(self._turns):
                raise ProviderError(
                    f"the local provider's scripted turns in {self.script_path()} are used up "
                    f"({len(self._turns)} turn(s)); add turns to the file",
                    code="SCRIPT_EXHAUSTED",
                )
            turn = self._turns[self._turns_used]
            self._turns_used += 1
            base = self._turns_used
        calls = [
            ToolCall(id=c.id or f"local_call_{base}_{i}", name=c.name, arguments=c.arguments)
            for i, c in enumerate(turn.tool_calls, start=1)
        ]
        return turn.text, calls

    def _answer(self, request: CompletionRequest) -> CompletionResponse:
        mode = self.mode(request.model)
        if mode == "replay":
            assert self._tape is not None
            return self._tape.replay_response(request)
        text, calls = self._scripted() if mode == "scripted" else self._echo(request)
        prompt = " ".join(m.content for m in request.messages)
        return CompletionResponse(
            message=Message.assistant(text, calls),
            usage=Usage(input_tokens=_words(prompt), output_tokens=_words(text) + len(calls)),
            model=f"local/{mode}",
            finish_reason="tool_calls" if calls else "stop",
        )

    async def _complete(self, request: CompletionRequest) -> CompletionResponse:
        return self._answer(request)

    async def _stream(self, request: CompletionRequest) -> AsyncIterator[CompletionChunk]:
        if self.mode(request.model) == "replay":
            assert self._tape is not None
            chunks, entry = self._tape.replay_chunks(request)
            for chunk in chunks:
                yield chunk
            raise_recorded(entry)
            return
        response = self._answer(request)
        words = response.message.content.split(" ")
        for index, word in enumerate(words):
            piece = word if index == len(words) - 1 else word + " "
            if piece:
                yield CompletionChunk(text=piece)
        yield CompletionChunk(
            tool_calls=response.message.tool_calls,
            usage=response.usage,
            finish_reason=response.finish_reason,
            done=True,
        )

    async def _embed(self, texts: list[str], model: str | None) -> list[list[float]]:
        return [hash_embedding(text, DEFAULT_DIMENSIONS) for text in texts]
