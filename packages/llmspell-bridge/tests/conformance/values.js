// Numbers, strings and objects crossing the bridge.
print(1, 2.0, 0.5, -3, Math.floor(7 / 2), 10 / 4)
print(JSON.stringify({ int: 1, float: 2.5, whole: 3.0, list: [1, 2, 3], nested: { deep: { x: true } } }))
print(JSON.stringify({ nan: NaN, inf: Infinity }))
print(JSON.stringify([1, "two", false], 2))
const big = JSON.parse("9007199254740991")
print(big, Number.isInteger(big))
State.set("f", 2.5)
State.set("i", 2)
State.set("t", { a: [1, 2], b: "x" })
print(State.get("f"), State.get("i"), JSON.stringify(State.get("t")))
print(State.get("missing") === null, State.delete("global", "i"), State.delete("global", "i"))
print(JSON.stringify(State.list_keys("global")))
export default { n: 1, list: ["a", "b"], empty: JSON.parse("[]") }
