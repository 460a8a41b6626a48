"""audio-processor: info and WAV conversion on WAV/FLAC files the tests synthesise."""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile
from file_tool_support import files_context

from llmspell_core.context import ExecutionContext
from llmspell_core.errors import SecurityError, ValidationError
from llmspell_core.testing.contracts import ToolContract
from llmspell_core.tool import Tool
from llmspell_tools.media.audio_processor import AudioProcessor

RATE = 8000


def write_wav(path: Path, seconds: float = 0.5, channels: int = 2) -> Path:
    """A 440 Hz tone in 16-bit PCM through the standard library's wave module."""
    frames = int(RATE * seconds)
    samples = bytearray()
    for i in range(frames):
        value = int(12000 * math.sin(2 * math.pi * 440 * i / RATE))
        for channel in range(channels):
            samples += struct.pack("<h", value if channel == 0 else value // 2)
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(channels)
        handle.setsampwidth(2)
        handle.setframerate(RATE)
        handle.writeframes(bytes(samples))
    return path


def hidden_files(directory: Path) -> list[str]:
    return [p.name for p in directory.iterdir() if p.name.startswith(".")]


class TestAudioProcessorContract(ToolContract):
    @pytest.fixture(autouse=True)
    def _in_tmp(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        write_wav(tmp_path / "tone.wav")
        monkeypatch.chdir(tmp_path)

    def make_tool(self) -> Tool:
        return AudioProcessor()

    def invalid_params(self) -> list[dict[str, Any]]:
        return [
            {},
            {"operation": "transcribe", "path": "tone.wav"},
            {"operation": "convert", "path": "tone.wav", "subtype": "PCM_12"},
            {"path": "tone.wav", "volume": 2},
        ]


def ctx(root: Path, **section: Any) -> ExecutionContext:
    return files_context(root, "audio_processor", section)


async def run(root: Path, **params: Any) -> Any:
    return await AudioProcessor().execute(params, ctx(root))


async def test_wav_info_from_the_standard_library(tmp_path: Path) -> None:
    wav = write_wav(tmp_path / "tone.wav")
    out = await run(tmp_path, operation="info", path=str(wav))
    assert out.result["reader"] == "wave"
    assert out.result["format"] == "WAV"
    assert out.result["subtype"] == "PCM_16"
    assert out.result["channels"] == 2
    assert out.result["sample_rate"] == RATE
    assert out.result["frames"] == RATE // 2
    assert out.result["duration_seconds"] == pytest.approx(0.5)
    assert out.result["size_bytes"] == wav.stat().st_size
    assert out.text == "tone.wav: WAV PCM_16, 2 ch, 8000 Hz, 0.500 s"


async def test_flac_and_float_wav_info_via_soundfile(tmp_path: Path) -> None:
    data = np.zeros((RATE, 1), dtype="float32")
    soundfile.write(str(tmp_path / "clip.flac"), data, RATE, format="FLAC")
    flac = await run(tmp_path, operation="info", path=str(tmp_path / "clip.flac"))
    assert flac.result["reader"] == "soundfile"
    assert flac.result["format"] == "FLAC"
    assert flac.result["duration_seconds"] == pytest.approx(1.0)
    soundfile.write(str(tmp_path / "float.wav"), data, RATE, subtype="FLOAT")
    float_wav = await run(tmp_path, operation="metadata", path=str(tmp_path / "float.wav"))
    assert float_wav.result["reader"] == "soundfile"  # wave cannot read float PCM
    assert float_wav.result["subtype"] == "FLOAT"
    assert float_wav.result["bits_per_sample"] == 32


async def test_convert_wav_to_mono(tmp_path: Path) -> None:
    wav = write_wav(tmp_path / "tone.wav")
    out = await run(tmp_path, operation="convert", path=str(wav), mono=True)
    target = tmp_path / "tone_converted.wav"
    assert out.result["target_path"] == str(target)
    with wave.open(str(target), "rb") as handle:
        assert handle.getnchannels() == 1
        assert handle.getframerate() == RATE
        assert handle.getnframes() == RATE // 2
        assert handle.getsampwidth() == 2
    left_right, _ = soundfile.read(str(wav), dtype="float32")
    mono, _ = soundfile.read(str(target), dtype="float32")
    assert np.allclose(mono, left_right.mean(axis=1), atol=1e-3)


async def test_convert_flac_to_wav_subtype(tmp_path: Path) -> None:
    tone = (0.3 * np.sin(2 * np.pi * 220 * np.arange(RATE // 4) / RATE)).astype("float32")
    soundfile.write(
        str(tmp_path / "clip.flac"), np.stack([tone, tone], axis=1), RATE, format="FLAC"
    )
    out = await run(
        tmp_path, operation="convert", source_path=str(tmp_path / "clip.flac"), subtype="PCM_24"
    )
    assert out.result["target_path"] == str(tmp_path / "clip.wav")
    info = soundfile.info(str(tmp_path / "clip.wav"))
    assert (info.format, info.subtype, info.channels, info.frames) == (
        "WAV",
        "PCM_24",
        2,
        RATE // 4,
    )
    assert out.result["source_format"] == "FLAC"
    assert hidden_files(tmp_path) == []  # the atomic temp file is gone


async def test_bad_inputs_and_refusals(tmp_path: Path) -> None:
    (tmp_path / "noise.wav").write_bytes(b"RIFF....not audio")
    with pytest.raises(ValidationError) as info:
        await run(tmp_path, operation="info", path=str(tmp_path / "noise.wav"))
    assert "not an audio file" in info.value.message
    wav = write_wav(tmp_path / "tone.wav")
    with pytest.raises(ValidationError):
        await run(tmp_path, operation="convert", path=str(wav), target_path=str(wav))
    with pytest.raises(ValidationError) as big:
        await AudioProcessor().execute({"path": str(wav)}, ctx(tmp_path, max_file_size=100))
    assert "[tools.audio_processor] max_file_size" in big.value.message
    root = tmp_path / "root"
    root.mkdir()
    with pytest.raises(SecurityError):
        await run(root, operation="info", path=str(root / ".." / "tone.wav"))
