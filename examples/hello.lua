-- hello.lua: the smallest spell; no LLM needed.
--   llmspell run examples/hello.lua
--   llmspell run examples/hello.lua -- Ada --greeting Hi
-- examples/hello.js is the same spell in JavaScript and prints exactly the same lines.

local name = ARGS[1] or "World"
local greeting = ARGS.greeting or "Hello"
print(greeting .. ", " .. name .. "!")

-- State is shared with agents and workflows; in memory unless [state] says otherwise.
local visits = (State.get("visits") or 0) + 1
State.set("visits", visits)
State.save("spell:hello", "last_name", name)
print("visits:", visits, "last name:", State.load("spell:hello", "last_name"))

-- JSON round-trips: integers stay integers, 2.0 prints as 2.
local data = JSON.parse('{"numbers": [1, 2, 3.5], "nested": {"ok": true}}')
local sum = 0
for _, n in ipairs(data.numbers) do
  sum = sum + n
end
print("sum:", sum, "ok:", data.nested.ok)
print(JSON.stringify({name = name, visits = visits, half = sum / 2}))

-- API errors are catchable, with a message and a code.
local ok, err = pcall(JSON.parse, "{not json")
print("caught:", not ok, err.code)

-- The return value is the spell's result (shown with --output json).
return {greeted = name, visits = visits}
