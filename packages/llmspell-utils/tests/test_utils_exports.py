"""The public surface: everything in __all__ exists and comes from its own module."""

from __future__ import annotations

import llmspell_utils


def test_all_names_resolve() -> None:
    for name in llmspell_utils.__all__:
        assert hasattr(llmspell_utils, name), name
    assert llmspell_utils.__version__


def test_no_sibling_packages_imported() -> None:
    import sys

    allowed = {"llmspell_core", "llmspell_utils"}
    loaded = {m.split(".")[0] for m in sys.modules if m.startswith("llmspell")}
    assert loaded <= allowed, loaded - allowed
