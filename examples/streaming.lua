-- streaming.lua: an agent's reply chunk by chunk, as the provider produces it.
-- Run: llmspell run examples/streaming.lua
local agent = Agent.builder():name("streamer"):model(ARGS.model or "local/echo"):build()

-- 1. A generic for over agent:stream(...): each chunk is {text, index, done, usage?}.
local pieces = {}
for chunk in agent:stream("Tell me about streaming in three short words") do
  if chunk.text ~= "" then
    pieces[#pieces + 1] = chunk.text
    print(string.format("chunk %d: %q", chunk.index, chunk.text))
  end
end
print("stream assembled: " .. table.concat(pieces))

-- 2. invokeStream calls a function per chunk and returns a summary.
local count = 0
local summary = agent:invokeStream("count these chunks", function(chunk)
  count = count + 1
end)
print(string.format("invokeStream: %d chunks, callback saw %d", summary.chunks_received, count))

-- 3. Streaming.create turns a coroutine body into a stream of values.
local countdown = Streaming.create(function()
  for n = 3, 1, -1 do coroutine.yield(n) end
end)
local seen = {}
while not countdown:isDone() do
  local value = countdown:next()
  if value ~= nil then seen[#seen + 1] = tostring(value) end
end
print("countdown: " .. table.concat(seen, " "))

return { chunks = #pieces, invoke_chunks = summary.chunks_received }
