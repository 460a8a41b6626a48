// agent-chat.js: an agent that keeps a conversation (the JavaScript twin of agent-chat.lua).
// Run: llmspell run examples/agent-chat.js [-- --model openai/gpt-4o-mini]
// I/O calls return Promises: await them. With no API key the offline `local` provider answers.
const model = ARGS.model || "local/echo";

const agent = Agent.builder()
  .name("chat")
  .model(model)
  .system_prompt("You are a concise assistant. Answer in one sentence.")
  .max_conversation_length(10)
  .build();

const questions = ["What is a spell in llmspell?", "And how do I run one?"];
for (const [i, question] of questions.entries()) {
  const reply = await agent.execute(question);
  print(`Q${i + 1}: ${question}`);
  print(`A${i + 1}: ${reply.text}`);
}

const history = agent.get_history();
print(`history entries: ${history.length}`);
print(`requests: ${agent.get_metrics().requests_total}`);
