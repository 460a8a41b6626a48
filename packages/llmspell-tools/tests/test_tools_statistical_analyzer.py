"""statistical-analyzer: results checked against independent stdlib computations."""

from __future__ import annotations

import math
import statistics
from typing import Any

import pytest

from llmspell_core.config import LLMSpellConfig
from llmspell_core.context import ExecutionContext
from llmspell_core.errors import ValidationError
from llmspell_core.testing.contracts import ToolContract
from llmspell_core.tool import Tool
from llmspell_tools.data.statistical_analyzer import StatisticalAnalyzer

HEIGHTS = [150.0, 160.0, 165.0, 170.0, 180.0, 185.0]
WEIGHTS = [50.0, 56.0, 61.0, 65.0, 72.0, 80.0]


class TestStatsContract(ToolContract):
    def make_tool(self) -> Tool:
        return StatisticalAnalyzer()

    def invalid_params(self) -> list[dict[str, Any]]:
        return [
            {"data": [1, "x", 3]},
            {"data": [1, True]},
            {"data": []},
            {"operation": "regression", "x": [1, 2, 3]},  # no y
            {"operation": "regression", "x": [1, 2, 3], "y": [1, 2]},
            {"operation": "regression", "x": [1, 1, 1], "y": [1, 2, 3]},
            {"operation": "t_test", "a": [1]},
            {"operation": "correlation", "x": "h", "y": "w"},  # names without data
            {"data": [1, 2], "percentiles": [150]},
        ]


async def sa(config: LLMSpellConfig | None = None, **params: Any) -> Any:
    ctx = ExecutionContext(config=config) if config is not None else ExecutionContext()
    return await StatisticalAnalyzer().execute(params, ctx)


async def test_describe_matches_statistics_module() -> None:
    data = [2, 4, 4, 4, 5, 5, 7, 9, None]
    out = await sa(data=data)
    r = out.result
    values = [2, 4, 4, 4, 5, 5, 7, 9]
    assert r["count"] == 8
    assert r["missing"] == 1
    assert r["mean"] == statistics.fmean(values)
    assert r["median"] == statistics.median(values)
    assert r["mode"] == [4.0]
    assert r["std"] == pytest.approx(statistics.stdev(values))
    assert r["variance"] == pytest.approx(statistics.variance(values))
    assert (r["min"], r["max"], r["range"]) == (2.0, 9.0, 7.0)
    assert r["percentiles"]["50"] == statistics.median(values)
    assert r["sem"] == pytest.approx(statistics.stdev(values) / math.sqrt(8))
    assert r["skewness"] > 0
    assert out.text.startswith("n=8 mean=5 median=4.5")


async def test_describe_reads_a_record_field_and_numeric_strings() -> None:
    rows = [{"v": "1.5"}, {"v": 2.5}, {"v": None}, {"other": 1}]
    out = await sa(data=rows, field="v")
    assert out.result["count"] == 2
    assert out.result["missing"] == 2
    assert out.result["mean"] == 2.0
    single = await sa(data=[42])
    assert single.result["std"] is None  # one value has no spread: null, not NaN


async def test_bad_value_is_named_by_position() -> None:
    with pytest.raises(ValidationError) as info:
        await sa(data=[{"v": 1}, {"v": "abc"}], field="v")
    assert info.value.details["field"] == "v[1]"


async def test_correlation_methods() -> None:
    out = await sa(operation="correlation", x=HEIGHTS, y=WEIGHTS)
    assert out.result["coefficient"] == pytest.approx(statistics.correlation(HEIGHTS, WEIGHTS))
    assert out.result["p_value"] < 0.001
    assert out.result["n"] == 6
    ranked = await sa(operation="correlation", x=HEIGHTS, y=WEIGHTS, method="spearman")
    assert ranked.result["coefficient"] == pytest.approx(1.0)
    tau = await sa(operation="correlation", x=[1, 2, 3, 4], y=[4, 3, 2, 1], method="kendall")
    assert tau.result["coefficient"] == pytest.approx(-1.0)


async def test_correlation_matrix_over_record_fields() -> None:
    rows = [
        {"h": h, "w": w, "noise": n}
        for h, w, n in zip(HEIGHTS, WEIGHTS, [3, 1, 4, 1, 5, 9], strict=True)
    ]
    out = await sa(operation="correlation", data=rows, fields=["h", "w", "noise"])
    matrix = out.result["matrix"]
    assert matrix["h"]["h"] == 1.0
    assert matrix["h"]["w"] == matrix["w"]["h"]
    assert matrix["h"]["w"] == pytest.approx(statistics.correlation(HEIGHTS, WEIGHTS))


async def test_regression_with_predictions() -> None:
    out = await sa(operation="regression", x=HEIGHTS, y=WEIGHTS, predict=[175])
    expected = statistics.linear_regression(HEIGHTS, WEIGHTS)
    r = out.result
    assert r["slope"] == pytest.approx(expected.slope)
    assert r["intercept"] == pytest.approx(expected.intercept)
    assert r["r_squared"] == pytest.approx(statistics.correlation(HEIGHTS, WEIGHTS) ** 2)
    assert r["predictions"][0]["y"] == pytest.approx(expected.slope * 175 + expected.intercept)
    assert out.text.startswith("y = ")


async def test_regression_drops_incomplete_pairs() -> None:
    rows = [{"x": 1, "y": 2}, {"x": 2, "y": None}, {"x": 3, "y": 6}, {"x": 4, "y": 8}]
    out = await sa(operation="regression", data=rows, x="x", y="y")
    assert out.result["n"] == 3
    assert out.result["slope"] == pytest.approx(2.0)


def _welch(a: list[float], b: list[float]) -> float:
    va, vb = statistics.variance(a) / len(a), statistics.variance(b) / len(b)
    return (statistics.fmean(a) - statistics.fmean(b)) / math.sqrt(va + vb)


async def test_t_tests() -> None:
    a = [5.1, 4.9, 5.6, 5.8, 6.0, 5.2]
    b = [6.4, 6.8, 7.1, 6.9, 6.2, 7.4]
    welch = await sa(operation="t_test", a=a, b=b)
    assert welch.result["test"] == "welch"
    assert welch.result["statistic"] == pytest.approx(_welch(a, b))
    assert welch.result["significant"] is True
    assert welch.result["p_value"] < 0.001
    same = await sa(operation="t_test", a=a, b=[x + 0.01 for x in a], equal_var=True)
    assert same.result["test"] == "student"
    assert same.result["significant"] is False
    one = await sa(operation="t_test", a=a, mu=5.0)
    mean, sd = statistics.fmean(a), statistics.stdev(a)
    assert one.result["statistic"] == pytest.approx((mean - 5.0) / (sd / math.sqrt(len(a))))
    assert one.result["df"] == len(a) - 1
    paired = await sa(operation="t_test", a=a, b=b, paired=True, alternative="less")
    assert paired.result["test"] == "paired"
    assert paired.result["p_value"] < 0.01
    with pytest.raises(ValidationError):
        await sa(operation="t_test", a=a, b=b[:3], paired=True)


async def test_outliers_methods() -> None:
    data = [10, 11, 9, 10, 12, 11, 10, 95, -40]
    iqr = await sa(operation="outliers", data=data)
    assert iqr.result["indexes"] == [7, 8]
    assert iqr.result["values"] == [95.0, -40.0]
    z = await sa(operation="outliers", data=[*([10] * 20), 100], outlier_method="zscore")
    assert z.result["indexes"] == [20]
    modified = await sa(operation="outliers", data=data, outlier_method="modified_zscore")
    assert modified.result["count"] == 2
    none = await sa(operation="outliers", data=[1, 2, 3, 4], threshold=3)
    assert none.result["count"] == 0


async def test_value_count_limit() -> None:
    config = LLMSpellConfig(tools={"statistical_analyzer": {"max_values": 5}})
    with pytest.raises(ValidationError) as info:
        await sa(config, data=list(range(10)))
    assert "max_values" in info.value.message
