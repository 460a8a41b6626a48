"""audio-processor: describe audio files and convert them to WAV.

PCM WAV is read with the standard library's ``wave`` (no extra needed); everything else
(FLAC, OGG/Vorbis, MP3, AIFF, float WAV, ...) goes through soundfile, whose wheels bundle
libsndfile. Conversion streams in blocks, so long recordings do not fill memory.
"""

from __future__ import annotations

import wave
from pathlib import Path
from typing import Any, Literal, cast

from pydantic import AliasChoices, Field

from llmspell_core.errors import ValidationError
from llmspell_core.extras import import_optional
from llmspell_core.tool_types import SecurityLevel, ToolOutput
from llmspell_tools._files import atomic_output, input_file, output_file
from llmspell_tools.framework import BaseTool, Invocation, ToolParams, ToolSettings, example

__all__ = ["AudioProcessor", "AudioProcessorParams", "AudioProcessorSettings"]

_BLOCK = 65536


class AudioProcessorSettings(ToolSettings):
    #: ``[tools.audio_processor] max_file_size``: largest audio file read, in bytes.
    max_file_size: int = Field(default=500 * 1024 * 1024, gt=0)


class AudioProcessorParams(ToolParams):
    operation: Literal["info", "metadata", "convert"] = Field(
        default="info", description="info (format, duration, channels, rate) or convert to WAV"
    )
    path: str = Field(
        validation_alias=AliasChoices("path", "source_path", "file_path", "input_path"),
        description="the audio file",
    )
    target_path: str | None = Field(
        default=None,
        validation_alias=AliasChoices("target_path", "output_path"),
        description="convert: the WAV to write (default: beside the source, .wav)",
    )
    subtype: Literal["PCM_16", "PCM_24", "PCM_32", "FLOAT"] = Field(
        default="PCM_16", description="convert: sample format of the WAV"
    )
    mono: bool = Field(default=False, description="convert: mix all channels down to one")
    overwrite: bool = Field(default=True, description="replace an existing target file")


def _wave_info(path: Path) -> dict[str, Any] | None:
    """PCM WAV details from the standard library, or None when ``wave`` cannot read it."""
    try:
        with wave.open(str(path), "rb") as handle:
            channels = handle.getnchannels()
            width = handle.getsampwidth()
            rate = handle.getframerate()
            frames = handle.getnframes()
    except (wave.Error, EOFError):
        return None
    return {
        "format": "WAV",
        "subtype": f"PCM_{width * 8}",
        "channels": channels,
        "sample_rate": rate,
        "frames": frames,
        "duration_seconds": round(frames / rate, 6) if rate else 0.0,
        "bits_per_sample": width * 8,
        "reader": "wave",
    }


def _require_soundfile() -> None:
    import_optional(
        "soundfile", what="audio-processor", distribution="llmspell-tools", extra="media"
    )


def _soundfile_info(path: Path) -> dict[str, Any]:
    _require_soundfile()
    import soundfile

    try:
        info = soundfile.info(str(path))
    except soundfile.LibsndfileError as exc:
        raise ValidationError(
            f"audio-processor: '{path.name}' is not an audio file libsndfile can read: {exc}",
            details={"field": "path", "rule": "audio"},
        ) from None
    bits = {"PCM_S8": 8, "PCM_U8": 8, "PCM_16": 16, "PCM_24": 24, "PCM_32": 32, "FLOAT": 32}
    bits["DOUBLE"] = 64
    return {
        "format": info.format,
        "subtype": info.subtype,
        "channels": info.channels,
        "sample_rate": info.samplerate,
        "frames": info.frames,
        "duration_seconds": round(float(info.duration), 6),
        "bits_per_sample": bits.get(info.subtype),
        "reader": "soundfile",
    }


def _info(path: Path) -> dict[str, Any]:
    details = _wave_info(path) if path.suffix.lower() in (".wav", ".wave") else None
    if details is None:
        details = _soundfile_info(path)
    return {"path": str(path), "size_bytes": path.stat().st_size, **details}


def _convert(source: Path, target: Path, subtype: str, mono: bool) -> dict[str, Any]:
    _require_soundfile()
    import soundfile

    info = _soundfile_info(source)
    channels = 1 if mono else int(info["channels"])
    frames = 0
    with (
        atomic_output(target) as temp,
        soundfile.SoundFile(
            str(temp),
            "w",
            samplerate=int(info["sample_rate"]),
            channels=channels,
            subtype=subtype,
            format="WAV",
        ) as out,
    ):
        for block in soundfile.blocks(str(source), blocksize=_BLOCK, always_2d=True):
            data = block.mean(axis=1, keepdims=True) if mono else block
            out.write(data)
            frames += len(data)
    return {
        "source_path": str(source),
        "target_path": str(target),
        "source_format": info["format"],
        "format": "WAV",
        "subtype": subtype,
        "channels": channels,
        "sample_rate": info["sample_rate"],
        "frames": frames,
        "duration_seconds": round(frames / int(info["sample_rate"]), 6),
        "size_bytes": target.stat().st_size,
    }


class AudioProcessor(BaseTool[AudioProcessorParams]):
    tool_name = "audio-processor"
    description = (
        "Describe an audio file (format, duration, channels, sample rate) or convert "
        "WAV/FLAC/OGG/MP3/AIFF audio to WAV, optionally mixed down to mono."
    )
    tool_category = "media"
    tags = ("audio", "media", "wav", "convert")
    params_model = AudioProcessorParams
    settings_model = AudioProcessorSettings
    security_level = SecurityLevel.RESTRICTED
    timeout_seconds = 120.0
    examples = (
        example("Audio information", operation="info", path="tone.wav"),
        example("Mix down to mono WAV", operation="convert", path="tone.wav", mono=True),
    )

    async def run(self, params: AudioProcessorParams, call: Invocation) -> ToolOutput:
        settings = cast(AudioProcessorSettings, call.settings)
        source = input_file(call, params.path, field="path", limit=settings.max_file_size)
        if params.operation in ("info", "metadata"):
            info = await call.to_thread(_info, source)
            return call.ok(
                f"{source.name}: {info['format']} {info['subtype']}, {info['channels']} ch, "
                f"{info['sample_rate']} Hz, {info['duration_seconds']:.3f} s",
                info,
            )
        default = source.with_name(
            f"{source.stem}_converted.wav"
            if source.suffix.lower() == ".wav"
            else f"{source.stem}.wav"
        )
        raw = params.target_path or str(default)
        target = output_file(call, raw, field="target_path", overwrite=params.overwrite)
        if target == source:
            raise ValidationError(
                "audio-processor: target_path is the source file; write the WAV elsewhere",
                details={"field": "target_path", "rule": "same_path"},
            )
        result = await call.to_thread(_convert, source, target, params.subtype, params.mono)
        return call.ok(
            f"converted {source.name} to {target.name} ({result['channels']} ch, "
            f"{result['sample_rate']} Hz, {result['subtype']})",
            result,
        )
