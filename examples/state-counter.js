// state-counter.js: State keeps values across calls (the JavaScript twin of state-counter.lua).
// Run: llmspell run examples/state-counter.js [-- --times 5]
const times = Number(ARGS.times || "3");
for (let i = 0; i < times; i++) {
  const current = State.load("global", "visits") ?? 0;
  State.save("global", "visits", current + 1);
}
print(`visits: ${State.load("global", "visits")}`);

State.save("agent:helper", "profile", { name: "helper", skills: ["lua", "js"] });
const profile = State.load("agent:helper", "profile");
print(`profile: ${profile.name} knows ${profile.skills.join(", ")}`);

State.set("greeting", "hello");
print(`greeting: ${State.get("greeting")}`);
print(`global keys: ${State.list_keys("global").sort().join(", ")}`);
State.delete("global", "greeting");
print(`after delete: ${State.load("global", "greeting") ?? "nil"}`);
