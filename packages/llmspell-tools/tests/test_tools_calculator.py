"""calculator: evaluation, validation, function listing and refusal of unsafe input."""

from __future__ import annotations

import math
from typing import Any

import pytest

from llmspell_core.context import ExecutionContext
from llmspell_core.errors import ValidationError
from llmspell_core.testing.contracts import ToolContract
from llmspell_core.tool import Tool
from llmspell_tools.utility.calculator import Calculator


class TestCalculatorContract(ToolContract):
    def make_tool(self) -> Tool:
        return Calculator()

    def invalid_params(self) -> list[dict[str, Any]]:
        return [{"expresion": "1"}, {"operation": "integrate", "expression": "x"}, {}]


async def calc(**params: Any) -> Any:
    return await Calculator().execute(params, ExecutionContext())


@pytest.mark.parametrize(
    ("expression", "variables", "expected"),
    [
        ("1 + 2 * 3", {}, 7),
        ("(1 + 2) * 3", {}, 9),
        ("2 ^ 10", {}, 1024),
        ("2 * 3 ^ 2", {}, 18),
        ("2 ^ 3 ^ 2", {}, 512),
        ("-2 ^ 2", {}, -4),
        ("2 ** 0.5", {}, math.sqrt(2)),
        ("7 // 2 + 7 % 2", {}, 4),
        ("x * y - 1", {"x": 3, "y": 4.5}, 12.5),
        ("sqrt(16) + abs(-2) + max(1, 5, 3)", {}, 11),
        ("round(pi, 2)", {}, 3.14),
        ("log(100, 10) + log10(1000) + ln(e)", {}, 6),
        ("sin(pi / 2) + cos(0)", {}, 2),
        ("factorial(5) + gcd(12, 18)", {}, 126),
        ("3 > 2 and 1 < 2", {}, True),
        ("-x if x < 0 else x", {"x": -4}, 4),
    ],
)
async def test_evaluate(expression: str, variables: dict[str, float], expected: Any) -> None:
    out = await calc(expression=expression, variables=variables)
    value = out.result["result"]
    assert value == pytest.approx(expected)
    assert out.metadata["operation"] == "evaluate"


async def test_integral_results_print_without_fraction() -> None:
    out = await calc(expression="10 / 2")
    assert out.text == "5"
    assert out.result["result"] == 5.0


@pytest.mark.parametrize(
    ("expression", "rule"),
    [
        ("1 / 0", "division_by_zero"),
        ("__import__('os').system('echo hi')", "unknown_name"),
        ("(1).__class__", "not_allowed"),
        ("open('/etc/passwd')", "unknown_name"),
        ("9 ** 9 ** 9", "math_error"),
        ("factorial(100000)", "math_error"),
        ("sqrt(-1)", "math_error"),
        ("undefined_var + 1", "unknown_name"),
        ("1 +", "syntax"),
        ("'abc'", "math_error"),
    ],
)
async def test_refuses_bad_or_unsafe_expressions(expression: str, rule: str) -> None:
    with pytest.raises(ValidationError) as info:
        await calc(expression=expression)
    assert info.value.details["field"] == "expression"
    assert info.value.details["rule"] == rule


async def test_validate_reports_unknown_names_without_evaluating() -> None:
    out = await calc(operation="validate", expression="foo(x) + y", variables={"y": 1})
    assert out.result["valid"] is False
    assert "unknown function 'foo'" in out.result["errors"]
    assert "unknown variable 'x'" in out.result["errors"]
    ok = await calc(operation="validate", expression="sqrt(y)", variables={"y": 1})
    assert ok.result["valid"] is True
    assert ok.result["functions"] == ["sqrt"]
    with pytest.raises(ValidationError, match="column"):
        await calc(operation="validate", expression="(1 + ")


async def test_functions_lists_names_and_constants() -> None:
    out = await calc(operation="functions")
    names = {f["name"] for f in out.result["functions"]}
    assert {"sqrt", "sin", "log", "factorial"} <= names
    assert out.result["constants"]["pi"] == pytest.approx(math.pi)
    assert out.result["constants"]["inf"] is None


async def test_variables_must_be_numbers() -> None:
    with pytest.raises(ValidationError) as info:
        await calc(expression="x", variables={"x": "ten"})
    assert info.value.details["field"].startswith("variables")


async def test_too_long_expression_is_refused() -> None:
    with pytest.raises(ValidationError) as info:
        await calc(expression="1+" * 6000 + "1")
    assert info.value.details["rule"] == "string_too_long"
