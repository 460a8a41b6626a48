"""A local fake LLM server speaking the OpenAI and Anthropic wire formats, for tests.

Tests point the *real* SDK clients at it (``base_url=server.openai_base_url`` or
``server.anthropic_base_url``), so request building, SSE parsing, retries, timeouts and error
mapping are exercised exactly as against the paid APIs, with no network and no mocks. It is
stdlib only (``http.server``) so every package's tests can use it.

Routes: ``POST /v1/chat/completions`` (OpenAI, plain and SSE), ``POST /v1/messages``
(Anthropic, plain and SSE), ``POST /v1/embeddings``, ``GET /v1/models``. Replies come from a
queue of scripted :class:`FakeReply` values, else from ``responder`` (default: an echo of the
last user message). :class:`Fault` values queue failures: statuses with ``Retry-After``, non-JSON
bodies, slow answers, streams cut mid-way, dropped connections.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Literal, Self, cast

__all__ = [
    "FakeLLMServer",
    "FakeReply",
    "FakeRequest",
    "FakeToolCall",
    "Fault",
    "Responder",
]

Api = Literal["openai", "anthropic", "embeddings", "models", "other"]
FaultKind = Literal["status", "non_json", "slow", "cut_stream", "drop"]


@dataclass(frozen=True)
class FakeToolCall:
    """A tool call the fake model makes."""

    name: str
    arguments: dict[str, Any] = field(default_factory=dict[str, Any])
    id: str | None = None


@dataclass(frozen=True)
class FakeReply:
    """One scripted answer. Token counts default to word counts."""

    text: str = ""
    tool_calls: Sequence[FakeToolCall] = ()
    input_tokens: int | None = None
    output_tokens: int | None = None
    finish_reason: str | None = None
    #: Seconds to wait before answering (on top of the server's ``latency``).
    delay: float = 0.0


@dataclass
class Fault:
    """A failure injected into the next matching request(s); ``times=None`` means forever."""

    kind: FaultKind
    status: int = 500
    times: int | None = 1
    retry_after: float | None = None
    delay: float = 0.0
    after_chunks: int = 1
    message: str = ""
    #: Only requests whose API matches consume the fault (None: any chat request).
    api: Api | None = None

    @classmethod
    def rate_limited(cls, times: int = 1, retry_after: float | None = 0.05) -> Fault:
        """HTTP 429 ``times`` times (with ``Retry-After`` when given), then normal replies."""
        return cls("status", status=429, times=times, retry_after=retry_after)

    @classmethod
    def server_error(cls, times: int | None = None, status: int = 500) -> Fault:
        """HTTP 5xx; persistent by default."""
        return cls("status", status=status, times=times)

    @classmethod
    def unauthorized(cls, times: int | None = None) -> Fault:
        return cls("status", status=401, times=times, message="Incorrect API key provided")

    @classmethod
    def http_status(cls, status: int, message: str = "", times: int | None = 1) -> Fault:
        return cls("status", status=status, times=times, message=message)

    @classmethod
    def non_json(cls, times: int | None = 1) -> Fault:
        """HTTP 200 with an HTML body, as a misconfigured proxy would send."""
        return cls("non_json", times=times)

    @classmethod
    def slow(cls, delay: float, times: int | None = 1) -> Fault:
        """Answer normally, but only after ``delay`` seconds."""
        return cls("slow", delay=delay, times=times)

    @classmethod
    def cut_stream(cls, after_chunks: int = 1, times: int | None = 1) -> Fault:
        """Send ``after_chunks`` events (or part of a body), then close the connection."""
        return cls("cut_stream", after_chunks=after_chunks, times=times)

    @classmethod
    def drop(cls, times: int | None = 1) -> Fault:
        """Close the connection without answering."""
        return cls("drop", times=times)


@dataclass
class FakeRequest:
    """One request the server received, with helpers for responders and assertions."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any
    api: Api
    received_at: float
    #: ``time.perf_counter()`` when the first streamed event was written (streams only).
    first_chunk_at: float | None = None
    #: ``time.perf_counter()`` after each streamed event was written, in order.
    chunk_sent_at: list[float] = field(default_factory=list[float])

    @property
    def fields(self) -> dict[str, Any]:
        """The JSON body as a dict (empty when the body was not an object)."""
        return cast(dict[str, Any], self.body) if isinstance(self.body, dict) else {}

    @property
    def stream(self) -> bool:
        return bool(self.fields.get("stream"))

    @property
    def model(self) -> str:
        return str(self.fields.get("model", ""))

    @property
    def messages(self) -> list[dict[str, Any]]:
        raw = self.fields.get("messages")
        if not isinstance(raw, list):
            return []
        return [cast(dict[str, Any], m) for m in cast(list[Any], raw) if isinstance(m, dict)]

    @property
    def last_user_text(self) -> str:
        for message in reversed(self.messages):
            if message.get("role") == "user":
                text = _text_of(message.get("content"))
                if text:
                    return text
        return ""

    @property
    def tool_results(self) -> list[tuple[str, str]]:
        """``(tool_call_id, content)`` of every tool result in the conversation."""
        found: list[tuple[str, str]] = []
        for message in self.messages:
            if message.get("role") == "tool":
                found.append(
                    (str(message.get("tool_call_id", "")), _text_of(message.get("content")))
                )
                continue
            content = message.get("content")
            if isinstance(content, list):
                for block in cast(list[Any], content):
                    if isinstance(block, dict) and block.get("type") == "tool_result":
                        b = cast(dict[str, Any], block)
                        found.append((str(b.get("tool_use_id", "")), _text_of(b.get("content"))))
        return found

    @property
    def wants_json(self) -> bool:
        """Whether the request asked for structured (JSON Schema) output."""
        return bool(self.fields.get("response_format") or self.fields.get("output_config"))


Responder = Callable[[FakeRequest], "FakeReply | str"]


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts: list[str] = []
        for block in cast(list[Any], content):
            if isinstance(block, dict):
                b = cast(dict[str, Any], block)
                if b.get("type") == "text":
                    parts.append(str(b.get("text", "")))
                elif b.get("type") == "tool_result":
                    parts.append(_text_of(b.get("content")))
            elif isinstance(block, str):
                parts.append(block)
        return "".join(parts)
    return ""


def _words(text: str) -> int:
    return len(text.split())


def echo_responder(request: FakeRequest) -> FakeReply:
    """The default: repeat the last user message (as JSON when structured output is asked)."""
    text = request.last_user_text
    if request.wants_json:
        return FakeReply(text=json.dumps({"echo": text}))
    return FakeReply(text=f"echo: {text}")


_ANTHROPIC_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    529: "overloaded_error",
}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    owner: FakeLLMServer


class FakeLLMServer:
    """Run with ``with FakeLLMServer() as server:``; it listens on ``127.0.0.1:<free port>``."""

    def __init__(
        self,
        *,
        responder: Responder | None = None,
        latency: float = 0.0,
        chunk_delay: float = 0.0,
        models: Sequence[str] = ("fake-model", "gpt-4o-mini", "claude-sonnet-4-5"),
        embedding_dimensions: int = 8,
    ) -> None:
        self.responder: Responder = responder or echo_responder
        #: Seconds added before every answer.
        self.latency = latency
        #: Seconds between streamed events.
        self.chunk_delay = chunk_delay
        self.models = list(models)
        self.embedding_dimensions = embedding_dimensions
        self._lock = threading.Lock()
        self._replies: list[FakeReply] = []
        self._faults: list[Fault] = []
        self._requests: list[FakeRequest] = []
        self._ids = itertools.count(1)
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> Self:
        if self._server is not None:
            return self
        server = _Server(("127.0.0.1", 0), _Handler)
        server.owner = self
        self._server = server
        self._stopping.clear()
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        self._stopping.set()
        server.shutdown()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- addresses -----------------------------------------------------------------------------
    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeLLMServer is not running; use it as a context manager")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def openai_base_url(self) -> str:
        """What ``AsyncOpenAI(base_url=...)`` wants (ends in ``/v1``)."""
        return f"{self.url}/v1"

    @property
    def anthropic_base_url(self) -> str:
        """What ``AsyncAnthropic(base_url=...)`` wants (the SDK adds ``/v1/messages``)."""
        return self.url

    # -- scripting ------------------------------------------------------------------------------
    def reply(self, *replies: FakeReply | str) -> Self:
        """Queue answers for the next chat requests, in order."""
        with self._lock:
            self._replies.extend(
                r if isinstance(r, FakeReply) else FakeReply(text=r) for r in replies
            )
        return self

    def fault(self, *faults: Fault) -> Self:
        """Queue faults; each request consumes one use of the first matching fault."""
        with self._lock:
            self._faults.extend(faults)
        return self

    def reset(self) -> None:
        """Forget queued replies and faults and the request log."""
        with self._lock:
            self._replies.clear()
            self._faults.clear()
            self._requests.clear()

    @property
    def requests(self) -> list[FakeRequest]:
        with self._lock:
            return list(self._requests)

    def chat_requests(self) -> list[FakeRequest]:
        return [r for r in self.requests if r.api in ("openai", "anthropic")]

    # -- internals used by the handler ------------------------------------------------------------
    def _log(self, request: FakeRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def _take_fault(self, api: Api) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                wanted = fault.api
                if wanted is None and api not in ("openai", "anthropic"):
                    continue
                if wanted is not None and wanted != api:
                    continue
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times <= 0:
                        self._faults.remove(fault)
                return fault
        return None

    def _next_reply(self, request: FakeRequest) -> FakeReply:
        with self._lock:
            queued = self._replies.pop(0) if self._replies else None
        if queued is not None:
            return queued
        answer = self.responder(request)
        return answer if isinstance(answer, FakeReply) else FakeReply(text=answer)

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):06d}"

    def _sleep(self, seconds: float) -> bool:
        """Sleep unless the server stops first; False when stopping."""
        return seconds <= 0 or not self._stopping.wait(seconds)


class _CutStreamError(Exception):
    """Raised inside the handler to abandon a response mid-way."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    #: Headers and body go out in separate writes; without TCP_NODELAY, Nagle's algorithm
    #: and the client's delayed ACK would add ~40 ms to every response.
    disable_nagle_algorithm = True
    #: Idle keep-alive connections are closed after this many seconds.
    timeout = 30

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return

    @property
    def owner(self) -> FakeLLMServer:
        return cast(_Server, self.server).owner

    # -- routing ----------------------------------------------------------------------------------
    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def _dispatch(self, method: str) -> None:
        path = self.path.split("?", 1)[0].rstrip("/")
        api: Api = "other"
        if method == "POST" and path.endswith("/chat/completions"):
            api = "openai"
        elif method == "POST" and path.endswith("/messages"):
            api = "anthropic"
        elif method == "POST" and path.endswith("/embeddings"):
            api = "embeddings"
        elif method == "GET" and path.endswith("/models"):
            api = "models"
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body: Any = None
        bad_json = False
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                bad_json = True
        request = FakeRequest(
            method=method,
            path=path,
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
            api=api,
            received_at=time.perf_counter(),
        )
        self.owner._log(request)
        try:
            if bad_json:
                self._error(api, 400, "request body is not valid JSON")
            elif api == "other":
                self._error(api, 404, f"no route for {method} {path}")
            else:
                self._serve(request)
        except _CutStreamError:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _serve(self, request: FakeRequest) -> None:
        owner = self.owner
        fault = owner._take_fault(request.api)
        if not owner._sleep(owner.latency):
            return
        if fault is not None:
            if fault.kind == "status":
                self._error(request.api, fault.status, fault.message, retry_after=fault.retry_after)
                return
            if fault.kind == "non_json":
                self._send(200, b"<html><body>502 Bad Gateway (proxy)</body></html>", "text/html")
                return
            if fault.kind == "drop":
                raise _CutStreamError
            if fault.kind == "slow" and not owner._sleep(fault.delay):
                return
        if request.api == "models":
            self._json(200, self._models())
            return
        if request.api == "embeddings":
            self._json(200, self._embeddings(request))
            return
        reply = owner._next_reply(request)
        if not owner._sleep(reply.delay):
            return
        cut = fault.after_chunks if fault is not None and fault.kind == "cut_stream" else None
        if request.api == "openai":
            if request.stream:
                self._sse(self._openai_events(request, reply), request, cut)
            else:
                self._json(200, self._openai_body(request, reply), cut=cut is not None)
        elif request.stream:
            self._sse(self._anthropic_events(request, reply), request, cut)
        else:
            self._json(200, self._anthropic_body(request, reply), cut=cut is not None)

    # -- writing --------------------------------------------------------------------------------
    def _send(
        self,
        status: int,
        data: bytes,
        content_type: str,
        headers: dict[str, str] | None = None,
        *,
        cut: bool = False,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if cut:
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            raise _CutStreamError
        self.wfile.write(data)
        self.wfile.flush()

    def _json(self, status: int, payload: Any, *, cut: bool = False) -> None:
        self._send(status, json.dumps(payload).encode(), "application/json", cut=cut)

    def _error(
        self, api: Api, status: int, message: str, *, retry_after: float | None = None
    ) -> None:
        text = message or f"fake server error {status}"
        headers: dict[str, str] = {}
        if retry_after is not None:
            headers["Retry-After"] = f"{retry_after:g}"
        if api == "anthropic":
            kind = _ANTHROPIC_ERROR_TYPES.get(status, "api_error")
            payload: dict[str, Any] = {"type": "error", "error": {"type": kind, "message": text}}
        else:
            kind = "rate_limit_exceeded" if status == 429 else "server_error"
            if status in (401, 403):
                kind = "invalid_api_key"
            elif 400 <= status < 500 and status != 429:
                kind = "invalid_request_error"
            payload = {"error": {"message": text, "type": kind, "code": kind, "param": None}}
        self._send(status, json.dumps(payload).encode(), "application/json", headers)

    def _sse(self, events: Iterator[bytes], request: FakeRequest, cut: int | None) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for sent, event in enumerate(events):
            if cut is not None and sent >= cut:
                self.wfile.flush()
                raise _CutStreamError
            if sent and not self.owner._sleep(self.owner.chunk_delay):
                raise _CutStreamError
            self.wfile.write(f"{len(event):x}\r\n".encode() + event + b"\r\n")
            self.wfile.flush()
            sent_at = time.perf_counter()
            request.chunk_sent_at.append(sent_at)
            if request.first_chunk_at is None:
                request.first_chunk_at = sent_at
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    # -- OpenAI wire format ---------------------------------------------------------------------
    def _usage(self, request: FakeRequest, reply: FakeReply) -> tuple[int, int]:
        prompt = " ".join(_text_of(m.get("content")) for m in request.messages)
        prompt += " " + _text_of(request.fields.get("system"))
        out = _words(reply.text) + sum(
            1 + len(json.dumps(c.arguments)) // 8 for c in reply.tool_calls
        )
        return (
            reply.input_tokens if reply.input_tokens is not None else _words(prompt),
            reply.output_tokens if reply.output_tokens is not None else out,
        )

    def _call_ids(self, reply: FakeReply, prefix: str) -> list[str]:
        return [c.id or self.owner._new_id(prefix) for c in reply.tool_calls]

    def _openai_body(self, request: FakeRequest, reply: FakeReply) -> dict[str, Any]:
        ids = self._call_ids(reply, "call_")
        message: dict[str, Any] = {"role": "assistant", "content": reply.text or None}
        if reply.tool_calls:
            message["tool_calls"] = [
                {
                    "id": call_id,
                    "type": "function",
                    "function": {"name": c.name, "arguments": json.dumps(c.arguments)},
                }
                for call_id, c in zip(ids, reply.tool_calls, strict=True)
            ]
        finish = reply.finish_reason or ("tool_calls" if reply.tool_calls else "stop")
        tokens_in, tokens_out = self._usage(request, reply)
        return {
            "id": self.owner._new_id("chatcmpl-"),
            "object": "chat.completion",
            "created": int(time.time()),
            "model": request.model,
            "choices": [
                {"index": 0, "message": message, "finish_reason": finish, "logprobs": None}
            ],
            "usage": {
                "prompt_tokens": tokens_in,
                "completion_tokens": tokens_out,
                "total_tokens": tokens_in + tokens_out,
            },
        }

    def _openai_events(self, request: FakeRequest, reply: FakeReply) -> Iterator[bytes]:
        chunk_id = self.owner._new_id("chatcmpl-")
        created = int(time.time())

        def event(choices: list[dict[str, Any]], usage: dict[str, int] | None = None) -> bytes:
            payload: dict[str, Any] = {
                "id": chunk_id,
                "object": "chat.completion.chunk",
                "created": created,
                "model": request.model,
                "choices": choices,
            }
            if usage is not None:
                payload["usage"] = usage
            return f"data: {json.dumps(payload)}\n\n".encode()

        def delta(d: dict[str, Any], finish: str | None = None) -> bytes:
            return event([{"index": 0, "delta": d, "finish_reason": finish, "logprobs": None}])

        yield delta({"role": "assistant", "content": ""})
        for piece in _pieces(reply.text):
            yield delta({"content": piece})
        ids = self._call_ids(reply, "call_")
        for index, (call_id, call) in enumerate(zip(ids, reply.tool_calls, strict=True)):
            yield delta(
                {
                    "tool_calls": [
                        {
                            "index": index,
                            "id": call_id,
                            "type": "function",
                            "function": {"name": call.name, "arguments": ""},
                        }
                    ]
                }
            )
            arguments = json.dumps(call.arguments)
            half = len(arguments) // 2
            for part in (arguments[:half], arguments[half:]):
                if part:
                    yield delta({"tool_calls": [{"index": index, "function": {"arguments": part}}]})
        finish = reply.finish_reason or ("tool_calls" if reply.tool_calls else "stop")
        yield delta({}, finish)
        options: Any = request.fields.get("stream_options")
        if isinstance(options, dict) and cast(dict[str, Any], options).get("include_usage"):
            tokens_in, tokens_out = self._usage(request, reply)
            yield event(
                [],
                {
                    "prompt_tokens": tokens_in,
                    "completion_tokens": tokens_out,
                    "total_tokens": tokens_in + tokens_out,
                },
            )
        yield b"data: [DONE]\n\n"

    # -- Anthropic wire format ---------------------------------------------------------------------
    def _anthropic_blocks(self, reply: FakeReply) -> list[dict[str, Any]]:
        blocks: list[dict[str, Any]] = []
        if reply.text:
            blocks.append({"type": "text", "text": reply.text})
        ids = self._call_ids(reply, "toolu_")
        for call_id, call in zip(ids, reply.tool_calls, strict=True):
            blocks.append(
                {"type": "tool_use", "id": call_id, "name": call.name, "input": call.arguments}
            )
        return blocks

    def _anthropic_stop(self, reply: FakeReply) -> str:
        return reply.finish_reason or ("tool_use" if reply.tool_calls else "end_turn")

    def _anthropic_body(self, request: FakeRequest, reply: FakeReply) -> dict[str, Any]:
        tokens_in, tokens_out = self._usage(request, reply)
        return {
            "id": self.owner._new_id("msg_"),
            "type": "message",
            "role": "assistant",
            "model": request.model,
            "content": self._anthropic_blocks(reply),
            "stop_reason": self._anthropic_stop(reply),
            "stop_sequence": None,
            "usage": {"input_tokens": tokens_in, "output_tokens": tokens_out},
        }

    def _anthropic_events(self, request: FakeRequest, reply: FakeReply) -> Iterator[bytes]:
        def event(kind: str, payload: dict[str, Any]) -> bytes:
            payload = {"type": kind, **payload}
            return f"event: {kind}\ndata: {json.dumps(payload)}\n\n".encode()

        tokens_in, tokens_out = self._usage(request, reply)
        yield event(
            "message_start",
            {
                "message": {
                    "id": self.owner._new_id("msg_"),
                    "type": "message",
                    "role": "assistant",
                    "model": request.model,
                    "content": [],
                    "stop_reason": None,
                    "stop_sequence": None,
                    "usage": {"input_tokens": tokens_in, "output_tokens": 1},
                }
            },
        )
        index = 0
        if reply.text:
            yield event(
                "content_block_start",
                {"index": index, "content_block": {"type": "text", "text": ""}},
            )
            for piece in _pieces(reply.text):
                yield event(
                    "content_block_delta",
                    {"index": index, "delta": {"type": "text_delta", "text": piece}},
                )
            yield event("content_block_stop", {"index": index})
            index += 1
        ids = self._call_ids(reply, "toolu_")
        for call_id, call in zip(ids, reply.tool_calls, strict=True):
            yield event(
                "content_block_start",
                {
                    "index": index,
                    "content_block": {
                        "type": "tool_use",
                        "id": call_id,
                        "name": call.name,
                        "input": {},
                    },
                },
            )
            arguments = json.dumps(call.arguments)
            half = len(arguments) // 2
            for part in (arguments[:half], arguments[half:]):
                if part:
                    yield event(
                        "content_block_delta",
                        {
                            "index": index,
                            "delta": {"type": "input_json_delta", "partial_json": part},
                        },
                    )
            yield event("content_block_stop", {"index": index})
            index += 1
        yield event(
            "message_delta",
            {
                "delta": {"stop_reason": self._anthropic_stop(reply), "stop_sequence": None},
                "usage": {"output_tokens": tokens_out},
            },
        )
        yield event("message_stop", {})

    # -- embeddings and models -------------------------------------------------------------------
    def _embeddings(self, request: FakeRequest) -> dict[str, Any]:
        body = request.fields
        raw = body.get("input", [])
        texts = [raw] if isinstance(raw, str) else [str(t) for t in cast(list[Any], raw)]
        size = int(body.get("dimensions") or self.owner.embedding_dimensions)
        data = [
            {"object": "embedding", "index": i, "embedding": _hash_vector(text, size)}
            for i, text in enumerate(texts)
        ]
        tokens = sum(_words(t) for t in texts)
        return {
            "object": "list",
            "data": data,
            "model": request.model,
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
        }

    def _models(self) -> dict[str, Any]:
        return {
            "object": "list",
            "data": [
                {"id": m, "object": "model", "created": 0, "owned_by": "fake"}
                for m in self.owner.models
            ],
        }


_PIECE = re.compile(r"\s*\S+\s*|\s+")


def _pieces(text: str) -> list[str]:
    """Split text into word-sized deltas that join back to exactly ``text``."""
    return _PIECE.findall(text)


def _hash_vector(text: str, size: int) -> list[float]:
    digest = hashlib.sha256(text.encode()).digest()
    while len(digest) < size:
        digest += hashlib.sha256(digest).digest()
    return [round(b / 255.0 * 2 - 1, 6) for b in digest[:size]]
