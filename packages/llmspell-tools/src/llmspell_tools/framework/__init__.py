"""The framework every built-in tool is written with (see FRAMEWORK.md)."""

from llmspell_tools.framework.base import BaseTool, Invocation, example
from llmspell_tools.framework.limits import (
    DEFAULT_MAX_OUTPUT_BYTES,
    DEFAULT_MAX_ROWS,
    limit_rows,
    limit_text,
)
from llmspell_tools.framework.params import ToolParams, clean_schema, validation_error
from llmspell_tools.framework.security import (
    ALLOWED_HOSTS_KEY,
    ALLOWED_PATHS_KEY,
    PRIVILEGED_KEY,
    allowed_hosts,
    allowed_roots,
    require_privileged,
    safe_path,
)
from llmspell_tools.framework.settings import (
    ToolSettings,
    load_settings,
    section_key,
    validate_section,
)

__all__ = [
    "ALLOWED_HOSTS_KEY",
    "ALLOWED_PATHS_KEY",
    "DEFAULT_MAX_OUTPUT_BYTES",
    "DEFAULT_MAX_ROWS",
    "PRIVILEGED_KEY",
    "BaseTool",
    "Invocation",
    "ToolParams",
    "ToolSettings",
    "allowed_hosts",
    "allowed_roots",
    "clean_schema",
    "example",
    "limit_rows",
    "limit_text",
    "load_settings",
    "require_privileged",
    "safe_path",
    "section_key",
    "validate_section",
    "validation_error",
]
