"""Shared by llmspell-tools tests: helper modules beside the tests become importable.

pytest runs with ``--import-mode=importlib``, which does not put this directory on sys.path,
so helpers such as ``web_fake_server`` (the local HTTP server of the network tools' tests)
would not import without this.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from web_fake_server import FakeWebServer

_HERE = str(Path(__file__).parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)


@pytest.fixture(scope="module")
def web() -> Iterator[FakeWebServer]:
    """The local fake web server, one per test module (a module may override it with its own,
    e.g. one per test when the tests read what the server recorded)."""
    from web_fake_server import FakeWebServer

    with FakeWebServer() as server:
        yield server
