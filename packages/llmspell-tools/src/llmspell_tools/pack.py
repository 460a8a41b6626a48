"""The ``builtin`` tool pack: every BaseTool defined in a category subpackage.

Tool modules are found by walking the category packages, so adding a tool is adding a module —
no list to edit. Each tool is instantiated once per name (aliases included).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from typing import Any, cast

from llmspell_core.tool import Tool
from llmspell_tools.framework.base import BaseTool

__all__ = ["CATEGORY_PACKAGES", "builtin_tool_classes", "builtin_tools"]

#: Subpackages holding tool modules, one module per tool.
CATEGORY_PACKAGES: tuple[str, ...] = (
    "utility",
    "data",
    "filesystem",
    "system",
    "media",
    "web",
    "api",
    "communication",
)


def builtin_tool_classes() -> list[type[BaseTool[Any]]]:
    """Concrete BaseTool subclasses defined in the category packages, sorted by name."""
    found: dict[str, type[BaseTool[Any]]] = {}
    for category in CATEGORY_PACKAGES:
        try:
            package = importlib.import_module(f"llmspell_tools.{category}")
        except ModuleNotFoundError:
            continue
        for info in pkgutil.iter_modules(package.__path__):
            if info.name.startswith("_"):
                continue
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            for _, member in inspect.getmembers(module, inspect.isclass):
                if not issubclass(member, BaseTool):
                    continue
                obj = cast("type[BaseTool[Any]]", member)
                if (
                    obj.__module__ == module.__name__
                    and not inspect.isabstract(obj)
                    and "tool_name" in vars(obj)
                ):
                    found[obj.tool_name] = obj
    return [found[name] for name in sorted(found)]


def builtin_tools() -> list[Tool]:
    """The pack's entry point: one instance per tool name and alias."""
    tools: list[Tool] = []
    for cls in builtin_tool_classes():
        tools.append(cls())
        tools.extend(cls(alias) for alias in cls.aliases)
    return tools
