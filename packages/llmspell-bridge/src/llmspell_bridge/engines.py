"""Which engine runs a spell: ``--engine``, else the file extension, else ``default_engine``."""

from __future__ import annotations

from pathlib import PurePath

from llmspell_core.engine import ScriptEngine
from llmspell_core.errors import LLMSpellError, UsageError
from llmspell_core.registry import Registry

__all__ = ["ENGINES_GROUP", "choose_engine", "load_engine"]

ENGINES_GROUP = "llmspell.engines"
#: Looked at first when matching extensions, so the common case imports nothing else.
_FIRST_PARTY_ORDER = ("lua", "javascript")


def load_engine(plugins: Registry, name: str) -> type[ScriptEngine]:
    """The engine class registered as ``name``; unknown names are a usage error."""
    if not plugins.has(ENGINES_GROUP, name):
        known = ", ".join(plugins.names(ENGINES_GROUP)) or "none installed"
        raise UsageError(f"unknown engine '{name}'; installed engines: {known}")
    cls = plugins.load(ENGINES_GROUP, name)
    if not (isinstance(cls, type) and issubclass(cls, ScriptEngine)):
        raise LLMSpellError(
            f"engine '{name}' does not name a ScriptEngine subclass", code="PLUGIN_ERROR"
        )
    return cls


def _by_extension(plugins: Registry, suffix: str) -> str | None:
    names = plugins.names(ENGINES_GROUP)
    ordered = [n for n in _FIRST_PARTY_ORDER if n in names]
    ordered += [n for n in names if n not in _FIRST_PARTY_ORDER]
    for name in ordered:
        try:
            cls = load_engine(plugins, name)
        except LLMSpellError:
            continue  # a broken plugin must not stop other engines from matching
        if suffix in (ext.lower() for ext in cls.file_extensions):
            return name
    return None


def choose_engine(
    plugins: Registry, *, explicit: str | None, chunk_name: str | None, default: str
) -> str:
    """The engine name for one run."""
    if explicit:
        return explicit
    if chunk_name:
        suffix = PurePath(chunk_name).suffix.lower()
        if suffix:
            found = _by_extension(plugins, suffix)
            if found is not None:
                return found
    return default
