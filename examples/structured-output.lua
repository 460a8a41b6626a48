-- structured-output.lua: ask for JSON that follows a schema; the decoded value is in r.data.
-- Run: llmspell run examples/structured-output.lua [-- --model openai/gpt-4o-mini]
-- The offline provider answers with a schema-valid placeholder, so the shape is still real.
local schema = {
  type = "object",
  properties = {
    title = { type = "string" },
    tags = { type = "array", items = { type = "string" } },
    stars = { type = "integer" },
  },
  required = { "title", "tags", "stars" },
}

local agent = Agent.builder()
  :name("librarian")
  :model(ARGS.model or "local/echo")
  :response_format(schema)
  :build()

local r = agent:execute("Describe the book 'Structure and Interpretation of Computer Programs'")
print("success: " .. tostring(r.success))
print("types: title=" .. type(r.data.title) .. " tags=" .. type(r.data.tags) ..
      " stars=" .. math.type(r.data.stars))
print("as JSON: " .. JSON.stringify(r.data))

return r.data
