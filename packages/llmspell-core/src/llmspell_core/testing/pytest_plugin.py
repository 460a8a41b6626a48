"""pytest plugin (``pytest11``): no test may reach a paid provider's API host."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from llmspell_core.testing.network_guard import block_paid_hosts


@pytest.fixture(autouse=True)
def _llmspell_block_paid_hosts() -> Iterator[None]:  # pyright: ignore[reportUnusedFunction]
    with block_paid_hosts():
        yield
