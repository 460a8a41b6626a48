"""calculator: arithmetic on untrusted expressions without ``eval``.

simpleeval walks the AST with an allow-list of operators, names and functions; on top of it,
powers, factorials and shifts are bounded so ``9**9**9`` is refused instead of hanging.
"""

from __future__ import annotations

import ast
import functools
import math
import threading
from collections.abc import Callable
from typing import Any, ClassVar, Literal

from pydantic import Field

from llmspell_core.errors import ValidationError
from llmspell_core.tool_types import ToolOutput
from llmspell_tools.framework import BaseTool, Invocation, ToolParams, example

__all__ = ["Calculator", "CalculatorParams"]

MAX_EXPRESSION_LENGTH = 10_000
MAX_RESULT_BITS = 100_000
MAX_FACTORIAL = 1_000

Number = int | float


class CalculatorParams(ToolParams):
    operation: Literal["evaluate", "validate", "functions"] = Field(
        default="evaluate", description="evaluate an expression, check it, or list functions"
    )
    expression: str | None = Field(
        default=None,
        max_length=MAX_EXPRESSION_LENGTH,
        description="e.g. '2 * (x + 3) ^ 2' or 'sqrt(16) + sin(pi / 2)'; ^ and ** are power",
    )
    variables: dict[str, float | int] = Field(
        default_factory=dict[str, float | int], description="values for names in the expression"
    )

    required_for: ClassVar[dict[str, tuple[str, ...]]] = {
        "evaluate": ("expression",),
        "validate": ("expression",),
    }


class CalculationError(ValueError):
    """The expression is well-formed but cannot be computed (division by zero, too big)."""


def _power(base: Number, exponent: Number) -> Number:
    if isinstance(base, int) and isinstance(exponent, int) and exponent > 0:
        bits = exponent * max(1, abs(base).bit_length())
        if bits > MAX_RESULT_BITS:
            raise CalculationError(f"{base} ** {exponent} is too large to compute")
    try:
        result = base**exponent
    except OverflowError as exc:
        raise CalculationError(f"{base} ** {exponent} overflows") from exc
    if isinstance(result, complex):
        raise CalculationError(f"{base} ** {exponent} is not a real number")
    return result


def _factorial(n: Number) -> int:
    if isinstance(n, float):
        if not n.is_integer():
            raise CalculationError(f"factorial needs a whole number, got {n}")
        n = int(n)
    if n < 0 or n > MAX_FACTORIAL:
        raise CalculationError(f"factorial is limited to 0..{MAX_FACTORIAL}, got {n}")
    return math.factorial(n)


def _cbrt(x: Number) -> float:
    return math.copysign(abs(x) ** (1 / 3), x)


def _log(x: Number, base: Number = math.e) -> float:
    return math.log(x, base)


def _shift(limit: int, fn: Callable[[int, int], int]) -> Callable[[int, int], int]:
    def shifted(a: int, b: int) -> int:
        if abs(b) > limit:
            raise CalculationError(f"shift by {b} is too large")
        return fn(a, b)

    return shifted


FUNCTIONS: dict[str, tuple[Callable[..., Any], str]] = {
    "abs": (abs, "absolute value"),
    "round": (round, "round(x, digits=0)"),
    "min": (min, "smallest argument"),
    "max": (max, "largest argument"),
    "int": (int, "truncate to an integer"),
    "float": (float, "convert to a float"),
    "sqrt": (math.sqrt, "square root"),
    "cbrt": (_cbrt, "cube root"),
    "exp": (math.exp, "e to the power x"),
    "pow": (_power, "pow(x, y) = x ** y"),
    "log": (_log, "natural log, or log(x, base)"),
    "ln": (math.log, "natural log"),
    "log10": (math.log10, "base-10 log"),
    "log2": (math.log2, "base-2 log"),
    "sin": (math.sin, "sine (radians)"),
    "cos": (math.cos, "cosine (radians)"),
    "tan": (math.tan, "tangent (radians)"),
    "asin": (math.asin, "arc sine"),
    "acos": (math.acos, "arc cosine"),
    "atan": (math.atan, "arc tangent"),
    "atan2": (math.atan2, "atan2(y, x)"),
    "sinh": (math.sinh, "hyperbolic sine"),
    "cosh": (math.cosh, "hyperbolic cosine"),
    "tanh": (math.tanh, "hyperbolic tangent"),
    "degrees": (math.degrees, "radians to degrees"),
    "radians": (math.radians, "degrees to radians"),
    "floor": (math.floor, "round down"),
    "ceil": (math.ceil, "round up"),
    "trunc": (math.trunc, "round toward zero"),
    "hypot": (math.hypot, "Euclidean norm of the arguments"),
    "factorial": (_factorial, f"n! for 0 <= n <= {MAX_FACTORIAL}"),
    "gcd": (math.gcd, "greatest common divisor"),
    "lcm": (math.lcm, "least common multiple"),
    "sign": (lambda x: (x > 0) - (x < 0), "-1, 0 or 1"),  # pyright: ignore[reportUnknownLambdaType]
}

CONSTANTS: dict[str, float] = {"pi": math.pi, "e": math.e, "tau": math.tau, "inf": math.inf}


_BASE_NAMES: dict[str, Any] = {**CONSTANTS, "true": True, "false": False}
_evaluators = threading.local()


def _evaluator(variables: dict[str, float | int]) -> Any:
    """This thread's evaluator (building one costs more than most evaluations) with ``variables``.

    Evaluation never awaits, so one evaluator per thread is never used by two calls at once.
    """
    evaluator: Any = getattr(_evaluators, "evaluator", None)
    if evaluator is None:
        import simpleeval

        operators: dict[Any, Any] = dict(simpleeval.DEFAULT_OPERATORS)  # pyright: ignore[reportUnknownArgumentType]
        operators[ast.Pow] = _power
        operators[ast.LShift] = _shift(10_000, lambda a, b: a << b)
        operators[ast.RShift] = _shift(10_000, lambda a, b: a >> b)
        evaluator = simpleeval.SimpleEval(
            operators=operators, functions={k: f for k, (f, _) in FUNCTIONS.items()}
        )
        _evaluators.evaluator = evaluator
    evaluator.names = {**_BASE_NAMES, **variables} if variables else _BASE_NAMES
    return evaluator


def calculator_syntax(expression: str) -> str:
    """``expression`` with ``^`` read as power (as on a calculator and in rs-llmspell).

    Rewriting the token rather than mapping the XOR operator gives ``^`` power's precedence:
    ``2 * 3 ^ 2`` is 18, not ``(2 * 3) ** 2``.
    """
    return expression.strip().replace("^", "**")


@functools.lru_cache(maxsize=256)
def _parse(expression: str) -> ast.Expression:
    """The expression's syntax tree (cached: spells often evaluate one formula many times)."""
    try:
        tree = ast.parse(calculator_syntax(expression), mode="eval")
    except SyntaxError as exc:
        where = f" at column {exc.offset}" if exc.offset else ""
        raise ValidationError(
            f"calculator: expression is not valid{where}: {exc.msg}",
            details={"field": "expression", "rule": "syntax", "column": exc.offset},
        ) from None
    return tree


def _names(tree: ast.AST) -> tuple[set[str], set[str]]:
    """Variable names and function names the expression uses."""
    called = {
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)} - called
    return names, called


def _check_known(tree: ast.AST, variables: dict[str, float | int]) -> list[str]:
    names, called = _names(tree)
    problems = [f"unknown function '{f}'" for f in sorted(called - FUNCTIONS.keys())]
    known = CONSTANTS.keys() | variables.keys() | {"true", "false"}
    problems += [f"unknown variable '{n}'" for n in sorted(names - known)]
    return problems


def _jsonable(value: Any) -> int | float | bool | None:
    if isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    raise CalculationError(f"the expression gives a {type(value).__name__}, not a number")


class Calculator(BaseTool[CalculatorParams]):
    tool_name = "calculator"
    description = (
        "Evaluate arithmetic safely: + - * / // % ^ (power), comparisons, variables, "
        "math functions (sqrt, sin, log, ...) and constants (pi, e, tau)."
    )
    tool_category = "utility"
    tags = ("math", "arithmetic")
    params_model = CalculatorParams
    timeout_seconds = 5.0
    examples = (
        example("Evaluate with variables", expression="2 * (x + 3) ^ 2", variables={"x": 1}),
        example("Use functions", expression="sqrt(16) + sin(pi / 2)"),
        example(
            "Check an expression",
            operation="validate",
            expression="max(a, 3) / 2",
            variables={"a": 5},
        ),
        example("List functions", operation="functions"),
    )

    async def run(self, params: CalculatorParams, call: Invocation) -> ToolOutput:
        if params.operation == "functions":
            functions = [{"name": k, "description": d} for k, (_, d) in FUNCTIONS.items()]
            return call.ok(
                f"{len(functions)} functions; constants: {', '.join(CONSTANTS)}",
                {"functions": functions, "constants": CONSTANTS | {"inf": None}},
            )
        expression = params.expression or ""
        tree = _parse(expression)
        if params.operation == "validate":
            names, called = _names(tree)
            problems = _check_known(tree, params.variables)
            result = {
                "valid": not problems,
                "expression": expression,
                "variables": sorted(names - CONSTANTS.keys()),
                "functions": sorted(called),
                "errors": problems,
            }
            text = "valid" if not problems else "invalid: " + "; ".join(problems)
            return call.ok(text, result)
        return call.ok(*self._evaluate(expression, tree, params.variables))

    def _evaluate(
        self, expression: str, tree: ast.Expression, variables: dict[str, float | int]
    ) -> tuple[str, dict[str, Any]]:
        import simpleeval

        evaluator = _evaluator(variables)
        try:
            evaluator.expr = expression  # named in simpleeval's own error messages
            value = evaluator.eval(expression, previously_parsed=tree.body)
            result = _jsonable(value)
        except (simpleeval.NameNotDefined, simpleeval.FunctionNotDefined) as exc:
            raise ValidationError(
                f"calculator: {exc}", details={"field": "expression", "rule": "unknown_name"}
            ) from None
        except (simpleeval.InvalidExpression, SyntaxError) as exc:
            raise ValidationError(
                f"calculator: expression is not allowed: {exc}",
                details={"field": "expression", "rule": "not_allowed"},
            ) from None
        except ZeroDivisionError:
            raise ValidationError(
                "calculator: division by zero",
                details={"field": "expression", "rule": "division_by_zero"},
            ) from None
        except (CalculationError, OverflowError, ValueError, TypeError) as exc:
            raise ValidationError(
                f"calculator: cannot compute {expression!r}: {exc}",
                details={"field": "expression", "rule": "math_error"},
            ) from None
        text = "null" if result is None else _format(result)
        return text, {"result": result, "expression": expression, "variables": variables}


def _format(value: int | float | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return str(value)
