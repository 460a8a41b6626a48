"""hash-calculator: text and file digests, encodings, verification and refusals."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from typing import Any

import pytest
from file_tool_support import files_context

from llmspell_core.context import ExecutionContext
from llmspell_core.errors import NotFoundError, SecurityError, ValidationError
from llmspell_core.testing.contracts import ToolContract
from llmspell_core.tool import Tool
from llmspell_tools.utility.hash_calculator import HashCalculator


class TestHashContract(ToolContract):
    def make_tool(self) -> Tool:
        return HashCalculator()

    def invalid_params(self) -> list[dict[str, Any]]:
        return [
            {"input": "x", "algorithm": "crc32"},
            {},
            {"operation": "verify", "input": "x"},
            {"operation": "verify", "input": "x", "expected_hash": "zz"},
            {"input_type": "file"},
        ]


def ctx_for(root: Path, **section: Any) -> ExecutionContext:
    return files_context(root, "hash_calculator", section)


@pytest.mark.parametrize(
    "algorithm", ["md5", "sha1", "sha256", "sha384", "sha512", "blake2b", "sha3_256"]
)
async def test_text_digests(algorithm: str) -> None:
    out = await HashCalculator().execute(
        {"input": "hello", "algorithm": algorithm}, ExecutionContext()
    )
    assert out.result["hash"] == hashlib.new(algorithm, b"hello").hexdigest()
    assert out.text == out.result["hash"]


async def test_base64_format() -> None:
    out = await HashCalculator().execute({"input": "hello", "format": "base64"}, ExecutionContext())
    assert out.result["hash"] == base64.b64encode(hashlib.sha256(b"hello").digest()).decode()


async def test_file_digest(tmp_path: Path) -> None:
    data = b"x" * (3 << 20) + b"tail"
    path = tmp_path / "big.bin"
    path.write_bytes(data)
    out = await HashCalculator().execute({"file": str(path), "algorithm": "md5"}, ctx_for(tmp_path))
    assert out.result["hash"] == hashlib.md5(data).hexdigest()
    assert out.result["size"] == len(data)


async def test_file_outside_roots_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SecurityError) as info:
        await HashCalculator().execute({"file": "/etc/hostname"}, ctx_for(tmp_path))
    assert "[tools.filesystem] allowed_paths" in info.value.message
    with pytest.raises(NotFoundError):
        await HashCalculator().execute({"file": str(tmp_path / "nope")}, ctx_for(tmp_path))


async def test_file_size_limit_from_config(tmp_path: Path) -> None:
    path = tmp_path / "f.txt"
    path.write_bytes(b"0123456789abc")
    with pytest.raises(ValidationError) as info:
        await HashCalculator().execute({"file": str(path)}, ctx_for(tmp_path, max_file_size=10))
    assert "[tools.hash_calculator] max_file_size" in info.value.message


async def test_verify_match_and_mismatch(tmp_path: Path) -> None:
    digest = hashlib.sha256(b"test").hexdigest()
    ok = await HashCalculator().execute(
        {"operation": "verify", "input": "test", "expected_hash": digest.upper()},
        ExecutionContext(),
    )
    assert ok.result["verified"] is True
    bad = await HashCalculator().execute(
        {"operation": "verify", "input": "test", "expected_hash": "00" * 32}, ExecutionContext()
    )
    assert bad.success
    assert bad.result["verified"] is False
    b64 = base64.b64encode(hashlib.sha1(b"f").digest()).decode()
    path = tmp_path / "f"
    path.write_bytes(b"f")
    via_file = await HashCalculator().execute(
        {
            "operation": "verify",
            "file": str(path),
            "algorithm": "sha1",
            "expected_hash": b64,
            "expected_format": "base64",
        },
        ctx_for(tmp_path),
    )
    assert via_file.result["verified"] is True
