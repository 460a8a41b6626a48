"""Record provider exchanges to a JSON-lines file and replay them without network.

``LLMSPELL_RECORD=FILE`` appends every exchange (completion, stream, embedding) with its final
outcome: the answer, or the provider error it ended with after the retries (a stream keeps the
chunks it sent before breaking). ``LLMSPELL_REPLAY=FILE`` answers each request from the file
instead of calling the provider, raising a recorded error again (same class, code, message).
A request is matched by a fingerprint of what was asked (model, messages, tools, options), not
by which provider answered, so a session recorded against OpenAI replays on a machine with no
key. Identical requests replay their recorded answers in order. An unrecorded request fails
naming the request, so a replayed spell can never silently diverge.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections import deque
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, cast

from llmspell_core.errors import (
    AuthError,
    ConfigError,
    ProviderError,
    ProviderUnavailableError,
    RateLimitError,
)
from llmspell_core.provider import CompletionChunk, CompletionRequest, CompletionResponse

__all__ = [
    "RECORD_ENV",
    "REPLAY_ENV",
    "ActiveTape",
    "Kind",
    "Tape",
    "active_tape",
    "embed_fingerprint",
    "raise_recorded",
    "recordable",
    "request_fingerprint",
    "reset_tapes",
]

RECORD_ENV = "LLMSPELL_RECORD"
REPLAY_ENV = "LLMSPELL_REPLAY"
FORMAT_VERSION = 1

Kind = Literal["complete", "stream", "embed"]

#: The errors a tape keeps: what the provider answered, not what happened to the spell
#: (its deadline, Ctrl-C) or a mistake in the request found before anything was sent.
_RECORDED_ERRORS: dict[str, type[ProviderError]] = {
    cls.__name__: cls
    for cls in (ProviderError, RateLimitError, AuthError, ProviderUnavailableError)
}


def recordable(error: BaseException) -> bool:
    """Whether a tape keeps ``error`` as a request's outcome."""
    return type(error).__name__ in _RECORDED_ERRORS and isinstance(error, ProviderError)


def _error_entry(error: ProviderError) -> dict[str, Any]:
    return {
        "type": type(error).__name__,
        "code": error.code,
        "message": error.message,
        "details": json.loads(json.dumps(error.details, default=str)),
    }


def raise_recorded(entry: dict[str, Any]) -> None:
    """Raise the error an entry recorded, if it recorded one."""
    recorded = entry.get("error")
    if not isinstance(recorded, dict):
        return
    info = cast(dict[str, Any], recorded)
    cls = _RECORDED_ERRORS.get(str(info.get("type")), ProviderError)
    details = info.get("details")
    raise cls(
        str(info.get("message") or "recorded provider error"),
        code=str(info.get("code") or cls.default_code),
        details={
            **(cast(dict[str, Any], details) if isinstance(details, dict) else {}),
            "replayed": True,
        },
    )


def request_fingerprint(request: CompletionRequest) -> dict[str, Any]:
    """What identifies a completion request; media is represented by its digest."""
    messages: list[dict[str, Any]] = []
    for message in request.messages:
        item: dict[str, Any] = {"role": str(message.role), "content": message.content}
        if message.media:
            item["media"] = [
                {"kind": m.kind, "format": m.format, "sha256": hashlib.sha256(m.data).hexdigest()}
                for m in message.media
            ]
        if message.tool_calls:
            item["tool_calls"] = [
                {"id": c.id, "name": c.name, "arguments": c.arguments} for c in message.tool_calls
            ]
        if message.tool_call_id:
            item["tool_call_id"] = message.tool_call_id
        messages.append(item)
    return {
        "model": request.model,
        "messages": messages,
        "tools": [
            t.model_dump(include={"name", "description", "parameters"}) for t in request.tools
        ],
        "temperature": request.temperature,
        "max_tokens": request.max_tokens,
        "response_format": request.response_format,
        "tool_choice": request.tool_choice,
    }


def embed_fingerprint(texts: list[str], model: str | None) -> dict[str, Any]:
    return {"embed_model": model, "texts": texts}


def _key(fingerprint: dict[str, Any]) -> str:
    canonical = json.dumps(fingerprint, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _describe(fingerprint: dict[str, Any]) -> str:
    if "texts" in fingerprint:
        texts = cast(list[str], fingerprint["texts"])
        first = texts[0][:60] if texts else ""
        return f"embedding of {len(texts)} text(s) starting {first!r}"
    messages = cast(list[dict[str, Any]], fingerprint["messages"])
    last_user = next((str(m["content"]) for m in reversed(messages) if m["role"] == "user"), "")
    if len(last_user) > 80:
        last_user = last_user[:77] + "..."
    tools = len(cast(list[Any], fingerprint["tools"]))
    return (
        f"model '{fingerprint['model']}', {len(messages)} message(s), {tools} tool(s), "
        f"last user message {last_user!r}"
    )


class Tape:
    """One recording file: appended to when recording, indexed once when replaying."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._entries: dict[str, deque[dict[str, Any]]] | None = None
        self._used: dict[str, int] = {}

    # -- recording ------------------------------------------------------------------------------
    def record(
        self,
        kind: Kind,
        fingerprint: dict[str, Any],
        *,
        provider: str,
        provider_type: str,
        answer: dict[str, Any],
    ) -> None:
        line = {
            "v": FORMAT_VERSION,
            "kind": kind,
            "key": _key(fingerprint),
            "provider": provider,
            "provider_type": provider_type,
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "request": fingerprint,
            **answer,
        }
        text = json.dumps(line, default=str) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(text)

    def record_response(
        self,
        request: CompletionRequest,
        response: CompletionResponse,
        *,
        provider: str,
        provider_type: str,
    ) -> None:
        self.record(
            "complete",
            request_fingerprint(request),
            provider=provider,
            provider_type=provider_type,
            answer={"response": response.model_dump(mode="json", exclude={"message": {"media"}})},
        )

    def record_stream(
        self,
        request: CompletionRequest,
        chunks: list[CompletionChunk],
        *,
        provider: str,
        provider_type: str,
    ) -> None:
        self.record(
            "stream",
            request_fingerprint(request),
            provider=provider,
            provider_type=provider_type,
            answer={"chunks": [c.model_dump(mode="json") for c in chunks]},
        )

    def record_failure(
        self,
        kind: Kind,
        fingerprint: dict[str, Any],
        error: ProviderError,
        *,
        provider: str,
        provider_type: str,
        chunks: list[CompletionChunk] | None = None,
    ) -> None:
        """Record that a request ended in ``error`` (after any chunks a stream sent first)."""
        answer: dict[str, Any] = {"error": _error_entry(error)}
        if chunks is not None:
            answer["chunks"] = [c.model_dump(mode="json") for c in chunks]
        self.record(
            kind, fingerprint, provider=provider, provider_type=provider_type, answer=answer
        )

    def record_embedding(
        self,
        texts: list[str],
        model: str | None,
        vectors: list[list[float]],
        *,
        provider: str,
        provider_type: str,
    ) -> None:
        self.record(
            "embed",
            embed_fingerprint(texts, model),
            provider=provider,
            provider_type=provider_type,
            answer={"vectors": vectors},
        )

    # -- replaying ------------------------------------------------------------------------------
    def _load(self) -> dict[str, deque[dict[str, Any]]]:
        if self._entries is not None:
            return self._entries
        if not self.path.is_file():
            raise ConfigError(
                f"{REPLAY_ENV}={self.path}: no such file; record one first with "
                f"{RECORD_ENV}={self.path} (llmspell run --record {self.path} spell.lua)"
            )
        entries: dict[str, deque[dict[str, Any]]] = {}
        with self.path.open(encoding="utf-8") as handle:
            for number, raw in enumerate(handle, start=1):
                if not raw.strip():
                    continue
                entry: Any = None
                key: Any = None
                try:
                    entry = json.loads(raw)
                    key = (
                        cast(dict[str, Any], entry).get("key") if isinstance(entry, dict) else None
                    )
                except ValueError:
                    entry = None
                if not isinstance(key, str) or not isinstance(entry, dict):
                    raise ConfigError(
                        f"{self.path}:{number}: not a recorded provider exchange "
                        f"(expected a JSON object with 'key' and an answer per line)"
                    )
                entries.setdefault(key, deque()).append(cast(dict[str, Any], entry))
        self._entries = entries
        return entries

    def take(self, fingerprint: dict[str, Any]) -> dict[str, Any]:
        """The next recorded answer for this request, or a ProviderError naming it."""
        key = _key(fingerprint)
        with self._lock:
            queue = self._load().get(key)
            if queue:
                self._used[key] = self._used.get(key, 0) + 1
                return queue.popleft()
            used = self._used.get(key, 0)
        what = _describe(fingerprint)
        if used:
            problem = f"all {used} recorded answer(s) for this request were already used"
        else:
            problem = "it has no recorded answer for this request"
        raise ProviderError(
            f"{REPLAY_ENV}={self.path}: {problem}: {what} (key {key[:12]}); record the session "
            f"again with {RECORD_ENV}={self.path}",
            code="REPLAY_MISSING",
            details={"key": key, "file": str(self.path)},
        )

    def replay_response(self, request: CompletionRequest) -> CompletionResponse:
        entry = self.take(request_fingerprint(request))
        raise_recorded(entry)
        if "response" in entry:
            return CompletionResponse.model_validate(entry["response"])
        chunks = [CompletionChunk.model_validate(c) for c in entry.get("chunks", [])]
        return _join_chunks(chunks, request.model)

    def replay_chunks(self, request: CompletionRequest) -> tuple[list[CompletionChunk], Any]:
        """The recorded chunks, and the entry (``raise_after``) to raise its error afterwards."""
        entry = self.take(request_fingerprint(request))
        if "chunks" in entry:
            return [CompletionChunk.model_validate(c) for c in entry["chunks"]], entry
        raise_recorded(entry)
        response = CompletionResponse.model_validate(entry["response"])
        chunk = CompletionChunk(
            text=response.message.content,
            tool_calls=response.message.tool_calls,
            usage=response.usage,
            finish_reason=response.finish_reason,
            done=True,
        )
        return [chunk], entry

    def replay_embedding(self, texts: list[str], model: str | None) -> list[list[float]]:
        entry = self.take(embed_fingerprint(texts, model))
        raise_recorded(entry)
        return [[float(x) for x in v] for v in entry.get("vectors", [])]


def _join_chunks(chunks: list[CompletionChunk], model: str) -> CompletionResponse:
    from llmspell_core.messages import Message
    from llmspell_core.usage import Usage

    text = "".join(c.text for c in chunks)
    calls = [call for c in chunks for call in c.tool_calls]
    usage = next((c.usage for c in reversed(chunks) if c.usage is not None), None) or Usage()
    finish = next((c.finish_reason for c in reversed(chunks) if c.finish_reason), None)
    return CompletionResponse(
        message=Message.assistant(text, calls), usage=usage, model=model, finish_reason=finish
    )


_tapes: dict[Path, Tape] = {}
_tapes_lock = threading.Lock()


def _tape(path: str) -> Tape:
    resolved = Path(path).expanduser().resolve()
    with _tapes_lock:
        tape = _tapes.get(resolved)
        if tape is None:
            tape = _tapes[resolved] = Tape(resolved)
        return tape


#: What the environment asks for: record to, or replay from, a tape.
ActiveTape = tuple[Literal["record", "replay"], Tape]


def active_tape() -> ActiveTape | None:
    """The tape the environment asks for: replay wins over record."""
    replay = os.environ.get(REPLAY_ENV)
    if replay:
        return "replay", _tape(replay)
    record = os.environ.get(RECORD_ENV)
    if record:
        return "record", _tape(record)
    return None


def tape_for(path: str) -> Tape:
    """The shared tape for a file (the local provider replays sessions through it)."""
    return _tape(path)


def reset_tapes() -> None:
    """Forget loaded tapes (tests; a new run re-reads its replay file)."""
    with _tapes_lock:
        _tapes.clear()
