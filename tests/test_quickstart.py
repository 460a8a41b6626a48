"""The README's first command: the quickstart spell, offline and against a keyed provider."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from llmspell_core.testing.fake_llm_server import FakeLLMServer

ROOT = Path(__file__).resolve().parents[1]
SPELL = ROOT / "examples" / "quickstart.lua"


def _llmspell() -> list[str]:
    exe = shutil.which("llmspell", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-m", "llmspell_cli"]


def _clean_env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("OPENAI_", "ANTHROPIC_", "LLMSPELL_"))
    }
    env.update(extra)
    return env


def _run(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*_llmspell(), "run", str(SPELL)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,  # no llmspell.toml here: the built-in defaults apply
        timeout=120,
        check=False,
    )


def test_quickstart_runs_offline_and_says_so(tmp_path: Path) -> None:
    done = _run(_clean_env(), tmp_path)
    assert done.returncode == 0, done.stderr
    assert "offline" in done.stderr
    assert "OPENAI_API_KEY" in done.stderr
    assert "words in the topic: 14" in done.stdout
    assert "provider: local/" in done.stdout
    assert "workflow ok: true, 2 steps" in done.stdout


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_quickstart_uses_a_keyed_provider(provider: str, tmp_path: Path) -> None:
    with FakeLLMServer() as server:
        server.reply("Spells script LLM agents.")
        if provider == "openai":
            env = _clean_env(OPENAI_API_KEY="sk-test", OPENAI_BASE_URL=server.openai_base_url)
        else:
            env = _clean_env(
                ANTHROPIC_API_KEY="sk-ant-test", ANTHROPIC_BASE_URL=server.anthropic_base_url
            )
        done = _run(env, tmp_path)
        assert done.returncode == 0, done.stderr
        assert "offline" not in done.stderr
        assert f"provider: {provider}/" in done.stdout
        assert "summary: Spells script LLM agents." in done.stdout
        assert len(server.chat_requests()) == 1
