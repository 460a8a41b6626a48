// tools-tour.js: built-in tools called directly, and a tool written in the spell.
// Run: llmspell run examples/tools-tour.js
print(`tools installed: ${Tool.list().length}`);
print(`has calculator: ${Tool.exists("calculator")}`);

const sum = await Tool.execute("calculator", { operation: "evaluate", expression: "2 * (3 + 4) ^ 2" });
print(`2 * (3 + 4) ^ 2 = ${sum.result.result}`);

const digest = await Tool.execute("hash-calculator", { operation: "hash", algorithm: "sha256", input: "llmspell" });
print(`sha256(llmspell) = ${digest.result.hash}`);

// Several calls at once: Promise.all runs them concurrently on the runtime's loop.
const [a, b] = await Promise.all([
  Tool.execute("calculator", { expression: "6 * 7" }),
  Tool.execute("calculator", { expression: "2 ^ 10" }),
]);
print(`concurrently: ${a.text} and ${b.text}`);

// A failing call rejects with an Error carrying a code.
try {
  await Tool.execute("calculater", { expression: "1" });
} catch (err) {
  print(`unknown tool caught: true (${err.code})`);
}

Tool.register({
  name: "shout",
  description: "Upper-case a text and add an exclamation mark",
  parameters: { type: "object", properties: { text: { type: "string" } }, required: ["text"] },
  handler: (params) => ({ text: params.text.toUpperCase() + "!" }),
});
const loud = await Tool.execute("shout", { text: "custom tools work" });
print(loud.text);
