"""Every spell in examples/ runs through the real `llmspell` command on the offline provider.

Each test checks what the spell is there to show (not just exit code 0), and the Lua and
JavaScript twins are compared line by line where they print the same thing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
LLMSPELL = str(Path(sys.executable).parent / "llmspell")
OFFLINE = "[offline: llmspell's local provider echoes, no LLM was called]"


def run_spell(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("LLMSPELL_")
        and key not in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "XDG_CONFIG_HOME")
    }
    env["HOME"] = str(home)
    done = subprocess.run(
        [LLMSPELL, "-p", "local", "run", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, f"{args}: exit {done.returncode}\n{done.stderr}"
    return done


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path


def lines(done: subprocess.CompletedProcess[str]) -> list[str]:
    return done.stdout.splitlines()


def test_the_spellbook_has_at_least_eight_spells_in_both_languages() -> None:
    lua = sorted(p.name for p in EXAMPLES.glob("*.lua"))
    js = sorted(p.name for p in EXAMPLES.glob("*.js"))
    packages = sorted(p.parent.name for p in EXAMPLES.glob("*/spell.toml"))
    assert len(lua) + len(js) + len(packages) >= 8
    assert packages == ["research", "summarize", "word-stats"]
    assert {"agent-chat.js", "tools-tour.js", "streaming.js", "state-counter.js"} <= set(js)


@pytest.mark.parametrize("ext", ["lua", "js"])
def test_agent_chat_keeps_history(home: Path, ext: str) -> None:
    out = lines(run_spell(f"examples/agent-chat.{ext}", home=home))
    assert out[:6] == [
        "Q1: What is a spell in llmspell?",
        f"A1: {OFFLINE} What is a spell in llmspell?",
        "Q2: And how do I run one?",
        f"A2: {OFFLINE} And how do I run one?",
        "history entries: 4",
        "requests: 2",
    ]


@pytest.mark.parametrize("ext", ["lua", "js"])
def test_tools_tour_uses_built_in_and_custom_tools(home: Path, ext: str) -> None:
    out = lines(run_spell(f"examples/tools-tour.{ext}", home=home))
    assert out[0].startswith("tools installed: ")
    assert int(out[0].split(": ")[1]) >= 20
    assert "has calculator: true" in out
    assert "2 * (3 + 4) ^ 2 = 98" in out
    assert (
        "sha256(llmspell) = 4bdc5a2dad52e5997a6a77a4e6e66867bb46df7047bac652c54e84263303b5c3" in out
    )
    assert "unknown tool caught: true (NOT_FOUND)" in out
    assert "CUSTOM TOOLS WORK!" in out


def test_tools_tour_lua_renders_a_template_and_js_runs_calls_concurrently(home: Path) -> None:
    assert "Hello Ada Lovelace, you have 3 new spells." in lines(
        run_spell("examples/tools-tour.lua", home=home)
    )
    assert "concurrently: 42 and 1024" in lines(run_spell("examples/tools-tour.js", home=home))


@pytest.mark.parametrize("ext", ["lua", "js"])
def test_streaming_delivers_the_reply_in_chunks(home: Path, ext: str) -> None:
    out = lines(run_spell(f"examples/streaming.{ext}", home=home))
    chunks = [line for line in out if line.startswith("chunk ")]
    assert len(chunks) > 5
    assert out[len(chunks)] == (
        f"stream assembled: {OFFLINE} Tell me about streaming in three short words"
    )
    received = next(line for line in out if line.startswith("invokeStream: "))
    count = received.split()[1]
    assert received == f"invokeStream: {count} chunks, callback saw {count}"
    if ext == "lua":
        assert "countdown: 3 2 1" in out


def test_streaming_twins_print_the_same_chunks(home: Path) -> None:
    lua = lines(run_spell("examples/streaming.lua", home=home))
    js = lines(run_spell("examples/streaming.js", home=home))
    assert [x for x in lua if x.startswith(("chunk", "stream", "invoke"))] == [
        x for x in js if x.startswith(("chunk", "stream", "invoke"))
    ]


def test_workflow_pipeline_lua(home: Path) -> None:
    out = lines(run_spell("examples/workflow-pipeline.lua", home=home))
    assert out[:4] == [
        "sequential ok: true, steps: 3",
        f"report: {OFFLINE} The md5 of 'SPELLS FOR EVERYONE' is d1647cec41d078fee4ba90c57323e522",
        "parallel ok: true, 6*7=42, 2^10=1024",
        "conditional: BRANCH TAKEN",
    ]


def test_workflow_parallel_js(home: Path) -> None:
    out = lines(run_spell("examples/workflow-parallel.js", home=home))
    assert out == [
        "parallel ok: true, 6*7=42, 2^10=1024",
        "sequential ok: true, steps: 3",
        f"report: {OFFLINE} The md5 of 'SPELLS FOR EVERYONE' is d1647cec41d078fee4ba90c57323e522",
    ]


def test_state_counter_twins_agree(home: Path) -> None:
    lua = lines(run_spell("examples/state-counter.lua", "--", "--times", "5", home=home))
    js = lines(run_spell("examples/state-counter.js", "--", "--times", "5", home=home))
    expected = [
        "visits: 5",
        "profile: helper knows lua, js",
        "greeting: hello",
        "global keys: greeting, visits",
        "after delete: nil",
    ]
    assert lua[:5] == expected
    assert js == expected


def test_structured_output_decodes_the_reply(home: Path) -> None:
    done = run_spell("examples/structured-output.lua", "--output", "json", home=home)
    report = json.loads(done.stdout)
    assert report["success"] is True
    data = report["result"]
    assert isinstance(data["title"], str)
    assert isinstance(data["tags"], list)
    assert isinstance(data["stars"], int)
    assert "types: title=string tags=table stars=integer" in done.stderr


def test_summarize_package(home: Path) -> None:
    text = "Lua is small. It embeds well. People like it."
    out = lines(
        run_spell(
            "examples/summarize",
            "--param",
            f"text={text}",
            "--param",
            "style=bullets",
            "--param",
            "sentences=3",
            home=home,
        )
    )
    assert out[0] == "Summary of 9 words (bullets, 3 items max):"
    assert out[1] == f"{OFFLINE} {text}"


def test_research_package_takes_an_array_parameter(home: Path) -> None:
    out = lines(run_spell("examples/research", "--param", "topics=lua,quickjs,pydantic", home=home))
    assert out[0] == "researched 3 topics (4 at a time): ok"
    assert out[1:4] == [
        f"- lua: {OFFLINE} Key fact about lua",
        f"- quickjs: {OFFLINE} Key fact about quickjs",
        f"- pydantic: {OFFLINE} Key fact about pydantic",
    ]
    assert out[4] == "3 notes saved in scope 'research'"


def test_word_stats_package_in_javascript(home: Path) -> None:
    out = lines(
        run_spell(
            "examples/word-stats",
            "--param",
            "text=The cat and the dog and the Cat",
            "--param",
            "top=2",
            home=home,
        )
    )
    assert out[:3] == ["words: 8, distinct (without stopwords): 2", "cat: 2", "dog: 1"]
    assert out[3].startswith("sha256: ")
    case = lines(
        run_spell(
            "examples/word-stats",
            "--param",
            "text=The cat and the Cat",
            "--param",
            "ignore_case=false",
            "--param",
            "stopwords=[]",
            home=home,
        )
    )
    assert case[0] == "words: 5, distinct (without stopwords): 5"


@pytest.mark.parametrize("package", ["summarize", "research", "word-stats"])
def test_every_package_documents_its_parameters(home: Path, package: str) -> None:
    done = run_spell(f"examples/{package}", "--help", home=home)
    assert done.stdout.startswith(f"Usage: llmspell run examples/{package} [--param NAME=VALUE]")
    assert "Parameters (--param NAME=VALUE):" in done.stdout
