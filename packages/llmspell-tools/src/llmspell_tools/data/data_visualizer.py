"""data-visualizer: bar, line, scatter, histogram and pie charts as PNG or SVG.

matplotlib draws through its object API (``Figure`` with the Agg/SVG canvases), never pyplot,
so no display, global state or GUI backend is involved and calls may run in threads. The image
is written atomically inside the allowed roots, or returned as base64 when no path is given.
"""

from __future__ import annotations

import base64
import io
from typing import Any, ClassVar, Literal, cast

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from llmspell_core.errors import ValidationError
from llmspell_core.extras import import_optional
from llmspell_core.tool_types import SecurityLevel, ToolOutput
from llmspell_tools._files import output_file
from llmspell_tools.data._values import as_records
from llmspell_tools.framework import BaseTool, Invocation, ToolParams, ToolSettings, example
from llmspell_utils import atomic_write_bytes

__all__ = ["ChartSeries", "DataVisualizer", "DataVisualizerParams", "DataVisualizerSettings"]

ChartType = Literal["bar", "line", "scatter", "histogram", "pie"]


class DataVisualizerSettings(ToolSettings):
    #: ``[tools.data_visualizer] max_points``: most data points one chart may draw.
    max_points: int = Field(default=200_000, gt=0)
    #: ``[tools.data_visualizer] max_pixels``: largest width x height rendered.
    max_pixels: int = Field(default=25_000_000, gt=0)


class ChartSeries(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    x: list[Any] | None = None
    y: list[float | None]


class DataVisualizerParams(ToolParams):
    chart_type: ChartType = Field(
        default="bar",
        validation_alias=AliasChoices("chart_type", "type", "operation"),
        description="bar | line | scatter | histogram | pie",
    )
    x: list[Any] | None = Field(
        default=None, description="x values or category labels (bar/line/scatter)"
    )
    y: list[float | None] | None = Field(
        default=None, description="y values (bar/line/scatter), or the values (histogram/pie)"
    )
    series: list[ChartSeries] | None = Field(
        default=None, description="several named series [{name, x?, y}] instead of x/y"
    )
    labels: list[str] | None = Field(default=None, description="pie: slice labels")
    data: list[Any] | None = Field(
        default=None, description="records (objects) to read x_field / y_field from"
    )
    x_field: str | None = Field(default=None, description="record key for x / labels")
    y_field: list[str] | str | None = Field(
        default=None, description="record key(s) for y; several keys draw several series"
    )
    bins: int = Field(default=10, ge=1, le=1000, description="histogram: number of bins")
    title: str | None = Field(default=None, description="chart title")
    xlabel: str | None = Field(default=None, description="x axis label")
    ylabel: str | None = Field(default=None, description="y axis label")
    width: int = Field(default=800, ge=50, le=10_000, description="image width in pixels")
    height: int = Field(default=600, ge=50, le=10_000, description="image height in pixels")
    dpi: int = Field(default=100, ge=20, le=600, description="dots per inch (text size)")
    format: Literal["png", "svg"] | None = Field(
        default=None, description="image format (default: from path, else png)"
    )
    path: str | None = Field(
        default=None,
        validation_alias=AliasChoices("path", "output_path", "target_path"),
        description="where to write the image (inside the allowed roots); omit to get base64",
    )
    grid: bool = Field(default=False, description="draw a grid")
    legend: bool | None = Field(default=None, description="show a legend (default: >1 series)")
    horizontal: bool = Field(default=False, description="bar: horizontal bars")
    stacked: bool = Field(default=False, description="bar: stack several series")

    required_for: ClassVar[dict[str, tuple[str, ...]]] = {}


class _Series:
    def __init__(self, name: str | None, x: list[Any] | None, y: list[float | None]) -> None:
        self.name = name
        self.x = x
        self.y = y


def _series(params: DataVisualizerParams) -> list[_Series]:
    if params.data is not None:
        rows = as_records(params.data, tool="data-visualizer", field="data")
        y_fields = (
            [params.y_field] if isinstance(params.y_field, str) else list(params.y_field or [])
        )
        if not y_fields:
            raise ValidationError(
                "data-visualizer: with 'data' (records) give 'y_field' (and usually 'x_field')",
                details={"field": "y_field", "rule": "required"},
            )
        x = [r.get(params.x_field) for r in rows] if params.x_field else None
        out: list[_Series] = []
        for field in y_fields:
            ys: list[float | None] = []
            for index, row in enumerate(rows):
                value = row.get(field)
                if value is not None and (
                    isinstance(value, bool) or not isinstance(value, int | float)
                ):
                    raise ValidationError(
                        f"data-visualizer: data[{index}].{field} is not a number: {value!r}",
                        details={"field": f"data[{index}].{field}", "rule": "number"},
                    )
                ys.append(cast(float | None, value))
            out.append(_Series(field if len(y_fields) > 1 else None, x, ys))
        return out
    if params.series:
        return [_Series(s.name, s.x, s.y) for s in params.series]
    if params.y is None:
        raise ValidationError(
            "data-visualizer: give the values as 'y', 'series' or 'data' + 'y_field'",
            details={"field": "y", "rule": "required"},
        )
    return [_Series(None, params.x, params.y)]


def _check(series: list[_Series], params: DataVisualizerParams, max_points: int) -> None:
    total = sum(len(s.y) for s in series)
    if total == 0:
        raise ValidationError(
            "data-visualizer: there is nothing to draw (no values)",
            details={"field": "y", "rule": "empty"},
        )
    if total > max_points:
        raise ValidationError(
            f"data-visualizer: {total} points is over the {max_points} limit "
            "([tools.data_visualizer] max_points)",
            details={"field": "y", "rule": "max_points"},
        )
    for s in series:
        if s.x is not None and len(s.x) != len(s.y):
            name = f" '{s.name}'" if s.name else ""
            raise ValidationError(
                f"data-visualizer: series{name} has {len(s.x)} x values but {len(s.y)} y values",
                details={"field": "x", "rule": "same_length"},
            )
    if params.chart_type == "pie":
        values = [v for v in series[0].y if v is not None]
        if any(v < 0 for v in values) or sum(values) <= 0:
            raise ValidationError(
                "data-visualizer: pie slices must be non-negative with a positive total",
                details={"field": "y", "rule": "pie"},
            )
        labels = params.labels or series[0].x
        if labels is not None and len(labels) != len(series[0].y):
            raise ValidationError(
                f"data-visualizer: {len(labels)} labels for {len(series[0].y)} slices",
                details={"field": "labels", "rule": "same_length"},
            )


def _nan(values: list[float | None]) -> list[float]:
    return [float("nan") if v is None else float(v) for v in values]


def render(params: DataVisualizerParams, series: list[_Series], fmt: str) -> bytes:
    """The chart as PNG or SVG bytes, exactly ``width`` x ``height`` pixels."""
    import_optional(
        "matplotlib", what="data-visualizer", distribution="llmspell-tools", extra="viz"
    )
    from matplotlib.figure import Figure

    fig = Figure(figsize=(params.width / params.dpi, params.height / params.dpi), dpi=params.dpi)
    ax: Any = fig.add_subplot()
    kind = params.chart_type
    named = any(s.name for s in series)
    if kind == "bar":
        _bars(ax, params, series)
    elif kind in ("line", "scatter"):
        for s in series:
            xs: list[Any] = s.x if s.x is not None else list(range(len(s.y)))
            categorical = any(isinstance(v, str) for v in xs)
            positions: list[Any] = list(range(len(xs))) if categorical else xs
            if kind == "line":
                ax.plot(positions, _nan(s.y), marker="o", markersize=3, label=s.name)
            else:
                ax.scatter(positions, _nan(s.y), s=16, label=s.name)
            if categorical:
                ax.set_xticks(positions, [str(v) for v in xs])
    elif kind == "histogram":
        for s in series:
            ax.hist(
                [v for v in s.y if v is not None],
                bins=params.bins,
                alpha=0.7 if len(series) > 1 else 1.0,
                label=s.name,
                edgecolor="white",
            )
    else:
        first = series[0]
        labels = params.labels or ([str(v) for v in first.x] if first.x is not None else None)
        slices = [0.0 if v is None else float(v) for v in first.y]
        ax.pie(slices, labels=labels, autopct="%1.1f%%", startangle=90, counterclock=False)
        ax.axis("equal")
    if params.title:
        ax.set_title(params.title)
    if params.xlabel and kind != "pie":
        ax.set_xlabel(params.xlabel)
    if params.ylabel and kind != "pie":
        ax.set_ylabel(params.ylabel)
    if params.grid and kind != "pie":
        ax.grid(True, alpha=0.3)
    if params.legend if params.legend is not None else (named and len(series) > 1):
        ax.legend()
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, dpi=params.dpi)
    return buffer.getvalue()


def _bars(ax: Any, params: DataVisualizerParams, series: list[_Series]) -> None:
    labels = series[0].x if series[0].x is not None else list(range(1, len(series[0].y) + 1))
    positions = list(range(len(labels)))
    count = len(series)
    width = 0.8 if params.stacked or count == 1 else 0.8 / count
    bottoms = [0.0] * len(positions)
    draw = ax.barh if params.horizontal else ax.bar
    for i, s in enumerate(series):
        values = [0.0 if v is None else float(v) for v in s.y]
        if len(values) != len(positions):
            raise ValidationError(
                "data-visualizer: every bar series needs as many values as there are labels",
                details={"field": "series", "rule": "same_length"},
            )
        if params.stacked:
            offsets = positions
            extra = {"left" if params.horizontal else "bottom": list(bottoms)}
            bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
        else:
            offsets = [p - 0.4 + width * (i + 0.5) for p in positions]
            extra = {}
        draw(offsets, values, width, label=s.name, **extra)
    if params.horizontal:
        ax.set_yticks(positions, [str(v) for v in labels])
    else:
        ax.set_xticks(positions, [str(v) for v in labels])


class DataVisualizer(BaseTool[DataVisualizerParams]):
    tool_name = "data-visualizer"
    description = (
        "Draw a bar, line, scatter, histogram or pie chart from values or records, as a PNG "
        "or SVG image written to 'path' (inside the allowed roots) or returned as base64."
    )
    tool_category = "data"
    tags = ("chart", "plot", "visualization", "png", "svg")
    params_model = DataVisualizerParams
    settings_model = DataVisualizerSettings
    default_operation = "chart"
    security_level = SecurityLevel.RESTRICTED  # writes files inside the allowed roots
    timeout_seconds = 60.0
    examples = (
        example("Bar chart as base64 PNG", chart_type="bar", x=["a", "b", "c"], y=[3, 7, 5]),
        example(
            "Line chart from records",
            chart_type="line",
            data=[{"day": "Mon", "n": 3}, {"day": "Tue", "n": 5}, {"day": "Wed", "n": 4}],
            x_field="day",
            y_field="n",
            title="Visits",
            format="svg",
        ),
        example("Pie", chart_type="pie", y=[50, 30, 20], labels=["lua", "js", "other"]),
    )

    async def run(self, params: DataVisualizerParams, call: Invocation) -> ToolOutput:
        settings = cast(DataVisualizerSettings, call.settings)
        call.operation = params.chart_type
        if params.width * params.height > settings.max_pixels:
            raise ValidationError(
                f"data-visualizer: {params.width}x{params.height} is over the "
                f"{settings.max_pixels}-pixel limit ([tools.data_visualizer] max_pixels)",
                details={"field": "width", "rule": "max_pixels"},
            )
        series = _series(params)
        _check(series, params, settings.max_points)
        fmt = params.format or (
            "svg" if params.path and params.path.lower().endswith(".svg") else "png"
        )
        target = output_file(call, params.path, field="path") if params.path else None
        image = await call.to_thread(render, params, series, fmt)
        info: dict[str, Any] = {
            "format": fmt,
            "width": params.width,
            "height": params.height,
            "bytes": len(image),
            "chart_type": params.chart_type,
            "series": len(series),
        }
        if target is not None:
            await call.to_thread(atomic_write_bytes, target, image)
            info["path"] = str(target)
            text = f"{params.chart_type} chart written to {target} ({len(image)} bytes, {fmt})"
        else:
            info["base64"] = base64.b64encode(image).decode("ascii")
            info["mime_type"] = "image/png" if fmt == "png" else "image/svg+xml"
            text = f"{params.chart_type} chart ({params.width}x{params.height} {fmt}, base64)"
        return call.ok(text, info)
