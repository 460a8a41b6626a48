"""The ``Agent`` global (spell-api §2): build agents, run them whole or streamed, inspect them.

Agents are built and found only through ``GlobalContext.services`` (the bridge never imports
an agent or provider package), so any installed agent kind works the same way. Execution is
I/O (``is_async``): Lua blocks on it, JavaScript gets a Promise.
"""

from __future__ import annotations

import base64
import binascii
import difflib
import inspect
import time
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any, ClassVar, cast

from llmspell_core.agent import AgentConfig, BaseAgent
from llmspell_core.agent_io import AgentChunk, AgentInput, AgentOutput
from llmspell_core.context import ExecutionContext
from llmspell_core.errors import NotFoundError, ValidationError
from llmspell_core.media import AudioFormat, ImageFormat, MediaContent, MediaKind, VideoFormat
from llmspell_core.registry import registry
from llmspell_core.script_api import (
    ApiFunction,
    ApiGlobal,
    ApiObject,
    ApiStream,
    GlobalContext,
    ScriptFunction,
)
from llmspell_core.services import Services
from llmspell_core.tool import Tool
from llmspell_core.tool_types import SecurityLevel, ToolOutput, ToolSpec
from llmspell_utils import resolve_safe_path

__all__ = ["AgentGlobal", "create_global"]

#: Keys of ``Agent.create{...}`` beyond AgentConfig's own fields.
_ALIASES = {"tools": "allowed_tools", "system": "system_prompt", "timeout": "max_execution_time"}
_CONFIG_KEYS = sorted(AgentConfig.model_fields)
_INPUT_TEXT_KEYS = ("text", "prompt", "input", "message")
_INPUT_KEYS = {*_INPUT_TEXT_KEYS, "media", "response_format"}
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF8", "gif"),
    (b"RIFF", "webp"),
)


def _table(value: Any, where: str, what: str) -> dict[str, Any]:
    """A script table as a dict; an empty Lua table may arrive as an empty list."""
    if value is None:
        return {}
    if isinstance(value, Mapping):
        return {str(k): v for k, v in cast(Mapping[Any, Any], value).items()}
    if value == []:
        return {}
    raise ValidationError(
        f"{what} must be a table/object, got {type(value).__name__}", details={"field": where}
    )


def _strings(value: Any, field: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in cast(list[Any], value)):
        return list(cast(list[str], value))
    raise ValidationError(
        f"{field} must be a list of names (strings)", details={"field": field, "rule": "type"}
    )


def _first_problem(error: ValueError) -> dict[str, Any]:
    """The first entry of a pydantic ValidationError's ``errors()``, or an empty dict."""
    errors = getattr(error, "errors", None)
    if callable(errors):
        found: Any = errors()
        if isinstance(found, list) and found:
            first: Any = cast(list[Any], found)[0]
            if isinstance(first, dict):
                return cast(dict[str, Any], first)
    return {}


def _config(values: dict[str, Any]) -> AgentConfig:
    """An AgentConfig from a script table, naming the key that is wrong."""
    data: dict[str, Any] = {}
    for key, value in values.items():
        name = _ALIASES.get(key, key)
        if name not in AgentConfig.model_fields:
            close = difflib.get_close_matches(key, _CONFIG_KEYS, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise ValidationError(
                f"unknown agent option '{key}'{hint}; known: {', '.join(_CONFIG_KEYS)}",
                details={"field": key, "rule": "unknown"},
            )
        data[name] = value
    if "allowed_tools" in data:
        data["allowed_tools"] = _strings(data["allowed_tools"], "allowed_tools")
    for key in ("custom_config", "resource_limits"):
        if key in data:
            data[key] = _table(data[key], key, key)
    try:
        return AgentConfig.model_validate(data)
    except ValueError as exc:  # pydantic's ValidationError (pydantic is core's to import)
        problem = _first_problem(exc)
        field = ".".join(str(p) for p in problem.get("loc", ())) or "config"
        raise ValidationError(
            f"invalid agent option '{field}': {problem.get('msg', exc)} "
            f"(got {problem.get('input')!r})",
            details={"field": field, "rule": str(problem.get("type", "value"))},
        ) from None


def _format_of(item: dict[str, Any], data: bytes | None, path: str | None) -> str:
    fmt = item.get("format") or item.get("mime_type")
    if isinstance(fmt, str) and fmt:
        return fmt.split("/")[-1].lower()
    if path:
        suffix = Path(path).suffix.lstrip(".").lower()
        if suffix:
            return suffix
    for magic, name in _MAGIC:
        if data is not None and data.startswith(magic):
            return name
    raise ValidationError(
        "media item needs a 'format' (png, jpeg, gif, webp, wav, mp3, ...)",
        details={"field": "media.format"},
    )


def _kind_of(item: dict[str, Any], fmt: str) -> MediaKind:
    kind = item.get("kind") or item.get("type")
    if kind in ("image", "audio", "video", "binary"):
        return kind
    fmt = "jpeg" if fmt == "jpg" else fmt
    if fmt in {f.value for f in ImageFormat}:
        return "image"
    if fmt in {f.value for f in AudioFormat}:
        return "audio"
    if fmt in {f.value for f in VideoFormat}:
        return "video"
    return "binary"


class AgentGlobal:
    """The functions behind ``Agent``; one per script runtime."""

    def __init__(self, ctx: GlobalContext) -> None:
        self._gctx = ctx
        self._objects: dict[int, ApiObject] = {}

    @property
    def services(self) -> Services:
        return self._gctx.services

    @property
    def context(self) -> ExecutionContext:
        return self._gctx.context

    # -- media and input --------------------------------------------------------------------------
    def _media_roots(self) -> list[Path]:
        roots = [Path.cwd()]
        script = Path(self._gctx.script_name)
        if script.suffix and script.parent.is_dir():
            roots.append(script.parent.resolve())
        config = self.services.config
        for section in ("filesystem", "file-operations"):
            allowed = config.tool_section(section).get("allowed_paths")
            roots.extend(Path(str(p)) for p in _strings(allowed, "allowed_paths"))
        return roots

    def _media(self, raw: Any) -> list[MediaContent]:
        items: list[Any] = []
        if isinstance(raw, Mapping):
            items = [raw]
        elif isinstance(raw, list):
            items = list(cast(list[Any], raw))
        if raw is not None and not items and raw != []:
            raise ValidationError(
                "media must be a list of {base64=..., format=...} or {path=..., format=...}",
                details={"field": "media"},
            )
        media: list[MediaContent] = []
        for number, entry in enumerate(items, start=1):
            item = _table(entry, "media", f"media item {number}")
            path = item.get("path")
            encoded = item.get("base64", item.get("data"))
            try:
                if isinstance(path, str) and path:
                    roots = self._media_roots()
                    base = roots[1] if len(roots) > 1 else roots[0]
                    resolved = resolve_safe_path(path, roots, must_exist=True, base=base)
                    data = resolved.read_bytes()
                elif isinstance(encoded, str) and encoded:
                    data = base64.b64decode(encoded.split(",", 1)[-1], validate=True)
                else:
                    raise ValidationError(
                        f"media item {number} needs 'base64' (the encoded bytes) or 'path'",
                        details={"field": "media"},
                    )
                fmt = _format_of(item, data, path if isinstance(path, str) else None)
                media.append(
                    MediaContent(kind=_kind_of(item, fmt), format=fmt, data=data, source=path)
                )
            except binascii.Error as exc:
                raise ValidationError(
                    f"media item {number} is invalid: 'base64' is not valid base64 ({exc})",
                    details={"field": "media"},
                ) from None
            except ValueError as exc:  # pydantic's ValidationError from MediaContent
                detail = str(_first_problem(exc).get("msg", exc)).removeprefix("Value error, ")
                raise ValidationError(
                    f"media item {number} is invalid: {detail}", details={"field": "media"}
                ) from None
        return media

    def _input(self, value: Any) -> AgentInput:
        if isinstance(value, str):
            return AgentInput(text=value)
        table = _table(value, "input", "agent input")
        text = next((table[k] for k in _INPUT_TEXT_KEYS if k in table), None)
        if not isinstance(text, str):
            raise ValidationError(
                "agent input needs 'text' (a string), e.g. agent:execute({text = \"Hello\"})",
                details={"field": "text", "rule": "required"},
            )
        schema = table.get("response_format")
        if schema is not None and not isinstance(schema, Mapping):
            raise ValidationError(
                "response_format must be a JSON Schema table", details={"field": "response_format"}
            )
        return AgentInput(
            text=text,
            media=self._media(table.get("media")),
            response_format=dict(cast(Mapping[str, Any], schema)) if schema else None,
            parameters={k: v for k, v in table.items() if k not in _INPUT_KEYS},
        )

    # -- results ----------------------------------------------------------------------------------
    @staticmethod
    def _result(output: AgentOutput) -> dict[str, Any]:
        metadata = dict(output.metadata)
        metadata.setdefault("input_tokens", output.usage.input_tokens)
        metadata.setdefault("output_tokens", output.usage.output_tokens)
        table: dict[str, Any] = {
            "success": output.success,
            "text": output.text,
            "content": output.text,
            "result": output.data if output.data is not None else output.text,
            "metadata": metadata,
            "usage": output.usage.model_dump(),
        }
        if output.data is not None:
            table["data"] = output.data
        if output.tool_calls:
            table["tool_calls"] = [c.model_dump() for c in output.tool_calls]
        if output.error is not None:
            table["error"] = output.error.model_dump()
        return table

    @staticmethod
    def _chunk(chunk: AgentChunk) -> dict[str, Any]:
        table: dict[str, Any] = {"text": chunk.text, "index": chunk.index, "done": chunk.done}
        if chunk.usage is not None:
            table["usage"] = chunk.usage.model_dump()
        if chunk.event is not None:
            table["event"] = chunk.event
        return table

    # -- an agent as a script object ----------------------------------------------------------------
    def _wrap(self, agent: BaseAgent) -> ApiObject:
        cached = self._objects.get(id(agent))
        if cached is not None and cached.payload is agent:
            return cached
        obj = _AgentObject(self, agent).api
        self._objects[id(agent)] = obj
        return obj

    def _agent(self, name: str) -> BaseAgent:
        agent = self.services.get_agent(name)
        if agent is not None:
            return agent
        known = sorted(a.metadata.name for a in self.services.list_agents())
        close = difflib.get_close_matches(name, known, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise NotFoundError(
            f"no agent named '{name}'{hint}; known: {', '.join(known) or 'none'}",
            details={"name": name},
        )

    # -- the global's functions ---------------------------------------------------------------------
    def builder(self) -> ApiObject:
        return _Builder(self).api

    def build(self, values: dict[str, Any]) -> ApiObject:
        config = _config(values)
        return self._wrap(self.services.create_agent(config))

    def create(self, spec: Any) -> ApiObject:
        return self.build(_table(spec, "config", "Agent.create's argument"))

    def get(self, name: str) -> ApiObject | None:
        agent = self.services.get_agent(name)
        return self._wrap(agent) if agent is not None else None

    def list(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for agent in self.services.list_agents():
            config = _describe(agent)
            out.append(
                {
                    "name": agent.metadata.name,
                    "model": config.get("model"),
                    "provider": config.get("provider"),
                    "type": config.get("type", "llm"),
                }
            )
        return out

    def discover(self) -> list[dict[str, Any]]:
        plugins = getattr(self.services, "registry", registry)
        return [{"type": name} for name in plugins.names("llmspell.agents")]

    def wrap_as_tool(self, agent_name: str, options: Any = None) -> str:
        agent = self._agent(agent_name)
        opts = _table(options, "options", "Agent.wrap_as_tool's options")
        name = opts.get("tool_name") or opts.get("name") or agent_name
        description = opts.get("description")
        if not isinstance(name, str) or not name:
            raise ValidationError(
                "tool_name must be a non-empty string", details={"field": "tool_name"}
            )
        maker = getattr(agent, "as_tool", None)
        tool: Tool
        if callable(maker):
            tool = cast(Tool, maker(name=name, description=description))
        else:
            tool = _AgentTool(agent, name, description if isinstance(description, str) else None)
        self.services.register_tool(tool, replace=True)
        return name

    def get_details(self, name: str) -> dict[str, Any] | None:
        agent = self.services.get_agent(name)
        if agent is None:
            return None
        meta = agent.metadata
        details: dict[str, Any] = {
            "id": meta.id,
            "name": meta.name,
            "description": meta.description,
            "version": meta.version,
            "supports_streaming": agent.supports_streaming,
            "supports_multimodal": agent.supports_multimodal,
            "config": _describe(agent),
        }
        for key in ("get_metrics", "get_state"):
            method = getattr(agent, key, None)
            if callable(method):
                details[key.removeprefix("get_")] = method()
        return details


def _describe(agent: BaseAgent) -> dict[str, Any]:
    method = getattr(agent, "get_config", None)
    if callable(method):
        return dict(cast(Mapping[str, Any], method()))
    meta = agent.metadata
    return {"name": meta.name, "description": meta.description}


class _Builder:
    """``Agent.builder()``: setters return the builder; ``build()`` makes the agent."""

    SETTERS: ClassVar[tuple[str, ...]] = (
        "name",
        "description",
        "model",
        "provider",
        "system_prompt",
        "temperature",
        "max_tokens",
        "max_conversation_length",
        "base_url",
        "api_key",
        "max_execution_time",
        "max_tool_calls",
        "max_recursion_depth",
        "response_format",
        "type",
        "custom_config",
        "resource_limits",
    )

    def __init__(self, owner: AgentGlobal) -> None:
        self.owner = owner
        self.values: dict[str, Any] = {}
        self.tools: list[str] = []
        methods = {
            name: ApiFunction(name, self._setter(name), doc=f"set {name}") for name in self.SETTERS
        }
        methods["models"] = ApiFunction("models", self._setter("model"), doc="set model")
        methods["allow_tool"] = ApiFunction("allow_tool", self.allow_tool, doc="allow one tool")
        methods["allowed_tools"] = ApiFunction(
            "allowed_tools", self.allowed_tools, doc="allow tools"
        )
        methods["build"] = ApiFunction("build", self.build, doc="build the agent")
        self.api = ApiObject(type_name="AgentBuilder", methods=methods, payload=self)

    def _setter(self, name: str) -> Any:
        def set_value(value: Any) -> ApiObject:
            self.values[name] = value
            return self.api

        return set_value

    def allow_tool(self, name: str) -> ApiObject:
        self.tools.extend(_strings(name, "allow_tool"))
        return self.api

    def allowed_tools(self, names: Any) -> ApiObject:
        self.tools.extend(_strings(names, "allowed_tools"))
        return self.api

    def build(self) -> ApiObject:
        values = dict(self.values)
        if self.tools:
            values["allowed_tools"] = list(dict.fromkeys(self.tools))
        return self.owner.build(values)


class _AgentObject:
    """The methods of one agent as a script sees it."""

    def __init__(self, owner: AgentGlobal, agent: BaseAgent) -> None:
        self.owner = owner
        self.agent = agent
        methods = {
            "execute": ApiFunction("execute", self.execute, is_async=True, doc="run the agent"),
            "stream": ApiFunction("stream", self.stream, doc="stream the reply chunk by chunk"),
            "invokeStream": ApiFunction(
                "invokeStream", self.invoke_stream, is_async=True, doc="call fn per chunk"
            ),
            "get_config": ApiFunction("get_config", self.get_config, doc="the agent's settings"),
            "get_metrics": ApiFunction("get_metrics", self.get_metrics, doc="request counters"),
            "get_history": ApiFunction("get_history", self.get_history, doc="the conversation"),
            "clear_history": ApiFunction("clear_history", self.clear_history, doc="forget it"),
            "get_state": ApiFunction("get_state", self.get_state, doc="Ready|Running|Failed"),
        }
        for alias, target in (
            ("invoke_stream", "invokeStream"),
            ("getConfig", "get_config"),
            ("getMetrics", "get_metrics"),
            ("getHistory", "get_history"),
            ("clearHistory", "clear_history"),
            ("getState", "get_state"),
        ):
            methods[alias] = methods[target]
        meta = agent.metadata
        self.api = ApiObject(
            type_name="Agent",
            methods=methods,
            fields={"name": meta.name, "id": meta.id},
            payload=agent,
        )

    async def execute(self, input: Any = None) -> dict[str, Any]:
        agent_input = self.owner._input(input)
        output = await self.agent.execute(agent_input, self.owner.context)
        return self.owner._result(output)

    def stream(self, input: Any = None) -> ApiStream:
        agent_input = self.owner._input(input)
        return ApiStream(source=self._chunks(agent_input))

    async def _chunks(self, agent_input: AgentInput) -> AsyncIterator[dict[str, Any]]:
        async for chunk in self.agent.stream(agent_input, self.owner.context):
            yield self.owner._chunk(chunk)

    async def invoke_stream(
        self, input: Any = None, options: Any = None, fn: Any = None
    ) -> dict[str, Any]:
        callback = fn if fn is not None else options
        if not isinstance(callback, ScriptFunction) and not callable(callback):
            raise ValidationError(
                "invokeStream(input, fn) needs a function to call with each chunk",
                details={"field": "fn", "rule": "type"},
            )
        agent_input = self.owner._input(input)
        received = 0
        parts: list[str] = []
        async for chunk in self.agent.stream(agent_input, self.owner.context):
            parts.append(chunk.text)
            received += 1
            table = self.owner._chunk(chunk)
            if isinstance(callback, ScriptFunction):
                await callback.call(table)
            else:
                result: Any = cast(Any, callback)(table)
                if inspect.isawaitable(result):
                    await result
        return {"success": True, "chunks_received": received, "text": "".join(parts)}

    def get_config(self) -> dict[str, Any]:
        return _describe(self.agent)

    def _call(self, name: str, default: Any) -> Any:
        method = getattr(self.agent, name, None)
        return method() if callable(method) else default

    def get_metrics(self) -> dict[str, Any]:
        return dict(self._call("get_metrics", {}))

    def get_history(self) -> list[dict[str, Any]]:
        return list(self._call("get_history", []))

    def clear_history(self) -> None:
        self._call("clear_history", None)

    def get_state(self) -> str:
        return str(self._call("get_state", "Ready"))


class _AgentTool(Tool):
    """Any agent as a tool (for agent kinds without their own ``as_tool``)."""

    security_level: ClassVar[SecurityLevel] = SecurityLevel.SAFE
    timeout_seconds: ClassVar[float] = 600.0

    def __init__(self, agent: BaseAgent, name: str, description: str | None) -> None:
        self.agent = agent
        self._spec = ToolSpec(
            name=name,
            description=description or agent.metadata.description or f"Ask the agent '{name}'",
            parameters={
                "type": "object",
                "properties": {"input": {"type": "string", "description": "What to ask"}},
                "required": ["input"],
            },
            category="agent",
        )

    @property
    def spec(self) -> ToolSpec:
        return self._spec

    async def execute(self, params: dict[str, Any], ctx: ExecutionContext) -> ToolOutput:
        text = params.get("input")
        if not isinstance(text, str):
            raise ValidationError(
                f"tool '{self._spec.name}': 'input' must be a string", details={"field": "input"}
            )
        started = time.perf_counter()
        output = await self.agent.execute(AgentInput(text=text), ctx)
        return ToolOutput(
            success=output.success,
            text=output.text,
            result={"text": output.text, "data": output.data},
            metadata={**output.metadata, "duration_ms": (time.perf_counter() - started) * 1000},
            error=output.error,
        )


def create_global(ctx: GlobalContext) -> ApiGlobal:
    """The ``llmspell.globals`` entry point for ``Agent``."""
    api = AgentGlobal(ctx)
    functions = {
        "builder": ApiFunction("builder", api.builder, doc="a builder: setters, then build()"),
        "create": ApiFunction("create", api.create, doc="an agent from one table"),
        "get": ApiFunction("get", api.get, doc="a named agent, or nil"),
        "list": ApiFunction("list", api.list, doc="[{name, model, provider}]"),
        "discover": ApiFunction("discover", api.discover, doc="the installed agent kinds"),
        "wrap_as_tool": ApiFunction(
            "wrap_as_tool", api.wrap_as_tool, doc="register an agent as a tool; its name"
        ),
        "get_details": ApiFunction("get_details", api.get_details, doc="config, metrics, state"),
    }
    functions["wrapAsTool"] = functions["wrap_as_tool"]
    functions["getDetails"] = functions["get_details"]
    return ApiGlobal(name="Agent", functions=functions, doc="LLM agents (spell-api §2)")
