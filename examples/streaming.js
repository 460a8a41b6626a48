// streaming.js: an agent's reply chunk by chunk, with `for await`.
// Run: llmspell run examples/streaming.js
const agent = Agent.builder().name("streamer").model(ARGS.model || "local/echo").build();

const pieces = [];
for await (const chunk of agent.stream("Tell me about streaming in three short words")) {
  if (chunk.text !== "") {
    pieces.push(chunk.text);
    print(`chunk ${chunk.index}: ${JSON.stringify(chunk.text)}`);
  }
}
print(`stream assembled: ${pieces.join("")}`);

let count = 0;
const summary = await agent.invokeStream("count these chunks", () => {
  count += 1;
});
print(`invokeStream: ${summary.chunks_received} chunks, callback saw ${count}`);
