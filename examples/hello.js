// hello.js: the smallest spell; no LLM needed.
//   llmspell run examples/hello.js
//   llmspell run examples/hello.js -- Ada --greeting Hi
// examples/hello.lua is the same spell in Lua and prints exactly the same lines.

const name = ARGS[1] ?? "World"
const greeting = ARGS.greeting ?? "Hello"
print(`${greeting}, ${name}!`)

// State is shared with agents and workflows; in memory unless [state] says otherwise.
const visits = (State.get("visits") ?? 0) + 1
State.set("visits", visits)
State.save("spell:hello", "last_name", name)
print("visits:", visits, "last name:", State.load("spell:hello", "last_name"))

// JSON round-trips: integers stay integers, 2.0 prints as 2.
const data = JSON.parse('{"numbers": [1, 2, 3.5], "nested": {"ok": true}}')
let sum = 0
for (const n of data.numbers) {
  sum += n
}
print("sum:", sum, "ok:", data.nested.ok)
print(JSON.stringify({ name, visits, half: sum / 2 }))

// API errors are catchable, with a message and a code.
try {
  JSON.parse("{not json")
} catch (err) {
  print("caught:", true, err.code)
}

// The default export is the spell's result (shown with --output json).
export default { greeted: name, visits }
