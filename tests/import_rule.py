"""The workspace import rule (architecture.md §1), checked by reading source with ``ast``.

Reading instead of importing means a breach is found even in code paths no test executes
(lazy imports inside functions, ``TYPE_CHECKING`` blocks, ``importlib.import_module("...")``).
The checker works on any directory laid out like the workspace, so its own tests can plant a
breach in a temporary copy and prove that it is reported.
"""

from __future__ import annotations

import ast
import sys
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

__all__ = [
    "FoundImport",
    "Package",
    "Violation",
    "Workspace",
    "check_package",
    "find_imports",
    "load_workspace",
    "may_import",
]

CORE = "llmspell_core"
UTILS = "llmspell_utils"
BRIDGE = "llmspell_bridge"
CLI = "llmspell_cli"
META = "llmspell"

# Calls whose first string argument names a module that gets imported at run time.
DYNAMIC_IMPORTERS = frozenset({"import_module", "__import__", "import_optional"})
# Modules that only exist for type checkers; importing them under TYPE_CHECKING is fine.
TYPING_ONLY_MODULES = frozenset({"_typeshed"})
SKIPPED_DIRS = frozenset({"__pycache__", "build", "dist", "node_modules"})


@dataclass(frozen=True)
class Package:
    """One workspace member: its distribution, import name and what it declares."""

    dist: str
    module: str
    root: Path
    requires: frozenset[str]
    test_requires: frozenset[str]

    @property
    def source_dirs(self) -> tuple[Path, ...]:
        return (self.root / "src", self.root / "tests")


@dataclass(frozen=True)
class FoundImport:
    """An absolute module name imported at ``file:line``."""

    module: str
    file: Path
    line: int

    @property
    def top(self) -> str:
        return self.module.partition(".")[0]


@dataclass(frozen=True)
class Violation:
    file: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Workspace:
    """Everything the checker needs to judge one package's imports."""

    root: Path
    packages: tuple[Package, ...]
    distributions: Mapping[str, Sequence[str]]  # import name -> distributions providing it

    @property
    def by_module(self) -> dict[str, Package]:
        return {package.module: package for package in self.packages}


def may_import(importer: str, imported: str) -> bool:
    """The sibling rule alone; whether the import is *declared* is checked separately."""
    if imported in (importer, CORE):
        return True
    if imported == UTILS:
        return importer != CORE
    if importer == CLI and imported == BRIDGE:
        return True
    return importer == META


def load_workspace(
    root: Path, distributions: Mapping[str, Sequence[str]] | None = None
) -> Workspace:
    """Read ``root/pyproject.toml`` and every ``root/packages/*/pyproject.toml``."""
    if distributions is None:
        from importlib.metadata import packages_distributions

        distributions = packages_distributions()
    root_groups = _dependency_groups(_read_toml(root / "pyproject.toml"))
    packages = tuple(
        _load_package(project.parent, root_groups.get("test", frozenset()))
        for project in sorted(root.glob("packages/*/pyproject.toml"))
    )
    return Workspace(root=root, packages=packages, distributions=distributions)


def check_package(package: Package, workspace: Workspace) -> list[Violation]:
    """Every breach of the import rule in ``package``'s ``src/`` and ``tests/``."""
    violations: list[Violation] = []
    first_party = workspace.by_module
    for source_dir in package.source_dirs:
        in_tests = source_dir.name == "tests"
        allowed = package.requires | package.test_requires if in_tests else package.requires
        for path in _python_files(source_dir):
            found, problems = find_imports(path, source_dir)
            violations.extend(problems)
            for imported in found:
                if target := first_party.get(imported.top):
                    violations.extend(_check_first_party(package, imported, target))
                elif not _is_local(imported, source_dir):
                    violations.extend(_check_third_party(imported, allowed, workspace))
    return violations


def find_imports(path: Path, source_dir: Path) -> tuple[list[FoundImport], list[Violation]]:
    """Absolute names of every module ``path`` imports, with relative imports resolved.

    ``source_dir`` is the directory the file's dotted module name starts from (``src`` for
    package code); relative imports that climb out of it are reported as violations.
    """
    tree = ast.parse(path.read_bytes(), filename=str(path))
    package_parts = _package_parts(path, source_dir)
    found: list[FoundImport] = []
    problems: list[Violation] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(FoundImport(alias.name, path, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                found.append(FoundImport(node.module or "", path, node.lineno))
                continue
            base = _resolve_relative(package_parts, node.level)
            if base is None:
                problems.append(
                    Violation(path, node.lineno, "relative import climbs out of its package")
                )
                continue
            module = ".".join([*base, node.module] if node.module else base)
            found.append(FoundImport(module, path, node.lineno))
        elif isinstance(node, ast.Call):
            module = _dynamic_import_target(node)
            if module is not None:
                found.append(FoundImport(module, path, node.lineno))
    return found, problems


def _check_first_party(
    package: Package, imported: FoundImport, target: Package
) -> Iterator[Violation]:
    if not may_import(package.module, target.module):
        yield Violation(
            imported.file,
            imported.line,
            f"{package.dist} must not import {imported.module} (architecture.md §1: reach "
            f"{target.dist} through llmspell_core interfaces and the registry)",
        )
    if target is not package and target.dist not in package.requires:
        yield Violation(
            imported.file,
            imported.line,
            f"{package.dist} imports {imported.module} but does not declare {target.dist} "
            f"in {package.root.name}/pyproject.toml",
        )
    if target is not package and _names_private_module(imported.module):
        yield Violation(
            imported.file,
            imported.line,
            f"{imported.module} is private to {target.dist}; import its public API",
        )


def _check_third_party(
    imported: FoundImport, allowed: frozenset[str], workspace: Workspace
) -> Iterator[Violation]:
    top = imported.top
    if top in sys.stdlib_module_names or top in TYPING_ONLY_MODULES:
        return
    providers = {canonicalize_name(dist) for dist in workspace.distributions.get(top, ())}
    if not providers:
        yield Violation(
            imported.file,
            imported.line,
            f"{imported.module} is imported but no installed distribution provides it; "
            "declare it in dependencies or an extra",
        )
    elif not providers & allowed:
        yield Violation(
            imported.file,
            imported.line,
            f"{imported.module} comes from {', '.join(sorted(providers))}, which is not "
            "declared in dependencies or an extra",
        )


def _load_package(root: Path, workspace_test_requires: frozenset[str]) -> Package:
    data = _read_toml(root / "pyproject.toml")
    project: dict[str, Any] = data["project"]
    requires = {_requirement_name(spec) for spec in project.get("dependencies", [])}
    for specs in project.get("optional-dependencies", {}).values():
        requires.update(_requirement_name(spec) for spec in specs)
    own_test_group = _dependency_groups(data).get("test", frozenset())
    return Package(
        dist=canonicalize_name(project["name"]),
        module=_module_name(root, data),
        root=root,
        requires=frozenset(requires),
        test_requires=workspace_test_requires | own_test_group,
    )


def _module_name(root: Path, data: dict[str, Any]) -> str:
    """The import name, from hatch's wheel config or else the one package under ``src/``."""
    wheel = data.get("tool", {}).get("hatch", {}).get("build", {}).get("targets", {})
    declared: list[str] = wheel.get("wheel", {}).get("packages", [])
    if len(declared) == 1:
        return Path(declared[0]).name
    found = sorted(init.parent.name for init in (root / "src").glob("*/__init__.py"))
    if len(found) != 1:
        msg = f"{root}: expected exactly one package under src/, found {found or 'none'}"
        raise ValueError(msg)
    return found[0]


def _dependency_groups(data: dict[str, Any]) -> dict[str, frozenset[str]]:
    """Distribution names per dependency group, with ``include-group`` expanded."""
    raw: dict[str, list[Any]] = data.get("dependency-groups", {})

    def names(group: str, seen: frozenset[str]) -> frozenset[str]:
        result: set[str] = set()
        for item in raw.get(group, []):
            if isinstance(item, str):
                result.add(_requirement_name(item))
            elif isinstance(item, dict):
                included = cast("dict[str, str]", item)["include-group"]
                if included not in seen:
                    result |= names(included, seen | {group})
        return frozenset(result)

    return {group: names(group, frozenset()) for group in raw}


def _requirement_name(spec: str) -> str:
    return canonicalize_name(Requirement(spec).name)


def _read_toml(path: Path) -> dict[str, Any]:
    with path.open("rb") as handle:
        return tomllib.load(handle)


def _python_files(directory: Path) -> Iterator[Path]:
    if not directory.is_dir():
        return
    for path in sorted(directory.rglob("*.py")):
        if not SKIPPED_DIRS.intersection(path.relative_to(directory).parts):
            yield path


def _package_parts(path: Path, source_dir: Path) -> list[str] | None:
    """Dotted package of ``path`` below ``source_dir``; None outside a package (tests)."""
    if source_dir.name != "src":
        return None
    # ``pkg/mod.py`` and ``pkg/__init__.py`` both live in package ``pkg``.
    return list(path.relative_to(source_dir).with_suffix("").parts[:-1])


def _resolve_relative(package_parts: list[str] | None, level: int) -> list[str] | None:
    if not package_parts or level - 1 >= len(package_parts):
        return None
    return package_parts[: len(package_parts) - (level - 1)]


def _dynamic_import_target(call: ast.Call) -> str | None:
    func = call.func
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
    if name not in DYNAMIC_IMPORTERS or not call.args:
        return None
    first = call.args[0]
    if isinstance(first, ast.Constant) and isinstance(first.value, str):
        return first.value
    return None


def _is_local(imported: FoundImport, source_dir: Path) -> bool:
    """A helper module beside the importing test file (tests are not packages)."""
    if source_dir.name != "tests":
        return False
    here = imported.file.parent
    return (here / f"{imported.top}.py").is_file() or (here / imported.top).is_dir()


def _names_private_module(module: str) -> bool:
    return any(part.startswith("_") and not part.startswith("__") for part in module.split("."))
