"""``llmspell new NAME``: write a spell package that runs as soon as it is created."""

from __future__ import annotations

import json
import re
from pathlib import Path

from llmspell_core.errors import UsageError

__all__ = ["ENGINE_ENTRIES", "scaffold_package"]

#: Engine -> entry file name.
ENGINE_ENTRIES: dict[str, str] = {"lua": "main.lua", "javascript": "main.js"}

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")

_MANIFEST = """\
# The manifest of the spell package "{name}". `llmspell run {name} --help` shows it as usage.
name = "{name}"
version = "0.1.0"
description = {description_toml}
engine = "{engine}"
entry = "{entry}"
timeout_seconds = 60
# required_env = ["OPENAI_API_KEY"]   # variables that must be set before the spell starts

[parameters.name]
type = "string"
description = "Who to greet"
default = "world"

[parameters.times]
type = "integer"
description = "How many times to greet"
default = 1

[parameters.shout]
type = "boolean"
description = "Greet in capitals"
default = false
"""

_LUA = """\
-- {name}: {description}
-- Run it with `llmspell run {name} --param name=Ada --param times=2`.
-- The parameters declared in spell.toml arrive in ARGS, already typed.
local greeting = "Hello, " .. ARGS.name .. "!"
if ARGS.shout then
  greeting = string.upper(greeting)
end
for _ = 1, ARGS.times do
  print(greeting)
end

-- Next: ask an agent. With no API key configured, the offline `local` provider answers.
-- local agent = Agent.builder():name("helper"):system_prompt("Be brief."):build()
-- print(agent:execute("Say hello to " .. ARGS.name).text)

return {{ greeted = ARGS.name, times = ARGS.times }}
"""

_JS = """\
// {name}: {description}
// Run it with `llmspell run {name} --param name=Ada --param times=2`.
// The parameters declared in spell.toml arrive in ARGS, already typed.
let greeting = "Hello, " + ARGS.name + "!";
if (ARGS.shout) {{
  greeting = greeting.toUpperCase();
}}
for (let i = 0; i < ARGS.times; i++) {{
  print(greeting);
}}

// Next: ask an agent. With no API key configured, the offline `local` provider answers.
// const agent = Agent.builder().name("helper").system_prompt("Be brief.").build();
// print((await agent.execute("Say hello to " + ARGS.name)).text);
"""

_README = """\
# {name}

{description}

```sh
llmspell run {name}                          # Hello, world!
llmspell run {name} --param name=Ada --param times=2 --param shout=true
llmspell run {name} --help                   # the parameters, from spell.toml
```

Edit `{entry}` for what the spell does and `spell.toml` for its parameters, limits and the
environment variables it needs.
"""


def scaffold_package(
    name: str,
    *,
    engine: str = "lua",
    directory: Path | None = None,
    description: str | None = None,
    force: bool = False,
) -> Path:
    """Create ``directory/name`` with ``spell.toml``, the entry script and a README."""
    if not _NAME.match(name):
        raise UsageError(
            f"'{name}' is not a valid spell name: use letters, digits, '-' and '_', "
            "starting with a letter (e.g. my-spell)",
            details={"name": name},
        )
    if engine not in ENGINE_ENTRIES:
        raise UsageError(
            f"unknown engine '{engine}' for a new spell; choose one of: "
            f"{', '.join(ENGINE_ENTRIES)}",
            details={"engine": engine},
        )
    root = (directory or Path.cwd()) / name
    if root.exists() and not force and (not root.is_dir() or any(root.iterdir())):
        raise UsageError(
            f"{root} already exists and is not empty; choose another name or pass --force "
            f"to overwrite the spell files in it",
            details={"path": str(root)},
        )
    entry = ENGINE_ENTRIES[engine]
    text = " ".join((description or f"The {name} spell").split())
    words = {
        "name": name,
        "engine": engine,
        "entry": entry,
        "description": text,
        "description_toml": json.dumps(text),
    }
    root.mkdir(parents=True, exist_ok=True)
    (root / "spell.toml").write_text(_MANIFEST.format(**words), encoding="utf-8")
    (root / entry).write_text((_LUA if engine == "lua" else _JS).format(**words), "utf-8")
    (root / "README.md").write_text(_README.format(**words), encoding="utf-8")
    return root
