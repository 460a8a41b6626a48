"""Where each piece of the merged configuration came from.

``config show --sources`` lists these, and a validation error names the layer that set the bad
key (a file and line, a profile, or an environment variable), because "timeout_seconds must be
> 0" is useless when you do not know which of four places said -5.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

__all__ = ["ConfigSource", "SourceKind"]

SourceKind = Literal["defaults", "profile", "file", "env"]


@dataclass(frozen=True)
class ConfigSource:
    """One layer of the configuration, in the order the layers were applied."""

    kind: SourceKind
    #: ``built-in defaults``, the profile name, the file path, or ``environment``.
    name: str
    path: Path | None = None
    #: Why this layer was picked (``--config``, ``LLMSPELL_CONFIG``, ``./llmspell.toml``, ...).
    reason: str = ""
    #: Dotted keys this layer set (leaf keys, e.g. ``runtime.timeout_seconds``).
    keys: tuple[str, ...] = field(default=())
    #: For ``env``: dotted key -> the variable that set it.
    variables: dict[str, str] = field(default_factory=dict[str, str])

    def describe(self) -> str:
        """A one-line label: ``./llmspell.toml (found in the current directory)``."""
        label = {
            "defaults": "built-in defaults",
            "profile": f"profile '{self.name}'",
            "file": str(self.path or self.name),
            "env": "environment variables",
        }[self.kind]
        return f"{label} ({self.reason})" if self.reason else label
