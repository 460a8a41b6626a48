"""The ScriptEngine bridge every language engine implements (architecture §3, §4).

Plain slotted classes rather than pydantic models or dataclasses: these are built on the
start-up path of every ``llmspell run`` (see ``records``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any, ClassVar

from llmspell_core.records import Record
from llmspell_core.script_api import ScriptApi

__all__ = ["EngineCapabilities", "EngineLimits", "ScriptArgs", "ScriptEngine"]


class EngineCapabilities(Record):
    """What an engine can do, so the runtime and ``llmspell plugins`` need not guess."""

    __slots__ = ("async_calls", "memory_limit", "modules", "reusable", "streaming", "timeout")

    def __init__(
        self,
        async_calls: bool = True,
        streaming: bool = True,
        modules: bool = False,
        memory_limit: bool = True,
        timeout: bool = True,
        reusable: bool = False,
    ) -> None:
        self.async_calls = async_calls
        self.streaming = streaming
        self.modules = modules
        self.memory_limit = memory_limit
        self.timeout = timeout
        #: ``execute`` may run again on the same instance once the last call returned — even
        #: one that was cancelled or timed out — and sees the globals earlier calls left
        #: (``llmspell repl`` needs this).
        self.reusable = reusable


class EngineLimits(Record):
    """What one script may use. None disables a limit.

    The defaults equal ``[runtime]``'s in ``LLMSpellConfig``, so a run without a config file
    needs no config model at all.
    """

    __slots__ = ("max_memory_mb", "max_recursion_depth", "timeout_seconds")

    def __init__(
        self,
        timeout_seconds: float | None = 300.0,
        max_memory_mb: int | None = 256,
        max_recursion_depth: int | None = 200,
    ) -> None:
        self.timeout_seconds = timeout_seconds
        self.max_memory_mb = max_memory_mb
        self.max_recursion_depth = max_recursion_depth


class ScriptArgs(Record):
    """``ARGS``: index 0 is the script name, then positionals; ``named`` are ``--k v`` pairs."""

    __slots__ = ("named", "positional", "script")

    def __init__(
        self,
        script: str = "",
        positional: list[str] | None = None,
        named: dict[str, Any] | None = None,
    ) -> None:
        self.script = script
        self.positional: list[str] = [] if positional is None else positional
        self.named: dict[str, Any] = {} if named is None else named

    @classmethod
    def parse(cls, script: str, argv: Sequence[str]) -> ScriptArgs:
        """Read ``pos --k v --flag --k2=v2`` the way spell-api §1 describes.

        A ``--name`` followed by another option (or nothing) is the flag value ``"true"``;
        ``--`` ends option parsing so later words are positional.
        """
        positional: list[str] = []
        named: dict[str, Any] = {}
        words = list(argv)
        i = 0
        options = True
        while i < len(words):
            word = words[i]
            i += 1
            if options and word == "--":
                options = False
            elif options and word.startswith("--") and len(word) > 2:
                key, eq, value = word[2:].partition("=")
                if eq:
                    named[key] = value
                elif i < len(words) and not words[i].startswith("--"):
                    named[key] = words[i]
                    i += 1
                else:
                    named[key] = "true"
            else:
                positional.append(word)
        return cls(script=script, positional=positional, named=named)

    def table(self) -> dict[int | str, Any]:
        """The ``ARGS`` value: ``{0: script, 1: first positional, ..., name: value}``."""
        table: dict[int | str, Any] = {0: self.script}
        for index, value in enumerate(self.positional, start=1):
            table[index] = value
        for key, value in self.named.items():
            table[key] = value
        return table


class ScriptEngine(ABC):
    """Runs scripts of one language on the calling thread. Not thread-safe by design.

    Lifecycle: ``__init__(limits)``, ``inject(api)`` once, ``execute`` (once per instance in
    the runtime; again and again in a REPL session when ``capabilities.reusable``), ``close``. ``execute`` must stop the script with ``TimeoutError`` once
    ``limits.timeout_seconds`` have passed since it began (even inside ``pcall``/``try``), with
    ``ResourceLimitError`` past ``max_memory_mb``, with a catchable script error past
    ``max_recursion_depth``, and with ``api.host.interruption()`` when the host reports one.
    """

    name: ClassVar[str]
    file_extensions: ClassVar[tuple[str, ...]] = ()

    def __init__(self, limits: EngineLimits | None = None) -> None:
        self.limits = limits or EngineLimits()

    @property
    def capabilities(self) -> EngineCapabilities:
        return EngineCapabilities()

    @abstractmethod
    def inject(self, api: ScriptApi) -> None:
        """Install the globals; called once before ``execute``."""

    @abstractmethod
    def execute(self, source: str, chunk_name: str, args: ScriptArgs) -> Any:
        """Run ``source``; return its JSON-like result. Raise ScriptError with file:line."""

    @abstractmethod
    def close(self) -> None:
        """Free the interpreter."""
