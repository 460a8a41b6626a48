"""image-processor: every operation on images the tests draw with Pillow."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from file_tool_support import files_context
from PIL import Image

from llmspell_core.context import ExecutionContext
from llmspell_core.errors import SecurityError, ValidationError
from llmspell_core.testing.contracts import ToolContract
from llmspell_core.tool import Tool
from llmspell_tools.media.image_processor import ImageProcessor


def draw(path: Path, size: tuple[int, int] = (64, 48), mode: str = "RGBA") -> Path:
    """Left half red, right half blue, so crops and rotations can be checked by colour."""
    red, blue = (
        ((255, 0, 0, 255), (0, 0, 255, 255)) if mode == "RGBA" else ((255, 0, 0), (0, 0, 255))
    )
    image = Image.new(mode, size, red)
    image.paste(blue, (size[0] // 2, 0, size[0], size[1]))
    image.save(path)
    return path


class TestImageProcessorContract(ToolContract):
    @pytest.fixture(autouse=True)
    def _in_tmp(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        draw(tmp_path / "photo.png")
        monkeypatch.chdir(tmp_path)

    def make_tool(self) -> Tool:
        return ImageProcessor()

    def invalid_params(self) -> list[dict[str, Any]]:
        return [
            {},
            {"operation": "blur", "path": "photo.png"},
            {"operation": "crop", "path": "photo.png", "width": 10},
            {"operation": "resize", "path": "photo.png", "width": 0},
            {"operation": "convert", "path": "photo.png", "target_format": "svg"},
            {"operation": "resize", "path": "photo.png"},
        ]


def ctx(root: Path, **section: Any) -> ExecutionContext:
    return files_context(root, "image_processor", section)


async def run(root: Path, **params: Any) -> Any:
    return await ImageProcessor().execute(params, ctx(root))


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    return draw(tmp_path / "photo.png")


async def test_info(photo: Path) -> None:
    out = await run(photo.parent, operation="info", path=str(photo))
    assert out.result["format"] == "PNG"
    assert out.result["mime_type"] == "image/png"
    assert (out.result["width"], out.result["height"]) == (64, 48)
    assert out.result["mode"] == "RGBA"
    assert out.result["has_alpha"] is True
    assert out.result["orientation"] == "landscape"
    assert out.result["aspect_ratio"] == pytest.approx(64 / 48, abs=1e-3)
    assert out.text == "photo.png: PNG 64x48 RGBA"
    alias = await run(photo.parent, operation="metadata", file_path=str(photo))
    assert alias.result["width"] == 64


async def test_resize_keeps_or_ignores_aspect(photo: Path) -> None:
    out = await run(photo.parent, operation="resize", path=str(photo), width=32)
    assert out.result["target_path"] == str(photo.with_name("photo_resize.png"))
    with Image.open(out.result["target_path"]) as image:
        assert image.size == (32, 24)
    exact = await run(
        photo.parent,
        operation="resize",
        path=str(photo),
        width=10,
        height=40,
        target_path=str(photo.parent / "exact.png"),
    )
    assert (exact.result["width"], exact.result["height"]) == (10, 40)
    stretched = await run(
        photo.parent,
        operation="resize",
        path=str(photo),
        height=12,
        maintain_aspect_ratio=False,
        target_path=str(photo.parent / "s.png"),
    )
    assert (stretched.result["width"], stretched.result["height"]) == (64, 12)


async def test_crop(photo: Path) -> None:
    out = await run(
        photo.parent,
        operation="crop",
        path=str(photo),
        x=32,
        y=0,
        width=32,
        height=48,
        target_path=str(photo.parent / "right.png"),
    )
    with Image.open(photo.parent / "right.png") as image:
        assert image.size == (32, 48)
        assert image.convert("RGB").getpixel((5, 5)) == (0, 0, 255)
    assert out.result["original_width"] == 64
    with pytest.raises(ValidationError) as info:
        await run(photo.parent, operation="crop", path=str(photo), x=40, width=32, height=10)
    assert "outside" in info.value.message


async def test_rotate(photo: Path) -> None:
    out = await run(photo.parent, operation="rotate", path=str(photo), degrees=90)
    with Image.open(out.result["target_path"]) as image:
        assert image.size == (48, 64)
        rgb = image.convert("RGB")
        assert rgb.getpixel((5, 5)) == (0, 0, 255)  # right half rotated to the top
        assert rgb.getpixel((5, 60)) == (255, 0, 0)


async def test_convert_and_thumbnail(photo: Path) -> None:
    jpeg = await run(
        photo.parent, operation="convert", path=str(photo), target_path=str(photo.parent / "p.jpg")
    )
    assert jpeg.result["format"] == "JPEG"
    with Image.open(photo.parent / "p.jpg") as image:
        assert image.format == "JPEG"
        assert image.mode == "RGB"
    webp = await run(photo.parent, operation="convert", path=str(photo), target_format="webp")
    assert webp.result["target_path"] == str(photo.with_name("photo_convert.webp"))
    with Image.open(webp.result["target_path"]) as image:
        assert image.format == "WEBP"
    thumb = await run(
        photo.parent, operation="thumbnail", path=str(photo), max_width=16, max_height=16
    )
    assert (thumb.result["width"], thumb.result["height"]) == (16, 12)
    with pytest.raises(ValidationError):
        await run(
            photo.parent,
            operation="convert",
            path=str(photo),
            target_path=str(photo.parent / "x.svg"),
        )


async def test_overwrite_false_keeps_existing_file(photo: Path) -> None:
    existing = photo.parent / "keep.png"
    existing.write_bytes(b"precious")
    with pytest.raises(ValidationError):
        await run(
            photo.parent,
            operation="thumbnail",
            path=str(photo),
            target_path=str(existing),
            overwrite=False,
        )
    assert existing.read_bytes() == b"precious"


async def test_pixel_limit_and_bad_input(tmp_path: Path) -> None:
    big = draw(tmp_path / "big.png", size=(400, 300), mode="RGB")
    with pytest.raises(ValidationError) as info:
        await ImageProcessor().execute(
            {"operation": "info", "path": str(big)}, ctx(tmp_path, max_pixels=100_000)
        )
    assert "[tools.image_processor] max_pixels" in info.value.message
    text = tmp_path / "not-image.png"
    text.write_text("hello")
    with pytest.raises(ValidationError) as bad:
        await run(tmp_path, operation="info", path=str(text))
    assert "not an image" in bad.value.message
    with pytest.raises(ValidationError):
        await ImageProcessor().execute(
            {"operation": "info", "path": str(big)}, ctx(tmp_path, max_file_size=10)
        )


async def test_sandbox(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    draw(tmp_path / "outside.png")
    photo = draw(root / "in.png")
    with pytest.raises(SecurityError):
        await run(root, operation="info", path=str(root / ".." / "outside.png"))
    with pytest.raises(SecurityError):
        await run(root, operation="thumbnail", path=str(photo), target_path=str(tmp_path / "t.png"))
    assert not (tmp_path / "t.png").exists()
