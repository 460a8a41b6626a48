// A tour of the built-in tools from JavaScript: the twin of tools_tour.lua, same report.

async function ok(name, params) {
  const r = await Tool.execute(name, params);
  if (!r.success) throw new Error(`${name} failed`);
  if (r.metadata.duration_ms === undefined) throw new Error(`${name} has no duration`);
  return r;
}

const report = {};

report.calc = (await ok("calculator", { expression: "sqrt(x) * 2 ^ 3", variables: { x: 16 } })).result.result;
report.snake = (await ok("text-manipulator", { operation: "snake_case", input: "HelloSpellWorld" })).text;
report.replaced = (await ok("text-manipulator", { operation: "replace", input: "a-b", options: { from: "-", to: "+" } })).text;
report.month_end = (await ok("datetime-handler", { operation: "add", input: "2024-01-31", amount: 1, unit: "months", format: "date" })).text;
report.weekday = (await ok("datetime-handler", { operation: "info", input: "2024-02-10" })).result.info.weekday;
report.agent_id = (await ok("uuid-generator", { operation: "deterministic", name: "spell-agent" })).result.id;
const v7 = (await ok("uuid-generator", { version: "v7" })).result.uuid;
report.v7 = (await ok("uuid-generator", { operation: "validate", uuid: v7 })).result.version;
report.sha256 = (await ok("hash-calculator", { input: "llmspell" })).result.hash;
report.verified = (await ok("hash-calculator", { operation: "verify", input: "llmspell", expected_hash: report.sha256 })).result.verified;
report.base64 = (await ok("base64-encoder", { operation: "encode", input: "hello spell" })).text;
report.decoded = (await ok("base64-encoder", { operation: "decode", input: report.base64 })).text;
report.lines_added = (await ok("diff-calculator", { old_text: "a\nb\n", new_text: "a\nc\nd\n" })).result.added;
report.json_diff = (await ok("diff-calculator", { type: "json", old_json: { n: 1 }, new_json: { n: 2, m: true } })).result.summary;
report.valid = (await ok("data-validator", {
  data: { name: "Ada", age: 36 },
  schema: { type: "object", required: ["name", "age"], properties: { age: { type: "integer", minimum: 0 } } },
})).result.valid;
report.bad_field = (await ok("data-validator", { data: { age: -1 }, rules: { age: [{ type: "range", min: 0 }] } })).result.errors[0].field;
report.rendered = (await ok("template-engine", {
  template: "{% for u in users %}{{ u.name | upper }};{% endfor %}",
  context: { users: [{ name: "ada" }, { name: "alan" }] },
})).text;
report.creator = (await ok("template-creator", { template: "Hi {{ who }}", context: { who: "spell" } })).text;
report.citation = (await ok("citation-formatter", {
  citations: [{ title: "Notes", author: "Lovelace, Ada", year: 1843, journal: "Memoirs" }],
})).text;
report.adults = (await ok("json-processor", {
  input: { users: [{ name: "ada", age: 36 }, { name: "kid", age: 9 }] },
  query: "[.users[] | select(.age >= 18) | .name]",
})).result.result;
report.jmespath = (await ok("json-processor", { input: { a: [{ x: 1 }, { x: 2 }] }, query: "a[?x > `1`].x" })).result.result;
const csv = "name,age\nada,36\nalan,41\nkid,9\n";
const stats = (await ok("csv-analyzer", { content: csv })).result;
report.csv_median = stats.columns[1].median;
report.csv_over_30 = (await ok("csv-analyzer", {
  operation: "filter", content: csv, conditions: [{ column: "age", op: "gt", value: 30 }],
})).result.row_count;
let graph = (await ok("graph-builder", { operation: "create", edges: [["plan", "build"], ["build", "ship"]] })).result.graph;
graph = (await ok("graph-builder", { operation: "add_edge", graph, source: "plan", target: "ship" })).result.graph;
const analysis = (await ok("graph-builder", { operation: "analyze", graph, source: "plan", target: "ship" })).result;
report.path = analysis.shortest_path;
report.order = analysis.topological_order;

Tool.register({
  name: "reverse-words",
  description: "Reverse the order of words",
  parameters: { type: "object", properties: { text: { type: "string" } }, required: ["text"] },
  handler: (params) => {
    const words = params.text.split(/\s+/).filter((w) => w).reverse();
    return { text: words.join(" "), result: { count: words.length } };
  },
});
const reversed = await ok("reverse-words", { text: "one two three" });
report.custom = reversed.text;
report.custom_count = reversed.result.count;
try {
  await Tool.execute("reverse-words", {});
  report.custom_error = false;
} catch (e) {
  report.custom_error = e.message.includes("parameter 'text' is required") && e.code === "VALIDATION_ERROR";
}

report.many_tools = Tool.list().length >= 14;
const categories = Tool.categories();
report.categories = categories.includes("utility") && categories.includes("data");
report.data_tools = Tool.discover({ category: "data" }).length >= 3;
report.exists = Tool.exists("graph-builder") && !Tool.exists("no-such-tool");
report.schema_type = Tool.get("calculator").schema.type;
report.index_category = Tool["json-processor"].category;
report.method_call = (await Tool.get("calculator").execute({ expression: "6*7" })).text;
try {
  await Tool.execute("calculatr", { expression: "1" });
  report.suggestion = false;
} catch (e) {
  report.suggestion = e.message.includes("did you mean calculator");
}

return report;
