"""graphql-query against a GraphQL-shaped endpoint: queries, mutations, introspection, errors."""

from __future__ import annotations

import json
from typing import Any

import pytest
from web_fake_server import GRAPHQL_TOKEN, FakeWebServer
from web_tool_support import local_context

from llmspell_core.context import ExecutionContext
from llmspell_core.errors import SecurityError, ToolError, ValidationError
from llmspell_core.testing.contracts import ToolContract
from llmspell_core.tool import Tool
from llmspell_core.tool_types import ToolOutput
from llmspell_tools.api.graphql_query import GraphqlQuery, operation_type


class TestGraphqlContract(ToolContract):
    def make_tool(self) -> Tool:
        return GraphqlQuery()

    def make_context(self) -> ExecutionContext:
        return local_context()

    def invalid_params(self) -> list[dict[str, Any]]:
        return [
            {"operation": "query"},
            {"operation": "subscribe", "query": "{ a }"},
            {"operation": "mutation", "endpoint": "http://x", "query": "{ a }"},
            {"endpoint": "http://x", "query": "mutation { a }"},
            {"query": "{ a }"},
        ]


async def gql(web: FakeWebServer, ctx: ExecutionContext | None = None, **params: Any) -> ToolOutput:
    params.setdefault("endpoint", web.url("/graphql"))
    return await GraphqlQuery().execute(params, ctx or local_context(web))


@pytest.mark.parametrize(
    ("document", "kind"),
    [
        ("{ a }", "query"),
        ("query Q($x: Int) { a(x: $x) { b } }", "query"),
        ("# comment with mutation\nmutation M { add { id } }", "mutation"),
        ("fragment F on T { a }\nquery { ...F }", "query"),
        ("query A { a } mutation B { b }", "mixed"),
        ("subscription S { s }", "subscription"),
    ],
)
def test_operation_type(document: str, kind: str) -> None:
    assert operation_type(document) == kind


async def test_query_with_variables(web: FakeWebServer) -> None:
    out = await gql(
        web,
        query="query Hello($who: String) { hello(who: $who) }",
        variables={"who": "spell"},
        operation_name="Hello",
    )
    assert out.success
    assert out.result["data"]["hello"] == "hello spell"
    assert out.result["data"]["operationName"] == "Hello"
    sent = web.requests_to("/graphql")[-1].json()
    assert sent["variables"] == {"who": "spell"}
    assert sent["operationName"] == "Hello"


async def test_mutation(web: FakeWebServer) -> None:
    out = await gql(
        web,
        operation="mutation",
        query="mutation Add($name: String) { createItem(name: $name) { id name } }",
        variables={"name": "wand"},
    )
    assert out.result["data"] == {"createItem": {"id": "item-1", "name": "wand"}}


async def test_introspection(web: FakeWebServer) -> None:
    out = await gql(web, operation="introspection")
    schema = out.result["data"]["__schema"]
    assert schema["queryType"] == {"name": "Query"}
    assert "__schema" in web.requests_to("/graphql")[-1].json()["query"]


async def test_graphql_errors_are_soft_failures(web: FakeWebServer) -> None:
    out = await gql(web, query="{ broken }")
    assert not out.success
    assert out.error is not None
    assert out.error.code == "GRAPHQL_ERROR"
    assert "Cannot query field 'broken'" in out.error.message
    assert out.result["errors"][0]["message"] == "Cannot query field 'broken'"


async def test_token_and_endpoint_from_config(web: FakeWebServer) -> None:
    ctx = local_context(
        web,
        tools={"graphql_query": {"endpoint": web.url("/graphql/private"), "token": GRAPHQL_TOKEN}},
    )
    out = await GraphqlQuery().execute({"query": "{ hello }"}, ctx)
    assert out.success
    assert (
        web.requests_to("/graphql/private")[-1].headers["authorization"]
        == f"Bearer {GRAPHQL_TOKEN}"
    )
    assert GRAPHQL_TOKEN not in str(out.model_dump())
    denied = await gql(web, endpoint=web.url("/graphql/private"), query="{ hello }")
    assert not denied.success
    assert denied.error is not None
    assert denied.error.code == "GRAPHQL_ERROR"


async def test_mismatched_operation_and_ssrf(web: FakeWebServer) -> None:
    with pytest.raises(ValidationError) as info:
        await gql(web, query="mutation { x }")
    assert "operation='mutation'" in info.value.message
    with pytest.raises(SecurityError):
        await gql(web, local_context(web, allow=False), query="{ a }")


async def test_the_body_leaves_out_what_was_not_given(web: FakeWebServer) -> None:
    await gql(web, query="{ hello }")
    sent = json.loads(web.requests_to("/graphql")[-1].body)
    assert sent == {"query": "{ hello }"}  # no "variables": null, no "operationName": null


async def test_an_answer_that_is_not_json(web: FakeWebServer) -> None:
    with pytest.raises(ToolError) as info:
        await gql(web, endpoint=web.url("/page/1"), query="{ a }")
    assert info.value.code == "HTTP_200"
    assert "graphql-query: http://127.0.0.1:" in info.value.message
    assert "answered HTTP 200 with a non-JSON body: <" in info.value.message
