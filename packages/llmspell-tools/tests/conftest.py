"""Shared by llmspell-tools tests: helper modules beside the tests become importable.

pytest runs with ``--import-mode=importlib``, which does not put this directory on sys.path,
so helpers such as ``web_fake_server`` (the local HTTP server of the network tools' tests)
would not import without this.
"""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = str(Path(__file__).parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)
