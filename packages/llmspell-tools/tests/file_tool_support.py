"""Contexts for tests of the tools that read and write files: one allowed root, the tool's section.

Every file tool confines paths to ``[tools.filesystem] allowed_paths``; its tests allow exactly
their temp dir, plus whatever ``[tools.<tool>]`` keys the test sets.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from llmspell_core.config import LLMSpellConfig
from llmspell_core.context import ExecutionContext

__all__ = ["files_context"]


def files_context(
    root: Path, tool: str, section: Mapping[str, Any] | None = None
) -> ExecutionContext:
    """A context allowing ``root`` only, with ``section`` as ``[tools.<tool>]`` when given."""
    tools: dict[str, dict[str, Any]] = {"filesystem": {"allowed_paths": [str(root)]}}
    if section:
        tools[tool] = dict(section)
    return ExecutionContext(config=LLMSpellConfig(tools=tools))
