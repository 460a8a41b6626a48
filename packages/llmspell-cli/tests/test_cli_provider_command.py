"""`llmspell provider list` and `llmspell completion`, driven through the real click group.

Providers come from the registry, so the tests install core's test providers under names of
their own (``registry.override``) exactly as an installed plugin would appear.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from llmspell_cli.main import cli
from llmspell_core.registry import registry
from llmspell_core.testing.fakes import EchoProvider

LLMSPELL = str(Path(sys.executable).parent / "llmspell")


@pytest.fixture
def clean(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for key in list(os.environ):
        if key.startswith("LLMSPELL_") or key.endswith("_API_KEY") or key == "XDG_CONFIG_HOME":
            monkeypatch.delenv(key)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    return tmp_path


class KeyedProvider(EchoProvider):
    """An echo provider that insists on an API key, like a paid one."""

    provider_type = "keyed-test"
    requires_api_key = True


@pytest.fixture
def fake_providers() -> Iterator[None]:
    with (
        registry.override("llmspell.providers", "echo-test", EchoProvider),
        registry.override("llmspell.providers", "keyed-test", KeyedProvider),
    ):
        yield


def invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def test_list_shows_configured_and_installed_providers_and_key_status(
    clean: Path, fake_providers: None
) -> None:
    (clean / "llmspell.toml").write_text(
        "[providers]\ndefault_provider = 'mine'\n\n"
        "[providers.mine]\nprovider_type = 'echo-test'\ndefault_model = 'echo'\n\n"
        "[providers.paid]\nprovider_type = 'keyed-test'\napi_key_env = 'PAID_KEY'\n"
    )
    code, out, _ = invoke("provider", "list")
    assert code == 0, out
    table = out.split("\n\n", 1)[0].splitlines()
    assert table[0].split() == ["NAME", "TYPE", "STATUS", "MODEL", "KEY"]
    rows = {line[2:].split()[0]: line for line in table[1:]}
    assert rows["mine"].startswith("* mine")
    assert "configured" in rows["mine"]
    assert "not needed" in rows["mine"]
    assert "missing (PAID_KEY)" in rows["paid"]
    assert "installed" in rows["echo-test"]
    assert "* default provider: mine (providers.default_provider in the configuration)" in out

    code, out, _ = invoke("provider", "list", env={"PAID_KEY": "sk-never-shown"})
    assert code == 0
    assert "set (PAID_KEY)" in out
    assert "sk-never-shown" not in out


def test_list_json_names_the_default_and_capabilities(clean: Path, fake_providers: None) -> None:
    code, out, _ = invoke("provider", "list", "--json", env={"LLMSPELL_KEYED_TEST_API_KEY": "k"})
    assert code == 0
    document = json.loads(out)
    by_name = {row["name"]: row for row in document["providers"]}
    assert by_name["echo-test"]["capabilities"]["available_models"] == ["echo"]
    assert by_name["echo-test"]["default_model"] == "echo"
    assert by_name["keyed-test"]["status"] == "key in environment"
    assert by_name["keyed-test"]["key"] == "set (LLMSPELL_KEYED_TEST_API_KEY)"
    assert document["default"]["name"]


def test_list_reports_a_provider_type_that_is_not_installed(
    clean: Path, fake_providers: None
) -> None:
    (clean / "llmspell.toml").write_text("[providers.ghost]\nprovider_type = 'no-such-impl'\n")
    code, out, _ = invoke("provider", "list", "--json")
    assert code == 0
    ghost = next(row for row in json.loads(out)["providers"] if row["name"] == "ghost")
    assert ghost["usable"] is False
    assert "provider_type 'no-such-impl' is not an installed provider" in ghost["problem"]


def test_list_with_a_bad_config_is_exit_3(clean: Path) -> None:
    (clean / "llmspell.toml").write_text("[providers.x]\nmax_retries = -1\n")
    code, _, err = invoke("provider", "list")
    assert code == 3
    assert (
        "llmspell.toml:2: providers.x.max_retries: expected a number greater than or equal to 0"
        in err
    )


@pytest.mark.parametrize(
    ("shell", "marker"), [("bash", "complete -o"), ("zsh", "compdef"), ("fish", "complete")]
)
def test_completion_prints_clicks_script_for_each_shell(
    clean: Path, shell: str, marker: str
) -> None:
    code, out, _ = invoke("completion", shell)
    assert code == 0
    assert "_LLMSPELL_COMPLETE" in out
    assert marker in out
    assert "llmspell" in out


def test_completion_of_an_unknown_shell_is_exit_2(clean: Path) -> None:
    code, _, err = invoke("completion", "tcsh")
    assert code == 2
    assert "'tcsh' is not one of 'bash', 'zsh', 'fish'" in err


def test_the_completion_script_really_completes_commands_and_profiles(clean: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LLMSPELL_")}

    def complete(words: str, cword: int) -> list[str]:
        done = subprocess.run(
            [LLMSPELL],
            env={**env, "_LLMSPELL_COMPLETE": "bash_complete", "COMP_WORDS": words,
                 "COMP_CWORD": str(cword)},
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        return [line.split(",", 1)[1] for line in done.stdout.splitlines()]

    assert "config" in complete("llmspell con", 1)
    assert "completion" in complete("llmspell com", 1)
    assert complete("llmspell config show -p dev", 4) == ["development"]
    assert "init" in complete("llmspell config i", 2)
