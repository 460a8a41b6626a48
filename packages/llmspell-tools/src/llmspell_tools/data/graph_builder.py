"""graph-builder: build and analyse graphs with networkx.

A graph travels as JSON (``{directed, nodes: [{id, ...}], edges: [{source, target, ...}]}``)
so a script can keep it in a variable; or, given ``graph_id``, it lives in the spell's state
(scope ``tool:graph-builder``) so an agent can grow it call by call.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal, cast

from pydantic import Field

from llmspell_core.errors import NotFoundError, ValidationError
from llmspell_core.tool_types import ToolOutput
from llmspell_tools.framework import BaseTool, Invocation, ToolParams, example

__all__ = ["GraphBuilder", "GraphParams", "graph_from_json", "graph_to_json"]

STATE_SCOPE = "tool:graph-builder"
MAX_NODES = 100_000


class GraphParams(ToolParams):
    operation: Literal[
        "create",
        "add_node",
        "add_edge",
        "remove_node",
        "remove_edge",
        "analyze",
        "export",
        "import",
    ] = Field(description="what to do")
    graph: dict[str, Any] | None = Field(
        default=None, description="the graph as JSON (from a previous call)"
    )
    graph_id: str | None = Field(
        default=None, description="keep the graph in the spell's state under this id instead"
    )
    directed: bool = Field(default=True, description="create: directed graph")
    node_id: str | int | None = Field(default=None, description="add_node/remove_node: node id")
    attributes: dict[str, Any] = Field(
        default_factory=dict[str, Any], description="node/edge attributes (label, weight, ...)"
    )
    source: str | int | None = Field(default=None, description="edge source / path start")
    target: str | int | None = Field(default=None, description="edge target / path end")
    nodes: list[Any] | None = Field(default=None, description="create: initial nodes")
    edges: list[Any] | None = Field(
        default=None, description="create: initial edges, [source, target] or {source, target}"
    )
    format: Literal["json", "graphml", "dot", "edgelist"] = Field(
        default="json", description="export/import format"
    )
    content: str | None = Field(default=None, description="import: the text to read")
    weight: str | None = Field(default=None, description="analyze: edge attribute for paths")

    required_for: ClassVar[dict[str, tuple[str, ...]]] = {
        "add_node": ("node_id",),
        "remove_node": ("node_id",),
        "add_edge": ("source", "target"),
        "remove_edge": ("source", "target"),
        "import": ("content",),
    }


def graph_to_json(graph: Any) -> dict[str, Any]:
    nodes = [{"id": n, **cast(dict[str, Any], a)} for n, a in graph.nodes(data=True)]
    edges = [
        {"source": u, "target": v, **cast(dict[str, Any], a)} for u, v, a in graph.edges(data=True)
    ]
    return {"directed": bool(graph.is_directed()), "nodes": nodes, "edges": edges}


def _edge(item: Any, index: int) -> tuple[Any, Any, dict[str, Any]]:
    if isinstance(item, dict):
        data = dict(cast(dict[str, Any], item))
        if "source" not in data or "target" not in data:
            raise ValidationError(
                f"graph-builder: edge {index} needs 'source' and 'target'",
                details={"field": f"edges[{index}]", "rule": "edge"},
            )
        return data.pop("source"), data.pop("target"), data
    if isinstance(item, list) and len(cast(list[Any], item)) in (2, 3):
        parts = cast(list[Any], item)
        attrs = (
            cast(dict[str, Any], parts[2]) if len(parts) == 3 and isinstance(parts[2], dict) else {}
        )
        return parts[0], parts[1], attrs
    raise ValidationError(
        f"graph-builder: edge {index} must be [source, target] or {{source, target, ...}}",
        details={"field": f"edges[{index}]", "rule": "edge"},
    )


def graph_from_json(data: dict[str, Any], directed: bool | None = None) -> Any:
    import networkx as nx

    is_directed = bool(data.get("directed", True)) if directed is None else directed
    graph: Any = nx.DiGraph() if is_directed else nx.Graph()  # pyright: ignore[reportUnknownVariableType]
    nodes = cast(list[Any], data.get("nodes") or [])
    if len(nodes) > MAX_NODES:
        raise ValidationError(
            f"graph-builder: at most {MAX_NODES} nodes", details={"field": "graph", "rule": "size"}
        )
    for item in nodes:
        if isinstance(item, dict):
            attrs = dict(cast(dict[str, Any], item))
            graph.add_node(attrs.pop("id"), **attrs)
        else:
            graph.add_node(item)
    for i, item in enumerate(cast(list[Any], data.get("edges") or data.get("links") or [])):
        u, v, attrs = _edge(item, i)
        graph.add_edge(u, v, **attrs)
    return graph


def _analyze(graph: Any, params: GraphParams) -> dict[str, Any]:
    import networkx as nx

    n = graph.number_of_nodes()
    degrees = {str(k): int(v) for k, v in graph.degree()}
    result: dict[str, Any] = {
        "node_count": n,
        "edge_count": graph.number_of_edges(),
        "directed": bool(graph.is_directed()),
        "density": nx.density(graph) if n > 1 else 0.0,
        "degrees": degrees,
        "average_degree": (sum(degrees.values()) / n) if n else 0.0,
    }
    if graph.is_directed():
        weak = [sorted(map(str, c)) for c in nx.weakly_connected_components(graph)]
        result["components"] = weak
        result["strongly_connected_count"] = nx.number_strongly_connected_components(graph)
        result["is_dag"] = nx.is_directed_acyclic_graph(graph)
        if result["is_dag"]:
            result["topological_order"] = [str(x) for x in nx.topological_sort(graph)]
    else:
        result["components"] = [sorted(map(str, c)) for c in nx.connected_components(graph)]
    result["component_count"] = len(result["components"])
    result["is_connected"] = n > 0 and result["component_count"] == 1
    if n:
        centrality: dict[Any, float] = nx.degree_centrality(graph)
        top = sorted(centrality.items(), key=lambda kv: -kv[1])[:10]
        result["top_degree_centrality"] = [{"node": str(k), "value": v} for k, v in top]
    if params.source is not None and params.target is not None:
        for end in (params.source, params.target):
            if end not in graph:
                raise NotFoundError(
                    f"graph-builder: node '{end}' is not in the graph",
                    details={"field": "source" if end == params.source else "target"},
                )
        try:
            path = nx.shortest_path(graph, params.source, params.target, weight=params.weight)
            length = nx.path_weight(graph, path, params.weight) if params.weight else len(path) - 1
            result["shortest_path"] = list(path)
            result["path_length"] = length
        except nx.NetworkXNoPath:
            result["shortest_path"] = None
            result["path_length"] = None
    return result


def _export(graph: Any, fmt: str) -> str:
    import json

    import networkx as nx

    if fmt == "json":
        return json.dumps(graph_to_json(graph), indent=2, default=str)
    if fmt == "graphml":
        return "\n".join(nx.generate_graphml(graph))
    if fmt == "edgelist":
        return "\n".join(f"{u} {v}" for u, v in graph.edges())
    arrow = "->" if graph.is_directed() else "--"
    lines = [f"{'digraph' if graph.is_directed() else 'graph'} G {{"]
    lines += [f'  "{n}";' for n in graph.nodes()]
    lines += [f'  "{u}" {arrow} "{v}";' for u, v in graph.edges()]
    return "\n".join([*lines, "}"])


def _import(content: str, fmt: str, directed: bool) -> Any:
    import json

    import networkx as nx

    try:
        if fmt == "json":
            return graph_from_json(json.loads(content))
        if fmt == "graphml":
            return cast(Any, nx.parse_graphml(content))
        if fmt == "edgelist":
            return cast(
                Any,
                nx.parse_edgelist(
                    content.splitlines(), create_using=nx.DiGraph() if directed else nx.Graph()
                ),
            )
    except (ValueError, nx.NetworkXError, TypeError, SyntaxError) as exc:  # ParseError: SyntaxError
        raise ValidationError(
            f"graph-builder: cannot read the content as {fmt}: {exc}",
            details={"field": "content", "rule": fmt},
        ) from None
    raise ValidationError(
        "graph-builder: import supports json, graphml and edgelist",
        details={"field": "format", "rule": "import_format"},
    )


class GraphBuilder(BaseTool[GraphParams]):
    tool_name = "graph-builder"
    description = (
        "Build graphs (nodes, edges, attributes) and analyse them: degrees, density, "
        "components, DAG/topological order, centrality, shortest paths; export/import JSON, "
        "GraphML, DOT or edge lists."
    )
    tool_category = "data"
    tags = ("graph", "network", "networkx")
    params_model = GraphParams
    timeout_seconds = 30.0
    examples = (
        example("Create", operation="create", edges=[["a", "b"], ["b", "c"]]),
        example(
            "Add an edge",
            operation="add_edge",
            graph={"directed": True, "nodes": [{"id": "a"}], "edges": []},
            source="a",
            target="b",
            attributes={"weight": 2},
        ),
        example(
            "Analyze",
            operation="analyze",
            graph={"directed": False, "nodes": [], "edges": [["a", "b"], ["b", "c"]]},
            source="a",
            target="c",
        ),
        example(
            "Export DOT",
            operation="export",
            graph={"directed": True, "edges": [["a", "b"]]},
            format="dot",
        ),
    )

    async def run(self, params: GraphParams, call: Invocation) -> ToolOutput:
        op = params.operation
        if op == "create":
            graph = graph_from_json(
                {"nodes": params.nodes or [], "edges": params.edges or []}, params.directed
            )
        elif op == "import":
            graph = await call.to_thread(
                _import, params.content or "", params.format, params.directed
            )
        else:
            graph = await self._load(params, call)
        match op:
            case "add_node":
                graph.add_node(params.node_id, **params.attributes)
            case "add_edge":
                graph.add_edge(params.source, params.target, **params.attributes)
            case "remove_node":
                self._require(graph.has_node(params.node_id), f"node '{params.node_id}'")
                graph.remove_node(params.node_id)
            case "remove_edge":
                self._require(
                    graph.has_edge(params.source, params.target),
                    f"edge '{params.source}' -> '{params.target}'",
                )
                graph.remove_edge(params.source, params.target)
            case "analyze":
                result = await call.to_thread(_analyze, graph, params)
                text = (
                    f"{result['node_count']} nodes, {result['edge_count']} edges, "
                    f"{result['component_count']} component(s)"
                )
                if "shortest_path" in result:
                    path = result["shortest_path"]
                    text += "; path: " + (" -> ".join(map(str, path)) if path else "none")
                return call.ok(text, result)
            case "export":
                text = call.limit_text(await call.to_thread(_export, graph, params.format))
                return call.ok(text, {"format": params.format, "content": text})
            case _:
                pass
        data = graph_to_json(graph)
        if params.graph_id is not None:
            await call.ctx.state.set(STATE_SCOPE, params.graph_id, data)
        text = f"graph with {len(data['nodes'])} nodes and {len(data['edges'])} edges"
        return call.ok(
            text,
            {
                "graph": data,
                "graph_id": params.graph_id,
                "node_count": len(data["nodes"]),
                "edge_count": len(data["edges"]),
            },
        )

    def _require(self, present: bool, what: str) -> None:
        if not present:
            raise NotFoundError(f"graph-builder: {what} is not in the graph")

    async def _load(self, params: GraphParams, call: Invocation) -> Any:
        if params.graph is not None:
            return graph_from_json(params.graph)
        if params.graph_id is not None:
            stored = await call.ctx.state.get(STATE_SCOPE, params.graph_id)
            if stored is None:
                raise NotFoundError(
                    f"graph-builder: no graph with graph_id '{params.graph_id}'; "
                    "create it first with operation='create' and the same graph_id",
                    details={"field": "graph_id"},
                )
            return graph_from_json(cast(dict[str, Any], stored))
        raise ValidationError(
            f"graph-builder: {params.operation} needs 'graph' (JSON from an earlier call) or "
            "'graph_id' (rule: required)",
            details={"field": "graph", "rule": "required"},
        )
