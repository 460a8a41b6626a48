"""Workspace sessions. ``uv run nox`` runs the default list; ``uv run nox -l`` lists them all.

Every session builds its own environment from ``uv.lock`` (``--locked``), so a run needs the
package registry (or uv's cache) and nothing else.
"""

from __future__ import annotations

import json
import shutil
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import nox
from nox.command import CommandFailed
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename

nox.options.default_venv_backend = "uv"
nox.options.sessions = ["tests", "tests_isolated", "lint", "typecheck", "build"]
nox.options.error_on_external_run = True

ROOT = Path(__file__).parent

# Run inside each isolated environment: the expected modules import, the others do not.
ISOLATION_CHECK = """
import importlib, importlib.util, json, sys
spec = json.loads(sys.argv[1])
for module in spec["present"]:
    print(f"{module} {importlib.import_module(module).__version__}")
leaked = [module for module in spec["absent"] if importlib.util.find_spec(module) is not None]
if leaked:
    sys.exit(f"undeclared siblings are importable: {', '.join(leaked)}")
print(f"absent as they should be: {', '.join(spec['absent']) or '(none)'}")
"""


@dataclass(frozen=True)
class Member:
    """A workspace package and the first-party distributions it declares."""

    dist: str
    path: Path
    first_party: frozenset[str]

    @property
    def module(self) -> str:
        return self.dist.replace("-", "_")

    @property
    def test_files(self) -> list[Path]:
        return sorted((self.path / "tests").rglob("test_*.py"))


@cache
def members() -> dict[str, Member]:
    projects = {
        path.parent: tomllib.loads(path.read_text())["project"]
        for path in sorted(ROOT.glob("packages/*/pyproject.toml"))
    }
    names = {canonicalize_name(project["name"]) for project in projects.values()}
    found: dict[str, Member] = {}
    for path, project in projects.items():
        specs: list[str] = list(project.get("dependencies", []))
        for extra in project.get("optional-dependencies", {}).values():
            specs.extend(extra)
        declared = {canonicalize_name(Requirement(spec).name) for spec in specs}
        dist = canonicalize_name(project["name"])
        found[dist] = Member(dist, path, frozenset(declared & names))
    return found


def closure(dist: str) -> set[str]:
    """``dist`` and every first-party distribution it pulls in, transitively."""
    seen: set[str] = set()
    todo = [dist]
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo.extend(members()[current].first_party)
    return seen


def check_isolation(session: nox.Session, dist: str, python: str = "python") -> None:
    """Import ``dist`` and its first-party dependencies; fail if any other sibling imports."""
    present = closure(dist)
    modules = {name: member.module for name, member in members().items()}
    spec = {
        "present": sorted(module for name, module in modules.items() if name in present),
        "absent": sorted(module for name, module in modules.items() if name not in present),
    }
    session.log(f"isolation check: {json.dumps(spec)}")
    session.run(python, "-c", ISOLATION_CHECK, json.dumps(spec), log=False, external=True)


def sync(session: nox.Session, *args: str) -> None:
    """``uv sync`` from the lock into this session's virtualenv."""
    session.run_install(
        "uv",
        "sync",
        "--locked",
        *args,
        env={"UV_PROJECT_ENVIRONMENT": session.virtualenv.location},
    )


@nox.session
def tests(session: nox.Session) -> None:
    """The whole suite (tests/ and packages/*/tests) against the whole workspace."""
    sync(session, "--all-packages", "--all-extras", "--no-default-groups", "--group", "test")
    session.run("pytest", *session.posargs)


@nox.session
@nox.parametrize("dist", sorted(members()), ids=sorted(members()))
def tests_isolated(session: nox.Session, dist: str) -> None:
    """One package's tests with only what it declares installed (its extras included)."""
    member = members()[dist]
    if not member.test_files:
        session.skip(f"{dist} has no tests yet")
    sync(session, "--package", dist, "--all-extras", "--no-default-groups", "--group", "test")
    check_isolation(session, dist)
    session.run("pytest", str(member.path / "tests"), *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    sync(session, "--only-group", "lint")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """pyright strict over everything ``[tool.pyright] include`` names."""
    sync(session, "--all-packages", "--all-extras")
    python = Path(session.bin) / "python"
    session.run("pyright", "--pythonpath", str(python), *session.posargs)


@nox.session
def build(session: nox.Session) -> None:
    """Build every wheel, then install each alone (plus its dependencies) and import it."""
    tmp = Path(session.create_tmp()).resolve()
    dist_dir = tmp / "dist"
    shutil.rmtree(dist_dir, ignore_errors=True)
    session.run("uv", "build", "--all-packages", "--no-sources", "--quiet", "-o", str(dist_dir))
    wheels = {parse_wheel_filename(wheel.name)[0]: wheel for wheel in dist_dir.glob("*.whl")}
    if sorted(wheels) != sorted(members()):
        session.error(f"expected one wheel per package {sorted(members())}, got {sorted(wheels)}")

    # Third-party versions from the lock, first-party ones from the wheels just built, so
    # nothing is taken from an index that happens to publish a same-named distribution.
    pins = dist_dir / "constraints.txt"
    session.run(
        "uv", "export", "--frozen", "--all-packages", "--all-extras", "--no-default-groups",
        "--no-emit-workspace", "--no-hashes", "--no-header", "--quiet", "-o", str(pins),
    )  # fmt: skip
    with pins.open("a") as handle:
        for wheel in wheels.values():
            name, version, *_ = parse_wheel_filename(wheel.name)
            handle.write(f"{name}=={version}\n")

    # uv caches find-links wheels by file name, and every build reuses the names
    # (same version), so without a refresh a stale wheel from an earlier run stands in.
    fresh = [arg for dist in sorted(wheels) for arg in ("--refresh-package", dist)]
    for dist, wheel in sorted(wheels.items()):
        venv = tmp / f"venv-{dist}"
        python = venv / "bin" / "python"
        base = Path(session.bin) / "python"
        session.run("uv", "venv", "--quiet", "--clear", "--python", str(base), str(venv))
        session.run(
            "uv", "pip", "install", "--quiet", "--python", str(python),
            "--find-links", str(dist_dir), "--constraint", str(pins), *fresh, str(wheel),
        )  # fmt: skip
        # Not from the workspace root, so a stray source tree cannot stand in for the wheel.
        with session.chdir(tmp):
            check_isolation(session, dist, str(python))


@nox.session
def bench(session: nox.Session) -> None:
    """Run every benchmarks/bench_*.py; fail after all ran if any broke its budget."""
    sync(session, "--all-packages", "--all-extras", "--no-default-groups")
    failed: list[str] = []
    for script in sorted((ROOT / "benchmarks").glob("bench_*.py")):
        try:
            session.run("python", str(script), *session.posargs)
        except CommandFailed:
            failed.append(script.name)
    if failed:
        session.error(f"over budget or broken: {', '.join(failed)}")
