"""``llmspell.toml``: discovery, profiles, ``LLMSPELL_*`` overrides, validation, redaction.

``load_config`` is the one entry point the commands use; everything else here is the parts it
is made of, exported for ``llmspell config`` and for tests.
"""

from llmspell_cli.configuration.discovery import CONFIG_ENV, find_config_file, user_config_path
from llmspell_cli.configuration.env_overrides import env_overrides, parse_env_value
from llmspell_cli.configuration.loader import PROFILE_ENV, load_config, validate_table
from llmspell_cli.configuration.profiles import (
    PROFILE_NAMES,
    profile_data,
    profile_summary,
    profile_text,
)
from llmspell_cli.configuration.redaction import REDACTED, config_table, is_secret_key
from llmspell_cli.configuration.sources import ConfigSource

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
