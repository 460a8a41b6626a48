"""Deterministic offline embeddings: hashed bag of words, L2-normalised.

Not semantic, but stable across runs and machines and with the useful property that texts
sharing words are closer than texts that do not, which is enough for demos and tests of
retrieval code without a model or a network.
"""

from __future__ import annotations

import hashlib
import math
import re

__all__ = ["DEFAULT_DIMENSIONS", "hash_embedding"]

DEFAULT_DIMENSIONS = 256
_TOKEN = re.compile(r"\w+", re.UNICODE)


def hash_embedding(text: str, dimensions: int = DEFAULT_DIMENSIONS) -> list[float]:
    """A unit vector (or all zeros for text without words) of ``dimensions`` floats."""
    if dimensions < 1:
        raise ValueError(f"dimensions must be at least 1, got {dimensions}")
    vector = [0.0] * dimensions
    for token in _TOKEN.findall(text.lower()):
        digest = int.from_bytes(hashlib.blake2b(token.encode(), digest_size=8).digest(), "big")
        sign = 1.0 if digest & 1 else -1.0
        vector[(digest >> 1) % dimensions] += sign
    norm = math.sqrt(sum(x * x for x in vector))
    return [x / norm for x in vector] if norm else vector
