"""The llmspell error hierarchy.

Every error carries a stable ``code`` (scripts see it as ``err.code``), a ``details`` mapping
for machines, and an ``exit_code`` the CLI uses, so a failure is handled the same way whether
it surfaces in Lua, JavaScript, Python or the shell.
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import Any, ClassVar

__all__ = [
    "AuthError",
    "CancelledError",
    "ConfigError",
    "LLMSpellError",
    "MissingExtraError",
    "NotFoundError",
    "PluginConflictError",
    "ProviderError",
    "ProviderUnavailableError",
    "RateLimitError",
    "ResourceLimitError",
    "ScriptError",
    "SecurityError",
    "TimeoutError",
    "ToolError",
    "UsageError",
    "ValidationError",
]


class LLMSpellError(Exception):
    """Base of every error llmspell raises on purpose."""

    default_code: ClassVar[str] = "LLMSPELL_ERROR"
    exit_code: ClassVar[int] = 1

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.details: dict[str, Any] = dict(details or {})

    def __str__(self) -> str:
        return self.message

    def to_dict(self) -> dict[str, Any]:
        """The JSON-like shape scripts see as ``error={message, code}``."""
        return {"message": self.message, "code": self.code, **self.details}


class UsageError(LLMSpellError):
    """The command line or a call was used wrongly (exit code 2)."""

    default_code = "USAGE_ERROR"
    exit_code = 2


class ConfigError(LLMSpellError):
    """Configuration is missing, unknown or malformed (exit code 3)."""

    default_code = "CONFIG_ERROR"
    exit_code = 3


class PluginConflictError(ConfigError):
    """Two installed distributions register the same plugin name."""

    default_code = "PLUGIN_CONFLICT"


class ValidationError(LLMSpellError):
    """Input failed validation; ``details['field']`` names the field when known."""

    default_code = "VALIDATION_ERROR"


class NotFoundError(LLMSpellError):
    """A named component (tool, agent, provider, workflow, engine) does not exist."""

    default_code = "NOT_FOUND"


class ProviderError(LLMSpellError):
    """An LLM provider failed."""

    default_code = "PROVIDER_ERROR"


class RateLimitError(ProviderError):
    """The provider rate-limited us; ``retry_after`` (seconds) when it said."""

    default_code = "RATE_LIMITED"

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        code: str | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message, code=code, details=details)
        self.retry_after = retry_after


class AuthError(ProviderError):
    """The provider rejected the credentials, or none were configured."""

    default_code = "AUTH_FAILED"


class ProviderUnavailableError(ProviderError):
    """The provider could not be reached or answered with a server error."""

    default_code = "PROVIDER_UNAVAILABLE"


class ToolError(LLMSpellError):
    """A tool failed while doing its work."""

    default_code = "TOOL_ERROR"


class SecurityError(LLMSpellError):
    """A sandbox or policy rule refused the operation; the message names rule and config key."""

    default_code = "SECURITY_DENIED"


class TimeoutError(LLMSpellError, builtins.TimeoutError):
    """A deadline passed (exit code 124)."""

    default_code = "TIMEOUT"
    exit_code = 124


class CancelledError(LLMSpellError):
    """The operation was cancelled, e.g. by Ctrl-C (exit code 130)."""

    default_code = "CANCELLED"
    exit_code = 130


class ResourceLimitError(LLMSpellError):
    """A script exceeded a memory or recursion limit."""

    default_code = "RESOURCE_LIMIT"


class ScriptError(LLMSpellError):
    """A spell failed: syntax or runtime error, located by ``file`` and ``line``."""

    default_code = "SCRIPT_ERROR"

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        traceback: str | None = None,
        code: str | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message, code=code, details=details)
        self.file = file
        self.line = line
        self.traceback = traceback

    def __str__(self) -> str:
        if self.file and self.line is not None:
            return f"{self.file}:{self.line}: {self.message}"
        if self.file:
            return f"{self.file}: {self.message}"
        return self.message


class MissingExtraError(LLMSpellError, ImportError):
    """An optional dependency is not installed; the message names the pip command."""

    default_code = "MISSING_EXTRA"

    def __init__(
        self,
        what: str,
        *,
        distribution: str,
        extra: str | None = None,
        module: str | None = None,
    ) -> None:
        target = f"{distribution}[{extra}]" if extra else distribution
        self.install_command = f"pip install '{target}'"
        message = f"{what} needs {module or target}, which is not installed: {self.install_command}"
        super().__init__(
            message,
            details={"distribution": distribution, "extra": extra, "module": module},
        )
        self.distribution = distribution
        self.extra = extra
