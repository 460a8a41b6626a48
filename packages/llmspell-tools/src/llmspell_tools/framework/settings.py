"""A tool's own ``[tools.<name>]`` config section, validated by a pydantic model.

Each tool may extend ``ToolSettings`` with keys of its own; an unknown key or a bad value is a
ConfigError naming ``[tools.<name>] <key>`` rather than a silent no-op.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticValidationError

from llmspell_core.config import LLMSpellConfig
from llmspell_core.errors import ConfigError

__all__ = ["ToolSettings", "load_settings", "section_key", "validate_section"]

S = TypeVar("S", bound="ToolSettings")
M = TypeVar("M", bound=BaseModel)


class ToolSettings(BaseModel):
    """Keys every tool understands; ``None`` means "use the tool's built-in default"."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    timeout_seconds: float | None = Field(default=None, gt=0)
    max_output_bytes: int | None = Field(default=None, gt=0)
    max_rows: int | None = Field(default=None, gt=0)


def section_key(tool_name: str) -> str:
    """How the config file spells a tool's section: ``[tools.file_operations]``."""
    return f"[tools.{tool_name.replace('-', '_')}]"


def load_settings(model: type[S], tool_name: str, config: LLMSpellConfig) -> S:
    """Validate one tool's section, naming the key on failure."""
    return validate_section(model, config.tool_section(tool_name), section_key(tool_name))


def validate_section(model: type[M], raw: dict[str, Any], section: str) -> M:
    """``raw`` (the ``section`` table of the config) as ``model``, or a ConfigError naming
    ``<section> <key>`` and what is wrong with it."""
    try:
        return model.model_validate(raw)
    except PydanticValidationError as exc:
        first = exc.errors(include_url=False)[0]
        key = ".".join(str(p) for p in first["loc"])
        raise ConfigError(
            f"{section} {key}: {first['msg']}", details={"section": section, "key": key}
        ) from exc
