"""The configuration a spell run uses, chosen from plain values (no click needed).

A run with no configuration anywhere — no ``--config``/``-p``, no ``LLMSPELL_CONFIG`` or
``LLMSPELL_PROFILE``, no ``LLMSPELL_<SECTION>__<KEY>`` override, no ``llmspell.toml`` to
discover — gets None, the built-in defaults, without importing pydantic or a TOML parser.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llmspell_core.config import LLMSpellConfig

__all__ = ["anything_to_load", "load_run_config_from"]


def anything_to_load(
    explicit: str | os.PathLike[str] | None,
    profile: str | None,
    environ: Mapping[str, str] = os.environ,
) -> bool:
    """Whether anything configures llmspell for this run (else the defaults apply)."""
    from llmspell_cli.configuration.discovery import CONFIG_ENV, find_config_file
    from llmspell_cli.configuration.overrides import env_overrides
    from llmspell_cli.configuration.profiles import PROFILE_ENV

    if explicit or profile or environ.get(CONFIG_ENV) or environ.get(PROFILE_ENV):
        return True
    overrides, _variables = env_overrides(environ)
    return bool(overrides) or find_config_file(None, environ, Path.cwd()) is not None


def load_run_config_from(
    explicit: str | os.PathLike[str] | None = None, profile: str | None = None
) -> LLMSpellConfig | None:
    """The layered configuration, or None (built-in defaults) when nothing configures llmspell."""
    if not anything_to_load(explicit, profile):
        return None
    from llmspell_cli.configuration.loader import load_config

    config, _sources = load_config(explicit=explicit, profile=profile)
    return config
