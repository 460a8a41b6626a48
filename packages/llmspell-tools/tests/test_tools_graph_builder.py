"""graph-builder: create, grow, shrink, analyse, export/import, state-backed graphs."""

from __future__ import annotations

import json
from typing import Any

import pytest

from llmspell_core.context import ExecutionContext
from llmspell_core.errors import NotFoundError, ValidationError
from llmspell_core.testing.contracts import ToolContract
from llmspell_core.tool import Tool
from llmspell_tools.data.graph_builder import GraphBuilder


class TestGraphContract(ToolContract):
    def make_tool(self) -> Tool:
        return GraphBuilder()

    def invalid_params(self) -> list[dict[str, Any]]:
        return [
            {},
            {"operation": "add_node"},
            {"operation": "add_edge", "source": "a"},
            {"operation": "analyze"},
            {"operation": "create", "edges": [["a"]]},
            {"operation": "import", "content": "<graphml", "format": "graphml"},
        ]


async def gb(ctx: ExecutionContext | None = None, **params: Any) -> Any:
    return await GraphBuilder().execute(params, ctx or ExecutionContext())


async def test_build_step_by_step() -> None:
    g = (await gb(operation="create", directed=False)).result["graph"]
    g = (await gb(operation="add_node", graph=g, node_id="a", attributes={"label": "A"})).result[
        "graph"
    ]
    g = (
        await gb(operation="add_edge", graph=g, source="a", target="b", attributes={"weight": 3})
    ).result["graph"]
    assert g == {
        "directed": False,
        "nodes": [{"id": "a", "label": "A"}, {"id": "b"}],
        "edges": [{"source": "a", "target": "b", "weight": 3}],
    }
    g = (await gb(operation="remove_edge", graph=g, source="a", target="b")).result["graph"]
    assert g["edges"] == []
    g = (await gb(operation="remove_node", graph=g, node_id="a")).result["graph"]
    assert g["nodes"] == [{"id": "b"}]
    with pytest.raises(NotFoundError):
        await gb(operation="remove_node", graph=g, node_id="zzz")


async def test_analyze_undirected_paths_and_components() -> None:
    edges = [
        {"source": "a", "target": "b", "w": 1},
        {"source": "b", "target": "c", "w": 1},
        {"source": "a", "target": "c", "w": 5},
        {"source": "x", "target": "y", "w": 1},
    ]
    out = await gb(
        operation="analyze",
        graph={"directed": False, "edges": edges},
        source="a",
        target="c",
        weight="w",
    )
    r = out.result
    assert r["node_count"] == 5
    assert r["edge_count"] == 4
    assert r["component_count"] == 2
    assert r["is_connected"] is False
    assert r["degrees"]["a"] == 2
    assert r["shortest_path"] == ["a", "b", "c"]
    assert r["path_length"] == 2
    unweighted = await gb(
        operation="analyze", graph={"directed": False, "edges": edges}, source="a", target="c"
    )
    assert unweighted.result["shortest_path"] == ["a", "c"]
    none = await gb(
        operation="analyze", graph={"directed": False, "edges": edges}, source="a", target="x"
    )
    assert none.result["shortest_path"] is None


async def test_analyze_directed_dag() -> None:
    out = await gb(operation="analyze", graph={"edges": [["build", "test"], ["test", "ship"]]})
    assert out.result["is_dag"] is True
    assert out.result["topological_order"] == ["build", "test", "ship"]
    cyclic = await gb(operation="analyze", graph={"edges": [["a", "b"], ["b", "a"]]})
    assert cyclic.result["is_dag"] is False
    assert cyclic.result["strongly_connected_count"] == 1
    with pytest.raises(NotFoundError):
        await gb(operation="analyze", graph={"edges": [["a", "b"]]}, source="a", target="q")


@pytest.mark.parametrize("fmt", ["json", "graphml", "edgelist"])
async def test_export_import_round_trip(fmt: str) -> None:
    graph = {"directed": True, "nodes": [], "edges": [["a", "b"], ["b", "c"]]}
    exported = await gb(operation="export", graph=graph, format=fmt)
    imported = await gb(operation="import", content=exported.text, format=fmt)
    edges = {(e["source"], e["target"]) for e in imported.result["graph"]["edges"]}
    assert edges == {("a", "b"), ("b", "c")}


async def test_export_dot() -> None:
    out = await gb(
        operation="export", graph={"directed": False, "edges": [["a", "b"]]}, format="dot"
    )
    assert out.text == 'graph G {\n  "a";\n  "b";\n  "a" -- "b";\n}'


async def test_graph_in_state_by_id() -> None:
    ctx = ExecutionContext()
    await gb(ctx, operation="create", graph_id="kg")
    await gb(ctx, operation="add_edge", graph_id="kg", source="x", target="y")
    out = await gb(ctx, operation="analyze", graph_id="kg")
    assert out.result["edge_count"] == 1
    stored = await ctx.state.get("tool:graph-builder", "kg")
    assert json.dumps(stored)
    with pytest.raises(NotFoundError, match="create it first"):
        await gb(ctx, operation="analyze", graph_id="other")


async def test_bad_edge_names_the_index() -> None:
    with pytest.raises(ValidationError) as info:
        await gb(operation="create", edges=[["a", "b"], {"source": "a"}])
    assert info.value.details["field"] == "edges[1]"
