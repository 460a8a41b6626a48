"""Where tools may reach: file roots and network hosts, read from config.

File tools share ``[tools.filesystem] allowed_paths`` (default: the current directory and the
temp dir); network tools share ``[tools.network] allowed_hosts`` plus their own section's
``allowed_hosts``. Every refusal is a SecurityError naming the rule and the config key.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from llmspell_core.config import LLMSpellConfig
from llmspell_core.errors import ConfigError, SecurityError
from llmspell_tools.framework.settings import section_key
from llmspell_utils import ALLOWED_PATHS_KEY, resolve_safe_path

__all__ = [
    "ALLOWED_HOSTS_KEY",
    "ALLOWED_PATHS_KEY",
    "PRIVILEGED_KEY",
    "allowed_hosts",
    "allowed_roots",
    "require_privileged",
    "safe_path",
]

ALLOWED_HOSTS_KEY = "[tools.network] allowed_hosts"
PRIVILEGED_KEY = "[runtime.security] allow_privileged_tools"


def _string_list(value: object, key: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):  # pyright: ignore[reportUnknownVariableType]
        raise ConfigError(f"{key} must be a list of strings, got {value!r}", details={"key": key})
    return [str(v) for v in value]  # pyright: ignore[reportUnknownVariableType, reportUnknownArgumentType]


def allowed_roots(config: LLMSpellConfig) -> list[Path]:
    """The directories file tools may touch."""
    raw = config.tool_section("filesystem").get("allowed_paths")
    if raw is None:
        return [Path.cwd(), Path(tempfile.gettempdir())]
    return [Path(p).expanduser() for p in _string_list(raw, ALLOWED_PATHS_KEY)]


def safe_path(
    config: LLMSpellConfig, path: str | os.PathLike[str], *, must_exist: bool = False
) -> Path:
    """``path`` resolved and checked against :func:`allowed_roots`."""
    return resolve_safe_path(path, allowed_roots(config), must_exist=must_exist)


def allowed_hosts(config: LLMSpellConfig, tool_name: str | None = None) -> frozenset[str]:
    """Hosts network tools may reach even when private/loopback (SSRF exceptions)."""
    hosts = set(
        _string_list(config.tool_section("network").get("allowed_hosts", []), ALLOWED_HOSTS_KEY)
    )
    if tool_name is not None:
        own = config.tool_section(tool_name).get("allowed_hosts", [])
        hosts.update(_string_list(own, f"{section_key(tool_name)} allowed_hosts"))
    return frozenset(h.lower() for h in hosts)


def require_privileged(config: LLMSpellConfig, what: str) -> None:
    """Refuse a privileged operation unless the security config allows it."""
    if not config.runtime.security.allow_privileged_tools:
        raise SecurityError(
            f"{what} is a privileged operation and privileged tools are disabled; "
            f"set {PRIVILEGED_KEY} = true in llmspell.toml to allow it",
            details={"rule": "privileged_tools_disabled", "config_key": PRIVILEGED_KEY},
        )
