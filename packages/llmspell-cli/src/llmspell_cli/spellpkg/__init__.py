"""Spell packages: a folder with a ``spell.toml`` manifest, typed parameters and limits.

``load_package`` reads one, ``SpellPackage.parameters`` turns ``--param`` options into typed
``ARGS`` values, ``prepare_run`` resolves what ``llmspell run`` runs, ``scaffold_package``
writes a new package (``llmspell new``), and ``SpellPackageCommand`` gives
``llmspell run ./folder --help`` the package's usage. Names load on first use, so
``llmspell run hello.lua`` does not import pydantic for a feature it does not use.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from llmspell_cli.spellpkg.command import SpellPackageCommand, package_help_requested
    from llmspell_cli.spellpkg.help import package_help
    from llmspell_cli.spellpkg.manifest import (
        MANIFEST_NAME,
        ParameterSpec,
        ParameterType,
        SpellManifest,
    )
    from llmspell_cli.spellpkg.package import (
        ENGINE_BY_EXTENSION,
        SpellPackage,
        is_spell_package,
        load_package,
    )
    from llmspell_cli.spellpkg.parameters import (
        convert_value,
        parse_param_options,
        resolve_parameters,
    )
    from llmspell_cli.spellpkg.run_support import PreparedRun, prepare_run
    from llmspell_cli.spellpkg.scaffold import ENGINE_ENTRIES, scaffold_package

_LAZY: dict[str, str] = {
    "SpellPackageCommand": "command",
    "package_help_requested": "command",
    "package_help": "help",
    "MANIFEST_NAME": "manifest",
    "ParameterSpec": "manifest",
    "ParameterType": "manifest",
    "SpellManifest": "manifest",
    "ENGINE_BY_EXTENSION": "package",
    "SpellPackage": "package",
    "is_spell_package": "package",
    "load_package": "package",
    "convert_value": "parameters",
    "parse_param_options": "parameters",
    "resolve_parameters": "parameters",
    "PreparedRun": "run_support",
    "prepare_run": "run_support",
    "ENGINE_ENTRIES": "scaffold",
    "scaffold_package": "scaffold",
}

__all__ = [
    "ENGINE_BY_EXTENSION",
    "ENGINE_ENTRIES",
    "MANIFEST_NAME",
    "ParameterSpec",
    "ParameterType",
    "PreparedRun",
    "SpellManifest",
    "SpellPackage",
    "SpellPackageCommand",
    "convert_value",
    "is_spell_package",
    "load_package",
    "package_help",
    "package_help_requested",
    "parse_param_options",
    "prepare_run",
    "resolve_parameters",
    "scaffold_package",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'llmspell_cli.spellpkg' has no attribute {name!r}")
    value = getattr(import_module(f"llmspell_cli.spellpkg.{module}"), name)
    globals()[name] = value
    return value
