"""``{{steps.<name>.text}}``-style references in step inputs (spell-api §5).

Data flows between steps through these references. A string that is exactly one reference
takes the referenced value as is (a number stays a number, a table stays a table); a reference
inside longer text is spliced in as text (JSON for non-strings). A reference to something that
does not exist is an error naming the step and the reference, never a silent empty string.

Roots: ``steps.<name>.<field>...``, ``input.<key>...``, ``loop.item|index|value|number``,
``stream.item|index``. rs-llmspell's ``{{step:<name>:output[.path]}}`` and
``{{loop:current_value}}`` / ``{{loop:current_item.<path>}}`` / ``{{loop:index}}`` are
accepted too. Path segments index mappings by key and lists by 0-based number.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from llmspell_core.errors import ValidationError

__all__ = ["ROOTS", "Reference", "find_references", "interpolate", "parse_reference"]

ROOTS = ("steps", "input", "loop", "stream")

_PATTERN = re.compile(r"\{\{\s*([^{}]+?)\s*\}\}")
_LEGACY_STEP = re.compile(r"^step:([^:]+):(output|text|result)(?:[.:](.+))?$")
_LEGACY_LOOP = re.compile(
    r"^loop:(current_value|current_item|value|item|index|iteration)(?:\.(.+))?$"
)


@dataclass(frozen=True)
class Reference:
    """A parsed reference: its root, the path below it, and the text it was written as."""

    text: str
    root: str
    path: tuple[str, ...]

    @property
    def step(self) -> str | None:
        return self.path[0] if self.root == "steps" and self.path else None


def _split(path: str) -> tuple[str, ...]:
    # ``a.b[0].c`` → a, b, 0, c
    return tuple(p for p in re.split(r"\.|\[|\]", path) if p)


def parse_reference(expression: str) -> Reference:
    """Parse the inside of ``{{ ... }}``; unknown roots raise ``ValidationError``."""
    text = "{{" + expression + "}}"
    legacy = _LEGACY_STEP.match(expression)
    if legacy:
        name, field, rest = legacy.group(1), legacy.group(2), legacy.group(3)
        if rest:
            return Reference(text, "steps", (name, "result", *_split(rest)))
        return Reference(text, "steps", (name, "result" if field == "result" else "text"))
    legacy = _LEGACY_LOOP.match(expression)
    if legacy:
        field = {"current_value": "item", "current_item": "item", "value": "item"}.get(
            legacy.group(1), legacy.group(1)
        )
        field = "index" if field == "iteration" else field
        rest = legacy.group(2)
        return Reference(text, "loop", (field, *(_split(rest) if rest else ())))
    parts = _split(expression)
    if not parts or parts[0] not in ROOTS:
        raise ValidationError(
            f"unknown reference {text}: references start with "
            + ", ".join(f"'{r}.'" for r in ROOTS),
            details={"reference": text},
        )
    return Reference(text, parts[0], parts[1:])


def find_references(value: object) -> Iterator[Reference]:
    """Every reference inside a JSON-like value (for validating a spec before it runs)."""
    if isinstance(value, str):
        for match in _PATTERN.finditer(value):
            yield parse_reference(match.group(1))
    elif isinstance(value, Mapping):
        for item in cast("Mapping[Any, Any]", value).values():
            yield from find_references(item)
    elif isinstance(value, list | tuple):
        for item in cast("Sequence[Any]", value):
            yield from find_references(item)


class _MissingError(Exception):
    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


def _describe(keys: Sequence[str]) -> str:
    return ", ".join(keys) if keys else "none"


def _walk(value: Any, path: Sequence[str], where: str) -> Any:
    current = value
    walked = where
    for segment in path:
        if isinstance(current, Mapping):
            mapping = cast("Mapping[str, Any]", current)
            if segment not in mapping:
                raise _MissingError(
                    f"{walked} has no key '{segment}' (keys: {_describe(list(mapping))})"
                )
            current = mapping[segment]
        elif isinstance(current, list | tuple):
            items = cast("Sequence[Any]", current)
            if not segment.lstrip("-").isdigit() or not -len(items) <= int(segment) < len(items):
                raise _MissingError(
                    f"{walked} is a list of {len(items)}; '{segment}' is not an index"
                )
            current = items[int(segment)]
        else:
            kind = "nothing" if current is None else type(current).__name__
            raise _MissingError(f"{walked} is {kind}, which has no '{segment}'")
        walked = f"{walked}.{segment}"
    return current


def _resolve(ref: Reference, variables: Mapping[str, Any]) -> Any:
    scope = variables.get(ref.root)
    if ref.root == "steps":
        steps = cast("Mapping[str, Any]", scope or {})
        if not ref.path:
            return dict(steps)
        name = ref.path[0]
        if name not in steps:
            raise _MissingError(
                f"no step named '{name}' has run before this one (finished so far: "
                f"{_describe(list(steps))})"
            )
        return _walk(steps[name], ref.path[1:], f"steps.{name}")
    if scope is None:
        where = {"loop": "inside a loop body", "stream": "inside a streaming stage"}
        raise _MissingError(f"'{ref.root}' is only available {where.get(ref.root, 'here')}")
    return _walk(scope, ref.path, ref.root)


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return str(value)


def interpolate(value: Any, variables: Mapping[str, Any], *, step: str) -> Any:
    """A copy of ``value`` with every reference replaced; raises naming ``step`` on a bad one."""
    if isinstance(value, str):
        if "{{" not in value:
            return value
        try:
            whole = _PATTERN.fullmatch(value)
            if whole:
                return _resolve(parse_reference(whole.group(1)), variables)
            return _PATTERN.sub(
                lambda m: _as_text(_resolve(parse_reference(m.group(1)), variables)), value
            )
        except _MissingError as missing:
            ref = next(
                (
                    parse_reference(m.group(1)).text
                    for m in _PATTERN.finditer(value)
                    if _failing(m.group(1), variables)
                ),
                value,
            )
            raise ValidationError(
                f"step '{step}': cannot resolve {ref}: {missing.why}",
                details={"step": step, "reference": ref},
            ) from None
        except ValidationError as error:
            raise ValidationError(
                f"step '{step}': {error.message}", details={"step": step, **error.details}
            ) from None
    if isinstance(value, Mapping):
        return {
            k: interpolate(v, variables, step=step)
            for k, v in cast("Mapping[str, Any]", value).items()
        }
    if isinstance(value, list | tuple):
        return [interpolate(v, variables, step=step) for v in cast("Sequence[Any]", value)]
    return value


def _failing(expression: str, variables: Mapping[str, Any]) -> bool:
    try:
        _resolve(parse_reference(expression), variables)
    except (_MissingError, ValidationError):
        return True
    return False
