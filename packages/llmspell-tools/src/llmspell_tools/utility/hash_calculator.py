"""hash-calculator: digests of text or files, and constant-time verification.

Files are read in chunks off the event loop and must sit inside the allowed roots.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from pathlib import Path
from typing import Any, ClassVar, Literal, cast

from pydantic import Field

from llmspell_core.errors import ValidationError
from llmspell_core.tool_types import SecurityLevel, ToolOutput
from llmspell_tools.framework import BaseTool, Invocation, ToolParams, ToolSettings, example

__all__ = ["HashCalculator", "HashCalculatorParams", "HashSettings"]

Algorithm = Literal["md5", "sha1", "sha256", "sha384", "sha512", "blake2b", "blake2s", "sha3_256"]
_CHUNK = 1 << 20


class HashSettings(ToolSettings):
    #: Largest file ``[tools.hash_calculator] max_file_size`` lets the tool hash, in bytes.
    max_file_size: int = Field(default=1 << 30, gt=0)


class HashCalculatorParams(ToolParams):
    operation: Literal["hash", "verify"] = "hash"
    algorithm: Algorithm = Field(default="sha256", description="digest algorithm")
    input_type: Literal["string", "file"] | None = Field(
        default=None, description="'string' (use input) or 'file' (use file); inferred if unset"
    )
    input: str | None = Field(default=None, description="text to hash (UTF-8)")
    file: str | None = Field(default=None, description="file to hash, inside allowed roots")
    format: Literal["hex", "base64"] = Field(default="hex", description="digest encoding")
    expected_hash: str | None = Field(default=None, description="verify: the expected digest")
    expected_format: Literal["hex", "base64"] | None = Field(
        default=None, description="verify: encoding of expected_hash (default: format)"
    )

    required_for: ClassVar[dict[str, tuple[str, ...]]] = {"verify": ("expected_hash",)}


def _hash_file(path: Path, algorithm: str, limit: int) -> tuple[bytes, int]:
    size = path.stat().st_size
    if size > limit:
        raise ValidationError(
            f"hash-calculator: '{path}' is {size} bytes, over the {limit}-byte limit "
            "([tools.hash_calculator] max_file_size)",
            details={"field": "file", "rule": "max_file_size"},
        )
    digest = hashlib.new(algorithm)
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.digest(), size


def _encode(digest: bytes, fmt: str) -> str:
    return digest.hex() if fmt == "hex" else base64.b64encode(digest).decode("ascii")


def _decode(text: str, fmt: str) -> bytes:
    try:
        if fmt == "hex":
            return bytes.fromhex(text.strip())
        return base64.b64decode(text.strip(), validate=True)
    except (ValueError, binascii.Error):
        raise ValidationError(
            f"hash-calculator: expected_hash is not valid {fmt}",
            details={"field": "expected_hash", "rule": fmt},
        ) from None


class HashCalculator(BaseTool[HashCalculatorParams]):
    tool_name = "hash-calculator"
    description = (
        "Hash text or a file with md5, sha1, sha256, sha384, sha512, blake2b/s or sha3_256 "
        "(hex or base64), or verify a digest in constant time."
    )
    tool_category = "utility"
    tags = ("hash", "checksum", "crypto")
    params_model = HashCalculatorParams
    settings_model = HashSettings
    security_level = SecurityLevel.RESTRICTED
    timeout_seconds = 60.0
    examples = (
        example("SHA-256 of text", input="hello world"),
        example("MD5 in base64", input="hello", algorithm="md5", format="base64"),
        example(
            "Verify",
            operation="verify",
            input="test",
            expected_hash="9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        ),
    )

    async def run(self, params: HashCalculatorParams, call: Invocation) -> ToolOutput:
        kind = params.input_type or ("file" if params.file is not None else "string")
        result: dict[str, Any] = {"algorithm": params.algorithm}
        if kind == "file":
            if params.file is None:
                raise ValidationError(
                    "hash-calculator: parameter 'file' is required when input_type is 'file' "
                    "(rule: required)",
                    details={"field": "file", "rule": "required"},
                )
            path = call.safe_path(params.file, must_exist=True)
            limit = cast(HashSettings, call.settings).max_file_size
            digest, size = await call.to_thread(_hash_file, path, params.algorithm, limit)
            result.update(file=str(path), size=size)
        else:
            if params.input is None:
                raise ValidationError(
                    "hash-calculator: give 'input' (text) or 'file' (rule: required)",
                    details={"field": "input", "rule": "required"},
                )
            digest = hashlib.new(params.algorithm, params.input.encode("utf-8")).digest()
        encoded = _encode(digest, params.format)
        if params.operation == "hash":
            result.update(hash=encoded, format=params.format)
            return call.ok(encoded, result)
        fmt = params.expected_format or params.format
        expected = _decode(params.expected_hash or "", fmt)
        verified = hmac.compare_digest(digest, expected)
        result.update(verified=verified, valid=verified, actual=_encode(digest, fmt))
        return call.ok("hash matches" if verified else "hash does not match", result)
