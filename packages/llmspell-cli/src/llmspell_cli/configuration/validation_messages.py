"""Turn pydantic's errors into lines a person can act on.

Each line names where the bad key was set (``llmspell.toml:7``, ``profile 'x'``,
``environment variable LLMSPELL_...``), the key as a dotted path as it is written in TOML
(``providers.openai.timeout_seconds``, not pydantic's internal ``providers.entries...``), what
was expected, and what was found. An unknown key lists the keys its table accepts.
"""

from __future__ import annotations

import json
import re
import types
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Union, cast, get_args, get_origin

from pydantic import BaseModel

from llmspell_cli.configuration.redaction import is_secret_key
from llmspell_core.catalog import suggest
from llmspell_core.config import LLMSpellConfig, ProviderConfig, ProvidersConfig

__all__ = ["describe_errors", "dotted_location", "known_keys"]

#: One of pydantic's ``ValidationError.errors()`` entries (type, loc, msg, input, ctx).
ErrorDetails = Mapping[str, Any]

_PROVIDER_KEY = re.compile(r"providers\.([^\s]+) must be a table")

#: pydantic error type -> the expected form, as words.
_EXPECTED: dict[str, str] = {
    "int_parsing": "an integer",
    "int_type": "an integer",
    "int_from_float": "a whole number",
    "float_parsing": "a number",
    "float_type": "a number",
    "bool_parsing": "true or false",
    "bool_type": "true or false",
    "string_type": "a string",
    "dict_type": "a table",
    "model_type": "a table",
    "model_attributes_type": "a table",
    "list_type": "an array",
}


def dotted_location(loc: Sequence[int | str]) -> str:
    """``('providers', 'entries', 'openai', 'x')`` -> ``providers.openai.x``."""
    parts = list(loc)
    if parts[:2] == ["providers", "entries"]:
        del parts[1]
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _annotation_model(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    """The model an annotation holds and whether it sits behind a ``dict[str, ...]``."""
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        for arg in get_args(annotation):
            found = _annotation_model(arg)
            if found[0] is not None:
                return found
        return None, False
    if origin is dict:
        value = get_args(annotation)[1]
        if isinstance(value, type) and issubclass(value, BaseModel):
            return value, True
        return None, True
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, False
    return None, False


def _model_at(parts: Sequence[str], root: type[BaseModel]) -> type[BaseModel] | None:
    """The model class of the table at dotted ``parts`` (empty = ``root``)."""
    model: type[BaseModel] = root
    index = 0
    while index < len(parts):
        part = parts[index]
        if model is ProvidersConfig and part != "default_provider":
            model = ProviderConfig
            index += 1
            continue
        field = model.model_fields.get(part)
        if field is None:
            return None
        child, keyed = _annotation_model(field.annotation)
        if child is None:
            return None
        model = child
        index += 2 if keyed else 1
        if keyed and index > len(parts):
            return None
    return model


def known_keys(table: str, root: type[BaseModel] = LLMSpellConfig) -> list[str]:
    """Keys the table at dotted ``table`` accepts (``""`` is the top level)."""
    parts = table.split(".") if table else []
    model = _model_at(parts, root)
    if model is None:
        return []
    names = list(model.model_fields)
    if model is ProvidersConfig:
        return ["default_provider", "<name> (a [providers.<name>] table)"]
    return names


def _show(value: Any, dotted: str) -> str:
    if is_secret_key(dotted.rsplit(".", 1)[-1]):
        return "<REDACTED>"
    try:
        return json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)


def _expected(error: ErrorDetails) -> str:
    kind = error["type"]
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    if kind in _EXPECTED:
        return _EXPECTED[kind]
    if kind == "literal_error":
        return f"one of {ctx.get('expected', '?')}"
    bounds = {
        "greater_than": ("a number greater than", "gt"),
        "greater_than_equal": ("a number greater than or equal to", "ge"),
        "less_than": ("a number less than", "lt"),
        "less_than_equal": ("a number less than or equal to", "le"),
    }
    if kind in bounds:
        words, key = bounds[kind]
        bound = ctx.get(key)
        if isinstance(bound, float) and bound.is_integer():
            bound = int(bound)
        return f"{words} {bound}"
    message = error["msg"]
    return message.removeprefix("Input should be ").removeprefix("Value error, ")


def _describe(error: ErrorDetails, where: Callable[[str], str], root: type[BaseModel]) -> str:
    dotted = dotted_location(error["loc"])
    kind = error["type"]
    if kind == "value_error" and (match := _PROVIDER_KEY.search(error["msg"])):
        dotted = f"providers.{match[1]}"
        raw = error["input"]
        value = cast(dict[str, Any], raw).get(match[1]) if isinstance(raw, dict) else raw
        return (
            f"{where(dotted)}: {dotted}: expected a table like [providers.{match[1]}] "
            f"(only default_provider may be a plain value in [providers]), "
            f"got {_show(value, dotted)}"
        )
    if kind in ("value_error", "assertion_error"):
        cause = error["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
        return f"{where(dotted)}: {dotted}: {cause}"
    if kind == "extra_forbidden":
        parent, _, key = dotted.rpartition(".")
        keys = known_keys(parent, root)
        plain = [k for k in keys if not k.startswith("<")]
        section = f"[{parent}]" if parent else "the top level"
        return (
            f"{where(dotted)}: {dotted}: unknown key{suggest(key, plain)}; "
            f"known keys in {section}: {', '.join(keys)}"
        )
    return f"{where(dotted)}: {dotted}: expected {_expected(error)}, got {_show(error['input'], dotted)}"


def describe_errors(
    errors: Sequence[ErrorDetails],
    where: Callable[[str], str],
    root: type[BaseModel] = LLMSpellConfig,
) -> list[str]:
    """One line per error; ``where(dotted)`` says which file/layer set that key, ``root`` is
    the model that was validated (for the known keys of a table)."""
    return [_describe(error, where, root) for error in errors]
