-- research: one agent step per topic in a parallel workflow, notes saved in State.
local researcher = Agent.builder()
  :name("researcher")
  :model(ARGS.model)
  :system_prompt("Give one key fact about the topic.")
  :build()

local steps = {}
for i, topic in ipairs(ARGS.topics) do
  steps[#steps + 1] = { name = "topic" .. i, type = "agent", agent = "researcher",
                        input = "Key fact about " .. topic }
end

local workflow = Workflow.parallel({
  name = "research",
  max_concurrency = ARGS.concurrency,
  steps = steps,
})
local run = workflow:execute({})
print(string.format("researched %d topics (%d at a time): %s", #ARGS.topics, ARGS.concurrency,
  run.success and "ok" or "with failures"))

for i, topic in ipairs(ARGS.topics) do
  local note = run.result.steps["topic" .. i].text
  State.save(ARGS.notes_scope, topic, note)
  print("- " .. topic .. ": " .. note)
end

local saved = State.list_keys(ARGS.notes_scope)
print(string.format("%d notes saved in scope '%s'", #saved, ARGS.notes_scope))
return { topics = #ARGS.topics, saved = #saved, success = run.success }
