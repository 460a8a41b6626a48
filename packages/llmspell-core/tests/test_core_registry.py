from __future__ import annotations

import json
import os
from collections.abc import Callable, Generator
from pathlib import Path

import pytest

from llmspell_core.errors import MissingExtraError, NotFoundError, PluginConflictError
from llmspell_core.registry import Registry

GROUP = "llmspell.engines"
MakeDist = Callable[[str, dict[str, dict[str, str]]], Path]


@pytest.fixture(autouse=True)
def _no_allow_list() -> Generator[None]:
    old = os.environ.pop("LLMSPELL_PLUGINS", None)
    yield
    if old is not None:
        os.environ["LLMSPELL_PLUGINS"] = old


def test_loads_only_the_entry_asked_for(make_dist: MakeDist, fresh_registry: Registry) -> None:
    make_dist(
        "thirdparty-engines",
        {GROUP: {"ok": "json:JSONDecoder", "broken": "no_such_module_xyz:Thing"}},
    )
    assert {"ok", "broken"} <= set(fresh_registry.names(GROUP))
    assert fresh_registry.load(GROUP, "ok") is json.JSONDecoder
    # the broken entry was never imported, so nothing failed yet
    statuses = {p.name: p.status for p in fresh_registry.plugins(GROUP)}
    assert statuses["ok"] == "loaded"
    assert statuses["broken"] == "available"


def test_scan_is_cached(make_dist: MakeDist, fresh_registry: Registry) -> None:
    assert "late" not in fresh_registry.names(GROUP)
    make_dist("late-dist", {GROUP: {"late": "json:loads"}})
    assert "late" not in fresh_registry.names(GROUP)  # cached scan
    fresh_registry.clear_cache()
    assert "late" in fresh_registry.names(GROUP)


def test_import_error_becomes_missing_extra(make_dist: MakeDist, fresh_registry: Registry) -> None:
    make_dist("needs-extra", {GROUP: {"fancy": "no_such_module_xyz:Engine [fancy]"}})
    with pytest.raises(MissingExtraError) as info:
        fresh_registry.load(GROUP, "fancy")
    assert "pip install 'needs-extra[fancy]'" in str(info.value)
    assert info.value.code == "MISSING_EXTRA"


def test_duplicate_names_name_both_distributions(
    make_dist: MakeDist, fresh_registry: Registry
) -> None:
    make_dist("dist-one", {GROUP: {"twin": "json:loads"}})
    make_dist("dist-two", {GROUP: {"twin": "json:dumps"}})
    with pytest.raises(PluginConflictError) as info:
        fresh_registry.load(GROUP, "twin")
    message = str(info.value)
    assert "dist-one" in message
    assert "dist-two" in message
    assert {p.status for p in fresh_registry.plugins(GROUP) if p.name == "twin"} == {"conflict"}


def test_unknown_name_lists_known(make_dist: MakeDist, fresh_registry: Registry) -> None:
    make_dist("some-dist", {GROUP: {"alpha": "json:loads"}})
    with pytest.raises(NotFoundError, match=r"unknown engine 'beta'.*alpha"):
        fresh_registry.load(GROUP, "beta")


def test_allow_list_limits_third_party(make_dist: MakeDist, fresh_registry: Registry) -> None:
    make_dist("allowed-dist", {GROUP: {"yes": "json:loads"}})
    make_dist("other-dist", {GROUP: {"no": "json:dumps"}})
    os.environ["LLMSPELL_PLUGINS"] = "allowed-dist"
    names = fresh_registry.names(GROUP)
    assert "yes" in names
    assert "no" not in names
    with pytest.raises(NotFoundError, match="LLMSPELL_PLUGINS"):
        fresh_registry.load(GROUP, "no")
    disabled = [p for p in fresh_registry.plugins(GROUP) if p.name == "no"]
    assert disabled[0].status == "disabled"


def test_empty_allow_list_means_builtins_only(
    make_dist: MakeDist, fresh_registry: Registry
) -> None:
    make_dist("outsider", {GROUP: {"outside": "json:loads"}})
    os.environ["LLMSPELL_PLUGINS"] = ""
    assert "outside" not in fresh_registry.names(GROUP)


def test_override_for_tests(fresh_registry: Registry) -> None:
    sentinel = object()
    with fresh_registry.override(GROUP, "fake", sentinel):
        assert fresh_registry.load(GROUP, "fake") is sentinel
        assert "fake" in fresh_registry.names(GROUP)
    assert "fake" not in fresh_registry.names(GROUP)
    with pytest.raises(NotFoundError):
        fresh_registry.load(GROUP, "fake")


def test_distribution_and_version_reported(make_dist: MakeDist, fresh_registry: Registry) -> None:
    site: Path = make_dist("versioned-dist", {GROUP: {"v": "json:loads"}})
    assert site.exists()
    info = next(p for p in fresh_registry.plugins(GROUP) if p.name == "v")
    assert (info.distribution, info.version, info.value) == (
        "versioned-dist",
        "1.2.3",
        "json:loads",
    )
