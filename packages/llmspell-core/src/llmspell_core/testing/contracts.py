"""Contract test mixins every implementation's tests subclass.

Each mixin holds the behaviour the rest of llmspell relies on; an implementation proves it
fits by subclassing the mixin in its own tests and providing the factory hooks. Tests run
coroutines with ``asyncio.run`` so the mixins need no async plugin.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Coroutine
from typing import Any, TypeVar

import pytest

from llmspell_core.context import ExecutionContext
from llmspell_core.engine import ScriptArgs, ScriptEngine
from llmspell_core.errors import LLMSpellError, ScriptError, ValidationError
from llmspell_core.messages import Message
from llmspell_core.provider import CompletionChunk, CompletionRequest, Provider
from llmspell_core.script_api import ApiFunction, ApiGlobal, ScriptApi
from llmspell_core.script_host import InlineHost
from llmspell_core.tool import Tool
from llmspell_core.tool_types import SecurityLevel, ToolOutput

__all__ = ["EngineContract", "ProviderContract", "ToolContract"]

T = TypeVar("T")
_KEBAB = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


def _run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


class ToolContract:
    """Provide ``make_tool()``; override ``make_context()`` / ``invalid_params()`` as needed.

    Example calls come from ``spec.examples`` (``{"params": {...}}`` items), so every tool
    documents at least one call that works.
    """

    def make_tool(self) -> Tool:
        raise NotImplementedError

    def make_context(self) -> ExecutionContext:
        return ExecutionContext.with_timeout(30)

    def invalid_params(self) -> list[dict[str, Any]]:
        return [{"__no_such_parameter__": 1}]

    def test_contract_name_is_kebab_case(self) -> None:
        assert _KEBAB.match(self.make_tool().spec.name)

    def test_contract_spec_is_described(self) -> None:
        spec = self.make_tool().spec
        assert spec.description.strip()
        assert spec.category.strip()
        assert spec.parameters.get("type") == "object"
        assert isinstance(spec.parameters.get("properties"), dict)

    def test_contract_security_level(self) -> None:
        assert self.make_tool().security_level in set(SecurityLevel)

    def test_contract_has_examples(self) -> None:
        assert self.make_tool().spec.examples, "document at least one example call"

    def test_contract_examples_succeed(self) -> None:
        tool = self.make_tool()
        for example in tool.spec.examples:
            out = _run(tool.execute(dict(example["params"]), self.make_context()))
            assert isinstance(out, ToolOutput)
            assert out.success, out.error
            assert isinstance(out.text, str)
            assert "duration_ms" in out.metadata

    def test_contract_invalid_params_are_refused(self) -> None:
        tool = self.make_tool()
        for params in self.invalid_params():
            with pytest.raises(ValidationError) as info:
                _run(tool.execute(params, self.make_context()))
            assert info.value.message


class ProviderContract:
    """Provide ``make_provider()`` and ``model``; the provider must answer ``prompt``."""

    model: str = ""
    prompt: str = "Say hello"

    def make_provider(self) -> Provider:
        raise NotImplementedError

    def _request(self) -> CompletionRequest:
        return CompletionRequest(model=self.model, messages=[Message.user(self.prompt)])

    def test_contract_capabilities(self) -> None:
        caps = self.make_provider().capabilities(self.model)
        assert caps.max_context_tokens is None or caps.max_context_tokens > 0

    def test_contract_complete(self) -> None:
        async def go() -> None:
            provider = self.make_provider()
            try:
                response = await provider.complete(
                    self._request(), ExecutionContext.with_timeout(30)
                )
            finally:
                await provider.aclose()
            assert response.message.role == "assistant"
            assert response.message.content or response.message.tool_calls
            assert response.usage.input_tokens >= 0

        _run(go())

    def test_contract_stream_ends_done(self) -> None:
        async def go() -> None:
            provider = self.make_provider()
            chunks: list[CompletionChunk] = []
            try:
                async for chunk in provider.stream(
                    self._request(), ExecutionContext.with_timeout(30)
                ):
                    chunks.append(chunk)
            finally:
                await provider.aclose()
            assert chunks, "a stream yields at least one chunk"
            assert chunks[-1].done
            assert not any(c.done for c in chunks[:-1])

        _run(go())


class EngineContract:
    """Provide ``make_engine()`` and the language snippets below.

    The first four snippets are required; the others are optional (an empty string skips the
    test), so a minimal third-party engine can start small. The optional snippets use the
    ``Probe`` global this contract injects: ``Probe.add(a, b)`` (sync), ``Probe.fail()`` (raises
    ``code="PROBE_FAILED"``) and ``Probe.later(x)`` (async: a Promise in JS).
    """

    #: A script whose result is the integer 42.
    source_returns_42: str = ""
    #: A script with a syntax error on line 2.
    source_syntax_error_line_2: str = ""
    #: A script raising a runtime error on line 3.
    source_runtime_error_line_3: str = ""
    #: A script that never ends.
    source_infinite_loop: str = ""
    #: A script that never ends although it catches every error (pcall / try-catch).
    source_infinite_loop_catching: str = ""
    #: Returns ``Probe.add(2, 3)`` (5).
    source_call_global: str = ""
    #: Catches the error of ``Probe.fail()`` and returns its code ("PROBE_FAILED").
    source_catch_api_error: str = ""
    #: Returns ``Probe.later("x")`` ("x"), awaiting it where the language needs that.
    source_async_call: str = ""
    #: Prints ``"a"``, ``1`` and ``2.0`` in one call (expected line: ``a<TAB>1<TAB>2``).
    source_print: str = ""
    #: Returns the first positional argument (``ARGS[1]``).
    source_first_arg: str = ""
    #: Allocates without bound.
    source_memory_hog: str = ""

    def make_engine(self) -> ScriptEngine:
        raise NotImplementedError

    def make_api(self, lines: list[str] | None = None) -> ScriptApi:
        """A ``ScriptApi`` holding only the ``Probe`` global; prints go to ``lines``."""
        sink = lines if lines is not None else []

        def fail() -> None:
            raise LLMSpellError("probe failed on purpose", code="PROBE_FAILED")

        def add(a: Any, b: Any) -> Any:
            return a + b

        async def later(value: Any) -> Any:
            await asyncio.sleep(0.01)
            return value

        probe = ApiGlobal(
            "Probe",
            functions={
                "add": ApiFunction("add", add),
                "fail": ApiFunction("fail", fail),
                "later": ApiFunction("later", later, is_async=True),
            },
        )
        host = InlineHost()
        self._hosts = [*getattr(self, "_hosts", []), host]
        return ScriptApi(
            globals={"Probe": probe}, stdout=sink.append, stderr=sink.append, host=host
        )

    def teardown_method(self) -> None:
        for host in getattr(self, "_hosts", []):
            host.close()
        self._hosts: list[InlineHost] = []

    def _engine(self, lines: list[str] | None = None) -> ScriptEngine:
        engine = self.make_engine()
        engine.inject(self.make_api(lines))
        return engine

    def _run(self, source: str, args: ScriptArgs | None = None) -> Any:
        if not source:
            pytest.skip("snippet not provided")
        engine = self._engine()
        try:
            return engine.execute(source, "t", args or ScriptArgs())
        finally:
            engine.close()

    def test_contract_identity(self) -> None:
        engine = self.make_engine()
        try:
            assert engine.name
            assert engine.file_extensions
            assert all(ext.startswith(".") for ext in engine.file_extensions)
        finally:
            engine.close()

    def test_contract_returns_value(self) -> None:
        assert self._run(self.source_returns_42) == 42

    def test_contract_syntax_error_has_line(self) -> None:
        engine = self._engine()
        try:
            with pytest.raises(ScriptError) as info:
                engine.execute(self.source_syntax_error_line_2, "bad.x", ScriptArgs())
        finally:
            engine.close()
        assert info.value.line == 2, str(info.value)
        assert info.value.file == "bad.x"

    def test_contract_runtime_error_has_line(self) -> None:
        engine = self._engine()
        try:
            with pytest.raises(ScriptError) as info:
                engine.execute(self.source_runtime_error_line_3, "rt.x", ScriptArgs())
        finally:
            engine.close()
        assert info.value.line == 3, str(info.value)

    def _assert_times_out(self, source: str) -> None:
        if not source:
            pytest.skip("snippet not provided")
        engine = self.make_engine()
        engine.limits.timeout_seconds = 0.5
        engine.inject(self.make_api())
        started = time.monotonic()
        try:
            with pytest.raises(LLMSpellError) as info:
                engine.execute(source, "loop.x", ScriptArgs())
        finally:
            engine.close()
        assert info.value.code == "TIMEOUT", str(info.value)
        assert time.monotonic() - started < 10, "the timeout must stop the script promptly"

    def test_contract_timeout_stops_loop(self) -> None:
        self._assert_times_out(self.source_infinite_loop)

    def test_contract_timeout_stops_loop_that_catches_errors(self) -> None:
        self._assert_times_out(self.source_infinite_loop_catching)

    def test_contract_calls_global(self) -> None:
        assert self._run(self.source_call_global) == 5

    def test_contract_api_error_is_catchable_with_code(self) -> None:
        assert self._run(self.source_catch_api_error) == "PROBE_FAILED"

    def test_contract_async_call(self) -> None:
        assert self._run(self.source_async_call) == "x"

    def test_contract_print_joins_with_tabs(self) -> None:
        if not self.source_print:
            pytest.skip("snippet not provided")
        lines: list[str] = []
        engine = self._engine(lines)
        try:
            engine.execute(self.source_print, "p.x", ScriptArgs())
        finally:
            engine.close()
        assert lines == ["a\t1\t2"]

    def test_contract_args(self) -> None:
        args = ScriptArgs(script="s.x", positional=["first"], named={"k": "v"})
        assert self._run(self.source_first_arg, args) == "first"

    def test_contract_memory_limit(self) -> None:
        if not self.source_memory_hog:
            pytest.skip("snippet not provided")
        engine = self.make_engine()
        engine.limits.max_memory_mb = 32
        engine.limits.timeout_seconds = 20
        engine.inject(self.make_api())
        try:
            with pytest.raises(LLMSpellError) as info:
                engine.execute(self.source_memory_hog, "hog.x", ScriptArgs())
        finally:
            engine.close()
        assert info.value.code == "RESOURCE_LIMIT", str(info.value)
