"""``LLMSPELL_*`` environment variables that override configuration keys.

The mapping is mechanical, so it needs no table to keep in sync with the model:

- ``LLMSPELL_<SECTION>__<KEY>``: a double underscore separates levels, names are
  case-insensitive: ``LLMSPELL_RUNTIME__TIMEOUT_SECONDS=30`` sets ``runtime.timeout_seconds``,
  ``LLMSPELL_RUNTIME__SECURITY__ALLOW_FILE_ACCESS=true`` sets
  ``runtime.security.allow_file_access``, ``LLMSPELL_PROVIDERS__OPENAI__DEFAULT_MODEL=gpt-4o``
  sets ``providers.openai.default_model``, ``LLMSPELL_TOOLS__FILESYSTEM__ALLOWED_PATHS='["/data"]'``
  sets ``tools.filesystem.allowed_paths``.
- ``LLMSPELL_DEFAULT_ENGINE`` (the one top-level key) sets ``default_engine``.

A value is read as a TOML value when it is one (``30``, ``1.5``, ``true``, ``["a", "b"]``,
``"quoted"``) and as a plain string otherwise (``gpt-4o``, ``/data``), then validated by the
config model like any file value; a bad one is reported with the variable's name.
Variables without ``__`` (``LLMSPELL_CONFIG``, ``LLMSPELL_PROFILE``, ``LLMSPELL_PLUGINS``,
``LLMSPELL_OPENAI_API_KEY``, ...) are not configuration keys and are left alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from llmspell_core.errors import ConfigError

__all__ = ["ENV_PREFIX", "TOP_LEVEL_VARIABLES", "env_overrides", "parse_env_value"]

ENV_PREFIX = "LLMSPELL_"
SEPARATOR = "__"
#: Top-level keys settable without ``__``: variable name -> dotted key.
TOP_LEVEL_VARIABLES: dict[str, str] = {"LLMSPELL_DEFAULT_ENGINE": "default_engine"}


def parse_env_value(text: str) -> Any:
    """``30`` -> 30, ``true`` -> True, ``["a"]`` -> ["a"], anything else -> the text itself."""
    import tomllib  # only when an override is set: most runs have none

    try:
        return tomllib.loads(f"value = {text}")["value"]
    except tomllib.TOMLDecodeError:
        return text


def _dotted_key(variable: str) -> str | None:
    upper = variable.upper()
    if upper in TOP_LEVEL_VARIABLES:
        return TOP_LEVEL_VARIABLES[upper]
    if not upper.startswith(ENV_PREFIX) or SEPARATOR not in upper:
        return None
    parts = variable[len(ENV_PREFIX) :].lower().split(SEPARATOR)
    if any(not part for part in parts):
        raise ConfigError(
            f"environment variable {variable}: empty key segment; use "
            f"LLMSPELL_<SECTION>__<KEY>, e.g. LLMSPELL_RUNTIME__TIMEOUT_SECONDS=30",
            details={"variable": variable},
        )
    return ".".join(parts)


def env_overrides(environ: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The nested table the ``LLMSPELL_*`` variables describe, and dotted key -> variable."""
    table: dict[str, Any] = {}
    variables: dict[str, str] = {}
    for variable in sorted(environ):
        dotted = _dotted_key(variable)
        if dotted is None:
            continue
        *parents, leaf = dotted.split(".")
        node = table
        for index, part in enumerate(parents):
            child: Any = node.setdefault(part, {})
            if not isinstance(child, dict):
                clash = ".".join(parents[: index + 1])
                raise ConfigError(
                    f"environment variable {variable}: {clash} is already set to a value by "
                    f"{variables.get(clash, 'another variable')}, so it cannot hold {dotted}",
                    details={"variable": variable, "key": dotted},
                )
            node = cast(dict[str, Any], child)
        node[leaf] = parse_env_value(environ[variable])
        variables[dotted] = variable
    return table, variables
