-- summarize: an agent condenses ARGS.text. Parameters arrive typed from spell.toml:
-- ARGS.sentences is an integer, ARGS.style is one of its choices.
local words = 0
for _ in ARGS.text:gmatch("%S+") do words = words + 1 end

local form = ARGS.style == "bullets" and "a bullet list of at most %d items" or "at most %d sentences"
local agent = Agent.builder()
  :name("summarizer")
  :model(ARGS.model)
  :system_prompt("Summarize the user's text in " .. string.format(form, ARGS.sentences) .. ".")
  :temperature(0.2)
  :build()

local reply = agent:execute(ARGS.text)
if not reply.success then
  error("the summary failed: " .. reply.error.message)
end
print(string.format("Summary of %d words (%s, %d %s max):", words, ARGS.style, ARGS.sentences,
  ARGS.style == "bullets" and "items" or "sentences"))
print(reply.text)

return { words = words, summary = reply.text, model = reply.metadata.model }
