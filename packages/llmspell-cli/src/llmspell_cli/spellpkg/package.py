"""A spell package on disk: its manifest, entry script, engine and run settings.

``llmspell run ./folder`` loads one of these, checks its required environment variables
(a missing one is a :class:`ConfigError`, exit code 3: the environment is configuration,
and nothing on the command line can fix it) and its ``--param`` values (exit code 2), then
runs the entry script with the typed values in ``ARGS``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pydantic

from llmspell_cli.configuration.toml_lines import line_of_key
from llmspell_cli.configuration.validation_messages import describe_errors
from llmspell_cli.spellpkg.manifest import MANIFEST_NAME, SpellManifest
from llmspell_cli.spellpkg.parameters import parse_param_options, resolve_parameters
from llmspell_core.errors import ConfigError, UsageError
from llmspell_utils import load_toml

__all__ = [
    "ENGINE_BY_EXTENSION",
    "SpellPackage",
    "is_spell_package",
    "load_package",
]

#: Entry-file extension -> engine, for manifests that do not name one.
ENGINE_BY_EXTENSION: dict[str, str] = {".lua": "lua", ".js": "javascript", ".mjs": "javascript"}
_DEFAULT_ENTRIES = ("main.lua", "main.js")


def is_spell_package(path: str | os.PathLike[str]) -> bool:
    """A directory holding a ``spell.toml``."""
    folder = Path(path)
    return folder.is_dir() and (folder / MANIFEST_NAME).is_file()


@dataclass(frozen=True)
class SpellPackage:
    root: Path
    manifest: SpellManifest
    entry: Path
    engine: str
    #: Declared run limits (None: the configuration's apply).
    timeout_seconds: float | None = None
    memory_limit_mb: int | None = None

    @property
    def name(self) -> str:
        return self.manifest.name

    def missing_env(self, environ: Mapping[str, str]) -> list[str]:
        return [name for name in self.manifest.required_env if not environ.get(name)]

    def check_env(self, environ: Mapping[str, str]) -> None:
        """Raise ConfigError (exit 3) naming every required variable that is unset."""
        missing = self.missing_env(environ)
        if missing:
            noun = "variable" if len(missing) == 1 else "variables"
            raise ConfigError(
                f"spell '{self.name}' needs environment {noun} {', '.join(missing)}, "
                f"which {'is' if len(missing) == 1 else 'are'} not set "
                f"(required_env in {self.root / MANIFEST_NAME})",
                details={"missing_env": missing, "spell": self.name},
            )

    def parameters(self, options: Sequence[str]) -> dict[str, Any]:
        """``--param`` options as typed values with defaults filled in (UsageError, exit 2)."""
        return resolve_parameters(
            self.manifest.parameters, parse_param_options(options), spell=self.name
        )


def _manifest(path: Path) -> SpellManifest:
    table = load_toml(path)
    try:
        return SpellManifest.model_validate(table)
    except pydantic.ValidationError as error:
        text = path.read_text("utf-8")

        def where(dotted: str) -> str:
            line = line_of_key(text, dotted)
            return f"{path}:{line}" if line else str(path)

        lines = describe_errors(error.errors(), where, SpellManifest)
        raise ConfigError("\n".join(lines), details={"errors": lines, "file": str(path)}) from None


def _entry(root: Path, manifest: SpellManifest, manifest_path: Path) -> Path:
    if manifest.entry is not None:
        entry = root / manifest.entry
        if not entry.is_file():
            raise ConfigError(
                f"{manifest_path}: entry = {manifest.entry!r}, but {entry} does not exist",
                details={"file": str(manifest_path), "key": "entry"},
            )
        return entry
    for name in _DEFAULT_ENTRIES:
        if (root / name).is_file():
            return root / name
    raise ConfigError(
        f"{manifest_path}: no entry script: add main.lua or main.js to {root}, "
        f'or set entry = "<file>" in the manifest',
        details={"file": str(manifest_path), "key": "entry"},
    )


def load_package(path: str | os.PathLike[str]) -> SpellPackage:
    """Read the package at ``path`` (a folder with ``spell.toml``)."""
    root = Path(path)
    manifest_path = root / MANIFEST_NAME
    if not root.is_dir():
        raise UsageError(f"{root}: not a directory", details={"path": str(root)})
    if not manifest_path.is_file():
        raise UsageError(
            f"{root} is a folder without a {MANIFEST_NAME}, so it is not a spell package; "
            f"create one with `llmspell new {root.name}`, or run a .lua/.js file",
            details={"path": str(root)},
        )
    manifest = _manifest(manifest_path)
    entry = _entry(root, manifest, manifest_path)
    engine = manifest.engine or ENGINE_BY_EXTENSION.get(entry.suffix.lower())
    if engine is None:
        raise ConfigError(
            f'{manifest_path}: cannot tell the engine of {entry.name}; set engine = "lua" '
            f'or "javascript"',
            details={"file": str(manifest_path), "key": "engine"},
        )
    return SpellPackage(
        root=root,
        manifest=manifest,
        entry=entry,
        engine=engine,
        timeout_seconds=manifest.timeout_seconds,
        memory_limit_mb=manifest.memory_limit_mb,
    )
