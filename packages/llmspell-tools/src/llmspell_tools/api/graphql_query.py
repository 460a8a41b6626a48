"""graphql-query: run a GraphQL query or mutation, or introspect the schema, over HTTP POST.

The operation must match the document (a ``query`` call cannot smuggle a mutation), GraphQL
``errors`` make a soft failure that still carries any partial ``data``, and the endpoint and
bearer token can come from ``[tools.graphql_query]`` (``endpoint``, ``token``) or
``LLMSPELL_GRAPHQL_TOKEN``.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar, Literal, cast

from pydantic import Field

from llmspell_core.errors import ValidationError
from llmspell_core.tool_types import SecurityLevel, ToolOutput
from llmspell_tools.framework import BaseTool, Invocation, ToolParams, example, section_key
from llmspell_tools.network import (
    NetworkSettings,
    SafeHttpClient,
    given,
    json_answer,
    redact_text,
    redact_url,
    sensitive_values,
    setting_or_env,
)

__all__ = ["INTROSPECTION_QUERY", "GraphqlQuery", "GraphqlQueryParams", "operation_type"]

INTROSPECTION_QUERY = """query IntrospectionQuery {
  __schema {
    queryType { name }
    mutationType { name }
    subscriptionType { name }
    types {
      kind name description
      fields(includeDeprecated: true) {
        name description
        args { name type { kind name ofType { kind name } } }
        type { kind name ofType { kind name ofType { kind name } } }
      }
      inputFields { name type { kind name ofType { kind name } } }
      enumValues(includeDeprecated: true) { name }
    }
  }
}"""

_COMMENT = re.compile(r"#[^\n]*")
_OPERATION = re.compile(r"^\s*(query|mutation|subscription|fragment|\{)")


def operation_type(document: str) -> str:
    """``query``, ``mutation`` or ``subscription`` of a document's operations (``mixed``)."""
    text = _COMMENT.sub("", document)
    kinds: set[str] = set()
    depth = 0
    token = ""
    for char in text:
        if char == "{":
            if depth == 0:
                kinds.add(_kind(token))
            depth += 1
            token = ""
        elif char == "}":
            depth -= 1
        elif depth == 0:
            token += char
    kinds.discard("fragment")
    if not kinds:
        return "query"
    return kinds.pop() if len(kinds) == 1 else "mixed"


def _kind(head: str) -> str:
    match = _OPERATION.match(head.strip() + " {")
    word = match.group(1) if match else "query"
    return "query" if word == "{" else word


class GraphqlSettings(NetworkSettings):
    endpoint: str | None = None
    token: str | None = None


class GraphqlQueryParams(ToolParams):
    operation: Literal["query", "mutation", "introspection"] = Field(
        default="query", description="query, mutation or introspection"
    )
    endpoint: str | None = Field(
        default=None, description="GraphQL URL (default: [tools.graphql_query] endpoint)"
    )
    query: str | None = Field(default=None, description="the GraphQL document")
    variables: dict[str, Any] | None = Field(default=None, description="operation variables")
    operation_name: str | None = Field(default=None, description="which operation to run")
    headers: dict[str, str] | None = Field(default=None, description="extra headers")
    token: str | None = Field(default=None, description="bearer token (default: config/env)")

    required_for: ClassVar[dict[str, tuple[str, ...]]] = {
        "query": ("query",),
        "mutation": ("query",),
    }


class GraphqlQuery(BaseTool[GraphqlQueryParams]):
    tool_name = "graphql-query"
    description = (
        "Run a GraphQL query or mutation (with variables) against an endpoint, or fetch its "
        "schema by introspection; GraphQL errors are reported with any partial data."
    )
    tool_category = "api"
    tags = ("graphql", "api", "query")
    params_model = GraphqlQueryParams
    settings_model = GraphqlSettings
    security_level = SecurityLevel.RESTRICTED
    timeout_seconds = 60.0
    examples: ClassVar[tuple[dict[str, Any], ...]] = (
        example(
            "A query with variables",
            endpoint="http://example.com/graphql",
            query="query Hello($who: String) { hello(who: $who) }",
            variables={"who": "spell"},
        ),
        example(
            "Introspect the schema",
            operation="introspection",
            endpoint="http://example.com/graphql",
        ),
    )

    async def run(self, params: GraphqlQueryParams, call: Invocation) -> ToolOutput:
        settings = call.settings
        assert isinstance(settings, GraphqlSettings)
        endpoint = params.endpoint or settings.endpoint
        if not endpoint:
            raise ValidationError(
                f"graphql-query: no endpoint; pass 'endpoint' or set "
                f"{section_key(self.name)} endpoint",
                details={"field": "endpoint", "rule": "required"},
            )
        if params.operation == "introspection":
            document = INTROSPECTION_QUERY
        else:
            document = str(params.query)
            kind = operation_type(document)
            if kind != params.operation:
                raise ValidationError(
                    f"graphql-query: the document is a {kind} but operation is "
                    f"'{params.operation}'; set operation='{kind}'"
                    if kind in ("query", "mutation")
                    else f"graphql-query: {kind} documents are not supported here",
                    details={"field": "operation", "rule": "operation_matches_document"},
                )
        token = params.token or setting_or_env(call, "token", "LLMSPELL_GRAPHQL_TOKEN")
        headers = {"Accept": "application/graphql-response+json, application/json"}
        headers.update(params.headers or {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        secrets = sensitive_values(headers, token)
        payload = given(
            query=document, variables=params.variables, operationName=params.operation_name
        )
        async with SafeHttpClient.for_call(call) as http:
            response = await http.request("POST", endpoint, json=payload, headers=headers)
        body = json_answer(response, tool=self.name, service=redact_url(endpoint), secrets=secrets)
        envelope: dict[str, Any] = cast("dict[str, Any]", body) if isinstance(body, dict) else {}
        data: Any = envelope.get("data")
        errors: Any = envelope.get("errors")
        result: dict[str, Any] = {
            "data": data,
            "errors": errors,
            "status_code": response.status_code,
            "endpoint": redact_url(endpoint),
            "operation": params.operation,
        }
        call.metadata["status_code"] = response.status_code
        if errors or not 200 <= response.status_code < 300:
            messages = (
                "; ".join(
                    str(e.get("message", e)) if isinstance(e, dict) else str(e)  # pyright: ignore[reportUnknownMemberType, reportUnknownArgumentType]
                    for e in errors  # pyright: ignore[reportUnknownVariableType]
                )
                if isinstance(errors, list)
                else f"HTTP {response.status_code}"
            )
            code = "GRAPHQL_ERROR" if errors else f"HTTP_{response.status_code}"
            return call.fail(f"graphql-query: {redact_text(messages, secrets)}", code, result)
        import json

        return call.ok(json.dumps(data, ensure_ascii=False), result)
