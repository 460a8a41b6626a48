"""The ``Workflow`` global (spell-api §5): build, run and inspect workflows from a spell.

Workflow kinds are reached only through ``services.create_workflow(kind, spec)`` (the
``llmspell.workflows`` entry points), never by importing a workflow package, so a third-party
kind works here as soon as it is installed: ``Workflow.create{type="mykind", ...}``.

- ``Workflow.builder()`` → a builder whose setters return the builder; ``build()`` makes the
  workflow. Shorthands: ``Workflow.sequential{...}``, ``parallel``, ``conditional``, ``loop``,
  ``streaming``, and ``Workflow.create{type=..., ...}`` for any kind.
- A workflow object has fields ``id``, ``name``, ``type`` and methods ``execute(input?)``
  (``input`` a table, or a string meaning ``{text=...}``), ``stream(input?)`` (progress events),
  ``get_output(step)`` / ``get_all_outputs()`` (read from State for the last run),
  ``get_execution_id()``, ``get_info()``, ``validate()`` → ``{valid, errors}`` and
  ``as_tool(name | {name, description})`` → the tool name: the workflow becomes a tool that
  ``Tool.execute`` and agents (``allowed_tools``) can call, its params being the input.
- ``Workflow.list()``, ``Workflow.get(name_or_id)``, ``Workflow.types()``,
  ``Workflow.wrap_as_tool(name_or_id, {tool_name, description})``.

Objects handed back in a spec are unwrapped: a workflow object as a step or as ``workflow=``,
an agent object as ``agent=``, a tool object as ``tool=``. A function step given as
``generator=<fn>`` (a Lua function using ``coroutine.yield``, a JS ``function*``) becomes a
lazy source of items: the workflow, running on the runtime loop, resumes the body on the
script thread once per item it has room for (``workflow_generators``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any, cast

from llmspell_bridge.globals.workflow_generators import ScriptGenerator
from llmspell_core.agent import BaseAgent
from llmspell_core.errors import NotFoundError, ValidationError
from llmspell_core.registry import Registry, registry
from llmspell_core.script_api import (
    ApiFunction,
    ApiGlobal,
    ApiObject,
    ApiStream,
    GlobalContext,
    IterableScriptFunction,
)
from llmspell_core.services import Services
from llmspell_core.tool import Tool
from llmspell_core.workflow import Workflow, WorkflowResult
from llmspell_utils import to_jsonable

__all__ = ["WorkflowGlobal", "create_global"]

KINDS_GROUP = "llmspell.workflows"


def _unwrap(value: Any) -> Any:
    """Script values → spec values: API objects become what they stand for."""
    if isinstance(value, ApiObject):
        payload = value.payload
        if isinstance(payload, Workflow | BaseAgent | Tool):
            return payload
        fields = value.fields
        return fields.get("id") or fields.get("name")
    if isinstance(value, Mapping):
        return {str(k): _unwrap(v) for k, v in cast(Mapping[Any, Any], value).items()}
    if isinstance(value, list):
        return [_unwrap(v) for v in cast(list[Any], value)]
    return value


def _table(value: Any, where: str) -> dict[str, Any]:
    if value is None or value == []:
        return {}
    if isinstance(value, Mapping):
        return cast(dict[str, Any], _unwrap(value))
    raise ValidationError(
        f"{where}: expected a table/object, got {type(value).__name__}",
        details={"field": where},
    )


def _steps(value: Any, where: str) -> list[Any]:
    """A list of steps; a single step table is accepted as a list of one."""
    unwrapped = _unwrap(value)
    if isinstance(unwrapped, list):
        return cast(list[Any], unwrapped)
    if isinstance(unwrapped, Mapping | Workflow):
        return [unwrapped]
    raise ValidationError(f"{where}: expected a list of steps", details={"field": where})


def _input(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        return {"text": value}
    return _table(value, "input")


def _result(outcome: WorkflowResult) -> dict[str, Any]:
    data = outcome.model_dump()
    if data.get("error") is None:
        data.pop("error", None)
    return cast(dict[str, Any], to_jsonable(data))


class _Builder:
    """State behind ``Workflow.builder()``; every setter returns the same builder object."""

    def __init__(self, owner: WorkflowGlobal) -> None:
        self.owner = owner
        self.kind: str | None = None
        self.spec: dict[str, Any] = {}
        self.steps: list[Any] = []
        self.then_steps: list[Any] = []
        self.else_steps: list[Any] = []
        self.branches: list[Any] = []
        self.break_when: list[Any] = []
        self.object = ApiObject(type_name="WorkflowBuilder", methods=self._methods())

    def _methods(self) -> dict[str, ApiFunction]:
        def setter(key: str) -> Callable[[Any], ApiObject]:
            def set_value(value: Any) -> ApiObject:
                self.spec[key] = _unwrap(value)
                return self.object

            return set_value

        def kind(name: str) -> Callable[[], ApiObject]:
            def set_kind() -> ApiObject:
                self.kind = name
                return self.object

            return set_kind

        def adder(target: list[Any]) -> Callable[[Any], ApiObject]:
            def add(step: Any) -> ApiObject:
                target.extend(_steps(step, "step"))
                return self.object

            return add

        plain: dict[str, Callable[..., Any]] = {
            "name": setter("name"),
            "description": setter("description"),
            "error_strategy": setter("error_strategy"),
            "timeout_ms": setter("timeout_ms"),
            "max_concurrency": setter("max_concurrency"),
            "max_iterations": setter("max_iterations"),
            "buffer_size": setter("buffer_size"),
            "source": setter("source"),
            "default_branch": self.default_branch,
            "sequential": kind("sequential"),
            "parallel": kind("parallel"),
            "conditional": kind("conditional"),
            "loop": kind("loop"),
            "loop_workflow": kind("loop"),
            "streaming": kind("streaming"),
            "type": self.set_type,
            "add_step": adder(self.steps),
            "add_then_step": adder(self.then_steps),
            "add_else_step": adder(self.else_steps),
            "condition": self.condition,
            "add_branch": self.add_branch,
            "with_range": self.with_range,
            "with_collection": self.with_collection,
            "with_while": self.with_while,
            "loop_condition": self.with_while,
            "break_when": self.add_break,
            "build": self.build,
        }
        return {name: ApiFunction(name, fn) for name, fn in plain.items()}

    def set_type(self, kind: Any) -> ApiObject:
        if not isinstance(kind, str):
            raise ValidationError("type must be a workflow kind name", details={"field": "type"})
        self.kind = kind
        return self.object

    def condition(self, cond: Any) -> ApiObject:
        self.spec["condition"] = _unwrap(cond)
        return self.object

    def add_branch(self, cond: Any, steps: Any = None, name: Any = None) -> ApiObject:
        branch: dict[str, Any] = {"condition": _unwrap(cond), "steps": _steps(steps or [], "steps")}
        if isinstance(name, str):
            branch["name"] = name
        self.branches.append(branch)
        return self.object

    def default_branch(self, steps: Any) -> ApiObject:
        self.spec["default_branch"] = steps if isinstance(steps, str) else _steps(steps, "steps")
        return self.object

    def with_range(self, spec: Any) -> ApiObject:
        table = _table(spec, "with_range")
        if "end" not in table and "stop" in table:
            table["end"] = table.pop("stop")
        self.spec["iterator"] = {"range": table}
        return self.object

    def with_collection(self, items: Any) -> ApiObject:
        values = _unwrap(items)
        if isinstance(values, Mapping):
            table = cast(Mapping[str, Any], values)
            values = table.get("values", table.get("items", [] if not table else None))
            if values is None:
                raise ValidationError(
                    "with_collection: give a list, or {values=[...]}",
                    details={"field": "collection"},
                )
        self.spec["iterator"] = {"collection": values}
        return self.object

    def with_while(self, cond: Any) -> ApiObject:
        self.spec["iterator"] = {"while_condition": _unwrap(cond)}
        return self.object

    def add_break(self, cond: Any) -> ApiObject:
        self.break_when.append(_unwrap(cond))
        return self.object

    def build(self) -> ApiObject:
        spec = dict(self.spec)
        kind = self.kind
        if kind is None:
            if self.branches or "condition" in spec:
                kind = "conditional"
            elif "iterator" in spec:
                kind = "loop"
            else:
                kind = "sequential"
        if kind == "loop":
            spec["body"] = self.steps
        else:
            spec["steps"] = self.steps
        if self.then_steps:
            spec["then_steps"] = self.then_steps
        if self.else_steps:
            spec["else_steps"] = self.else_steps
        if self.branches:
            spec["branches"] = self.branches
        if self.break_when:
            spec["break_when"] = self.break_when
        return self.owner.create_kind(kind, spec)


class WorkflowGlobal:
    """The functions behind ``Workflow``; one per script runtime."""

    def __init__(self, ctx: GlobalContext, plugins: Registry | None = None) -> None:
        self._ctx = ctx
        self._plugins = plugins
        self._last: dict[str, str] = {}

    @property
    def services(self) -> Services:
        return self._ctx.services

    def _registry(self) -> Registry:
        if self._plugins is not None:
            return self._plugins
        found = getattr(self.services, "registry", None)
        return found if isinstance(found, Registry) else registry

    # -- building -----------------------------------------------------------------------------
    def builder(self) -> ApiObject:
        return _Builder(self).object

    def _generators(self, value: Any) -> Any:
        """``value`` with each ``generator=<script fn>`` turned into a lazy ``ScriptGenerator``."""
        if isinstance(value, list):
            return [self._generators(v) for v in cast(list[Any], value)]
        if not isinstance(value, dict):
            return value
        table = {k: self._generators(v) for k, v in cast(dict[str, Any], value).items()}
        body = table.get("generator")
        if isinstance(body, IterableScriptFunction):
            host = self._ctx.host
            if host is None:
                raise ValidationError(
                    "generator= needs a running script (it resumes the body on its thread)",
                    details={"field": "generator"},
                )
            table["generator"] = ScriptGenerator(body, host)
        return table

    def create_kind(self, kind: str, spec: Any) -> ApiObject:
        table = self._generators(_table(spec, f"Workflow.{kind}"))
        return self.wrap(self.services.create_workflow(kind, table))

    def create(self, spec: Any) -> ApiObject:
        table = self._generators(_table(spec, "Workflow.create"))
        kind = table.pop("type", None) or table.pop("kind", None)
        if not isinstance(kind, str):
            known = ", ".join(self.types())
            raise ValidationError(
                f"Workflow.create needs type=<kind>; installed kinds: {known}",
                details={"field": "type"},
            )
        return self.wrap(self.services.create_workflow(kind, table))

    def shorthand(self, kind: str) -> Callable[[Any], ApiObject]:
        def make(spec: Any) -> ApiObject:
            return self.create_kind(kind, spec)

        return make

    # -- finding ------------------------------------------------------------------------------
    def list(self) -> list[dict[str, Any]]:
        return [self._info(w) for w in self.services.list_workflows()]

    def get(self, name_or_id: Any) -> ApiObject | None:
        if not isinstance(name_or_id, str):
            raise ValidationError(
                "Workflow.get needs a workflow name or id", details={"field": "name"}
            )
        found = self.services.get_workflow(name_or_id)
        return self.wrap(found) if found is not None else None

    def types(self) -> list[str]:
        return self._registry().names(KINDS_GROUP)

    def wrap_as_tool(self, name_or_id: Any, options: Any = None) -> str:
        if not isinstance(name_or_id, str):
            raise ValidationError("needs a workflow name or id", details={"field": "name"})
        found = self.services.get_workflow(name_or_id)
        if found is None:
            raise NotFoundError(f"unknown workflow '{name_or_id}'", details={"name": name_or_id})
        return self.register_tool(found, options)

    # -- one workflow -------------------------------------------------------------------------
    @staticmethod
    def _info(workflow: Workflow) -> dict[str, Any]:
        meta = workflow.metadata
        return {
            "id": meta.id,
            "name": meta.name,
            "type": workflow.kind,
            "description": meta.description,
        }

    def register_tool(self, workflow: Workflow, options: Any) -> str:
        if isinstance(options, str):
            options = {"name": options}
        table = _table(options, "as_tool")
        name = table.get("name", table.get("tool_name"))
        description = table.get("description")
        make = getattr(workflow, "as_tool", None)
        if not callable(make):
            raise ValidationError(
                f"workflow kind '{workflow.kind}' cannot be offered as a tool (it has no as_tool)"
            )
        tool = cast(
            Tool,
            make(
                name if isinstance(name, str) else None,
                description if isinstance(description, str) else None,
            ),
        )
        existing = next((t for t in self.services.list_tools() if t.name == tool.name), None)
        if existing is not None:
            if getattr(existing, "workflow", None) is workflow:
                return tool.name
            raise ValidationError(
                f"a tool named '{tool.name}' already exists; pass another name to as_tool",
                details={"field": "name"},
            )
        self.services.register_tool(tool)
        return tool.name

    def last_execution(self, workflow: Workflow) -> str | None:
        """The latest run's id, however it ran (also as a step, or as a tool an agent called)."""
        recorded = getattr(workflow, "last_execution_id", None)
        if isinstance(recorded, str) and recorded:
            return recorded
        return self._last.get(workflow.metadata.id) or None

    def wrap(self, workflow: Workflow) -> ApiObject:
        context = self._ctx.context
        key = workflow.metadata.id

        async def execute(input: Any = None) -> dict[str, Any]:
            outcome = await workflow.execute(_input(input), context)
            self._last[key] = str(outcome.metadata.get("execution_id", ""))
            return _result(outcome)

        def stream(input: Any = None) -> ApiStream:
            async def events() -> AsyncIterator[dict[str, Any]]:
                async for event in workflow.stream(_input(input), context):
                    if event.type == "completed" and isinstance(event.data, Mapping):
                        run_meta = cast(
                            Mapping[str, Any],
                            cast(Mapping[str, Any], event.data).get("metadata") or {},
                        )
                        self._last[key] = str(run_meta.get("execution_id", ""))
                    yield cast(dict[str, Any], to_jsonable(event.model_dump()))

            return ApiStream(events())

        def scope() -> str:
            execution = self.last_execution(workflow)
            if not execution:
                raise ValidationError(
                    f"workflow '{workflow.metadata.name}' has not run yet; call execute() first"
                )
            return f"workflow:{execution}"

        async def get_output(step: Any) -> Any:
            if not isinstance(step, str):
                raise ValidationError("get_output needs a step name", details={"field": "step"})
            return await context.state.get(scope(), step)

        async def get_all_outputs() -> dict[str, Any]:
            where = scope()
            keys = await context.state.list_keys(where)
            return {k: await context.state.get(where, k) for k in keys}

        def validate() -> dict[str, Any]:
            errors = workflow.validate()
            return {"valid": not errors, "errors": errors}

        def as_tool(options: Any = None) -> str:
            return self.register_tool(workflow, options)

        methods: dict[str, ApiFunction] = {
            "execute": ApiFunction("execute", execute, is_async=True, doc="run the workflow"),
            "stream": ApiFunction("stream", stream, doc="run it, yielding progress events"),
            "get_output": ApiFunction(
                "get_output", get_output, doc="a step's output of the last run"
            ),
            "get_all_outputs": ApiFunction(
                "get_all_outputs", get_all_outputs, doc="every step output of the last run"
            ),
            "get_execution_id": ApiFunction(
                "get_execution_id", lambda: self.last_execution(workflow), doc="the last run's id"
            ),
            "get_info": ApiFunction("get_info", lambda: self._info(workflow), doc="id, name, type"),
            "validate": ApiFunction("validate", validate, doc="{valid, errors}"),
            "as_tool": ApiFunction("as_tool", as_tool, doc="register as a tool; returns its name"),
        }
        return ApiObject(
            type_name="Workflow",
            methods=methods,
            fields={"id": key, "name": workflow.metadata.name, "type": workflow.kind},
            payload=workflow,
        )


def create_global(ctx: GlobalContext) -> ApiGlobal:
    """The ``llmspell.globals`` entry point for ``Workflow``."""
    api = WorkflowGlobal(ctx)
    functions: dict[str, ApiFunction] = {
        "builder": ApiFunction("builder", api.builder, doc="a workflow builder"),
        "create": ApiFunction("create", api.create, doc="a workflow of any kind: {type=..., ...}"),
        "list": ApiFunction("list", api.list, doc="[{id, name, type, description}]"),
        "get": ApiFunction("get", api.get, doc="a workflow by name or id, or nil"),
        "types": ApiFunction("types", api.types, doc="installed workflow kinds"),
        "wrap_as_tool": ApiFunction(
            "wrap_as_tool", api.wrap_as_tool, doc="register a workflow as a tool"
        ),
    }
    for kind in ("sequential", "parallel", "conditional", "loop", "streaming"):
        functions[kind] = ApiFunction(kind, api.shorthand(kind), doc=f"a {kind} workflow")
    return ApiGlobal(name="Workflow", functions=functions, doc="build and run workflows")
