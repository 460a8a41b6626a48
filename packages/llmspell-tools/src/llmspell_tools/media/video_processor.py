"""video-processor: describe a video, grab a thumbnail or a frame at a given time.

PyAV's wheels bundle the FFmpeg libraries, so this works offline with no system ffmpeg and
no subprocess output to parse. Frames become images through Pillow; both sit in the
``media`` extra.
"""

from __future__ import annotations

import io
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

from pydantic import AliasChoices, Field

from llmspell_core.errors import ValidationError
from llmspell_core.extras import import_optional
from llmspell_core.tool_types import SecurityLevel, ToolOutput
from llmspell_tools._files import input_file, output_file
from llmspell_tools.framework import BaseTool, Invocation, ToolParams, ToolSettings, example
from llmspell_utils import atomic_write_bytes

if TYPE_CHECKING:
    from av.container import InputContainer
    from av.video.frame import VideoFrame
    from av.video.stream import VideoStream
    from PIL.Image import Image as PILImage

__all__ = ["VideoProcessor", "VideoProcessorParams", "VideoProcessorSettings"]

_IMAGE_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".webp": "WEBP", ".bmp": "BMP"}
_MAX_METADATA_CHARS = 500


class VideoProcessorSettings(ToolSettings):
    #: ``[tools.video_processor] max_file_size``: largest video file opened, in bytes.
    max_file_size: int = Field(default=2 * 1024 * 1024 * 1024, gt=0)
    #: ``[tools.video_processor] max_pixels``: largest frame (width x height) decoded.
    max_pixels: int = Field(default=40_000_000, gt=0)
    #: ``[tools.video_processor] max_decoded_frames``: most frames decoded to reach a time.
    max_decoded_frames: int = Field(default=10_000, gt=0)


class VideoProcessorParams(ToolParams):
    operation: Literal["info", "metadata", "thumbnail", "extract_frame"] = Field(
        default="info", description="info, thumbnail (small image) or extract_frame (full size)"
    )
    path: str = Field(
        validation_alias=AliasChoices("path", "source_path", "file_path", "input_path"),
        description="the video file",
    )
    target_path: str | None = Field(
        default=None,
        validation_alias=AliasChoices("target_path", "output_path"),
        description="image to write: .png, .jpg, .webp or .bmp (default: beside the video)",
    )
    timestamp: float | None = Field(
        default=None,
        ge=0,
        validation_alias=AliasChoices("timestamp", "time", "seconds"),
        description="seconds into the video (thumbnail default: 10% in; extract_frame: 0)",
    )
    frame_number: int | None = Field(
        default=None, ge=0, description="extract_frame: 0-based frame index instead of a time"
    )
    max_width: int = Field(default=320, ge=1, le=10_000, description="thumbnail: max width")
    max_height: int = Field(default=240, ge=1, le=10_000, description="thumbnail: max height")
    overwrite: bool = Field(default=True, description="replace an existing target file")


def _open(path: Path) -> InputContainer:
    import_optional("av", what="video-processor", distribution="llmspell-tools", extra="media")
    import av
    from av.error import FFmpegError

    try:
        return av.open(str(path), "r")
    except FFmpegError as exc:
        raise ValidationError(
            f"video-processor: '{path.name}' is not a media file FFmpeg can read: {exc}",
            details={"field": "path", "rule": "video"},
        ) from None


def _seconds(value: int | None, base: Fraction | None) -> float | None:
    if value is None or base is None:
        return None
    return round(float(value * base), 6)


def _rate(value: Fraction | None) -> float | None:
    return round(float(value), 6) if value else None


def _text(value: str) -> str:
    return value[:_MAX_METADATA_CHARS]


def _info(path: Path, container: InputContainer) -> dict[str, Any]:
    streams: list[dict[str, Any]] = []
    for stream in container.streams:
        entry: dict[str, Any] = {
            "index": stream.index,
            "type": stream.type,
            "codec": stream.codec_context.name if stream.codec_context else None,
            "duration_seconds": _seconds(stream.duration, stream.time_base),
            "frames": stream.frames or None,
        }
        if stream.type == "video":
            video = cast("VideoStream", stream)
            entry.update(
                width=video.width,
                height=video.height,
                fps=_rate(video.average_rate),
                pixel_format=video.pix_fmt,
            )
        elif stream.type == "audio":
            ctx: Any = stream.codec_context
            entry.update(sample_rate=ctx.sample_rate, channels=ctx.channels)
        streams.append(entry)
    duration = container.duration / 1_000_000 if container.duration else None
    videos = [s for s in streams if s["type"] == "video"]
    main = videos[0] if videos else {}
    return {
        "path": str(path),
        "size_bytes": path.stat().st_size,
        "format": container.format.name,
        "format_long_name": container.format.long_name,
        "duration_seconds": round(duration, 6) if duration is not None else None,
        "bit_rate": container.bit_rate or None,
        "width": main.get("width"),
        "height": main.get("height"),
        "fps": main.get("fps"),
        "video_codec": main.get("codec"),
        "has_audio": any(s["type"] == "audio" for s in streams),
        "streams": streams,
        "metadata": {str(k): _text(str(v)) for k, v in container.metadata.items()},
    }


def _video_stream(container: InputContainer, max_pixels: int) -> VideoStream:
    if not container.streams.video:
        raise ValidationError(
            "video-processor: the file has no video stream",
            details={"field": "path", "rule": "video_stream"},
        )
    stream = container.streams.video[0]
    if stream.width * stream.height > max_pixels:
        raise ValidationError(
            f"video-processor: frames are {stream.width}x{stream.height}, over the "
            f"{max_pixels}-pixel limit ([tools.video_processor] max_pixels)",
            details={"field": "path", "rule": "max_pixels"},
        )
    return stream


def _frame_at(
    container: InputContainer, stream: VideoStream, seconds: float, max_frames: int
) -> VideoFrame:
    """The first frame shown at or after ``seconds`` (the last frame if the video is shorter)."""
    base = stream.time_base
    if seconds > 0 and base:
        container.seek(int(seconds / base), stream=stream, backward=True, any_frame=False)
    last: VideoFrame | None = None
    for decoded, frame in enumerate(container.decode(stream)):
        last = frame
        when = cast("float | None", frame.time)  # None for frames without a timestamp
        if when is None or when + 1e-6 >= seconds:
            return frame
        if decoded >= max_frames:
            raise ValidationError(
                f"video-processor: reaching {seconds:g} s needed more than {max_frames} decoded "
                "frames ([tools.video_processor] max_decoded_frames)",
                details={"field": "timestamp", "rule": "max_decoded_frames"},
            )
    if last is None:
        raise ValidationError(
            "video-processor: no frame could be decoded",
            details={"field": "path", "rule": "decode"},
        )
    return last


def _frame_index(
    container: InputContainer, stream: VideoStream, index: int, max_frames: int
) -> VideoFrame:
    if index > max_frames:
        raise ValidationError(
            f"video-processor: frame_number {index} is over the {max_frames}-frame decode limit "
            "([tools.video_processor] max_decoded_frames)",
            details={"field": "frame_number", "rule": "max_decoded_frames"},
        )
    for decoded, frame in enumerate(container.decode(stream)):
        if decoded == index:
            return frame
    raise ValidationError(
        f"video-processor: frame_number {index} is past the end of the video",
        details={"field": "frame_number", "rule": "range"},
    )


def _image_format(target: Path) -> str:
    fmt = _IMAGE_FORMATS.get(target.suffix.lower())
    if fmt is None:
        raise ValidationError(
            f"video-processor: cannot write an image named '{target.name}'; use .png, .jpg, "
            ".webp or .bmp",
            details={"field": "target_path", "rule": "format"},
        )
    return fmt


def _grab(
    source: Path,
    target: Path,
    params: VideoProcessorParams,
    settings: VideoProcessorSettings,
) -> dict[str, Any]:
    fmt = _image_format(target)
    with _open(source) as container:
        stream = _video_stream(container, settings.max_pixels)
        duration = container.duration / 1_000_000 if container.duration else 0.0
        if params.operation == "extract_frame" and params.frame_number is not None:
            frame = _frame_index(
                container, stream, params.frame_number, settings.max_decoded_frames
            )
        else:
            if params.timestamp is not None:
                seconds = params.timestamp
            elif params.operation == "thumbnail":
                seconds = duration * 0.1
            else:
                seconds = 0.0
            frame = _frame_at(container, stream, seconds, settings.max_decoded_frames)
        image = cast("PILImage", frame.to_image())
        if params.operation == "thumbnail":
            image.thumbnail((params.max_width, params.max_height))
        if fmt == "JPEG" and image.mode != "RGB":
            image = image.convert("RGB")
        buffer = io.BytesIO()
        image.save(buffer, format=fmt)
        atomic_write_bytes(target, buffer.getvalue())
        return {
            "source_path": str(source),
            "target_path": str(target),
            "timestamp": round(float(when), 6)
            if (when := cast("float | None", frame.time)) is not None
            else None,
            "frame_pts": frame.pts,
            "width": image.size[0],
            "height": image.size[1],
            "format": fmt,
            "size_bytes": len(buffer.getvalue()),
            "video_duration_seconds": round(duration, 6),
        }


def _describe(source: Path) -> dict[str, Any]:
    with _open(source) as container:
        return _info(source, container)


class VideoProcessor(BaseTool[VideoProcessorParams]):
    tool_name = "video-processor"
    description = (
        "Describe a video (container, duration, resolution, fps, codecs, streams) or save a "
        "thumbnail or a full-size frame at a time or frame number as an image."
    )
    tool_category = "media"
    tags = ("video", "media", "thumbnail", "frame")
    params_model = VideoProcessorParams
    settings_model = VideoProcessorSettings
    security_level = SecurityLevel.RESTRICTED
    timeout_seconds = 120.0
    examples = (
        example("Video information", operation="info", path="clip.mp4"),
        example("Thumbnail", operation="thumbnail", path="clip.mp4", target_path="clip.png"),
        example("Frame at 0.5 s", operation="extract_frame", path="clip.mp4", timestamp=0.5),
    )

    async def run(self, params: VideoProcessorParams, call: Invocation) -> ToolOutput:
        settings = cast(VideoProcessorSettings, call.settings)
        source = input_file(call, params.path, field="path", limit=settings.max_file_size)
        if params.operation in ("info", "metadata"):
            info = await call.to_thread(_describe, source)
            text = f"{source.name}: {info['format']}, {info['duration_seconds']} s"
            if info["width"]:
                text += f", {info['width']}x{info['height']} @ {info['fps']} fps ({info['video_codec']})"
            return call.ok(text, info)
        suffix = "thumbnail" if params.operation == "thumbnail" else "frame"
        raw = params.target_path or str(source.with_name(f"{source.stem}_{suffix}.png"))
        target = output_file(call, raw, field="target_path", overwrite=params.overwrite)
        result = await call.to_thread(_grab, source, target, params, settings)
        return call.ok(
            f"{params.operation}: wrote {target.name} ({result['width']}x{result['height']}) at "
            f"{result['timestamp']} s",
            result,
        )
