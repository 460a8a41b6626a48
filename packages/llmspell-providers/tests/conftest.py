"""Fixtures for llmspell-providers tests: the fake LLM server and catalogs pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest

from llmspell_core.catalog import Catalog
from llmspell_core.config import LLMSpellConfig
from llmspell_core.context import ExecutionContext
from llmspell_core.testing import FakeLLMServer
from llmspell_providers import reset_tapes

MakeCatalog = Callable[..., Catalog]


@pytest.fixture
def server() -> Iterator[FakeLLMServer]:
    with FakeLLMServer() as fake:
        yield fake


@pytest.fixture(autouse=True)
def _fresh_tapes(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:  # pyright: ignore[reportUnusedFunction]
    monkeypatch.delenv("LLMSPELL_RECORD", raising=False)
    monkeypatch.delenv("LLMSPELL_REPLAY", raising=False)
    monkeypatch.delenv("LLMSPELL_LOCAL_SCRIPT", raising=False)
    reset_tapes()
    yield
    reset_tapes()


@pytest.fixture
async def make_catalog(server: FakeLLMServer) -> AsyncIterator[MakeCatalog]:
    """Catalogs whose openai/anthropic entries point at the fake server (closed afterwards)."""
    made: list[Catalog] = []

    def make(
        providers: dict[str, dict[str, Any]] | None = None,
        env: dict[str, str] | None = None,
        **common: Any,
    ) -> Catalog:
        entries: dict[str, dict[str, Any]] = {
            "openai": {"base_url": server.openai_base_url, **common},
            "anthropic": {"base_url": server.anthropic_base_url, **common},
        }
        for name, entry in (providers or {}).items():
            entries[name] = {**entries.get(name, {}), **entry}
        config = LLMSpellConfig.model_validate({"providers": entries})
        environ = {"OPENAI_API_KEY": "sk-test", "ANTHROPIC_API_KEY": "ak-test"}
        environ.update(env or {})
        catalog = Catalog(config, environ=environ)
        made.append(catalog)
        return catalog

    yield make
    for catalog in made:
        await catalog.aclose()


@pytest.fixture
def ctx() -> ExecutionContext:
    return ExecutionContext.with_timeout(30)
