"""statistical-analyzer: descriptive statistics, correlation, regression, t-tests, outliers.

numpy does the arithmetic and scipy.stats the tests, so p-values and degrees of freedom are the
textbook ones. Input is a list of numbers or a list of records plus the field(s) to read;
missing values (null) are skipped and counted, anything non-numeric is refused by position.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar, Literal, cast

from pydantic import Field

from llmspell_core.errors import ValidationError
from llmspell_core.extras import import_optional
from llmspell_core.tool_types import ToolOutput
from llmspell_tools.data._values import plain
from llmspell_tools.framework import BaseTool, Invocation, ToolParams, ToolSettings, example

__all__ = ["StatisticalAnalyzer", "StatisticalAnalyzerParams", "StatisticalAnalyzerSettings"]

Series = list[Any] | str


class StatisticalAnalyzerSettings(ToolSettings):
    #: ``[tools.statistical_analyzer] max_values``: most values one series may hold.
    max_values: int = Field(default=5_000_000, gt=0)


class StatisticalAnalyzerParams(ToolParams):
    operation: Literal["describe", "correlation", "regression", "t_test", "outliers"] = Field(
        default="describe", description="which analysis"
    )
    data: list[Any] | None = Field(
        default=None, description="numbers, or records (objects) with 'field'/'x'/'y' naming keys"
    )
    field: str | None = Field(default=None, description="the record key to read from 'data'")
    x: Series | None = Field(
        default=None, description="correlation/regression: numbers, or a record key in 'data'"
    )
    y: Series | None = Field(
        default=None, description="correlation/regression: numbers, or a record key in 'data'"
    )
    fields: list[str] | None = Field(
        default=None, description="correlation: record keys for a correlation matrix"
    )
    method: Literal["pearson", "spearman", "kendall"] = Field(
        default="pearson", description="correlation method"
    )
    a: Series | None = Field(default=None, description="t_test: first sample (or record key)")
    b: Series | None = Field(
        default=None, description="t_test: second sample; omit for a one-sample test against mu"
    )
    mu: float = Field(default=0.0, description="t_test: the mean a one-sample test compares to")
    paired: bool = Field(default=False, description="t_test: paired samples (same subjects)")
    equal_var: bool = Field(default=False, description="t_test: Student (true) or Welch (false)")
    alternative: Literal["two-sided", "less", "greater"] = Field(default="two-sided")
    alpha: float = Field(default=0.05, gt=0, lt=1, description="t_test: significance level")
    percentiles: list[float] = Field(
        default_factory=lambda: [5.0, 25.0, 50.0, 75.0, 95.0],
        description="describe: percentiles to report (0-100)",
    )
    outlier_method: Literal["iqr", "zscore", "modified_zscore"] = Field(
        default="iqr", description="outliers: Tukey fences, z-score or median-based z-score"
    )
    threshold: float | None = Field(
        default=None,
        gt=0,
        description="outliers: fence multiplier (iqr 1.5) or z limit (zscore 3, modified 3.5)",
    )
    predict: list[float] | None = Field(
        default=None, description="regression: x values to predict y for"
    )

    required_for: ClassVar[dict[str, tuple[str, ...]]] = {
        "regression": ("x", "y"),
        "t_test": ("a",),
    }


def _np() -> Any:
    import_optional(
        "numpy", what="statistical-analyzer", distribution="llmspell-tools", extra="data"
    )
    import numpy

    return numpy


def _stats() -> Any:
    import_optional(
        "scipy", what="statistical-analyzer", distribution="llmspell-tools", extra="data"
    )
    from scipy import stats

    return stats


def _float(value: Any) -> float | None:
    """A finite float or None (NaN/inf are not JSON)."""
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _to_number(value: Any, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValidationError(
            f"statistical-analyzer: {where} is a boolean, not a number",
            details={"field": where, "rule": "number"},
        )
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            pass
        else:
            return number if math.isfinite(number) else None
    raise ValidationError(
        f"statistical-analyzer: {where} is not a number: {value!r}",
        details={"field": where, "rule": "number"},
    )


class _Input:
    """Reads numeric series from the parameters, by value or by record key."""

    def __init__(self, params: StatisticalAnalyzerParams, max_values: int) -> None:
        self.params = params
        self.max_values = max_values

    def raw(self, series: Series | None, name: str) -> list[Any]:
        data = self.params.data
        if isinstance(series, str):
            if data is None:
                raise ValidationError(
                    f"statistical-analyzer: '{name}' names a record key ('{series}'), so "
                    "'data' must hold the records",
                    details={"field": "data", "rule": "required"},
                )
            values: list[Any] = []
            for index, row in enumerate(data):
                if not isinstance(row, dict):
                    raise ValidationError(
                        f"statistical-analyzer: data[{index}] is not a record, so '{name}' "
                        f"cannot name a key",
                        details={"field": f"data[{index}]", "rule": "records"},
                    )
                values.append(cast(dict[str, Any], row).get(series))
            source = values
        elif series is not None:
            source = series
        elif data is not None:
            source = data
        else:
            raise ValidationError(
                f"statistical-analyzer: give '{name}' (numbers) or 'data'",
                details={"field": name, "rule": "required"},
            )
        if len(source) > self.max_values:
            raise ValidationError(
                f"statistical-analyzer: '{name}' has {len(source)} values, over the "
                f"{self.max_values} limit ([tools.statistical_analyzer] max_values)",
                details={"field": name, "rule": "max_values"},
            )
        return source

    def numbers(self, series: Series | None, name: str) -> tuple[list[float], int]:
        """The numbers of one series and how many were missing."""
        if series is None and self.params.field is not None:
            series = self.params.field
        raw = self.raw(series, name)
        label = series if isinstance(series, str) else name
        values = [_to_number(v, f"{label}[{i}]") for i, v in enumerate(raw)]
        present = [v for v in values if v is not None]
        return present, len(values) - len(present)

    def pairs(
        self, xs: Series | None, ys: Series | None, names: tuple[str, str] = ("x", "y")
    ) -> tuple[list[float], list[float]]:
        """Two aligned series with every pair that misses a value dropped."""
        left = self.raw(xs, names[0])
        right = self.raw(ys, names[1])
        if len(left) != len(right):
            raise ValidationError(
                f"statistical-analyzer: '{names[0]}' has {len(left)} values but '{names[1]}' "
                f"has {len(right)}; they must pair up",
                details={"field": names[1], "rule": "same_length"},
            )
        lx = xs if isinstance(xs, str) else names[0]
        ly = ys if isinstance(ys, str) else names[1]
        out_x: list[float] = []
        out_y: list[float] = []
        for i, (a, b) in enumerate(zip(left, right, strict=True)):
            fa = _to_number(a, f"{lx}[{i}]")
            fb = _to_number(b, f"{ly}[{i}]")
            if fa is not None and fb is not None:
                out_x.append(fa)
                out_y.append(fb)
        return out_x, out_y


def _need(values: list[float], count: int, what: str) -> None:
    if len(values) < count:
        raise ValidationError(
            f"statistical-analyzer: {what} needs at least {count} values, got {len(values)}",
            details={"field": "data", "rule": "min_values", "minimum": count},
        )


def describe(values: list[float], percentiles: list[float]) -> dict[str, Any]:
    np = _np()
    stats = _stats()
    arr = np.asarray(values, dtype=float)
    n = len(values)
    q1, median, q3 = (float(v) for v in np.percentile(arr, [25, 50, 75]))
    counts: dict[float, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    top = max(counts.values())
    modes = sorted(v for v, c in counts.items() if c == top) if top > 1 else []
    mean = float(arr.mean())
    std = float(arr.std(ddof=1)) if n > 1 else None
    return {
        "count": n,
        "sum": float(arr.sum()),
        "mean": mean,
        "median": median,
        "mode": modes,
        "std": std,
        "variance": float(arr.var(ddof=1)) if n > 1 else None,
        "min": float(arr.min()),
        "max": float(arr.max()),
        "range": float(arr.max() - arr.min()),
        "q1": q1,
        "q3": q3,
        "iqr": q3 - q1,
        "sem": std / math.sqrt(n) if std is not None else None,
        "cv": std / mean if std is not None and mean != 0 else None,
        "skewness": _float(stats.skew(arr, bias=False)) if n > 2 else None,
        "kurtosis": _float(stats.kurtosis(arr, bias=False)) if n > 3 else None,
        "percentiles": {
            f"{p:g}": float(v)
            for p, v in zip(percentiles, np.percentile(arr, percentiles), strict=True)
        },
    }


def correlate(x: list[float], y: list[float], method: str) -> dict[str, Any]:
    stats = _stats()
    _need(x, 3, "correlation")
    fn = {"pearson": stats.pearsonr, "spearman": stats.spearmanr, "kendall": stats.kendalltau}
    result = fn[method](x, y)
    return {
        "coefficient": _float(result.statistic),
        "p_value": _float(result.pvalue),
        "method": method,
        "n": len(x),
    }


def regress(x: list[float], y: list[float], predict: list[float] | None) -> dict[str, Any]:
    stats = _stats()
    _need(x, 3, "regression")
    if len(set(x)) < 2:
        raise ValidationError(
            "statistical-analyzer: regression needs at least two different x values",
            details={"field": "x", "rule": "variance"},
        )
    fit = stats.linregress(x, y)
    slope, intercept = float(fit.slope), float(fit.intercept)
    out: dict[str, Any] = {
        "slope": slope,
        "intercept": intercept,
        "r": _float(fit.rvalue),
        "r_squared": _float(fit.rvalue**2),
        "p_value": _float(fit.pvalue),
        "stderr": _float(fit.stderr),
        "intercept_stderr": _float(fit.intercept_stderr),
        "n": len(x),
        "equation": f"y = {slope:.6g} * x + {intercept:.6g}",
    }
    if predict is not None:
        out["predictions"] = [{"x": v, "y": slope * v + intercept} for v in predict]
    return out


def t_test(
    a: list[float], b: list[float] | None, params: StatisticalAnalyzerParams
) -> dict[str, Any]:
    stats = _stats()
    np = _np()
    _need(a, 2, "a t-test")
    alt = params.alternative
    if b is None:
        result = stats.ttest_1samp(a, params.mu, alternative=alt)
        kind = "one-sample"
    else:
        _need(b, 2, "a t-test")
        if params.paired:
            if len(a) != len(b):
                raise ValidationError(
                    f"statistical-analyzer: a paired t-test needs samples of equal length "
                    f"({len(a)} vs {len(b)})",
                    details={"field": "b", "rule": "same_length"},
                )
            result = stats.ttest_rel(a, b, alternative=alt)
            kind = "paired"
        else:
            result = stats.ttest_ind(a, b, equal_var=params.equal_var, alternative=alt)
            kind = "student" if params.equal_var else "welch"
    p_value = _float(result.pvalue)
    out: dict[str, Any] = {
        "test": kind,
        "statistic": _float(result.statistic),
        "p_value": p_value,
        "df": _float(getattr(result, "df", float("nan"))),
        "alternative": alt,
        "alpha": params.alpha,
        "significant": p_value is not None and p_value < params.alpha,
        "mean_a": float(np.mean(a)),
        "n_a": len(a),
    }
    if b is None:
        out["mu"] = params.mu
    else:
        out["mean_b"] = float(np.mean(b))
        out["n_b"] = len(b)
    return out


def outliers(values: list[float], method: str, threshold: float | None) -> dict[str, Any]:
    np = _np()
    arr = np.asarray(values, dtype=float)
    flagged: Any
    out: dict[str, Any] = {"method": method}
    if method == "iqr":
        k = threshold or 1.5
        q1, q3 = (float(v) for v in np.percentile(arr, [25, 75]))
        low, high = q1 - k * (q3 - q1), q3 + k * (q3 - q1)
        flagged = (arr < low) | (arr > high)
        out.update(lower_bound=low, upper_bound=high, threshold=k)
    elif method == "zscore":
        k = threshold or 3.0
        std = float(arr.std(ddof=0))
        scores = np.zeros_like(arr) if std == 0 else (arr - arr.mean()) / std
        flagged = np.abs(scores) > k
        out.update(threshold=k, mean=float(arr.mean()), std=std)
    else:
        k = threshold or 3.5
        median = float(np.median(arr))
        mad = float(np.median(np.abs(arr - median)))
        scores = np.zeros_like(arr) if mad == 0 else 0.6745 * (arr - median) / mad
        flagged = np.abs(scores) > k
        out.update(threshold=k, median=median, mad=mad)
    indexes = [int(i) for i in np.flatnonzero(flagged)]
    out.update(
        count=len(indexes),
        indexes=indexes,
        values=[values[i] for i in indexes],
        n=len(values),
    )
    return out


class StatisticalAnalyzer(BaseTool[StatisticalAnalyzerParams]):
    tool_name = "statistical-analyzer"
    description = (
        "Statistics over numbers or record fields: describe (mean, median, std, quartiles, "
        "percentiles, skewness...), correlation (pearson/spearman/kendall, or a matrix over "
        "fields), linear regression with predictions, t-tests (one-sample, Welch, Student, "
        "paired) and outlier detection (IQR, z-score)."
    )
    tool_category = "data"
    tags = ("statistics", "numbers", "regression", "t-test", "outliers")
    params_model = StatisticalAnalyzerParams
    settings_model = StatisticalAnalyzerSettings
    timeout_seconds = 30.0
    examples = (
        example("Describe", data=[2, 4, 4, 4, 5, 5, 7, 9]),
        example(
            "Correlation of two record fields",
            operation="correlation",
            data=[
                {"h": 150, "w": 50},
                {"h": 160, "w": 56},
                {"h": 170, "w": 65},
                {"h": 180, "w": 72},
            ],
            x="h",
            y="w",
        ),
        example("Regression", operation="regression", x=[1, 2, 3, 4], y=[2.1, 3.9, 6.2, 7.8]),
        example("Welch t-test", operation="t_test", a=[5.1, 4.9, 5.6, 5.8], b=[6.4, 6.8, 7.1, 6.9]),
        example("Outliers", operation="outliers", data=[10, 11, 9, 10, 12, 95]),
    )

    async def run(self, params: StatisticalAnalyzerParams, call: Invocation) -> ToolOutput:
        return await call.to_thread(self._run, params, call)

    def _run(self, params: StatisticalAnalyzerParams, call: Invocation) -> ToolOutput:
        source = _Input(params, cast(StatisticalAnalyzerSettings, call.settings).max_values)
        match params.operation:
            case "describe":
                values, missing = source.numbers(None, "data")
                _need(values, 1, "describe")
                for p in params.percentiles:
                    if not 0 <= p <= 100:
                        raise ValidationError(
                            f"statistical-analyzer: percentile {p:g} is outside 0-100",
                            details={"field": "percentiles", "rule": "range"},
                        )
                result = describe(values, params.percentiles)
                result["missing"] = missing
                text = (
                    f"n={result['count']} mean={result['mean']:.6g} median={result['median']:.6g}"
                    f" std={_fmt(result['std'])} min={result['min']:.6g} max={result['max']:.6g}"
                )
            case "correlation":
                if params.fields:
                    result = self._matrix(source, params)
                    text = f"{params.method} correlation matrix over {len(params.fields)} fields"
                else:
                    x, y = source.pairs(params.x, params.y)
                    result = correlate(x, y, params.method)
                    text = (
                        f"{params.method} r={_fmt(result['coefficient'])} "
                        f"p={_fmt(result['p_value'])} n={result['n']}"
                    )
            case "regression":
                x, y = source.pairs(params.x, params.y)
                result = regress(x, y, params.predict)
                text = f"{result['equation']} (r²={_fmt(result['r_squared'])}, n={result['n']})"
            case "t_test":
                a, _ = source.numbers(params.a, "a")
                b = None if params.b is None else source.numbers(params.b, "b")[0]
                result = t_test(a, b, params)
                verdict = "significant" if result["significant"] else "not significant"
                text = (
                    f"{result['test']} t={_fmt(result['statistic'])} "
                    f"p={_fmt(result['p_value'])} ({verdict} at {params.alpha:g})"
                )
            case _:
                values, _ = source.numbers(None, "data")
                _need(values, 2, "outlier detection")
                result = outliers(values, params.outlier_method, params.threshold)
                text = f"{result['count']} outlier(s) of {len(values)} ({params.outlier_method})"
        return call.ok(text, plain(result))

    def _matrix(self, source: _Input, params: StatisticalAnalyzerParams) -> dict[str, Any]:
        fields = params.fields or []
        matrix: dict[str, dict[str, float | None]] = {f: {} for f in fields}
        for i, first in enumerate(fields):
            matrix[first][first] = 1.0
            for second in fields[i + 1 :]:
                x, y = source.pairs(first, second, (first, second))
                r = correlate(x, y, params.method)["coefficient"]
                matrix[first][second] = r
                matrix[second][first] = r
        return {"method": params.method, "fields": fields, "matrix": matrix}


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4g}"
