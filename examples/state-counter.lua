-- state-counter.lua: State keeps values across calls (in memory by default; per-scope keys).
-- Run: llmspell run examples/state-counter.lua [-- --times 5]
local times = tonumber(ARGS.times or "3")

for _ = 1, times do
  local current = State.load("global", "visits") or 0
  State.save("global", "visits", current + 1)
end
print("visits: " .. State.load("global", "visits"))

-- Tables round-trip; scopes keep components apart.
State.save("agent:helper", "profile", { name = "helper", skills = { "lua", "js" } })
local profile = State.load("agent:helper", "profile")
print("profile: " .. profile.name .. " knows " .. table.concat(profile.skills, ", "))

-- get/set are the global-scope shorthands.
State.set("greeting", "hello")
print("greeting: " .. State.get("greeting"))

local keys = State.list_keys("global")
table.sort(keys)
print("global keys: " .. table.concat(keys, ", "))

State.delete("global", "greeting")
print("after delete: " .. tostring(State.load("global", "greeting")))

return { visits = State.load("global", "visits") }
