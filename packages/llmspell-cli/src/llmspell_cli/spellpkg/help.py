"""``llmspell run ./folder --help``: the package's own usage, from its manifest."""

from __future__ import annotations

import json
from typing import Any

import click

from llmspell_cli.spellpkg.package import SpellPackage

__all__ = ["package_help"]


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value)


def package_help(package: SpellPackage, shown_path: str) -> str:
    """Usage, description, limits and one row per parameter, in click's help layout."""
    manifest = package.manifest
    formatter = click.HelpFormatter()
    formatter.write_usage("llmspell run", f"{shown_path} [--param NAME=VALUE]... [-- ARGS...]")
    title = f"{manifest.name} {manifest.version}"
    facts = [f"engine {package.engine} ({package.entry.name})"]
    if package.timeout_seconds is not None:
        facts.append(f"timeout {package.timeout_seconds:g} s")
    if package.memory_limit_mb is not None:
        facts.append(f"memory limit {package.memory_limit_mb} MB")
    with formatter.indentation():
        formatter.write_paragraph()
        formatter.write_text(f"{title}: {manifest.description}" if manifest.description else title)
        formatter.write_paragraph()
        sentence = ", ".join(facts)
        formatter.write_text(sentence[0].upper() + sentence[1:] + ".")
        if manifest.required_env:
            formatter.write_paragraph()
            formatter.write_text(f"Needs environment: {', '.join(manifest.required_env)}.")
    rows: list[tuple[str, str]] = []
    for name, spec in manifest.parameters.items():
        bits = [spec.type_label()]
        if spec.is_required:
            bits.append("required")
        elif spec.default is not None:
            bits.append(f"default {_toml_value(spec.default)}")
        else:
            bits.append("optional")
        if spec.choices is not None:
            bits.append("one of " + "|".join(str(c) for c in spec.choices))
        detail = f"[{'; '.join(bits)}]"
        rows.append((name, f"{spec.description} {detail}".strip()))
    with formatter.section("Parameters (--param NAME=VALUE)"):
        if rows:
            formatter.write_dl(rows)
        else:
            formatter.write_text("none")
    example = " ".join(
        f"--param {name}={_example(spec.type, spec.default)}"
        for name, spec in manifest.parameters.items()
        if spec.is_required
    )
    with formatter.section("Example"):
        formatter.write_text(f"llmspell run {shown_path} {example}".rstrip())
    formatter.write_paragraph()
    formatter.write_text("Run options (--engine, --timeout, --stream, ...): llmspell run --help")
    return formatter.getvalue()


def _example(kind: str, default: Any) -> str:
    return {
        "integer": "3",
        "number": "0.5",
        "boolean": "true",
        "array": "a,b",
    }.get(kind, "VALUE" if default is None else str(default))
