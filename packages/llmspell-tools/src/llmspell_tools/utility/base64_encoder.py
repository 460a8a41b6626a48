"""base64-encoder: Base64 (standard or URL-safe) for text, hex bytes or files.

Decoded bytes that are not UTF-8 come back as hex (``binary=true``), since scripts only see
strings; ``output_file`` writes the raw bytes atomically inside the allowed roots.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any, Literal

from pydantic import Field

from llmspell_core.errors import ValidationError
from llmspell_core.tool_types import SecurityLevel, ToolOutput
from llmspell_tools._files import input_file
from llmspell_tools.framework import BaseTool, Invocation, ToolParams, example
from llmspell_utils import atomic_write_bytes

__all__ = ["Base64Encoder", "Base64Params"]

MAX_INPUT_BYTES = 50 * 1024 * 1024


class Base64Params(ToolParams):
    operation: Literal["encode", "decode"] = Field(description="encode or decode")
    input: str | None = Field(default=None, description="text to encode, or Base64 to decode")
    input_file: str | None = Field(default=None, description="read the input from this file")
    output_file: str | None = Field(default=None, description="write the output to this file")
    variant: Literal["standard", "url-safe", "url_safe"] = Field(
        default="standard", description="alphabet: standard (+/) or url-safe (-_)"
    )
    binary_input: bool = Field(default=False, description="encode: input is hex-encoded bytes")


def _read_input(params: Base64Params, call: Invocation) -> bytes:
    if params.input_file is not None:
        path = input_file(
            call, params.input_file, field="input_file", limit=MAX_INPUT_BYTES, setting=None
        )
        return path.read_bytes()
    if params.input is None:
        raise ValidationError(
            "base64-encoder: give 'input' or 'input_file' (rule: required)",
            details={"field": "input", "rule": "required"},
        )
    if params.binary_input and params.operation == "encode":
        try:
            return bytes.fromhex(params.input)
        except ValueError:
            raise ValidationError(
                "base64-encoder: input is not valid hex (binary_input is true)",
                details={"field": "input", "rule": "hex"},
            ) from None
    return params.input.encode("utf-8")


def _decode(data: bytes, url_safe: bool) -> bytes:
    text = b"".join(data.split())
    text += b"=" * (-len(text) % 4)
    try:
        if url_safe:
            return base64.b64decode(text, altchars=b"-_", validate=True)
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValidationError(
            f"base64-encoder: input is not valid Base64: {exc}",
            details={"field": "input", "rule": "base64"},
        ) from None


class Base64Encoder(BaseTool[Base64Params]):
    tool_name = "base64-encoder"
    description = (
        "Base64-encode or decode text, hex bytes or a file (standard or URL-safe alphabet); "
        "optionally write the result to a file."
    )
    tool_category = "utility"
    tags = ("base64", "encoding")
    params_model = Base64Params
    security_level = SecurityLevel.RESTRICTED
    timeout_seconds = 30.0
    examples = (
        example("Encode", operation="encode", input="hello world"),
        example("Decode", operation="decode", input="aGVsbG8gd29ybGQ="),
        example("URL-safe", operation="encode", input="??>>", variant="url-safe"),
    )

    async def run(self, params: Base64Params, call: Invocation) -> ToolOutput:
        data = await call.to_thread(_read_input, params, call)
        url_safe = params.variant != "standard"
        variant = "url-safe" if url_safe else "standard"
        if params.operation == "encode":
            encoder = base64.urlsafe_b64encode if url_safe else base64.b64encode
            out = encoder(data)
        else:
            out = _decode(data, url_safe)
        result: dict[str, Any] = {"variant": variant, "input_size": len(data)}
        if params.output_file is not None:
            path = call.safe_path(params.output_file)
            await call.to_thread(atomic_write_bytes, path, out)
            result.update(output_file=str(path), size=len(out))
            return call.ok(f"wrote {len(out)} bytes to {path}", result)
        try:
            text, binary = out.decode("utf-8"), False
        except UnicodeDecodeError:
            text, binary = out.hex(), True
        text = call.limit_text(text)
        result.update(output=text, binary=binary, size=len(out))
        return call.ok(text, result)
