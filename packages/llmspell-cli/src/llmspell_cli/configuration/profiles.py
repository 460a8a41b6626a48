"""Built-in configuration profiles (``-p/--profile``), shipped as commented TOML files.

Profiles are files rather than Python dicts so ``llmspell config init --profile X`` can write
the same text a user then edits, comments included. The names are needed by every command's
``--help``, so this module imports nothing heavy until a profile is actually read.
"""

from __future__ import annotations

from typing import Any

from llmspell_core.errors import UsageError

__all__ = ["PROFILE_ENV", "PROFILE_NAMES", "profile_data", "profile_summary", "profile_text"]

PROFILE_ENV = "LLMSPELL_PROFILE"

#: Every built-in profile, in the order ``--help`` lists them.
PROFILE_NAMES: tuple[str, ...] = ("minimal", "local", "providers", "development", "ollama")


def profile_text(name: str) -> str:
    """The TOML source of profile ``name``; an unknown name is a usage error naming the known."""
    if name not in PROFILE_NAMES:
        from llmspell_core.catalog import suggest

        raise UsageError(
            f"unknown profile '{name}'{suggest(name, list(PROFILE_NAMES))}; "
            f"built-in profiles: {', '.join(PROFILE_NAMES)}",
            details={"profile": name},
        )
    from importlib import resources

    return (resources.files("llmspell_cli.configuration") / "profiles" / f"{name}.toml").read_text(
        "utf-8"
    )


def profile_data(name: str) -> dict[str, Any]:
    """Profile ``name`` parsed into a raw (not yet validated) config table."""
    from llmspell_utils import loads_toml

    return loads_toml(profile_text(name), source=f"profile '{name}'")


def profile_summary(name: str) -> str:
    """The first comment line of a profile, without its ``Profile "x":`` prefix."""
    first = profile_text(name).splitlines()[0].lstrip("# ")
    return first.split(":", 1)[1].strip() if ":" in first else first
