"""Every package keeps the import rule, and the checker really catches a breach."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from import_rule import Violation, Workspace, check_package, load_workspace, may_import

WORKSPACE_ROOT = Path(__file__).resolve().parents[1]
WORKSPACE = load_workspace(WORKSPACE_ROOT)


@pytest.mark.parametrize("dist", [package.dist for package in WORKSPACE.packages])
def test_package_keeps_import_rule(dist: str) -> None:
    package = next(package for package in WORKSPACE.packages if package.dist == dist)
    violations = check_package(package, WORKSPACE)
    assert not violations, "\n".join(str(violation) for violation in violations)


def test_every_workspace_member_is_checked() -> None:
    modules = {package.dist: package.module for package in WORKSPACE.packages}
    assert modules == {
        "llmspell": "llmspell",
        "llmspell-agents": "llmspell_agents",
        "llmspell-bridge": "llmspell_bridge",
        "llmspell-cli": "llmspell_cli",
        "llmspell-core": "llmspell_core",
        "llmspell-providers": "llmspell_providers",
        "llmspell-tools": "llmspell_tools",
        "llmspell-utils": "llmspell_utils",
        "llmspell-workflows": "llmspell_workflows",
    }


@pytest.mark.parametrize(
    ("importer", "imported", "allowed"),
    [
        ("llmspell_tools", "llmspell_core", True),
        ("llmspell_tools", "llmspell_utils", True),
        ("llmspell_core", "llmspell_utils", False),
        ("llmspell_cli", "llmspell_bridge", True),
        ("llmspell_bridge", "llmspell_agents", False),
        ("llmspell_workflows", "llmspell_tools", False),
        ("llmspell", "llmspell_tools", True),
    ],
)
def test_sibling_rule(importer: str, imported: str, allowed: bool) -> None:
    assert may_import(importer, imported) is allowed


# --- a planted breach in a throwaway workspace -------------------------------------------


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip())


def add_package(root: Path, dist: str, dependencies: list[str], files: dict[str, str]) -> None:
    module = dist.replace("-", "_")
    deps = ", ".join(f'"{dependency}"' for dependency in dependencies)
    write(
        root / "packages" / dist / "pyproject.toml",
        f"""
        [project]
        name = "{dist}"
        version = "0.1.0"
        dependencies = [{deps}]

        [tool.hatch.build.targets.wheel]
        packages = ["src/{module}"]
        """,
    )
    for relative, text in {f"src/{module}/__init__.py": "", **files}.items():
        write(root / "packages" / dist / relative, text)


@pytest.fixture
def planted(tmp_path: Path) -> Workspace:
    write(tmp_path / "pyproject.toml", '[dependency-groups]\ntest = ["pytest>=8"]\n')
    add_package(
        tmp_path,
        "llmspell-core",
        ["pydantic>=2"],
        {
            "src/llmspell_core/models.py": "import pydantic\nfrom . import errors\n",
            "src/llmspell_core/errors.py": "import json\n",
        },
    )
    add_package(tmp_path, "llmspell-utils", ["llmspell-core"], {})
    add_package(tmp_path, "llmspell-tools", ["llmspell-core"], {})
    add_package(tmp_path, "llmspell-bridge", ["llmspell-core"], {})
    add_package(
        tmp_path,
        "llmspell-agents",
        ["llmspell-core>=0.1,<1"],
        {
            "src/llmspell_agents/agent.py": """
            import importlib
            import json

            import llmspell_tools.calculator
            from llmspell_core import errors

            from .loop import run
            from .. import outside

            def lazy() -> None:
                import pydantic
                importlib.import_module("llmspell_bridge.runtime")
            """,
            "src/llmspell_agents/loop.py": "def run() -> None: ...\n",
            "tests/test_agents_planted.py": """
            import pytest
            import fake_server
            from llmspell_tools import calculator
            """,
            "tests/fake_server.py": "",
        },
    )
    add_package(
        tmp_path,
        "llmspell-cli",
        ["llmspell-core", "llmspell-bridge"],
        {
            "src/llmspell_cli/main.py": """
            from llmspell_bridge import runtime
            import llmspell_bridge._lua
            """
        },
    )
    return load_workspace(tmp_path, {"pydantic": ["pydantic"], "pytest": ["pytest"]})


def found(workspace: Workspace, dist: str) -> list[tuple[str, int, str]]:
    package = next(package for package in workspace.packages if package.dist == dist)
    return [(v.file.name, v.line, v.message) for v in check_package(package, workspace)]


def test_planted_breaches_are_reported(planted: Workspace) -> None:
    reported = found(planted, "llmspell-agents")
    lines = sorted((file, line) for file, line, _ in reported)
    assert lines == [
        ("agent.py", 4),
        ("agent.py", 4),
        ("agent.py", 8),
        ("agent.py", 11),
        ("agent.py", 12),
        ("agent.py", 12),
        ("test_agents_planted.py", 3),
        ("test_agents_planted.py", 3),
    ]
    messages = "\n".join(message for _, _, message in reported)
    assert "llmspell-agents must not import llmspell_tools.calculator" in messages
    assert "does not declare llmspell-tools" in messages
    assert "must not import llmspell_bridge.runtime" in messages
    assert "relative import climbs out of its package" in messages
    assert "pydantic comes from pydantic, which is not declared" in messages


def test_clean_packages_pass(planted: Workspace) -> None:
    assert found(planted, "llmspell-core") == []
    assert found(planted, "llmspell-tools") == []


def test_private_module_of_allowed_sibling_is_reported(planted: Workspace) -> None:
    assert found(planted, "llmspell-cli") == [
        ("main.py", 2, "llmspell_bridge._lua is private to llmspell-bridge; import its public API")
    ]


def test_core_may_not_import_utils(planted: Workspace) -> None:
    core = planted.root / "packages/llmspell-core/src/llmspell_core/retry.py"
    write(core, "from llmspell_utils import backoff\n")
    assert [message for _, _, message in found(planted, "llmspell-core")] == [
        "llmspell-core must not import llmspell_utils (architecture.md §1: reach llmspell-utils "
        "through llmspell_core interfaces and the registry)",
        "llmspell-core imports llmspell_utils but does not declare llmspell-utils in "
        "llmspell-core/pyproject.toml",
    ]


def test_uninstalled_import_is_reported(planted: Workspace) -> None:
    write(planted.root / "packages/llmspell-tools/src/llmspell_tools/web.py", "import requests\n")
    assert found(planted, "llmspell-tools") == [
        (
            "web.py",
            1,
            "requests is imported but no installed distribution provides it; "
            "declare it in dependencies or an extra",
        )
    ]


def test_violation_reads_as_file_and_line() -> None:
    assert str(Violation(Path("a/b.py"), 3, "boom")) == "a/b.py:3: boom"
