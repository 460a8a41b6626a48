"""data-visualizer: every chart type rendered, checked as a real image (Pillow / XML parser)."""

from __future__ import annotations

import base64
import io
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from llmspell_core.config import LLMSpellConfig
from llmspell_core.context import ExecutionContext
from llmspell_core.errors import SecurityError, ValidationError
from llmspell_core.testing.contracts import ToolContract
from llmspell_core.tool import Tool
from llmspell_tools.data.data_visualizer import DataVisualizer

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class TestVisualizerContract(ToolContract):
    def make_tool(self) -> Tool:
        return DataVisualizer()

    def invalid_params(self) -> list[dict[str, Any]]:
        return [
            {"chart_type": "donut", "y": [1]},
            {"chart_type": "bar"},  # no values
            {"chart_type": "bar", "x": ["a", "b"], "y": [1]},
            {"chart_type": "pie", "y": [1, -2]},
            {"chart_type": "pie", "y": [1, 2], "labels": ["only one"]},
            {"chart_type": "line", "data": [{"a": 1}]},  # no y_field
            {"chart_type": "line", "data": [{"a": "x"}], "y_field": "a"},
            {"chart_type": "bar", "y": [1], "width": 10},
            {"chart_type": "bar", "y": [1], "format": "gif"},
        ]


async def viz(config: LLMSpellConfig | None = None, **params: Any) -> Any:
    ctx = ExecutionContext(config=config) if config is not None else ExecutionContext()
    return await DataVisualizer().execute(params, ctx)


def png(out: Any) -> Image.Image:
    data = base64.b64decode(out.result["base64"])
    assert data.startswith(PNG_SIGNATURE)
    image = Image.open(io.BytesIO(data))
    image.load()
    assert image.format == "PNG"
    return image


def colours(image: Image.Image) -> int:
    found = image.convert("RGB").getcolors(maxcolors=1_000_000)
    assert found is not None
    return len(found)


@pytest.mark.parametrize(
    ("params", "size"),
    [
        ({"chart_type": "bar", "x": ["a", "b", "c"], "y": [3, 7, 5]}, (800, 600)),
        ({"chart_type": "line", "x": [1, 2, 3, 4], "y": [1, 4, 2, 8]}, (640, 480)),
        ({"chart_type": "scatter", "x": [0.5, 1.5, 2.5], "y": [2, None, 3]}, (500, 500)),
        ({"chart_type": "histogram", "y": [1, 2, 2, 3, 3, 3, 4, 9], "bins": 4}, (300, 200)),
        ({"chart_type": "pie", "y": [50, 30, 20], "labels": ["a", "b", "c"]}, (400, 400)),
    ],
)
async def test_every_chart_type_is_a_real_png_of_the_requested_size(
    params: dict[str, Any], size: tuple[int, int]
) -> None:
    out = await viz(**params, width=size[0], height=size[1], title="t")
    image = png(out)
    assert image.size == size
    assert colours(image) > 10  # something was drawn, not a blank canvas
    assert out.result["mime_type"] == "image/png"
    assert out.metadata["operation"] == params["chart_type"]


async def test_several_series_and_records() -> None:
    rows = [{"day": d, "a": i, "b": i * 2} for i, d in enumerate(["Mon", "Tue", "Wed"], 1)]
    out = await viz(chart_type="bar", data=rows, x_field="day", y_field=["a", "b"], stacked=True)
    assert out.result["series"] == 2
    png(out)
    lines = await viz(
        chart_type="line",
        series=[{"name": "up", "y": [1, 2, 3]}, {"name": "down", "y": [3, 2, 1]}],
        legend=True,
        grid=True,
        horizontal=False,
    )
    assert lines.result["series"] == 2
    horizontal = await viz(chart_type="bar", x=["x", "y"], y=[1, 2], horizontal=True)
    png(horizontal)


async def test_svg_output_is_valid_svg() -> None:
    out = await viz(chart_type="line", y=[1, 3, 2], format="svg", width=720, height=360)
    data = base64.b64decode(out.result["base64"])
    root = ET.fromstring(data)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("viewBox") == "0 0 518.4 259.2"  # 720x360 px at 100 dpi, in points
    assert out.result["mime_type"] == "image/svg+xml"


async def test_writes_inside_allowed_roots(tmp_path: Path) -> None:
    config = LLMSpellConfig(tools={"filesystem": {"allowed_paths": [str(tmp_path)]}})
    target = tmp_path / "charts" / "sales.png"
    out = await viz(config, chart_type="bar", x=["q1", "q2"], y=[10, 12], path=str(target))
    assert out.result["path"] == str(target)
    assert "base64" not in out.result
    with Image.open(target) as image:
        assert image.size == (800, 600)
    svg = await viz(config, chart_type="pie", y=[1, 2], path=str(tmp_path / "share.svg"))
    assert svg.result["format"] == "svg"
    assert (tmp_path / "share.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
    with pytest.raises(SecurityError):
        await viz(config, chart_type="bar", y=[1], path="/etc/llmspell-chart.png")


async def test_limits() -> None:
    config = LLMSpellConfig(tools={"data_visualizer": {"max_points": 10, "max_pixels": 100_000}})
    with pytest.raises(ValidationError) as points:
        await viz(config, chart_type="line", y=list(range(11)), width=200, height=200)
    assert "max_points" in points.value.message
    with pytest.raises(ValidationError) as pixels:
        await viz(config, chart_type="line", y=[1, 2], width=400, height=400)
    assert "max_pixels" in pixels.value.message
