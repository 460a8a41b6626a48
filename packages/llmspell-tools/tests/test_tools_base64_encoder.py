"""base64-encoder: text, hex and file input, both alphabets, file output, bad input."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest

from llmspell_core.config import LLMSpellConfig
from llmspell_core.context import ExecutionContext
from llmspell_core.errors import SecurityError, ValidationError
from llmspell_core.testing.contracts import ToolContract
from llmspell_core.tool import Tool
from llmspell_tools.utility.base64_encoder import Base64Encoder


class TestBase64Contract(ToolContract):
    def make_tool(self) -> Tool:
        return Base64Encoder()

    def invalid_params(self) -> list[dict[str, Any]]:
        return [
            {"input": "x"},
            {"operation": "encode"},
            {"operation": "decode", "input": "!!!not base64"},
            {"operation": "encode", "input": "zz", "binary_input": True},
            {"operation": "encode", "input": "x", "variant": "base32"},
        ]


def ctx_for(root: Path) -> ExecutionContext:
    return ExecutionContext(
        config=LLMSpellConfig(tools={"filesystem": {"allowed_paths": [str(root)]}})
    )


async def b64(**params: Any) -> Any:
    return await Base64Encoder().execute(params, ExecutionContext())


async def test_round_trip_text() -> None:
    encoded = await b64(operation="encode", input="héllo wörld")
    assert encoded.text == base64.b64encode("héllo wörld".encode()).decode()
    decoded = await b64(operation="decode", input=encoded.text)
    assert decoded.result["output"] == "héllo wörld"
    assert decoded.result["binary"] is False


async def test_url_safe_alphabet_and_missing_padding() -> None:
    raw = bytes([251, 255, 190])
    out = await b64(operation="encode", input=raw.hex(), binary_input=True, variant="url-safe")
    assert out.text == base64.urlsafe_b64encode(raw).decode()
    assert "-" in out.text or "_" in out.text
    back = await b64(operation="decode", input="aGk", variant="url-safe")
    assert back.text == "hi"


async def test_binary_decode_comes_back_as_hex() -> None:
    out = await b64(operation="decode", input=base64.b64encode(b"\xff\x00\xfe").decode())
    assert out.result["binary"] is True
    assert out.result["output"] == "ff00fe"


async def test_file_in_and_out(tmp_path: Path) -> None:
    source = tmp_path / "in.bin"
    source.write_bytes(b"\x00\x01binary")
    target = tmp_path / "out.txt"
    out = await Base64Encoder().execute(
        {"operation": "encode", "input_file": str(source), "output_file": str(target)},
        ctx_for(tmp_path),
    )
    assert target.read_text() == base64.b64encode(b"\x00\x01binary").decode()
    assert out.result["size"] == target.stat().st_size
    decoded = tmp_path / "back.bin"
    await Base64Encoder().execute(
        {"operation": "decode", "input_file": str(target), "output_file": str(decoded)},
        ctx_for(tmp_path),
    )
    assert decoded.read_bytes() == b"\x00\x01binary"


async def test_file_outside_roots_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SecurityError):
        await Base64Encoder().execute(
            {"operation": "encode", "input": "x", "output_file": "/etc/x.b64"}, ctx_for(tmp_path)
        )


async def test_invalid_base64_names_the_field() -> None:
    with pytest.raises(ValidationError) as info:
        await b64(operation="decode", input="a$b")
    assert info.value.details["field"] == "input"
