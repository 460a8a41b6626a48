"""Media attached to agent input: images, audio, video, or opaque binary.

Formats are enums so a provider can say exactly which it accepts, and sizes are validated
up front so an oversized file fails before a paid request is made.
"""

from __future__ import annotations

import base64
from enum import StrEnum
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "MAX_MEDIA_BYTES",
    "AudioFormat",
    "ImageFormat",
    "MediaContent",
    "MediaKind",
    "VideoFormat",
]


class ImageFormat(StrEnum):
    PNG = "png"
    JPEG = "jpeg"
    GIF = "gif"
    WEBP = "webp"


class AudioFormat(StrEnum):
    WAV = "wav"
    MP3 = "mp3"
    OGG = "ogg"
    FLAC = "flac"
    M4A = "m4a"


class VideoFormat(StrEnum):
    MP4 = "mp4"
    WEBM = "webm"
    MOV = "mov"
    AVI = "avi"


MediaKind = Literal["image", "audio", "video", "binary"]

#: Largest payload per kind, in bytes (decoded). Providers reject bigger inline media anyway.
MAX_MEDIA_BYTES: dict[str, int] = {
    "image": 20 * 1024 * 1024,
    "audio": 25 * 1024 * 1024,
    "video": 100 * 1024 * 1024,
    "binary": 50 * 1024 * 1024,
}

_FORMATS: dict[str, type[StrEnum]] = {
    "image": ImageFormat,
    "audio": AudioFormat,
    "video": VideoFormat,
}

_MIME: dict[str, str] = {
    "png": "image/png",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "wav": "audio/wav",
    "mp3": "audio/mpeg",
    "ogg": "audio/ogg",
    "flac": "audio/flac",
    "m4a": "audio/mp4",
    "mp4": "video/mp4",
    "webm": "video/webm",
    "mov": "video/quicktime",
    "avi": "video/x-msvideo",
}


class MediaContent(BaseModel):
    """One piece of media, held as raw bytes with its kind and format."""

    model_config = ConfigDict(frozen=True)

    kind: MediaKind
    format: str
    data: bytes = Field(repr=False)
    source: str | None = None

    @model_validator(mode="after")
    def _check(self) -> Self:
        fmt = self.format.lower()
        if fmt == "jpg":
            fmt = "jpeg"
        enum = _FORMATS.get(self.kind)
        if enum is not None and fmt not in {m.value for m in enum}:
            allowed = ", ".join(m.value for m in enum)
            raise ValueError(
                f"unsupported {self.kind} format '{self.format}' (use one of: {allowed})"
            )
        object.__setattr__(self, "format", fmt)
        limit = MAX_MEDIA_BYTES[self.kind]
        if len(self.data) > limit:
            raise ValueError(
                f"{self.kind} is {len(self.data)} bytes; the limit is {limit} bytes "
                f"({limit // (1024 * 1024)} MiB)"
            )
        if not self.data:
            raise ValueError(f"{self.kind} media is empty")
        return self

    @property
    def mime_type(self) -> str:
        return _MIME.get(self.format, "application/octet-stream")

    @property
    def base64(self) -> str:
        return base64.b64encode(self.data).decode("ascii")

    @classmethod
    def from_base64(cls, kind: MediaKind, fmt: str, data: str) -> MediaContent:
        try:
            raw = base64.b64decode(data, validate=True)
        except ValueError as exc:
            raise ValueError(f"{kind} media is not valid base64: {exc}") from exc
        return cls(kind=kind, format=fmt, data=raw)
