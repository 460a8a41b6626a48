"""``BaseTool``: what every built-in tool shares, so a tool module holds only its own logic.

A tool declares a pydantic parameter model and a few class attributes; the base turns them into
the ``ToolSpec`` (JSON Schema from the model), validates each call (a pydantic error becomes a
core ValidationError naming the field and rule), refuses privileged work when config forbids
it, enforces the timeout, bounds the text, times the call and fills ``metadata``.
"""

from __future__ import annotations

import asyncio
import builtins
import time
from abc import abstractmethod
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import ValidationError as PydanticValidationError

from llmspell_core.agent_io import ErrorInfo
from llmspell_core.config import LLMSpellConfig
from llmspell_core.context import ExecutionContext
from llmspell_core.errors import (
    LLMSpellError,
    NotFoundError,
    TimeoutError,
    ToolError,
    ValidationError,
)
from llmspell_core.tool import Tool
from llmspell_core.tool_types import SecurityLevel, ToolOutput, ToolSpec
from llmspell_tools.framework.limits import (
    DEFAULT_MAX_OUTPUT_BYTES,
    DEFAULT_MAX_ROWS,
    limit_rows,
    limit_text,
)
from llmspell_tools.framework.params import ToolParams, clean_schema, validation_error
from llmspell_tools.framework.security import require_privileged, safe_path
from llmspell_tools.framework.settings import ToolSettings, load_settings, section_key

__all__ = ["BaseTool", "Invocation", "example"]

P = TypeVar("P", bound=ToolParams)
R = TypeVar("R")
T = TypeVar("T")


def example(description: str, **params: Any) -> dict[str, Any]:
    """One documented call (``spec.examples`` item); ToolContract runs each one."""
    return {"description": description, "params": params}


class Invocation:
    """One call in progress: its context, effective limits and what the base must report."""

    __slots__ = (
        "config",
        "ctx",
        "deadline",
        "max_output_bytes",
        "max_rows",
        "metadata",
        "operation",
        "settings",
        "tool_name",
        "truncated",
    )

    def __init__(
        self,
        tool_name: str,
        operation: str,
        ctx: ExecutionContext,
        settings: ToolSettings,
        max_output_bytes: int,
        max_rows: int,
        deadline: float | None = None,
    ) -> None:
        self.tool_name = tool_name
        #: ``metadata.operation``; a tool may refine it (diff-calculator sets its ``type``).
        self.operation = operation
        self.ctx = ctx
        self.config: LLMSpellConfig = ctx.config
        self.settings = settings
        self.max_output_bytes = max_output_bytes
        self.max_rows = max_rows
        self.truncated = False
        #: ``time.monotonic()`` instant the call times out at (None: no limit). Work running in
        #: a thread must watch it (``call.expired()``): a timeout cannot stop a thread.
        self.deadline = deadline
        #: Extra ``metadata`` entries for the result.
        self.metadata: dict[str, Any] = {}

    # -- results -------------------------------------------------------------------------
    def ok(self, text: str, result: Any = None, **metadata: Any) -> ToolOutput:
        """A successful result; ``metadata`` is merged into the result's metadata."""
        if metadata:
            self.metadata.update(metadata)
        # Every field is already the right type: skip pydantic validation on the hot path.
        return ToolOutput.model_construct(
            success=True, text=text, result=result, metadata={}, error=None
        )

    def fail(self, message: str, code: str, result: Any = None) -> ToolOutput:
        """A soft failure (``success=false``, ``error={message, code}``), not an exception."""
        return ToolOutput(
            success=False,
            text=message,
            result=result,
            error=ErrorInfo(message=message, code=code),
        )

    # -- bounds --------------------------------------------------------------------------
    def limit_text(self, text: str, max_bytes: int | None = None) -> str:
        """``text`` bounded to the output limit; marks the result truncated when cut."""
        out, cut = limit_text(text, max_bytes or self.max_output_bytes)
        self.truncated = self.truncated or cut
        return out

    def limit_rows(self, rows: Sequence[T], max_rows: int | None = None) -> list[T]:
        """The first rows up to the row limit; marks the result truncated when cut."""
        out, cut = limit_rows(rows, max_rows or self.max_rows)
        self.truncated = self.truncated or cut
        return out

    # -- security ------------------------------------------------------------------------
    def safe_path(self, path: str, *, must_exist: bool = False) -> Path:
        """``path`` resolved inside ``[tools.filesystem] allowed_paths`` or SecurityError."""
        return safe_path(self.config, path, must_exist=must_exist)

    def require_privileged(self, what: str) -> None:
        require_privileged(self.config, what)

    # -- long work -----------------------------------------------------------------------
    def check(self) -> None:
        """Raise if the spell was cancelled or ran out of time; call between steps."""
        self.ctx.check(self.tool_name)
        if self.expired():
            raise TimeoutError(f"{self.tool_name} {self.operation} ran out of time")

    def expired(self) -> bool:
        """Whether this call's own deadline has passed (safe to call from a worker thread)."""
        return self.deadline is not None and time.monotonic() >= self.deadline

    async def to_thread(self, fn: Callable[..., R], *args: Any) -> R:
        """Run blocking work (file I/O, big computations) off the loop, so timeouts still fire."""
        return await asyncio.to_thread(fn, *args)


class BaseTool(Tool, Generic[P]):
    """Subclass with the class attributes below and implement :meth:`run`."""

    #: kebab-case name (``hash-calculator``).
    tool_name: ClassVar[str]
    description: ClassVar[str]
    tool_category: ClassVar[str] = "utility"
    version: ClassVar[str] = "0.1.0"
    tags: ClassVar[tuple[str, ...]] = ()
    #: Other names the pack registers the same tool under (``template-creator``).
    aliases: ClassVar[tuple[str, ...]] = ()
    params_model: ClassVar[type[ToolParams]]
    #: The tool's ``[tools.<name>]`` section model; extend ToolSettings for own keys.
    settings_model: ClassVar[type[ToolSettings]] = ToolSettings
    examples: ClassVar[tuple[dict[str, Any], ...]] = ()
    #: ``metadata.operation`` for tools whose params have no ``operation`` field.
    default_operation: ClassVar[str] = "execute"
    #: Operations refused unless ``[runtime.security] allow_privileged_tools`` is true.
    privileged_operations: ClassVar[frozenset[str]] = frozenset()
    max_output_bytes: ClassVar[int] = DEFAULT_MAX_OUTPUT_BYTES
    max_rows: ClassVar[int] = DEFAULT_MAX_ROWS

    _schemas: ClassVar[dict[type[ToolParams], dict[str, Any]]] = {}

    def __init__(self, name: str | None = None) -> None:
        self._name = name or self.tool_name
        self._spec: ToolSpec | None = None
        self._settings_cache: tuple[LLMSpellConfig, ToolSettings] | None = None

    # -- description ---------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self._name

    @property
    def category(self) -> str:
        return self.tool_category

    @property
    def spec(self) -> ToolSpec:
        if self._spec is None:
            schema = BaseTool._schemas.get(self.params_model)
            if schema is None:
                schema = clean_schema(self.params_model)
                BaseTool._schemas[self.params_model] = schema
            description = self.description
            if self._name != self.tool_name:
                description = f"{description} (alias of {self.tool_name})"
            self._spec = ToolSpec(
                name=self._name,
                description=description,
                parameters=schema,
                category=self.tool_category,
                version=self.version,
                tags=list(self.tags),
                examples=[dict(e) for e in self.examples],
            )
        return self._spec

    # -- calling -------------------------------------------------------------------------
    def parse(self, params: Mapping[str, Any] | None) -> P:
        """Validate raw parameters into the tool's model, or raise a naming ValidationError."""
        model = self.params_model
        try:
            parsed = model.model_validate(params if params is not None else {})
        except PydanticValidationError as exc:
            raise validation_error(self._name, exc, model) from None
        missing = parsed.missing_for_operation()
        if missing is not None:
            operation = getattr(parsed, "operation", "")
            raise ValidationError(
                f"{self._name}: parameter '{missing}' is required for operation "
                f"'{operation}' (rule: required)",
                details={"field": missing, "rule": "required", "operation": operation},
            )
        return parsed  # type: ignore[return-value]  # params_model is P's class

    def settings(self, config: LLMSpellConfig) -> ToolSettings:
        """This tool's validated config section (cached per config object)."""
        cached = self._settings_cache
        if cached is not None and cached[0] is config:
            return cached[1]
        settings = load_settings(self.settings_model, self._name, config)
        self._settings_cache = (config, settings)
        return settings

    async def execute(self, params: dict[str, Any], ctx: ExecutionContext) -> ToolOutput:
        started = time.perf_counter()
        parsed = self.parse(params)
        op = getattr(parsed, "operation", None)
        operation = op if isinstance(op, str) else self.default_operation
        config = ctx.config
        settings = self.settings(config)
        if self.security_level is SecurityLevel.PRIVILEGED or operation in (
            self.privileged_operations
        ):
            require_privileged(config, f"{self._name} {operation}")
        own_timeout = settings.timeout_seconds or self.timeout_seconds
        timeout = ctx.timeout_for(own_timeout)
        call = Invocation(
            self._name,
            operation,
            ctx,
            settings,
            settings.max_output_bytes or self.max_output_bytes,
            settings.max_rows or self.max_rows,
            None if timeout is None else time.monotonic() + timeout,
        )
        ctx.check(self._name)
        try:
            if timeout is None:
                output = await self.run(parsed, call)
            else:
                async with asyncio.timeout(timeout):
                    output = await self.run(parsed, call)
        except LLMSpellError:
            raise
        except builtins.TimeoutError as exc:
            if ctx.expired() or (time.perf_counter() - started) >= (timeout or 0.0):
                limit = (
                    f"{section_key(self._name)} timeout_seconds = {own_timeout:g}"
                    if timeout == own_timeout
                    else "the spell's time limit"
                )
                raise TimeoutError(
                    f"{self._name} {operation} timed out after {timeout:g} s ({limit})",
                    details={"tool": self._name, "operation": operation, "timeout": timeout},
                ) from None
            raise self._wrap(exc, operation) from exc
        except Exception as exc:
            raise self._wrap(exc, operation) from exc
        output.text = call.limit_text(output.text)
        metadata = output.metadata
        metadata.update(call.metadata)
        metadata["operation"] = call.operation
        metadata["truncated"] = call.truncated
        metadata["duration_ms"] = round((time.perf_counter() - started) * 1000.0, 3)
        return output

    def _wrap(self, exc: Exception, operation: str) -> LLMSpellError:
        details = {"tool": self._name, "operation": operation, "type": type(exc).__name__}
        if isinstance(exc, FileNotFoundError):
            return NotFoundError(
                f"{self._name} {operation}: no such file: {exc.filename}", details=details
            )
        return ToolError(f"{self._name} {operation}: {exc}", details=details)

    @abstractmethod
    async def run(self, params: P, call: Invocation) -> ToolOutput:
        """Do the work; return ``call.ok(text, result)``. Raise core errors on failure."""
