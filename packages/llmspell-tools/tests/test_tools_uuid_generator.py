"""uuid-generator: versions, formats, deterministic and component ids, validation."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from llmspell_core.context import ExecutionContext
from llmspell_core.errors import ValidationError
from llmspell_core.testing.contracts import ToolContract
from llmspell_core.tool import Tool
from llmspell_tools.utility.uuid_generator import NAMESPACES, UuidGenerator


class TestUuidContract(ToolContract):
    def make_tool(self) -> Tool:
        return UuidGenerator()

    def invalid_params(self) -> list[dict[str, Any]]:
        return [
            {"version": "v9"},
            {"operation": "validate"},
            {"version": "v5"},
            {"operation": "deterministic", "name": "x", "namespace": "nope"},
            {"count": 0},
            {"operation": "component_id", "prefix": "Bad Prefix"},
        ]


async def gen(**params: Any) -> Any:
    return await UuidGenerator().execute(params, ExecutionContext())


@pytest.mark.parametrize("version", ["v1", "v4", "v7", "4", "7"])
async def test_generate_versions(version: str) -> None:
    out = await gen(version=version)
    value = uuid.UUID(out.result["uuid"])
    assert value.version == int(version.removeprefix("v"))


async def test_v7_sorts_by_time() -> None:
    out = await gen(version="v7", count=50)
    values = out.result["uuids"]
    assert len(set(values)) == 50
    assert values == sorted(values)


async def test_v5_is_name_based() -> None:
    out = await gen(version="v5", namespace="url", name="https://x.org")
    assert out.result["uuid"] == str(uuid.uuid5(uuid.NAMESPACE_URL, "https://x.org"))
    custom = "6ba7b811-9dad-11d1-80b4-00c04fd430c8"
    again = await gen(version="v5", namespace=custom, name="a")
    assert again.result["uuid"] == str(uuid.uuid5(uuid.UUID(custom), "a"))


@pytest.mark.parametrize(
    ("fmt", "prefix", "length"),
    [("simple", "", 32), ("urn", "urn:uuid:", 45), ("braced", "{", 38), ("hyphenated", "", 36)],
)
async def test_formats(fmt: str, prefix: str, length: int) -> None:
    out = await gen(format=fmt)
    value: str = out.result["uuid"]
    assert value.startswith(prefix)
    assert len(value) == length
    assert uuid.UUID(value)


async def test_deterministic_is_stable_per_namespace() -> None:
    a = await gen(operation="deterministic", name="my-agent")
    b = await gen(operation="deterministic", name="my-agent")
    c = await gen(operation="deterministic", name="my-agent", namespace="tool")
    assert a.result["id"] == b.result["id"] != c.result["id"]
    assert a.result["id"] == str(uuid.uuid5(NAMESPACES["agent"], "my-agent"))


async def test_component_id() -> None:
    out = await gen(operation="component_id", prefix="agent")
    assert out.result["id"].startswith("agent_")
    assert len(out.result["id"]) == len("agent_") + 26


async def test_validate() -> None:
    v7 = (await gen(version="v7")).result["uuid"]
    out = await gen(operation="validate", uuid=v7)
    assert out.result["valid"] is True
    assert out.result["version"] == "v7"
    assert out.result["unix_ms"] > 1_600_000_000_000
    bad = await gen(operation="validate", uuid="not-a-uuid")
    assert bad.success
    assert bad.result["valid"] is False


async def test_v5_without_name_names_the_field() -> None:
    with pytest.raises(ValidationError) as info:
        await gen(version="v5")
    assert info.value.details["field"] == "name"
