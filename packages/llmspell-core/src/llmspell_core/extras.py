"""Lazy optional imports that fail with the pip command to fix them."""

from __future__ import annotations

import importlib
from types import ModuleType

from llmspell_core.errors import MissingExtraError

__all__ = ["import_optional"]


def import_optional(module: str, *, what: str, distribution: str, extra: str | None) -> ModuleType:
    """Import ``module`` or raise MissingExtraError naming ``pip install 'dist[extra]'``."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingExtraError(
            what, distribution=distribution, extra=extra, module=module
        ) from exc
