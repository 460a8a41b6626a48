-- workflow-pipeline.lua: sequential, parallel and conditional workflows over tools and agents.
-- Run: llmspell run examples/workflow-pipeline.lua
-- Later steps read earlier results with {{steps.<name>.text}} / {{steps.<name>.result.<path>}}.
local writer = Agent.builder():name("writer"):model("local/echo"):build()

local pipeline = Workflow.builder()
  :name("pipeline")
  :description("hash a phrase, then have an agent report the hash")
  :sequential()
  :add_step({ name = "phrase", type = "tool", tool = "text-manipulator",
              input = { operation = "uppercase", input = "spells for everyone" } })
  :add_step({ name = "digest", type = "tool", tool = "hash-calculator",
              input = { operation = "hash", algorithm = "md5", input = "{{steps.phrase.text}}" } })
  :add_step({ name = "report", type = "agent", agent = "writer",
              input = "The md5 of '{{steps.phrase.text}}' is {{steps.digest.result.hash}}" })
  :build()

local run = pipeline:execute({})
print("sequential ok: " .. tostring(run.success) .. ", steps: " .. run.metadata.total_steps)
print("report: " .. run.result.steps.report.text)

-- Parallel branches run at the same time (bounded by max_concurrency).
local fan_out = Workflow.parallel({
  name = "fan-out",
  max_concurrency = 3,
  steps = {
    { name = "a", type = "tool", tool = "calculator", input = { expression = "6 * 7" } },
    { name = "b", type = "tool", tool = "calculator", input = { expression = "2 ^ 10" } },
    { name = "c", type = "tool", tool = "uuid-generator", input = { operation = "generate" } },
  },
})
local parallel = fan_out:execute({})
print(string.format("parallel ok: %s, 6*7=%s, 2^10=%s",
  tostring(parallel.success), parallel.result.steps.a.result.result, parallel.result.steps.b.result.result))

-- Conditional: branch on shared data.
local router = Workflow.builder()
  :name("router")
  :conditional()
  :condition({ type = "shared_data_equals", key = "mode", value = "loud" })
  :add_then_step({ name = "loud", type = "tool", tool = "text-manipulator",
                   input = { operation = "uppercase", input = "branch taken" } })
  :add_else_step({ name = "quiet", type = "tool", tool = "text-manipulator",
                   input = { operation = "lowercase", input = "ELSE BRANCH" } })
  :build()
local routed = router:execute({ mode = "loud" })
print("conditional: " .. routed.text)

return { sequential = run.success, parallel = parallel.success }
