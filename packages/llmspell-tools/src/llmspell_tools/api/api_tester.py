"""api-tester: call an endpoint and check what came back — status, JSON paths, schema, latency.

Every check is reported (expected, actual, passed), so a spell gets a whole test report, not
just the first failure. A failed check is a soft failure (``error.code = "ASSERTION_FAILED"``)
carrying the report; a request that cannot be made at all raises as usual.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from llmspell_core.errors import ValidationError
from llmspell_core.tool_types import SecurityLevel, ToolOutput
from llmspell_tools.api._auth import AuthParams, apply_auth
from llmspell_tools.framework import BaseTool, Invocation, ToolParams, example
from llmspell_tools.network import (
    NetworkSettings,
    SafeHttpClient,
    redact_headers,
    redact_text,
    redact_url,
    redact_value,
)

__all__ = ["ApiTester", "ApiTesterParams", "Expectations"]

_MISSING = object()


class Expectations(BaseModel):
    """What the response must look like; every given check is run and reported."""

    model_config = ConfigDict(extra="forbid")

    status: int | list[int] | None = Field(
        default=None, description="expected status (or any of a list); default: any 2xx"
    )
    max_latency_ms: float | None = Field(default=None, gt=0, description="latency ceiling")
    json_paths: dict[str, Any] | None = Field(
        default=None, alias="json", description="JMESPath expression -> expected value"
    )
    json_exists: list[str] | None = Field(
        default=None, description="JMESPath expressions that must be non-null"
    )
    json_schema: dict[str, Any] | None = Field(
        default=None, description="JSON Schema the body must satisfy"
    )
    headers: dict[str, str] | None = Field(
        default=None, description="header name -> text its value must contain"
    )
    body_contains: list[str] | None = Field(default=None, description="texts the body contains")
    content_type: str | None = Field(default=None, description="expected media type")


class ApiTesterParams(ToolParams):
    url: str = Field(min_length=1, description="endpoint to test")
    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] = "GET"
    name: str | None = Field(default=None, description="test name for the report")
    headers: dict[str, str] | None = None
    query: dict[str, str | int | float | bool] | None = None
    json_body: Any = Field(default=None, alias="json", description="JSON request body")
    body: str | None = Field(default=None, description="raw request body")
    auth: AuthParams | None = None
    expect: Expectations = Field(default_factory=Expectations, description="checks on the response")
    timeout_seconds: float | None = Field(default=None, gt=0, le=600)


def _check(name: str, expected: Any, actual: Any, passed: bool) -> dict[str, Any]:
    return {"check": name, "expected": expected, "actual": actual, "passed": passed}


def _compile(expression: str, field: str) -> Any:
    import jmespath
    from jmespath.exceptions import ParseError

    try:
        return jmespath.compile(expression)
    except ParseError as exc:
        raise ValidationError(
            f"api-tester: '{field}' has an invalid JMESPath expression {expression!r}: {exc}",
            details={"field": field, "rule": "jmespath"},
        ) from None


def _schema_validator(schema: dict[str, Any]) -> Any:
    """A jsonschema validator for ``schema``, or a ValidationError naming the field."""
    from jsonschema import Draft202012Validator, validators
    from jsonschema.exceptions import SchemaError

    cls: Any = validators.validator_for(schema, default=Draft202012Validator)
    try:
        cls.check_schema(schema)
    except SchemaError as exc:
        raise ValidationError(
            f"api-tester: expect.json_schema is not a valid schema: {exc.message}",
            details={"field": "expect.json_schema", "rule": "json_schema"},
        ) from None
    return cls(schema)


class ApiTester(BaseTool[ApiTesterParams]):
    tool_name = "api-tester"
    description = (
        "Test an HTTP API endpoint: send a request, then check status, JSON values (JMESPath), "
        "JSON Schema, headers, body text and latency; returns a pass/fail report."
    )
    tool_category = "api"
    tags = ("api", "test", "http", "assert", "latency")
    params_model = ApiTesterParams
    settings_model = NetworkSettings
    security_level = SecurityLevel.RESTRICTED
    timeout_seconds = 120.0
    examples: ClassVar[tuple[dict[str, Any], ...]] = (
        example(
            "Status and a JSON value",
            url="http://example.com/api/data",
            expect={"status": 200, "json": {"value": 42}, "max_latency_ms": 5000},
        ),
    )

    async def run(self, params: ApiTesterParams, call: Invocation) -> ToolOutput:
        call.operation = "test"
        expect = params.expect
        # Compile first: a malformed check is bad input, found before any request.
        paths = {expr: _compile(expr, f"expect.json.{expr}") for expr in (expect.json_paths or {})}
        exists = {
            expr: _compile(expr, f"expect.json_exists.{i}")
            for i, expr in enumerate(expect.json_exists or [])
        }
        schema_validator = (
            _schema_validator(expect.json_schema) if expect.json_schema is not None else None
        )
        applied = apply_auth(self.name, params.headers, params.auth)
        async with SafeHttpClient.for_call(call) as http:
            response = await http.request(
                params.method,
                params.url,
                params=params.query,
                headers=applied.headers,
                json=params.json_body,
                content=params.body,
                auth=applied.basic,
                request_timeout=params.timeout_seconds,
            )
        secrets = applied.secrets
        body: Any = redact_text(response.text, secrets)
        parsed: Any = _MISSING
        if response.is_json or expect.json_paths or expect.json_exists or expect.json_schema:
            try:
                parsed = response.json()
            except ValueError:
                parsed = _MISSING
        checks: list[dict[str, Any]] = []
        code = response.status_code
        if expect.status is None:
            checks.append(_check("status", "2xx", code, 200 <= code < 300))
        else:
            allowed = expect.status if isinstance(expect.status, list) else [expect.status]
            checks.append(_check("status", expect.status, code, code in allowed))
        latency = response.elapsed_ms
        if expect.max_latency_ms is not None:
            checks.append(
                _check(
                    "latency_ms", f"<= {expect.max_latency_ms:g}", latency,
                    latency <= expect.max_latency_ms,
                )
            )  # fmt: skip
        if expect.content_type is not None:
            checks.append(
                _check(
                    "content_type", expect.content_type, response.content_type,
                    response.content_type == expect.content_type.lower(),
                )
            )  # fmt: skip
        for name, fragment in (expect.headers or {}).items():
            value = response.header(name)
            checks.append(
                _check(f"header:{name}", fragment, value, value is not None and fragment in value)
            )
        for fragment in expect.body_contains or []:
            checks.append(_check("body_contains", fragment, None, fragment in response.text))
        is_json = parsed is not _MISSING
        for expr, expected in (expect.json_paths or {}).items():
            actual = paths[expr].search(parsed) if is_json else None
            checks.append(_check(f"json:{expr}", expected, actual, is_json and actual == expected))
        for expr, compiled in exists.items():
            actual = compiled.search(parsed) if is_json else None
            checks.append(
                _check(f"json_exists:{expr}", True, actual is not None, actual is not None)
            )
        if schema_validator is not None:
            found = list(schema_validator.iter_errors(parsed if is_json else None))
            problems = [
                f"{'/'.join(str(p) for p in e.absolute_path) or '(root)'}: {e.message}"
                for e in found
            ]
            checks.append(_check("json_schema", "valid", problems or "valid", not problems))
        failed = [c for c in checks if not c["passed"]]
        if is_json:
            body = redact_value(parsed, secrets)
        report: dict[str, Any] = {
            "name": params.name or f"{params.method} {redact_url(params.url)}",
            "passed": not failed,
            "total": len(checks),
            "failed": len(failed),
            "assertions": checks,
            "status_code": code,
            "latency_ms": latency,
            "url": redact_url(response.url),
            "method": params.method,
            "response": {
                "headers": redact_headers(response.headers),
                "body": body if not isinstance(body, str) else call.limit_text(body, 100_000),
                "truncated": response.truncated,
            },
        }
        lines = [
            f"{'PASS' if c['passed'] else 'FAIL'} {c['check']}: expected {c['expected']!r}, "
            f"got {c['actual']!r}"
            for c in checks
        ]
        summary = f"{report['name']}: {len(checks) - len(failed)}/{len(checks)} checks passed"
        text = "\n".join([summary, *lines])
        call.metadata.update(passed=not failed, status_code=code)
        if failed:
            return call.fail(text, "ASSERTION_FAILED", report)
        return call.ok(text, report)
