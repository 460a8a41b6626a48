"""``llmspell.toml``: discovery, profiles, ``LLMSPELL_*`` overrides, validation, redaction.

``load_config`` is the one entry point the commands use; everything else here is the parts it
is made of, exported for ``llmspell config`` and for tests. Each loads on first use, so a
run that finds nothing to configure never imports pydantic or a TOML parser.
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from llmspell_cli.configuration.discovery import (
        CONFIG_ENV,
        find_config_file,
        user_config_path,
    )
    from llmspell_cli.configuration.loader import load_config, validate_table
    from llmspell_cli.configuration.overrides import env_overrides, parse_env_value
    from llmspell_cli.configuration.profiles import (
        PROFILE_ENV,
        PROFILE_NAMES,
        profile_data,
        profile_summary,
        profile_text,
    )
    from llmspell_cli.configuration.redaction import REDACTED, config_table, is_secret_key
    from llmspell_cli.configuration.sources import ConfigSource

# Everything loads on first use (PEP 562): a plain ``llmspell run`` needs only discovery and
# the override scan, and ``import llmspell_cli.configuration.discovery`` runs this file first.
_LAZY: dict[str, str] = {
    "CONFIG_ENV": "discovery",
    "find_config_file": "discovery",
    "user_config_path": "discovery",
    "env_overrides": "overrides",
    "parse_env_value": "overrides",
    "load_config": "loader",
    "validate_table": "loader",
    "PROFILE_ENV": "profiles",
    "PROFILE_NAMES": "profiles",
    "profile_data": "profiles",
    "profile_summary": "profiles",
    "profile_text": "profiles",
    "REDACTED": "redaction",
    "config_table": "redaction",
    "is_secret_key": "redaction",
    "ConfigSource": "sources",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'llmspell_cli.configuration' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"llmspell_cli.configuration.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "CONFIG_ENV",
    "PROFILE_ENV",
    "PROFILE_NAMES",
    "REDACTED",
    "ConfigSource",
    "config_table",
    "env_overrides",
    "find_config_file",
    "is_secret_key",
    "load_config",
    "parse_env_value",
    "profile_data",
    "profile_summary",
    "profile_text",
    "user_config_path",
    "validate_table",
]
