// workflow-parallel.js: parallel and sequential workflows from JavaScript.
// Run: llmspell run examples/workflow-parallel.js
const fanOut = Workflow.parallel({
  name: "fan-out",
  max_concurrency: 3,
  steps: [
    { name: "a", type: "tool", tool: "calculator", input: { expression: "6 * 7" } },
    { name: "b", type: "tool", tool: "calculator", input: { expression: "2 ^ 10" } },
    { name: "c", type: "tool", tool: "uuid-generator", input: { operation: "generate" } },
  ],
});
const parallel = await fanOut.execute({});
print(`parallel ok: ${parallel.success}, 6*7=${parallel.result.steps.a.result.result}, 2^10=${parallel.result.steps.b.result.result}`);

const writer = Agent.builder().name("writer").model("local/echo").build();
const pipeline = Workflow.builder()
  .name("pipeline")
  .sequential()
  .add_step({ name: "phrase", type: "tool", tool: "text-manipulator", input: { operation: "uppercase", input: "spells for everyone" } })
  .add_step({ name: "digest", type: "tool", tool: "hash-calculator", input: { operation: "hash", algorithm: "md5", input: "{{steps.phrase.text}}" } })
  .add_step({ name: "report", type: "agent", agent: "writer", input: "The md5 of '{{steps.phrase.text}}' is {{steps.digest.result.hash}}" })
  .build();
const run = await pipeline.execute({});
print(`sequential ok: ${run.success}, steps: ${run.metadata.total_steps}`);
print(`report: ${run.result.steps.report.text}`);
