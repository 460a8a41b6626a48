"""The meta-package: installing ``llmspell`` alone must bring every part, with its extras."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import llmspell
from llmspell_core import Catalog, LLMSpellConfig
from llmspell_core.registry import Registry

EXPECTED = {
    "llmspell.engines": {"lua", "javascript"},
    "llmspell.providers": {"openai", "anthropic", "ollama", "local"},
    "llmspell.agents": {"llm"},
    "llmspell.tools": {"builtin"},
    "llmspell.workflows": {"sequential", "parallel", "conditional", "loop", "streaming"},
    "llmspell.globals": {"Agent", "Tool", "Workflow", "State", "JSON", "Config", "Provider"},
}

#: Both tables of the design's tools.md.
TOOLS = {
    "calculator", "text-manipulator", "datetime-handler", "uuid-generator", "hash-calculator",
    "base64-encoder", "diff-calculator", "data-validator", "template-engine", "template-creator",
    "citation-formatter", "file-operations", "file-search", "file-watcher", "file-converter",
    "archive-handler", "json-processor", "csv-analyzer", "graph-builder", "environment-reader",
    "process-executor", "service-checker", "system-monitor", "image-processor",
    "audio-processor", "video-processor", "pdf-processor", "http-requester", "web-searcher",
    "web-scraper", "url-analyzer", "api-tester", "webhook-caller", "webpage-monitor",
    "sitemap-crawler", "graphql-query", "email-sender", "slack-integration",
    "github-integration", "database-connector", "xml-processor", "yaml-processor",
    "data-transformer", "statistical-analyzer", "text-analyzer", "data-visualizer",
}  # fmt: skip

ROOT = Path(__file__).resolve().parents[3]


def test_version() -> None:
    assert llmspell.__version__ == "0.1.0"


@pytest.mark.parametrize("group", sorted(EXPECTED))
def test_every_builtin_plugin_loads(group: str) -> None:
    registry = Registry()
    assert EXPECTED[group] <= set(registry.names(group))
    for name in EXPECTED[group]:
        assert registry.load(group, name) is not None  # no MissingExtraError: extras came along


def test_every_documented_tool_is_installed() -> None:
    catalog = Catalog(LLMSpellConfig(), plugins=Registry(), environ={})
    names = {tool.name for tool in catalog.list_tools()}
    assert names >= TOOLS, sorted(TOOLS - names)


def test_the_llmspell_command_runs_a_spell(tmp_path: Path) -> None:
    exe = Path(sys.executable).parent / "llmspell"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "ANTHROPIC_"))}
    done = subprocess.run(
        [str(exe), "run", str(ROOT / "examples" / "quickstart.lua")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "workflow ok: true" in done.stdout
