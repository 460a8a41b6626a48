"""What ``llmspell repl`` runs for what was typed, and whether the input is still unfinished.

Like the standalone ``lua`` REPL, a line is first tried as an expression whose value is shown
(``return <line>``; in JavaScript ``return (<line>)``) and, when that is not valid syntax, run
as statements. Input that stops in the middle of a block (``function f()`` without its
``end``; an open ``{`` in JavaScript) asks for more lines instead of failing.

JavaScript runs each input inside an async function (that is what lets ``await`` work at the
top), so a declaration would vanish with it: a line that starts with ``const x =``,
``let x =``, ``var x =``, ``function f``, ``async function f`` or ``class C`` defines the
name on ``globalThis`` instead, where later lines find it.
"""

from __future__ import annotations

import re

from llmspell_core.errors import ScriptError

__all__ = ["attempts", "unfinished"]

_JS_NAME = r"[A-Za-z_$][\w$]*"
_JS_VARIABLE = re.compile(rf"^(\s*)(?:const|let|var)\s+({_JS_NAME})\s*=(?!=)")
_JS_FUNCTION = re.compile(rf"^(\s*)((?:async\s+)?function\b\s*\*?\s*({_JS_NAME})\s*\()")
_JS_CLASS = re.compile(rf"^(\s*)(class\s+({_JS_NAME})\b)")
_CLOSERS = {"(": ")", "[": "]", "{": "}"}


def _js_globals(text: str) -> str:
    """``const x = 1`` -> ``globalThis.x = 1`` (and functions and classes alike)."""
    if match := _JS_VARIABLE.match(text):
        return f"{match[1]}globalThis.{match[2]} =" + text[match.end() :]
    for pattern in (_JS_FUNCTION, _JS_CLASS):
        if match := pattern.match(text):
            return f"{match[1]}globalThis.{match[3]} = {match[2]}" + text[match.end() :]
    return text


def attempts(engine: str, text: str) -> list[str]:
    """The sources to try in turn; each one after the first runs only when the one before was
    a syntax error (so nothing runs twice)."""
    if engine == "lua":
        if text.startswith("="):  # Lua 5.1's REPL shorthand for `return`
            return ["return " + text[1:]]
        return ["return " + text, text]
    if engine == "javascript":
        statements = _js_globals(text)
        expression = text.rstrip().rstrip(";")
        if statements != text or not expression:
            return [statements]
        return [f"return ({expression}\n)", statements]
    return [text]


def _js_open(text: str) -> bool:
    """True when brackets, a template literal or a block comment are still open at the end."""
    stack: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if stack and stack[-1] == "`":  # inside a template literal
            if c == "\\":
                i += 2
                continue
            if c == "`":
                stack.pop()
            elif text.startswith("${", i):
                stack.append("${")
                i += 1
            i += 1
            continue
        if c in "\"'":
            end = i + 1
            while end < n and text[end] not in (c, "\n"):
                end += 2 if text[end] == "\\" else 1
            i = end + 1
            continue
        if text.startswith("//", i):
            newline = text.find("\n", i)
            i = n if newline < 0 else newline + 1
            continue
        if text.startswith("/*", i):
            close = text.find("*/", i + 2)
            if close < 0:
                return True
            i = close + 2
            continue
        if c == "`":
            stack.append("`")
        elif c in _CLOSERS:
            stack.append(_CLOSERS[c])
        elif c in ")]}":
            if not stack or not (stack[-1] == c or (c == "}" and stack[-1] == "${")):
                return False  # a stray closer: a syntax error, not unfinished input
            stack.pop()
        i += 1
    return bool(stack)


def unfinished(engine: str, text: str, error: ScriptError) -> bool:
    """True when ``error`` (from the last attempt) means "keep typing", not "this is wrong"."""
    if error.code != "SYNTAX_ERROR":
        return False
    if engine == "lua":
        return error.message.rstrip().endswith("<eof>")
    if engine == "javascript":
        return _js_open(text)
    return False
