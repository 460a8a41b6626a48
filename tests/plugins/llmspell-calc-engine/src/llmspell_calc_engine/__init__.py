"""``calc``: a tiny line-based language, as a third-party llmspell engine.

Each line is an assignment (``x = 1 + 2``), ``print a, b``, ``return expr``, ``goto N`` or a
bare expression. Expressions are Python literals, arithmetic, names and calls of llmspell
globals (``JSON.stringify([1])``), evaluated by walking the ``ast`` — never ``eval``.
"""

from __future__ import annotations

import ast
import operator
import time
from collections.abc import Callable
from typing import Any, ClassVar

from llmspell_core.engine import ScriptArgs, ScriptEngine
from llmspell_core.errors import LLMSpellError, ScriptError, TimeoutError
from llmspell_core.script_api import ScriptApi, qualify_error

__all__ = ["CalcEngine"]

_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}


class CalcEngine(ScriptEngine):
    """The ``calc`` engine: runs ``.calc`` spells line by line on the calling thread."""

    name: ClassVar[str] = "calc"
    file_extensions: ClassVar[tuple[str, ...]] = (".calc",)

    def __init__(self, limits: Any = None) -> None:
        super().__init__(limits)
        self._api = ScriptApi()
        self._variables: dict[str, Any] = {}

    def inject(self, api: ScriptApi) -> None:
        self._api = api

    def close(self) -> None:
        self._variables.clear()

    def execute(self, source: str, chunk_name: str, args: ScriptArgs) -> Any:
        self._variables = {"ARGS": args.table(), "true": True, "false": False, "nil": None}
        lines = source.split("\n")
        timeout = self.limits.timeout_seconds
        deadline = None if timeout is None else time.monotonic() + timeout
        host = self._api.get_host()
        index = 0
        while index < len(lines):
            if deadline is not None and time.monotonic() >= deadline:
                raise TimeoutError(f"timed out after {timeout:g}s")
            stop = host.interruption()
            if stop is not None:
                raise stop
            number = index + 1
            line = lines[index].split("#", 1)[0].strip()
            index += 1
            if not line:
                continue
            try:
                keyword, _, rest = line.partition(" ")
                if keyword == "return":
                    return self._eval(rest)
                if keyword == "goto":
                    index = int(rest) - 1
                elif keyword == "print":
                    values: list[Any] = self._eval(f"[{rest}]") if rest else []
                    self._api.stdout("\t".join(_text(v) for v in values))
                elif "=" in line and line.split("=", 1)[0].strip().isidentifier():
                    name, expression = line.split("=", 1)
                    self._variables[name.strip()] = self._eval(expression)
                else:
                    self._eval(line)
            except (ScriptError, TimeoutError):
                raise
            except LLMSpellError as exc:
                exc.details.setdefault("spell_file", chunk_name)
                exc.details.setdefault("spell_line", number)
                raise
            except (SyntaxError, ValueError, TypeError, KeyError, ZeroDivisionError) as exc:
                message = exc.msg if isinstance(exc, SyntaxError) else str(exc)
                raise ScriptError(message, file=chunk_name, line=number) from None
        return None

    # -- expressions ------------------------------------------------------------------------
    def _eval(self, text: str) -> Any:
        return self._node(ast.parse(text.strip(), mode="eval").body)

    def _node(self, node: ast.expr) -> Any:
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            if node.id not in self._variables:
                raise KeyError(f"'{node.id}' is not defined")
            return self._variables[node.id]
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            return _BINARY[type(node.op)](self._node(node.left), self._node(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -self._node(node.operand)
        if isinstance(node, ast.List):
            return [self._node(item) for item in node.elts]
        if isinstance(node, ast.Dict):
            return {
                self._node(k): self._node(v)
                for k, v in zip(node.keys, node.values, strict=True)
                if k
            }
        if isinstance(node, ast.Subscript):
            return self._node(node.value)[self._node(node.slice)]
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            target = node.func.value
            if isinstance(target, ast.Name):
                return self._call(target.id, node.func.attr, [self._node(a) for a in node.args])
        raise ValueError(f"unsupported expression: {ast.unparse(node)}")

    def _call(self, global_name: str, function: str, args: list[Any]) -> Any:
        qualname = f"{global_name}.{function}"
        try:
            api_global = self._api.resolve(global_name)
        except KeyError:
            raise KeyError(f"'{global_name}' is not a global") from None
        fn = api_global.functions.get(function)
        if fn is None:
            raise KeyError(f"{qualname} does not exist")
        try:
            result = fn.impl(*args)
            if hasattr(result, "__await__"):
                result = self._api.get_host().run(result)
        except Exception as exc:
            raise qualify_error(qualname, exc) from exc
        return result


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if value is None:
        return "nil"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
