"""video-processor: info, thumbnails and frames from a clip the tests encode with PyAV."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import av
import pytest
from av.video.frame import VideoFrame
from file_tool_support import files_context
from PIL import Image

from llmspell_core.context import ExecutionContext
from llmspell_core.errors import SecurityError, ValidationError
from llmspell_core.testing.contracts import ToolContract
from llmspell_core.tool import Tool
from llmspell_tools.media.video_processor import VideoProcessor

FPS = 10
FRAMES = 20  # two seconds


def encode_clip(path: Path, size: tuple[int, int] = (64, 48)) -> Path:
    """Frame i is a flat grey of level 10*i, so a decoded frame tells which time it shows."""
    with av.open(str(path), "w") as container:
        stream = container.add_stream("mpeg4", rate=FPS)
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        for i in range(FRAMES):
            image = Image.new("RGB", size, (10 * i,) * 3)
            container.mux(stream.encode(cast(VideoFrame, VideoFrame.from_image(image))))
        container.mux(stream.encode())  # flush
    return path


def level(path: Path) -> int:
    with Image.open(path) as image:
        pixel = image.convert("L").getpixel((image.width // 2, image.height // 2))
    assert isinstance(pixel, int)
    return pixel


class TestVideoProcessorContract(ToolContract):
    @pytest.fixture(autouse=True)
    def _in_tmp(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        encode_clip(tmp_path / "clip.mp4")
        monkeypatch.chdir(tmp_path)

    def make_tool(self) -> Tool:
        return VideoProcessor()

    def invalid_params(self) -> list[dict[str, Any]]:
        return [
            {},
            {"operation": "transcode", "path": "clip.mp4"},
            {"operation": "extract_frame", "path": "clip.mp4", "timestamp": -1},
            {"operation": "thumbnail", "path": "clip.mp4", "max_width": 0},
            {"operation": "thumbnail", "path": "clip.mp4", "target_path": "clip.gif"},
        ]


def ctx(root: Path, **section: Any) -> ExecutionContext:
    return files_context(root, "video_processor", section)


async def run(root: Path, **params: Any) -> Any:
    return await VideoProcessor().execute(params, ctx(root))


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    return encode_clip(tmp_path / "clip.mp4")


async def test_info(clip: Path) -> None:
    out = await run(clip.parent, operation="info", path=str(clip))
    result = out.result
    assert result["duration_seconds"] == pytest.approx(2.0, abs=0.15)
    assert (result["width"], result["height"]) == (64, 48)
    assert result["fps"] == pytest.approx(10.0)
    assert result["video_codec"] == "mpeg4"
    assert result["has_audio"] is False
    assert result["streams"][0]["type"] == "video"
    assert result["streams"][0]["frames"] == FRAMES
    assert "mp4" in result["format"]
    assert "64x48 @ 10.0 fps" in out.text


async def test_thumbnail_defaults_to_ten_percent_in(clip: Path) -> None:
    out = await run(clip.parent, operation="thumbnail", path=str(clip), max_width=32, max_height=32)
    target = clip.with_name("clip_thumbnail.png")
    assert out.result["target_path"] == str(target)
    assert out.result["timestamp"] == pytest.approx(0.2, abs=0.11)
    with Image.open(target) as image:
        assert image.size == (32, 24)
        assert image.format == "PNG"
    assert abs(level(target) - 20) <= 8


@pytest.mark.parametrize(
    ("where", "target", "timestamp", "grey"),
    [
        ({"timestamp": 1.0}, "one.jpg", 1.0, 100),
        ({"frame_number": 5}, "five.png", 0.5, 50),
        ({"timestamp": 99}, "last.png", 1.9, 190),  # past the end: the last frame
    ],
)
async def test_extract_frame(
    clip: Path, where: dict[str, float], target: str, timestamp: float, grey: int
) -> None:
    out = await run(
        clip.parent,
        operation="extract_frame",
        path=str(clip),
        target_path=str(clip.parent / target),
        **where,
    )
    assert out.result["timestamp"] == pytest.approx(timestamp, abs=0.01)
    assert (out.result["width"], out.result["height"]) == (64, 48)
    assert out.result["format"] == ("JPEG" if target.endswith(".jpg") else "PNG")
    assert abs(level(clip.parent / target) - grey) <= 8


async def test_extract_frame_past_the_last_index(clip: Path) -> None:
    with pytest.raises(ValidationError) as info:
        await run(clip.parent, operation="extract_frame", path=str(clip), frame_number=500)
    assert "past the end" in info.value.message


async def test_limits(clip: Path) -> None:
    with pytest.raises(ValidationError) as pixels:
        await VideoProcessor().execute(
            {"operation": "thumbnail", "path": str(clip)}, ctx(clip.parent, max_pixels=1000)
        )
    assert "[tools.video_processor] max_pixels" in pixels.value.message
    with pytest.raises(ValidationError) as frames:
        await VideoProcessor().execute(
            {"operation": "extract_frame", "path": str(clip), "frame_number": 10},
            ctx(clip.parent, max_decoded_frames=5),
        )
    assert "max_decoded_frames" in frames.value.message


async def test_bad_inputs_and_sandbox(tmp_path: Path, clip: Path) -> None:
    (tmp_path / "fake.mp4").write_bytes(b"definitely not a video" * 10)
    with pytest.raises(ValidationError) as info:
        await run(tmp_path, operation="info", path=str(tmp_path / "fake.mp4"))
    assert "not a media file" in info.value.message
    with pytest.raises(ValidationError):
        await run(
            tmp_path, operation="thumbnail", path=str(clip), target_path=str(tmp_path / "t.gif")
        )
    root = tmp_path / "root"
    root.mkdir()
    with pytest.raises(SecurityError):
        await run(root, operation="info", path=str(root / ".." / "clip.mp4"))
    inside = encode_clip(root / "in.mp4")
    with pytest.raises(SecurityError):
        await run(
            root, operation="thumbnail", path=str(inside), target_path=str(tmp_path / "out.png")
        )
