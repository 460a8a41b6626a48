"""``--param key=value``: parse, convert to the declared type, check required and unknown.

Every mistake is a :class:`UsageError` (exit code 2) naming the parameter, its type and what
was given, because the fix is always on the command line.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, cast

from llmspell_cli.spellpkg.manifest import ParameterSpec, value_matches
from llmspell_core.catalog import suggest
from llmspell_core.errors import UsageError

__all__ = ["convert_value", "parse_param_options", "resolve_parameters"]

_TRUE = frozenset({"true", "yes", "on", "1"})
_FALSE = frozenset({"false", "no", "off", "0"})


def parse_param_options(options: Sequence[str]) -> list[tuple[str, str]]:
    """``["a=1", "b=x=y"]`` -> ``[("a", "1"), ("b", "x=y")]``; a word without ``=`` is an error."""
    pairs: list[tuple[str, str]] = []
    for option in options:
        key, eq, value = option.partition("=")
        if not eq or not key.strip():
            raise UsageError(
                f"--param {option!r}: expected NAME=VALUE, e.g. --param topic=cats",
                details={"param": option},
            )
        pairs.append((key.strip(), value))
    return pairs


def _scalar(kind: str, text: str) -> Any:
    """Convert one word to ``kind``; raises ValueError with the expected form."""
    if kind == "string":
        return text
    if kind == "integer":
        try:
            return int(text.strip())
        except ValueError:
            raise ValueError("an integer, e.g. 3") from None
    if kind == "number":
        try:
            return float(text.strip())
        except ValueError:
            raise ValueError("a number, e.g. 0.5") from None
    lowered = text.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError("true or false")


def _array(spec: ParameterSpec, text: str) -> list[Any]:
    stripped = text.strip()
    if stripped.startswith("["):
        try:
            decoded = json.loads(stripped)
        except json.JSONDecodeError as error:
            raise ValueError(f"a JSON array ({error.msg} at column {error.colno})") from None
        if not isinstance(decoded, list):
            raise ValueError("a JSON array")
        items: list[Any] = []
        for item in cast(list[Any], decoded):
            if isinstance(item, str):
                items.append(_scalar(spec.items, item))
            elif value_matches(spec.items, item):
                items.append(item)
            else:
                raise ValueError(f"an array of {spec.items} values ({json.dumps(item)} is not one)")
        return items
    if not stripped:
        return []
    return [_scalar(spec.items, word.strip()) for word in stripped.split(",")]


def convert_value(name: str, spec: ParameterSpec, text: str) -> Any:
    """``text`` as the parameter's declared type, or a UsageError naming what was expected."""
    try:
        value = _array(spec, text) if spec.type == "array" else _scalar(spec.type, text)
    except ValueError as error:
        raise UsageError(
            f"parameter '{name}' ({spec.type_label()}): expected {error}, got {text!r}",
            details={"param": name, "type": spec.type_label(), "value": text},
        ) from None
    if spec.choices is not None and value not in spec.choices:
        shown = ", ".join(str(choice) for choice in spec.choices)
        raise UsageError(
            f"parameter '{name}': {text!r} is not one of: {shown}",
            details={"param": name, "choices": list(spec.choices)},
        )
    return value


def resolve_parameters(
    declared: Mapping[str, ParameterSpec],
    given: Sequence[tuple[str, str]],
    *,
    spell: str,
) -> dict[str, Any]:
    """Every declared parameter's value (given, else default); absent optional ones omitted.

    Repeating an array parameter appends (``--param tag=a --param tag=b``); repeating any
    other parameter keeps the last value, as most command lines do.
    """
    values: dict[str, Any] = {}
    for name, text in given:
        spec = declared.get(name)
        if spec is None:
            known = sorted(declared)
            listing = ", ".join(known) if known else "none (this spell takes no parameters)"
            raise UsageError(
                f"spell '{spell}' has no parameter '{name}'{suggest(name, known)}; "
                f"its parameters: {listing}",
                details={"param": name, "known": known},
            )
        value = convert_value(name, spec, text)
        if spec.type == "array" and name in values:
            values[name] = [*values[name], *value]
        else:
            values[name] = value
    missing: list[str] = []
    for name, spec in declared.items():
        if name in values:
            continue
        if spec.default is not None:
            values[name] = spec.default
        elif spec.is_required:
            missing.append(name)
    if missing:
        described = "; ".join(
            f"'{name}' ({declared[name].type_label()}"
            + (f": {declared[name].description}" if declared[name].description else "")
            + ")"
            for name in missing
        )
        example = " ".join(f"--param {name}=..." for name in missing)
        noun = "parameter" if len(missing) == 1 else "parameters"
        raise UsageError(
            f"spell '{spell}' is missing required {noun} {described}; pass {example}",
            details={"missing": missing},
        )
    return values
