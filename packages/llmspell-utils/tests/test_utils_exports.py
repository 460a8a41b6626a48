"""The public surface: everything in __all__ exists and importing it pulls no sibling."""

from __future__ import annotations

import subprocess
import sys

import llmspell_utils


def test_all_names_resolve() -> None:
    for name in llmspell_utils.__all__:
        assert hasattr(llmspell_utils, name), name
    assert llmspell_utils.__version__


def test_no_sibling_packages_imported() -> None:
    # A fresh interpreter: other tests in this process may have imported siblings.
    code = (
        "import sys, llmspell_utils; "
        "print(sorted({m.split('.')[0] for m in sys.modules if m.startswith('llmspell')}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['llmspell_core', 'llmspell_utils']"
