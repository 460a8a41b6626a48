"""The ``Tool`` global (spell-api §3): run, list, find and define tools from a spell.

Tools are reached only through ``GlobalContext.services`` (never by importing a tool package),
so a third-party tool pack appears here exactly like the built-in one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from llmspell_bridge.globals.script_tool import ScriptTool, check_schema
from llmspell_core.context import ExecutionContext
from llmspell_core.errors import ValidationError
from llmspell_core.script_api import (
    ApiFunction,
    ApiGlobal,
    ApiObject,
    GlobalContext,
    ScriptFunction,
)
from llmspell_core.services import Services
from llmspell_core.tool import Tool

__all__ = ["ToolGlobal", "create_global"]


def _params(where: str, params: Any) -> dict[str, Any]:
    """A script's params table as a dict; an empty Lua table may arrive as a list."""
    if type(params) is dict:  # what both engines hand over: skip the slower ABC check
        return dict(cast(dict[str, Any], params))
    if params is None:
        return {}
    if isinstance(params, Mapping):
        return dict(cast(Mapping[str, Any], params))
    kind = type(cast(object, params)).__name__
    if kind == "list" and not params:
        return {}
    raise ValidationError(
        f"{where}: params must be a table/object of named parameters, got {kind}",
        details={"field": "params", "rule": "type"},
    )


def _summary(tool: Tool) -> dict[str, Any]:
    spec = tool.spec
    return {
        "name": spec.name,
        "description": spec.description,
        "category": spec.category,
        "version": spec.version,
    }


class ToolGlobal:
    """The functions behind ``Tool``; one per script runtime."""

    def __init__(self, ctx: GlobalContext) -> None:
        self._ctx = ctx

    @property
    def _services(self) -> Services:
        return self._ctx.services

    @property
    def _context(self) -> ExecutionContext:
        return self._ctx.context

    # -- calls -----------------------------------------------------------------------------
    async def execute(self, name: str, params: Any = None) -> dict[str, Any]:
        tool = self._services.get_tool(name)
        output = await tool.execute(_params("Tool.execute", params), self._context)
        return output.to_script()

    def list(self) -> list[dict[str, Any]]:
        return [_summary(t) for t in self._services.list_tools()]

    def discover(self, query: Any = None) -> list[dict[str, Any]]:
        if isinstance(query, str):
            query = {"category": query}
        filters = _params("Tool.discover", query)
        category = filters.get("category")
        tag = filters.get("tag")
        found: list[dict[str, Any]] = []
        for tool in self._services.list_tools():
            spec = tool.spec
            if category is not None and spec.category != category:
                continue
            if tag is not None and tag not in spec.tags:
                continue
            found.append(_summary(tool))
        return found

    def get(self, name: str) -> ApiObject | None:
        tool = self._find(name)
        if tool is None:
            return None
        spec = tool.spec

        async def run(params: Any = None) -> dict[str, Any]:
            output = await tool.execute(_params(f"{spec.name}:execute", params), self._context)
            return output.to_script()

        return ApiObject(
            type_name="Tool",
            methods={"execute": ApiFunction("execute", run, is_async=True, doc="run this tool")},
            fields={**_summary(tool), "schema": spec.parameters, "tags": list(spec.tags)},
        )

    def exists(self, name: str) -> bool:
        return self._find(name) is not None

    def categories(self) -> list[str]:
        return sorted({t.spec.category for t in self._services.list_tools()})

    def register(self, spec: Any) -> str:
        table = _params("Tool.register", spec)
        name = table.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ValidationError(
                "Tool.register: 'name' must be a non-empty string",
                details={"field": "name", "rule": "required"},
            )
        handler = table.get("handler")
        if not isinstance(handler, ScriptFunction):
            raise ValidationError(
                "Tool.register: 'handler' must be a function",
                details={"field": "handler", "rule": "type"},
            )
        unknown = set(table) - {
            "name",
            "description",
            "parameters",
            "handler",
            "category",
            "version",
            "tags",
        }
        if unknown:
            raise ValidationError(
                f"Tool.register: unknown key(s) {', '.join(sorted(unknown))}; known: name, "
                "description, parameters, handler, category, version, tags",
                details={"field": sorted(unknown)[0], "rule": "unknown"},
            )
        raw_tags: Any = table.get("tags")
        tags = [str(t) for t in cast(list[Any], raw_tags)] if isinstance(raw_tags, list) else []
        tool = ScriptTool(
            name=name,
            description=str(table.get("description") or name),
            parameters=check_schema(table.get("parameters") or {}, "Tool.register"),
            handler=handler,
            category=str(table.get("category") or "script"),
            version=str(table.get("version") or "0.1.0"),
            tags=tags,
        )
        existing = self._find(name)
        if existing is not None and not isinstance(existing, ScriptTool):
            raise ValidationError(
                f"Tool.register: '{name}' is already a built-in or plugin tool; choose another name",
                details={"field": "name", "rule": "unique"},
            )
        self._services.register_tool(tool, replace=existing is not None)
        return name

    def index(self, key: str) -> ApiObject | None:
        return self.get(key)

    def _find(self, name: str) -> Tool | None:
        finder = getattr(self._services, "find_tool", None)
        if finder is not None:
            return cast(Tool | None, finder(name))
        return next((t for t in self._services.list_tools() if t.name == name), None)


def create_global(ctx: GlobalContext) -> ApiGlobal:
    """The ``llmspell.globals`` entry point for ``Tool``."""
    api = ToolGlobal(ctx)
    functions = {
        "execute": ApiFunction("execute", api.execute, is_async=True, doc="run a tool by name"),
        "list": ApiFunction("list", api.list, doc="every tool: name, description, category"),
        "discover": ApiFunction("discover", api.discover, doc="tools filtered by category/tag"),
        "get": ApiFunction("get", api.get, doc="a tool object with execute, or nil"),
        "exists": ApiFunction("exists", api.exists, doc="whether a tool exists"),
        "categories": ApiFunction("categories", api.categories, doc="tool categories"),
        "register": ApiFunction("register", api.register, doc="define a tool in the script"),
    }
    return ApiGlobal(name="Tool", functions=functions, index=api.index)
