"""The README's commands are the ones CI runs, and what the README names exists."""

from __future__ import annotations

import ast
import os
import re
import shlex
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
CI_RUN = ROOT / ".ci" / "run"


def section(title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", README, re.M | re.S)
    assert match, f"README.md has no '## {title}' section"
    return match.group(1)


def quick_start_commands() -> list[str]:
    blocks = re.findall(r"^```sh\n(.*?)^```", section("Quick start"), re.M | re.S)
    return [block.strip() for block in blocks]


def test_quick_start_is_exactly_two_one_line_commands() -> None:
    commands = quick_start_commands()
    assert len(commands) == 2, commands
    assert all("\n" not in command for command in commands), commands


def test_ci_run_runs_the_readme_test_command_verbatim() -> None:
    test_command = quick_start_commands()[1]
    lines = [line.strip() for line in CI_RUN.read_text().splitlines()]
    assert test_command in lines, f"{CI_RUN} does not run {test_command!r} on a line of its own"


def test_ci_run_is_strict_executable_bash() -> None:
    text = CI_RUN.read_text()
    assert text.startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in text
    assert os.access(CI_RUN, os.X_OK)


def test_files_the_main_command_runs_exist() -> None:
    main_command = quick_start_commands()[0]
    spells = [word for word in shlex.split(main_command) if word.endswith((".lua", ".js"))]
    assert spells, main_command
    missing = [spell for spell in spells if not (ROOT / spell).is_file()]
    assert not missing, f"README runs {missing}, which do not exist"


def test_packages_table_lists_every_package() -> None:
    table = section("Packages")
    dists = sorted(path.parent.name for path in ROOT.glob("packages/*/pyproject.toml"))
    listed = re.findall(r"^\| `([a-z-]+)` \|", table, re.M)
    assert sorted(listed) == dists


def test_development_table_lists_every_nox_session() -> None:
    tree = ast.parse((ROOT / "noxfile.py").read_text())
    sessions = sorted(
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and any("nox.session" in ast.unparse(decorator) for decorator in node.decorator_list)
    )
    listed = re.findall(r"^\| `([a-z_]+)` \|", section("Development"), re.M)
    assert sorted(listed) == sessions


def default_nox_sessions() -> list[str]:
    tree = ast.parse((ROOT / "noxfile.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "nox.options.sessions":
            return list(ast.literal_eval(node.value))
    raise AssertionError("noxfile.py does not set nox.options.sessions")


def test_ci_workflow_runs_the_default_nox_sessions() -> None:
    workflow = (ROOT / ".github" / "workflows" / "ci.yml").read_text()
    match = re.search(r"^\s+session: \[(.*)\]$", workflow, re.M)
    assert match, "ci.yml has no session matrix"
    assert [name.strip() for name in match.group(1).split(",")] == default_nox_sessions()
