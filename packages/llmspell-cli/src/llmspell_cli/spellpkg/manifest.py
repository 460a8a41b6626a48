"""``spell.toml``: the manifest that turns a folder into a spell package.

```toml
name = "summarize"
version = "0.1.0"
description = "Summarize a text with an agent"
engine = "lua"                    # optional: taken from the entry's extension
entry = "main.lua"                # optional: main.lua or main.js, whichever exists
timeout_seconds = 60              # optional: overrides [runtime] timeout_seconds
memory_limit_mb = 128             # optional: overrides [runtime] max_memory_mb
required_env = ["OPENAI_API_KEY"] # optional: checked before the spell starts

[parameters.text]
type = "string"                   # string | integer | number | boolean | array
description = "The text to summarize"
required = true

[parameters.sentences]
type = "integer"
description = "How many sentences"
default = 2
```

A parameter with a default is optional; one without is required unless ``required = false``
says it may be absent (then the spell sees nil/undefined). Arrays hold ``items`` (default
``string``). The manifest is validated like ``llmspell.toml``: an unknown key or a default of
the wrong type names the file, line and dotted key.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = [
    "MANIFEST_NAME",
    "ParameterSpec",
    "ParameterType",
    "SpellManifest",
    "value_matches",
]

MANIFEST_NAME = "spell.toml"

ParameterType = Literal["string", "integer", "number", "boolean", "array"]
ItemType = Literal["string", "integer", "number", "boolean"]

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def value_matches(kind: str, value: Any) -> bool:
    """Whether a TOML/JSON ``value`` already has the parameter type ``kind``."""
    if kind == "string":
        return isinstance(value, str)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    return isinstance(value, list)


class ParameterSpec(BaseModel):
    """One ``[parameters.<name>]`` table."""

    model_config = ConfigDict(extra="forbid")

    type: ParameterType = "string"
    description: str = ""
    default: Any = None
    #: None means "required unless it has a default".
    required: bool | None = None
    #: Element type of an ``array`` parameter.
    items: ItemType = "string"
    #: Allowed values (for string, integer and number parameters).
    choices: list[str | int | float] | None = None

    @property
    def is_required(self) -> bool:
        return self.required if self.required is not None else self.default is None

    def type_label(self) -> str:
        return f"array of {self.items}" if self.type == "array" else self.type

    @model_validator(mode="after")
    def _default_matches_type(self) -> ParameterSpec:
        if self.default is None:
            return self
        if not value_matches(self.type, self.default):
            raise ValueError(f"default {self.default!r} is not {_article(self.type_label())}")
        if self.type == "array":
            values: list[Any] = self.default
            bad = [v for v in values if not value_matches(self.items, v)]
            if bad:
                raise ValueError(f"default item {bad[0]!r} is not {_article(self.items)}")
        if self.choices is not None and self.default not in self.choices:
            raise ValueError(f"default {self.default!r} is not one of the choices")
        if self.required:
            raise ValueError("a parameter with a default cannot also be required = true")
        return self


def _article(label: str) -> str:
    return f"an {label}" if label[0] in "aeiou" else f"a {label}"


class SpellManifest(BaseModel):
    """The whole ``spell.toml``."""

    model_config = ConfigDict(extra="forbid")

    name: str
    version: str = "0.1.0"
    description: str = ""
    engine: str | None = None
    entry: str | None = None
    timeout_seconds: float | None = Field(default=None, gt=0)
    memory_limit_mb: int | None = Field(default=None, gt=0)
    required_env: list[str] = Field(default_factory=list[str])
    parameters: dict[str, ParameterSpec] = Field(default_factory=dict[str, ParameterSpec])

    @field_validator("name")
    @classmethod
    def _valid_name(cls, value: str) -> str:
        if not _NAME.match(value):
            raise ValueError(
                f"{value!r} is not a valid spell name: use letters, digits, '-' and '_', "
                "starting with a letter"
            )
        return value

    @field_validator("required_env")
    @classmethod
    def _valid_env_names(cls, value: list[str]) -> list[str]:
        for name in value:
            if not _ENV_NAME.match(name):
                raise ValueError(f"{name!r} is not an environment variable name")
        return value

    @field_validator("parameters")
    @classmethod
    def _valid_parameter_names(cls, value: dict[str, ParameterSpec]) -> dict[str, ParameterSpec]:
        for name in value:
            if not _NAME.match(name):
                raise ValueError(
                    f"{name!r} is not a valid parameter name: use letters, digits, '-' and "
                    "'_', starting with a letter"
                )
        return value
