"""What ``llmspell run`` needs to run a spell package (or a plain file with ``--param``).

Precedence for limits: command-line flags, then the manifest, then the configuration. The
``--param`` values join the ``--name value`` words after ``--`` in ``ARGS``; a declared
parameter wins over a same-named word, since it was validated and typed.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from llmspell_cli.spellpkg.package import SpellPackage, load_package
from llmspell_cli.spellpkg.parameters import parse_param_options
from llmspell_core.engine import ScriptArgs

__all__ = ["PreparedRun", "prepare_run"]


@dataclass(frozen=True)
class PreparedRun:
    #: The script file to run (a package's entry, or the file itself).
    file: str
    engine: str | None
    timeout_seconds: float | None
    memory_limit_mb: int | None
    args: ScriptArgs
    package: SpellPackage | None = None


def prepare_run(
    target: str | os.PathLike[str],
    params: Sequence[str],
    argv: Sequence[str],
    *,
    engine: str | None = None,
    timeout_seconds: float | None = None,
    memory_limit_mb: int | None = None,
    environ: Mapping[str, str] = os.environ,
) -> PreparedRun:
    """Resolve ``target`` (a folder with spell.toml, or a script file) into one run.

    Raises ``UsageError`` (exit 2) for bad ``--param`` values and ``ConfigError`` (exit 3)
    for a bad manifest or a missing required environment variable.
    """
    path = Path(target)
    if not path.is_dir():
        args = ScriptArgs.parse(str(target), argv)
        args.named.update(parse_param_options(params))
        return PreparedRun(str(target), engine, timeout_seconds, memory_limit_mb, args)
    package = load_package(path)
    values = package.parameters(params)
    package.check_env(environ)
    entry = str(package.entry)
    args = ScriptArgs.parse(entry, argv)
    args.named.update(values)
    return PreparedRun(
        file=entry,
        engine=engine or package.engine,
        timeout_seconds=timeout_seconds if timeout_seconds is not None else package.timeout_seconds,
        memory_limit_mb=memory_limit_mb if memory_limit_mb is not None else package.memory_limit_mb,
        args=args,
        package=package,
    )
