from __future__ import annotations

import base64

import pytest
from pydantic import ValidationError as PydanticValidationError

from llmspell_core import (
    AgentConfig,
    ImageFormat,
    MediaContent,
    Message,
    ModelSpec,
    Role,
    ToolOutput,
    Usage,
)
from llmspell_core.errors import ValidationError
from llmspell_core.media import MAX_MEDIA_BYTES


def test_media_normalises_format_and_exposes_mime() -> None:
    media = MediaContent(kind="image", format="JPG", data=b"\xff\xd8\xff")
    assert media.format == ImageFormat.JPEG
    assert media.mime_type == "image/jpeg"
    assert base64.b64decode(media.base64) == b"\xff\xd8\xff"


def test_media_rejects_unknown_format_naming_allowed() -> None:
    with pytest.raises(PydanticValidationError, match=r"unsupported audio format 'png'.*wav"):
        MediaContent(kind="audio", format="png", data=b"x")


def test_media_rejects_oversize_and_empty() -> None:
    with pytest.raises(PydanticValidationError, match="limit"):
        MediaContent(kind="image", format="png", data=b"x" * (MAX_MEDIA_BYTES["image"] + 1))
    with pytest.raises(PydanticValidationError, match="empty"):
        MediaContent(kind="video", format="mp4", data=b"")


def test_media_from_bad_base64() -> None:
    with pytest.raises(ValueError, match="not valid base64"):
        MediaContent.from_base64("image", "png", "***")


@pytest.mark.parametrize(
    ("text", "provider", "model", "url"),
    [
        ("openai/gpt-4o-mini", "openai", "gpt-4o-mini", None),
        ("anthropic/claude-sonnet-4-5", "anthropic", "claude-sonnet-4-5", None),
        ("ollama/llama3.2@http://host:11434", "ollama", "llama3.2", "http://host:11434"),
        ("groq/meta-llama/llama-4", "groq", "meta-llama/llama-4", None),
        ("gpt-4o-mini", None, "gpt-4o-mini", None),
        ("ollama/name@v2", "ollama", "name@v2", None),
    ],
)
def test_model_spec_parse(text: str, provider: str | None, model: str, url: str | None) -> None:
    spec = ModelSpec.parse(text)
    assert (spec.provider, spec.model, spec.base_url) == (provider, model, url)
    assert str(spec) == text


@pytest.mark.parametrize("bad", ["", "   ", "/gpt", "openai/x@http://"])
def test_model_spec_rejects(bad: str) -> None:
    with pytest.raises(ValidationError):
        ModelSpec.parse(bad)


def test_message_helpers_and_usage_sum() -> None:
    assert Message.tool("c1", "calc", "4").role == Role.TOOL
    total = Usage(input_tokens=3, output_tokens=4) + Usage(input_tokens=1, output_tokens=1)
    assert (total.input_tokens, total.output_tokens, total.total_tokens) == (4, 5, 9)


def test_tool_output_script_shape() -> None:
    out = ToolOutput(text="ok", result={"x": 1}, metadata={"operation": "evaluate"})
    assert out.to_script() == {
        "success": True,
        "text": "ok",
        "result": {"x": 1},
        "metadata": {"operation": "evaluate"},
    }


def test_agent_config_rejects_unknown_and_bad_values() -> None:
    with pytest.raises(PydanticValidationError, match="modle"):
        AgentConfig.model_validate({"modle": "x"})
    with pytest.raises(PydanticValidationError, match="temperature"):
        AgentConfig(temperature=5)
