"""environment-reader: read environment variables without leaking secrets.

Names that look like credentials (``*KEY*``, ``*TOKEN*``, ``*SECRET*``, ``*PASSWORD*`` ...)
and values that carry them (URLs with ``user:password@``) come back as ``[REDACTED]``: the
name tells a spell a key is configured, the value never reaches a script or an LLM. ``set``
changes this process's environment, so it is a privileged operation.
"""

from __future__ import annotations

import fnmatch
import os
import re
from typing import Any, ClassVar, Literal, cast

from pydantic import AliasChoices, Field

from llmspell_core.errors import ValidationError
from llmspell_core.tool_types import SecurityLevel, ToolOutput
from llmspell_tools.framework import BaseTool, Invocation, ToolParams, ToolSettings, example

__all__ = [
    "REDACTED",
    "EnvironmentReader",
    "EnvironmentReaderParams",
    "EnvironmentReaderSettings",
    "is_secret_name",
]

REDACTED = "[REDACTED]"

#: Name fragments of variables whose values are credentials.
SECRET_NAME_PARTS = (
    "KEY",
    "TOKEN",
    "SECRET",
    "PASS",  # PASSWORD, PASSWD, PASSPHRASE
    "CREDENTIAL",
    "AUTH",
    "PRIVATE",
    "SESSION",
    "COOKIE",
    "SIGNATURE",
    "DSN",
    "CONNECTION_STRING",
)
_NOT_SECRET = frozenset({"PWD", "OLDPWD", "KEYBOARD", "XKB_DEFAULT_LAYOUT"})
_CREDENTIAL_URL = re.compile(r"^[a-z][a-z0-9+.-]*://[^/@\s:]*:[^/@\s]+@", re.IGNORECASE)
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class EnvironmentReaderSettings(ToolSettings):
    #: ``[tools.environment_reader] redact_patterns``: more globs of names to redact.
    redact_patterns: list[str] = Field(default_factory=list[str])
    #: ``[tools.environment_reader] reveal``: names never redacted (e.g. ``["KEYMAP"]``).
    reveal: list[str] = Field(default_factory=list[str])


class EnvironmentReaderParams(ToolParams):
    operation: Literal["get", "list", "pattern", "set"] = Field(
        default="list", description="get one variable, list all, match a glob, or set one"
    )
    variable_name: str | None = Field(
        default=None,
        validation_alias=AliasChoices("variable_name", "name"),
        description="get/set: the variable",
    )
    pattern: str | None = Field(default=None, description="pattern: a glob such as 'LC_*'")
    value: str | None = Field(default=None, description="set: the new value")
    include_values: bool = Field(default=True, description="list/pattern: include values")

    required_for: ClassVar[dict[str, tuple[str, ...]]] = {
        "get": ("variable_name",),
        "set": ("variable_name", "value"),
        "pattern": ("pattern",),
    }


def is_secret_name(name: str, extra_patterns: list[str] | None = None) -> bool:
    """Whether a variable's name says it holds a credential."""
    upper = name.upper()
    if upper in _NOT_SECRET:
        return False
    if any(part in upper for part in SECRET_NAME_PARTS) or upper.endswith("_PWD"):
        return True
    return any(fnmatch.fnmatchcase(upper, p.upper()) for p in extra_patterns or ())


def _shown(name: str, value: str, settings: EnvironmentReaderSettings) -> tuple[str, bool]:
    if name in settings.reveal:
        return value, False
    if is_secret_name(name, settings.redact_patterns) or _CREDENTIAL_URL.match(value):
        return REDACTED, True
    return value, False


def _check_name(name: str) -> None:
    if not _NAME.match(name):
        raise ValidationError(
            f"environment-reader: '{name}' is not a valid variable name "
            "(letters, digits and '_', not starting with a digit)",
            details={"field": "variable_name", "rule": "pattern"},
        )


class EnvironmentReader(BaseTool[EnvironmentReaderParams]):
    tool_name = "environment-reader"
    description = (
        "Read environment variables (get one, list all, or match a glob); values of "
        "secret-looking names are redacted. 'set' is privileged."
    )
    tool_category = "system"
    tags = ("environment", "env", "system")
    params_model = EnvironmentReaderParams
    settings_model = EnvironmentReaderSettings
    security_level = SecurityLevel.RESTRICTED
    privileged_operations = frozenset({"set"})
    timeout_seconds = 10.0
    examples = (
        example("Read PATH", operation="get", variable_name="PATH"),
        example("Locale variables", operation="pattern", pattern="LC_*"),
    )

    async def run(self, params: EnvironmentReaderParams, call: Invocation) -> ToolOutput:
        settings = cast(EnvironmentReaderSettings, call.settings)
        op = params.operation
        if op == "get":
            name = str(params.variable_name)
            raw = os.environ.get(name)
            if raw is None:
                return call.ok(
                    f"{name} is not set",
                    {"variable_name": name, "value": None, "found": False, "redacted": False},
                )
            value, redacted = _shown(name, raw, settings)
            return call.ok(
                value,
                {"variable_name": name, "value": value, "found": True, "redacted": redacted},
            )
        if op == "set":
            name = str(params.variable_name)
            _check_name(name)
            os.environ[name] = str(params.value)
            shown, redacted = _shown(name, str(params.value), settings)
            return call.ok(
                f"set {name}",
                {"variable_name": name, "value": shown, "redacted": redacted, "success": True},
            )
        glob = params.pattern if op == "pattern" else None
        names = sorted(n for n in os.environ if glob is None or fnmatch.fnmatchcase(n, str(glob)))
        shown_names = call.limit_rows(names)
        variables: dict[str, Any] = {}
        redacted_names: list[str] = []
        for name in shown_names:
            value, redacted = _shown(name, os.environ[name], settings)
            variables[name] = value if params.include_values else None
            if redacted:
                redacted_names.append(name)
        result: dict[str, Any] = {
            "variables": variables,
            "count": len(names),
            "redacted": redacted_names,
        }
        if glob is not None:
            result["pattern"] = glob
        text = "\n".join(f"{k}={v}" if params.include_values else k for k, v in variables.items())
        return call.ok(text or "no matching variables", result)
