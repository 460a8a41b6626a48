-- tools-tour.lua: built-in tools called directly, and a tool written in the spell.
-- Run: llmspell run examples/tools-tour.lua
print("tools installed: " .. #Tool.list())
print("has calculator: " .. tostring(Tool.exists("calculator")))

-- Every result has success, text, result (structured) and metadata.
local sum = Tool.execute("calculator", { operation = "evaluate", expression = "2 * (3 + 4) ^ 2" })
print("2 * (3 + 4) ^ 2 = " .. sum.result.result)

local digest = Tool.execute("hash-calculator", { operation = "hash", algorithm = "sha256", input = "llmspell" })
print("sha256(llmspell) = " .. digest.result.hash)

local greeting = Tool.execute("template-engine", {
  operation = "render",
  template = "Hello {{ name | title }}, you have {{ count }} new spells.",
  context = { name = "ada lovelace", count = 3 },
})
print(greeting.result.rendered or greeting.text)

-- A failing call raises a Lua error naming the problem; pcall catches it.
local ok, err = pcall(Tool.execute, "calculater", { expression = "1" })
print("unknown tool caught: " .. tostring(not ok) .. " (" .. tostring(err.code) .. ")")

-- A tool defined here, usable from the spell, workflows and agents alike.
Tool.register({
  name = "shout",
  description = "Upper-case a text and add an exclamation mark",
  parameters = {
    type = "object",
    properties = { text = { type = "string" } },
    required = { "text" },
  },
  handler = function(params)
    return { text = string.upper(params.text) .. "!" }
  end,
})
local loud = Tool.execute("shout", { text = "custom tools work" })
print(loud.text)

return { sum = sum.result.result, custom = loud.text }
