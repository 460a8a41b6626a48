-- agent-chat.lua: an agent that keeps a conversation.
-- Run: llmspell run examples/agent-chat.lua [-- --model openai/gpt-4o-mini]
-- With no API key the offline `local` provider answers (it echoes, and says so).
local model = ARGS.model or "local/echo"

local agent = Agent.builder()
  :name("chat")
  :model(model)
  :system_prompt("You are a concise assistant. Answer in one sentence.")
  :max_conversation_length(10)
  :build()

local questions = {
  "What is a spell in llmspell?",
  "And how do I run one?",
}
for i, question in ipairs(questions) do
  local reply = agent:execute(question)
  print(string.format("Q%d: %s", i, question))
  print(string.format("A%d: %s", i, reply.text))
end

-- The agent remembers the conversation: system prompt excluded, both turns of each exchange.
local history = agent:get_history()
print("history entries: " .. #history)
local metrics = agent:get_metrics()
print("requests: " .. metrics.requests_total)

return { turns = #questions, history = #history, model = agent:get_config().model }
