"""One SQL statement, classified and rewritten for database-connector before it runs.

Classification decides whether a call may run the statement at all: anything that is not
plainly a read counts as a write. Two reads that write anyway are caught here because a
read-only transaction does not stop them on MySQL/MariaDB: ``SELECT ... INTO OUTFILE`` (a file
on the database server) and executable comments (``/*! ... */``, whose SQL the server runs but
a parser sees as a comment).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from llmspell_core.errors import SecurityError, ValidationError
from llmspell_core.extras import import_optional
from llmspell_tools.framework import ALLOWED_PATHS_KEY

__all__ = ["Statement", "classify_statement"]

_READ_KEYWORDS = frozenset({"SELECT", "VALUES", "EXPLAIN", "SHOW", "DESCRIBE", "DESC", "TABLE"})
#: MySQL runs ``/*! sql */`` and MariaDB ``/*M! sql */``; to a parser they are comments.
_EXECUTABLE_COMMENTS = ("/*!", "/*M!")


@dataclass(frozen=True)
class Statement:
    """One SQL statement ready for SQLAlchemy ``text()``, with its kind."""

    sql: str
    kind: str
    is_write: bool
    binds: dict[str, Any]
    #: Why a statement that reads like a query writes anyway (None: its kind says so).
    hidden_write: str | None = None


def _sqlparse() -> Any:
    import_optional(
        "sqlparse", what="database-connector", distribution="llmspell-tools", extra="db"
    )
    import sqlparse

    return sqlparse


def classify_statement(sql: str, params: dict[str, Any] | list[Any] | None) -> Statement:
    """Split, classify and rewrite ``sql`` so that every value is a bound parameter.

    Positional placeholders become ``:p1``, ``:p2``...; colons elsewhere are escaped so that
    SQLAlchemy reads only the real placeholders as parameters.
    """
    sqlparse = _sqlparse()
    statements = [
        s for s in sqlparse.parse(sql) if s.token_first(skip_cm=True, skip_ws=True) is not None
    ]
    if not statements:
        raise ValidationError(
            "database-connector: the query is empty", details={"field": "query", "rule": "empty"}
        )
    if len(statements) > 1:
        raise ValidationError(
            f"database-connector: one statement per call, got {len(statements)} (split them "
            "into separate calls)",
            details={"field": "query", "rule": "single_statement"},
        )
    statement = statements[0]
    first = str(statement.token_first(skip_cm=True, skip_ws=True).normalized).upper()
    kind = str(statement.get_type()).upper()
    if kind == "UNKNOWN":
        kind = first
    text = str(statement).strip().rstrip(";").strip()
    is_pragma_read = first == "PRAGMA" and "=" not in text
    is_write = not (kind == "SELECT" or first in _READ_KEYWORDS or is_pragma_read)
    if first in ("ATTACH", "DETACH"):
        raise SecurityError(
            f"database-connector: {first} is refused (it would reach files outside the "
            f"allowed roots, {ALLOWED_PATHS_KEY})",
            details={"rule": "attach", "field": "query"},
        )
    hidden = None if is_write else _hidden_write(statement)
    rebuilt, binds = _bind(statement, params)
    return Statement(rebuilt, kind, is_write or hidden is not None, binds, hidden)


def _hidden_write(statement: Any) -> str | None:
    """Why a statement that reads like a query writes anyway, or None when it does not."""
    from sqlparse import tokens

    after_into = False
    for token in statement.flatten():
        if token.is_whitespace:
            continue
        value = str(token.value)
        if token.ttype in tokens.Comment and value.startswith(_EXECUTABLE_COMMENTS):
            return (
                "it holds an executable comment (/*! ... */), whose SQL the server runs unchecked"
            )
        if after_into and not value.startswith("@"):  # INTO @variable only sets a variable
            return "SELECT ... INTO writes a new table or a file on the database server"
        after_into = token.ttype in tokens.Keyword and str(token.normalized).upper() == "INTO"
    return None


def _bind(statement: Any, params: dict[str, Any] | list[Any] | None) -> tuple[str, dict[str, Any]]:
    """The statement's text with ``:name`` placeholders only, and the values they bind."""
    from sqlparse import tokens

    positional = isinstance(params, list)
    given = params if isinstance(params, list) else None
    binds: dict[str, Any] = dict(params) if isinstance(params, dict) else {}
    parts: list[str] = []
    used = 0
    for token in statement.flatten():
        value = str(token.value)
        if token.ttype in tokens.Name.Placeholder:
            if value.startswith(":") and not value[1:].isdigit():
                if positional:
                    raise _mixed()
                parts.append(value)
                continue
            if not positional:
                raise ValidationError(
                    f"database-connector: the placeholder {value} is positional, so 'params' "
                    "must be a list",
                    details={"field": "params", "rule": "placeholders"},
                )
            if value.startswith(("$", ":")):
                index = int(value[1:]) - 1
            elif value.startswith("%("):
                raise _mixed()
            else:
                index = used
                used += 1
            assert given is not None
            if not 0 <= index < len(given):
                raise ValidationError(
                    f"database-connector: placeholder {value} has no value ('params' has "
                    f"{len(given)})",
                    details={"field": "params", "rule": "placeholders"},
                )
            name = f"p{index + 1}"
            binds[name] = given[index]
            parts.append(f":{name}")
        else:
            parts.append(value.replace(":", "\\:"))
    if positional and given is not None and len(binds) != len(given):
        raise ValidationError(
            f"database-connector: 'params' has {len(given)} value(s) but the query uses "
            f"{len(binds)} placeholder(s)",
            details={"field": "params", "rule": "placeholders"},
        )
    return "".join(parts).strip().rstrip(";"), binds


def _mixed() -> ValidationError:
    return ValidationError(
        "database-connector: use either :name placeholders with a 'params' object or ? / %s / "
        "$1 placeholders with a 'params' list",
        details={"field": "params", "rule": "placeholders"},
    )
