"""The smallest value that satisfies a JSON Schema, so offline structured output validates.

Covers what agents' response schemas use (objects, arrays, scalars, enums, consts, anyOf /
oneOf / allOf, local ``$ref``); strings say ``offline`` so nobody mistakes them for an answer.
"""

from __future__ import annotations

from typing import Any, cast

__all__ = ["example_for"]

_MAX_DEPTH = 32


def _resolve(ref: str, root: dict[str, Any]) -> dict[str, Any]:
    node: Any = root
    if not ref.startswith("#"):
        return {}
    for part in ref.lstrip("#/").split("/"):
        if not part:
            continue
        if not isinstance(node, dict):
            return {}
        node = cast(dict[str, Any], node).get(part.replace("~1", "/").replace("~0", "~"))
    return cast(dict[str, Any], node) if isinstance(node, dict) else {}


def _string(schema: dict[str, Any], text: str) -> str:
    value = text
    minimum = int(schema.get("minLength", 0) or 0)
    maximum = schema.get("maxLength")
    if len(value) < minimum:
        value = value + "x" * (minimum - len(value))
    if isinstance(maximum, int):
        value = value[:maximum]
    fmt = schema.get("format")
    if fmt == "date-time":
        value = "1970-01-01T00:00:00Z"
    elif fmt == "date":
        value = "1970-01-01"
    elif fmt == "email":
        value = "offline@example.invalid"
    elif fmt in ("uri", "url"):
        value = "https://example.invalid/offline"
    return value


def _number(schema: dict[str, Any], integer: bool) -> int | float:
    low = schema.get("minimum", schema.get("exclusiveMinimum"))
    value: float = float(low) if isinstance(low, int | float) else 0.0
    if "exclusiveMinimum" in schema and isinstance(schema["exclusiveMinimum"], int | float):
        value += 1
    high = schema.get("maximum")
    if isinstance(high, int | float) and value > high:
        value = float(high)
    return int(value) if integer else value


def example_for(schema: Any, text: str = "offline", *, _root: Any = None, _depth: int = 0) -> Any:
    """A value valid against ``schema``; strings default to ``text``."""
    if not isinstance(schema, dict) or _depth > _MAX_DEPTH:
        return None
    node = cast(dict[str, Any], schema)
    root = cast(dict[str, Any], _root if isinstance(_root, dict) else node)

    def again(sub: Any) -> Any:
        return example_for(sub, text, _root=root, _depth=_depth + 1)

    if isinstance(node.get("$ref"), str):
        return again(_resolve(str(node["$ref"]), root))
    if "const" in node:
        return node["const"]
    enum = node.get("enum")
    if isinstance(enum, list) and enum:
        return cast(list[Any], enum)[0]
    if "default" in node:
        return node["default"]
    for key in ("anyOf", "oneOf"):
        options = node.get(key)
        if isinstance(options, list) and options:
            return again(cast(list[Any], options)[0])
    all_of = node.get("allOf")
    if isinstance(all_of, list) and all_of:
        merged: dict[str, Any] = {}
        for part in cast(list[Any], all_of):
            if isinstance(part, dict):
                for k, v in cast(dict[str, Any], part).items():
                    if k == "properties" and isinstance(v, dict):
                        merged.setdefault("properties", {}).update(v)
                    elif k == "required" and isinstance(v, list):
                        merged.setdefault("required", []).extend(v)
                    else:
                        merged.setdefault(k, v)
        return again(merged)
    kind = node.get("type")
    if isinstance(kind, list):
        kinds = [k for k in cast(list[Any], kind) if k != "null"] or ["null"]
        kind = kinds[0]
    if kind is None:
        kind = "object" if "properties" in node else "string"
    if kind == "object":
        properties = node.get("properties")
        props = cast(dict[str, Any], properties) if isinstance(properties, dict) else {}
        return {name: again(sub) for name, sub in props.items()}
    if kind == "array":
        count = int(node.get("minItems", 0) or 0)
        items = node.get("items", {})
        return [again(items) for _ in range(max(count, 1 if items else 0))]
    if kind == "string":
        return _string(node, text)
    if kind in ("number", "integer"):
        return _number(node, kind == "integer")
    if kind == "boolean":
        return False
    return None
