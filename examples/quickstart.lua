-- quickstart.lua: an agent, a tool and a workflow in one spell (the README's first command).
-- Run: llmspell run examples/quickstart.lua [-- --topic "your topic"]
-- With no API key the offline `local` provider answers and llmspell says so on stderr;
-- set OPENAI_API_KEY or ANTHROPIC_API_KEY and the same spell uses that provider instead.
local topic = ARGS.topic or "Spells are short Lua or JavaScript scripts that drive LLM agents, tools and workflows."

-- An agent on the default provider (no model named: llmspell picks it).
local writer = Agent.builder()
  :name("writer")
  :system_prompt("You summarise text in one short sentence.")
  :max_tokens(200)
  :build()

-- A tool on its own.
local stats = Tool.execute("text-analyzer", { operation = "counts", text = topic })
print("words in the topic: " .. stats.result.words)

-- A workflow: a tool step feeding an agent step through {{steps.<name>...}} references.
local pipeline = Workflow.builder()
  :name("summarise")
  :sequential()
  :add_step({ name = "clean", type = "tool", tool = "text-manipulator",
              input = { operation = "normalize_whitespace", input = "{{input.topic}}" } })
  :add_step({ name = "summary", type = "agent", agent = "writer",
              input = "Summarise in one sentence: {{steps.clean.text}}" })
  :build()

local run = pipeline:execute({ topic = topic })
local config = writer:get_config()
print("provider: " .. config.provider .. "/" .. config.model)
print("summary: " .. run.result.steps.summary.text)
print(string.format("workflow ok: %s, %d steps in %.0f ms",
  tostring(run.success), run.metadata.total_steps, run.metadata.duration_ms))

return { words = stats.result.words, summary = run.result.steps.summary.text, ok = run.success }
