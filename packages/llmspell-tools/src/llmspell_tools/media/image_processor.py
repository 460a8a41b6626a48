"""image-processor: inspect, resize, crop, rotate, convert and thumbnail images (Pillow).

Images are size- and pixel-count-limited before decoding (a small PNG can declare a huge
canvas: a decompression bomb); results are written atomically inside the allowed roots.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal, cast

from pydantic import AliasChoices, Field

from llmspell_core.errors import ValidationError
from llmspell_core.extras import import_optional
from llmspell_core.tool_types import SecurityLevel, ToolOutput
from llmspell_tools._files import input_file, output_file
from llmspell_tools.framework import BaseTool, Invocation, ToolParams, ToolSettings, example
from llmspell_utils import atomic_write_bytes

if TYPE_CHECKING:
    from PIL import Image

__all__ = ["ImageProcessor", "ImageProcessorParams", "ImageProcessorSettings"]

Operation = Literal["info", "metadata", "resize", "crop", "rotate", "convert", "thumbnail"]
TargetFormat = Literal["png", "jpeg", "jpg", "gif", "webp", "bmp", "tiff"]
_PIL_FORMATS = {"jpg": "JPEG", "jpeg": "JPEG", "png": "PNG", "gif": "GIF", "webp": "WEBP"}
_PIL_FORMATS.update({"bmp": "BMP", "tiff": "TIFF", "tif": "TIFF"})


class ImageProcessorSettings(ToolSettings):
    #: ``[tools.image_processor] max_file_size``: largest image file read, in bytes.
    max_file_size: int = Field(default=50 * 1024 * 1024, gt=0)
    #: ``[tools.image_processor] max_pixels``: largest width x height decoded.
    max_pixels: int = Field(default=64_000_000, gt=0)


class ImageProcessorParams(ToolParams):
    operation: Operation = Field(default="info", description="what to do ('metadata' = info)")
    path: str = Field(
        validation_alias=AliasChoices("path", "source_path", "file_path", "input_path"),
        description="the image",
    )
    target_path: str | None = Field(
        default=None,
        validation_alias=AliasChoices("target_path", "output_path"),
        description="where to write the result (default: beside the source, named after the "
        "operation)",
    )
    width: int | None = Field(default=None, ge=1, le=100_000, description="resize/crop: width")
    height: int | None = Field(default=None, ge=1, le=100_000, description="resize/crop: height")
    x: int = Field(default=0, ge=0, description="crop: left edge")
    y: int = Field(default=0, ge=0, description="crop: top edge")
    degrees: float = Field(default=90, description="rotate: counter-clockwise degrees")
    maintain_aspect_ratio: bool = Field(
        default=True, description="resize: keep proportions when only one side is given"
    )
    target_format: TargetFormat | None = Field(
        default=None, description="convert: output format (default: from target_path)"
    )
    max_width: int = Field(default=200, ge=1, le=10_000, description="thumbnail: max width")
    max_height: int = Field(default=200, ge=1, le=10_000, description="thumbnail: max height")
    quality: int = Field(default=90, ge=1, le=100, description="jpeg/webp quality")
    overwrite: bool = Field(default=True, description="replace an existing target file")

    required_for: ClassVar[dict[str, tuple[str, ...]]] = {"crop": ("width", "height")}


def _open(path: Path, max_pixels: int) -> Image.Image:
    import_optional("PIL", what="image-processor", distribution="llmspell-tools", extra="media")
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(path)
    except UnidentifiedImageError:
        raise ValidationError(
            f"image-processor: '{path.name}' is not an image Pillow can read",
            details={"field": "path", "rule": "image"},
        ) from None
    except Image.DecompressionBombError as exc:
        raise ValidationError(
            f"image-processor: '{path.name}' refused as a decompression bomb: {exc} "
            "([tools.image_processor] max_pixels)",
            details={"field": "path", "rule": "max_pixels"},
        ) from None
    width, height = image.size
    if width * height > max_pixels:
        image.close()
        raise ValidationError(
            f"image-processor: '{path.name}' is {width}x{height} pixels, over the "
            f"{max_pixels}-pixel limit ([tools.image_processor] max_pixels); refusing a "
            "possible decompression bomb",
            details={"field": "path", "rule": "max_pixels", "width": width, "height": height},
        )
    return image


def _info(path: Path, image: Image.Image) -> dict[str, Any]:
    from PIL import Image as PILImage

    width, height = image.size
    ratio = width / height if height else 0.0
    orientation = "square" if width == height else ("landscape" if width > height else "portrait")
    dpi: Any = image.info.get("dpi")
    return {
        "path": str(path),
        "format": image.format,
        "mime_type": PILImage.MIME.get(image.format) if image.format else None,
        "mode": image.mode,
        "width": width,
        "height": height,
        "aspect_ratio": round(ratio, 4),
        "orientation": orientation,
        "frames": int(getattr(image, "n_frames", 1)),
        "has_alpha": image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info,
        "dpi": [float(d) for d in cast("tuple[Any, ...]", dpi)] if isinstance(dpi, tuple) else None,
        "size_bytes": path.stat().st_size,
    }


def _pil_format(target: Path, given: str | None) -> str:
    name = (given or target.suffix.lstrip(".")).lower()
    fmt = _PIL_FORMATS.get(name)
    if fmt is None:
        raise ValidationError(
            f"image-processor: cannot write format '{name or target.name}'; use one of "
            "png, jpeg, gif, webp, bmp, tiff (target_format or the target's extension)",
            details={"field": "target_format", "rule": "format"},
        )
    return fmt


def _default_target(source: Path, operation: str, fmt: str | None) -> str:
    suffix = f".{fmt.lower()}" if fmt else source.suffix
    if suffix == ".jpeg":
        suffix = ".jpg"
    return str(source.with_name(f"{source.stem}_{operation}{suffix}"))


def _transform(image: Image.Image, params: ImageProcessorParams) -> Image.Image:
    from PIL import Image as PILImage

    op = params.operation
    if op == "resize":
        if params.width is None and params.height is None:
            raise ValidationError(
                "image-processor: resize needs 'width' and/or 'height'",
                details={"field": "width", "rule": "required"},
            )
        w, h = image.size
        width, height = params.width, params.height
        if width is None or height is None:
            if params.maintain_aspect_ratio:
                scale = (width / w) if width is not None else (cast(int, height) / h)
                width, height = max(1, round(w * scale)), max(1, round(h * scale))
            else:
                width, height = width or w, height or h
        return image.resize((width, height), PILImage.Resampling.LANCZOS)
    if op == "crop":
        width, height = cast(int, params.width), cast(int, params.height)
        w, h = image.size
        if params.x + width > w or params.y + height > h:
            raise ValidationError(
                f"image-processor: crop box {params.x},{params.y} {width}x{height} lies outside "
                f"the {w}x{h} image",
                details={"field": "width", "rule": "bounds"},
            )
        return image.crop((params.x, params.y, params.x + width, params.y + height))
    if op == "rotate":
        return image.rotate(params.degrees, expand=True)
    if op == "thumbnail":
        copy = image.copy()
        copy.thumbnail((params.max_width, params.max_height))
        return copy
    return image.copy()  # convert


def _encode(image: Image.Image, fmt: str, quality: int) -> bytes:
    if (fmt == "JPEG" and image.mode not in ("RGB", "L", "CMYK")) or (
        fmt in ("BMP",) and image.mode not in ("RGB", "L", "1", "P")
    ):
        image = image.convert("RGB")
    buffer = io.BytesIO()
    options: dict[str, Any] = {}
    if fmt in ("JPEG", "WEBP"):
        options["quality"] = quality
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def _process(
    source: Path, target: Path | None, params: ImageProcessorParams, max_pixels: int
) -> dict[str, Any]:
    with _open(source, max_pixels) as image:
        if params.operation in ("info", "metadata"):
            return _info(source, image)
        assert target is not None
        fmt = _pil_format(target, params.target_format)
        image.load()
        result = _transform(image, params)
        data = _encode(result, fmt, params.quality)
        atomic_write_bytes(target, data)
        return {
            "source_path": str(source),
            "target_path": str(target),
            "format": fmt,
            "original_width": image.size[0],
            "original_height": image.size[1],
            "width": result.size[0],
            "height": result.size[1],
            "size_bytes": len(data),
        }


class ImageProcessor(BaseTool[ImageProcessorParams]):
    tool_name = "image-processor"
    description = (
        "Inspect an image (format, size, mode) or resize, crop, rotate, convert "
        "(png/jpeg/gif/webp/bmp/tiff) or thumbnail it into a new file."
    )
    tool_category = "media"
    tags = ("image", "media", "resize", "thumbnail")
    params_model = ImageProcessorParams
    settings_model = ImageProcessorSettings
    security_level = SecurityLevel.RESTRICTED
    timeout_seconds = 60.0
    examples = (
        example("Image information", operation="info", path="photo.png"),
        example("Thumbnail", operation="thumbnail", path="photo.png", max_width=32, max_height=32),
        example(
            "Convert to JPEG",
            operation="convert",
            path="photo.png",
            target_path="photo.jpg",
            quality=80,
        ),
    )

    async def run(self, params: ImageProcessorParams, call: Invocation) -> ToolOutput:
        settings = cast(ImageProcessorSettings, call.settings)
        source = input_file(call, params.path, field="path", limit=settings.max_file_size)
        target: Path | None = None
        if params.operation not in ("info", "metadata"):
            raw = params.target_path or _default_target(
                source, params.operation, params.target_format
            )
            target = output_file(call, raw, field="target_path", overwrite=params.overwrite)
        result = await call.to_thread(_process, source, target, params, settings.max_pixels)
        if target is None:
            text = (
                f"{source.name}: {result['format']} {result['width']}x{result['height']} "
                f"{result['mode']}"
            )
        else:
            text = (
                f"{params.operation}: wrote {target.name} ({result['width']}x{result['height']} "
                f"{result['format']})"
            )
        return call.ok(text, result)
