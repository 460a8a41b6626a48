"""``llmspell.toml``: discovery, profiles, ``LLMSPELL_*`` overrides, validation, redaction.

``load_config`` is the one entry point the commands use; everything else here is the parts it
is made of, exported for ``llmspell config`` and for tests. The light parts (profile names,
discovery) sit on the start-up path of every command; the ones that need pydantic load on
first use (PEP 562), only where a configuration is really loaded.
"""

import importlib
from typing import TYPE_CHECKING, Any

# Light (no pydantic): eager. ``env_overrides`` must be bound here in any case, or the
# submodule of the same name would shadow the function once something imports it.
from llmspell_cli.configuration.discovery import CONFIG_ENV, find_config_file, user_config_path
from llmspell_cli.configuration.env_overrides import env_overrides, parse_env_value
from llmspell_cli.configuration.profiles import (
    PROFILE_ENV,
    PROFILE_NAMES,
    profile_data,
    profile_summary,
    profile_text,
)
from llmspell_cli.configuration.sources import ConfigSource

if TYPE_CHECKING:
    from llmspell_cli.configuration.loader import load_config, validate_table
    from llmspell_cli.configuration.redaction import REDACTED, config_table, is_secret_key

_LAZY: dict[str, str] = {
    "load_config": "loader",
    "validate_table": "loader",
    "REDACTED": "redaction",
    "config_table": "redaction",
    "is_secret_key": "redaction",
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
