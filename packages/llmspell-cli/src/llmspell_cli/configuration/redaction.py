"""The merged configuration as plain tables, with secrets replaced by ``<REDACTED>``.

``config show`` output gets pasted into bug reports, so anything that holds a key is hidden:
every ``SecretStr`` field and, in free-form ``[tools.*]`` tables, any key whose name says it
is a secret. Names of environment variables (``api_key_env``) are not secrets and stay.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, cast

from pydantic import SecretStr

from llmspell_core.config import LLMSpellConfig

__all__ = ["REDACTED", "config_table", "is_secret_key"]

REDACTED = "<REDACTED>"

_SECRET_NAME = re.compile(
    r"(^|_)(api_?key|token|secret|password|passwd|credentials?)$", re.IGNORECASE
)


def is_secret_key(key: str) -> bool:
    """``api_key``, ``github_token``, ``password`` are secrets; ``api_key_env`` and
    ``max_tokens`` are not."""
    return bool(_SECRET_NAME.search(key))


def _clean(value: Any, key: str, redact: bool) -> Any:
    if isinstance(value, SecretStr):
        return REDACTED if redact else value.get_secret_value()
    if isinstance(value, Mapping):
        table = cast(Mapping[str, Any], value)
        return {k: _clean(v, k, redact) for k, v in table.items() if v is not None}
    if isinstance(value, list | tuple):
        items = cast(list[Any], value)
        return [_clean(item, key, redact) for item in items]
    if redact and value is not None and is_secret_key(key) and isinstance(value, str):
        return REDACTED
    return value


def config_table(config: LLMSpellConfig, *, redact: bool = True) -> dict[str, Any]:
    """The config shaped like ``llmspell.toml`` (``[providers.<name>]`` tables, no ``None``)."""
    raw = config.model_dump(mode="python")
    providers: dict[str, Any] = raw["providers"]
    flat: dict[str, Any] = {}
    if providers.get("default_provider") is not None:
        flat["default_provider"] = providers["default_provider"]
    flat.update(providers.get("entries") or {})
    raw["providers"] = flat
    return cast(dict[str, Any], _clean(raw, "", redact))
