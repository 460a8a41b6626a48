"""uuid-generator: random, time-ordered and name-based UUIDs, plus validation.

v7 (time-ordered) comes from llmspell_utils so ids sort the same way everywhere in llmspell;
deterministic ids use fixed llmspell namespaces so the same name always gives the same id.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar, Literal

from pydantic import Field

from llmspell_core.errors import ValidationError
from llmspell_core.tool_types import ToolOutput
from llmspell_tools.framework import BaseTool, Invocation, ToolParams, example
from llmspell_utils import prefixed_id, uuid7, uuid7_unix_ms

__all__ = ["NAMESPACES", "UuidGenerator", "UuidGeneratorParams"]

_LLMSPELL = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/lexlapax/rs-llmspell")

#: Named namespaces for v5/deterministic ids.
NAMESPACES: dict[str, uuid.UUID] = {
    "dns": uuid.NAMESPACE_DNS,
    "url": uuid.NAMESPACE_URL,
    "oid": uuid.NAMESPACE_OID,
    "x500": uuid.NAMESPACE_X500,
    "agent": uuid.uuid5(_LLMSPELL, "agent"),
    "tool": uuid.uuid5(_LLMSPELL, "tool"),
    "workflow": uuid.uuid5(_LLMSPELL, "workflow"),
}

Format = Literal["hyphenated", "standard", "simple", "urn", "braced"]


class UuidGeneratorParams(ToolParams):
    operation: Literal["generate", "validate", "deterministic", "component_id"] = "generate"
    version: Literal["v1", "v4", "v5", "v7", "1", "4", "5", "7"] = Field(
        default="v4", description="generate: v4 random, v7 time-ordered, v1 time+node, v5 name"
    )
    format: Format = Field(default="hyphenated", description="output format")
    namespace: str | None = Field(
        default=None,
        description="v5/deterministic: dns url oid x500 agent tool workflow, or a UUID "
        "(default: dns for v5, agent for deterministic)",
    )
    name: str | None = Field(default=None, description="v5/deterministic: the name to hash")
    count: int = Field(default=1, ge=1, le=1000, description="generate: how many")
    uuid: str | None = Field(default=None, description="validate: the UUID to check")
    prefix: str = Field(default="component", description="component_id: id prefix")

    required_for: ClassVar[dict[str, tuple[str, ...]]] = {
        "validate": ("uuid",),
        "deterministic": ("name",),
    }


def _namespace(value: str | None, default: str) -> uuid.UUID:
    key = value or default
    if key.lower() in NAMESPACES:
        return NAMESPACES[key.lower()]
    try:
        return uuid.UUID(key)
    except ValueError:
        raise ValidationError(
            f"uuid-generator: namespace '{key}' is neither a known namespace "
            f"({', '.join(NAMESPACES)}) nor a UUID",
            details={"field": "namespace", "rule": "namespace"},
        ) from None


def _format(value: uuid.UUID, fmt: str) -> str:
    match fmt:
        case "simple":
            return value.hex
        case "urn":
            return value.urn
        case "braced":
            return "{" + str(value) + "}"
        case _:
            return str(value)


class UuidGenerator(BaseTool[UuidGeneratorParams]):
    tool_name = "uuid-generator"
    description = (
        "Generate UUIDs (v4 random, v7 time-ordered, v1, v5 name-based), deterministic ids "
        "from a name, prefixed component ids, and validate/inspect a UUID."
    )
    tool_category = "utility"
    tags = ("uuid", "id")
    params_model = UuidGeneratorParams
    timeout_seconds = 5.0
    examples = (
        example("Random UUID", operation="generate"),
        example("Time-ordered UUID", operation="generate", version="v7"),
        example("Name-based", operation="generate", version="v5", namespace="url", name="x.org"),
        example("Deterministic id", operation="deterministic", name="my-agent"),
        example("Validate", operation="validate", uuid="550e8400-e29b-41d4-a716-446655440000"),
        example("Component id", operation="component_id", prefix="agent"),
    )

    async def run(self, params: UuidGeneratorParams, call: Invocation) -> ToolOutput:
        match params.operation:
            case "generate":
                version = "v" + params.version.removeprefix("v")
                if version == "v5" and params.name is None:
                    raise ValidationError(
                        "uuid-generator: parameter 'name' is required for version v5 "
                        "(rule: required)",
                        details={"field": "name", "rule": "required"},
                    )
                values = [
                    _format(self._make(version, params), params.format) for _ in range(params.count)
                ]
                result: dict[str, Any] = {
                    "uuid": values[0],
                    "version": version,
                    "format": params.format,
                }
                if params.count > 1:
                    result["uuids"] = values
                return call.ok("\n".join(values), result)
            case "deterministic":
                namespace = _namespace(params.namespace, "agent")
                value = _format(uuid.uuid5(namespace, params.name or ""), params.format)
                result = {
                    "id": value,
                    "uuid": value,
                    "namespace": params.namespace or "agent",
                    "name": params.name,
                }
                return call.ok(value, result)
            case "component_id":
                value = prefixed_id(params.prefix)
                return call.ok(value, {"id": value, "prefix": params.prefix})
            case _:
                return call.ok(*self._validate(params.uuid or ""))

    def _make(self, version: str, params: UuidGeneratorParams) -> uuid.UUID:
        match version:
            case "v1":
                return uuid.uuid1()
            case "v5":
                return uuid.uuid5(_namespace(params.namespace, "dns"), params.name or "")
            case "v7":
                return uuid7()
            case _:
                return uuid.uuid4()

    def _validate(self, text: str) -> tuple[str, dict[str, Any]]:
        try:
            value = uuid.UUID(text.strip())
        except ValueError:
            return "invalid UUID", {"valid": False, "uuid": text, "error": "not a UUID"}
        result: dict[str, Any] = {
            "valid": True,
            "uuid": str(value),
            "version": f"v{value.version}" if value.version else None,
            "variant": value.variant,
        }
        if value.version == 7:
            result["unix_ms"] = uuid7_unix_ms(value)
        return f"valid UUID version {value.version}", result
