"""Fixtures for llmspell-workflows tests: a catalog holding small real tools and agents."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# the shared test kit lives beside this file (pytest's importlib mode adds nothing to sys.path)
sys.path.insert(0, str(Path(__file__).parent))

from workflows_testkit import Kit, make_kit


@pytest.fixture
def kit() -> Kit:
    return make_kit()
