"""Assemble the globals a script sees from the ``llmspell.globals`` entry points.

Each global is built on first use: a spell that never touches ``Agent`` never imports the
agent global's module, which keeps ``llmspell run hello.lua`` light.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from llmspell_core.errors import LLMSpellError
from llmspell_core.registry import Registry
from llmspell_core.script_api import ApiGlobal, GlobalContext, ScriptApi
from llmspell_core.script_host import ScriptHost

__all__ = ["GLOBALS_GROUP", "build_api"]

GLOBALS_GROUP = "llmspell.globals"


def _build_global(plugins: Registry, name: str, context: GlobalContext) -> ApiGlobal:
    factory = plugins.load(GLOBALS_GROUP, name)
    built = factory(context)
    if not isinstance(built, ApiGlobal):
        raise LLMSpellError(
            f"global '{name}': its factory returned {type(built).__name__}, not an ApiGlobal",
            code="PLUGIN_ERROR",
        )
    return built


def build_api(
    context: GlobalContext,
    *,
    plugins: Registry,
    stdout: Callable[[str], None],
    stderr: Callable[[str], None],
    host: ScriptHost,
) -> ScriptApi:
    """A ``ScriptApi`` with one lazy factory per installed global."""
    factories: dict[str, Callable[[], ApiGlobal]] = {
        name: partial(_build_global, plugins, name, context)
        for name in plugins.names(GLOBALS_GROUP)
    }
    return ScriptApi(factories=factories, stdout=stdout, stderr=stderr, host=host)
