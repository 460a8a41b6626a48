-- A tour of the built-in tools from Lua: one call per line, the way a spell uses them.
-- Returns a report table; the JavaScript twin (tools_tour.js) must return the same one.

local function ok(name, params)
  local r = Tool.execute(name, params)
  assert(r.success, name .. " failed")
  assert(r.metadata.duration_ms ~= nil, name .. " has no duration")
  return r
end

local report = {}

report.calc = ok("calculator", {expression = "sqrt(x) * 2 ^ 3", variables = {x = 16}}).result.result
report.snake = ok("text-manipulator", {operation = "snake_case", input = "HelloSpellWorld"}).text
report.replaced = ok("text-manipulator", {operation = "replace", input = "a-b", options = {from = "-", to = "+"}}).text
report.month_end = ok("datetime-handler", {operation = "add", input = "2024-01-31", amount = 1, unit = "months", format = "date"}).text
report.weekday = ok("datetime-handler", {operation = "info", input = "2024-02-10"}).result.info.weekday
report.agent_id = ok("uuid-generator", {operation = "deterministic", name = "spell-agent"}).result.id
local v7 = ok("uuid-generator", {version = "v7"}).result.uuid
report.v7 = ok("uuid-generator", {operation = "validate", uuid = v7}).result.version
report.sha256 = ok("hash-calculator", {input = "llmspell"}).result.hash
report.verified = ok("hash-calculator", {operation = "verify", input = "llmspell", expected_hash = report.sha256}).result.verified
report.base64 = ok("base64-encoder", {operation = "encode", input = "hello spell"}).text
report.decoded = ok("base64-encoder", {operation = "decode", input = report.base64}).text
report.lines_added = ok("diff-calculator", {old_text = "a\nb\n", new_text = "a\nc\nd\n"}).result.added
report.json_diff = ok("diff-calculator", {type = "json", old_json = {n = 1}, new_json = {n = 2, m = true}}).result.summary
report.valid = ok("data-validator", {
  data = {name = "Ada", age = 36},
  schema = {type = "object", required = {"name", "age"}, properties = {age = {type = "integer", minimum = 0}}},
}).result.valid
report.bad_field = ok("data-validator", {data = {age = -1}, rules = {age = {{type = "range", min = 0}}}}).result.errors[1].field
report.rendered = ok("template-engine", {
  template = "{% for u in users %}{{ u.name | upper }};{% endfor %}",
  context = {users = {{name = "ada"}, {name = "alan"}}},
}).text
report.creator = ok("template-creator", {template = "Hi {{ who }}", context = {who = "spell"}}).text
report.citation = ok("citation-formatter", {
  citations = {{title = "Notes", author = "Lovelace, Ada", year = 1843, journal = "Memoirs"}},
}).text
report.adults = ok("json-processor", {
  input = {users = {{name = "ada", age = 36}, {name = "kid", age = 9}}},
  query = "[.users[] | select(.age >= 18) | .name]",
}).result.result
report.jmespath = ok("json-processor", {input = {a = {{x = 1}, {x = 2}}}, query = "a[?x > `1`].x"}).result.result
local csv = "name,age\nada,36\nalan,41\nkid,9\n"
local stats = ok("csv-analyzer", {content = csv}).result
report.csv_median = stats.columns[2].median
report.csv_over_30 = ok("csv-analyzer", {
  operation = "filter", content = csv, conditions = {{column = "age", op = "gt", value = 30}},
}).result.row_count
local graph = ok("graph-builder", {operation = "create", edges = {{"plan", "build"}, {"build", "ship"}}}).result.graph
graph = ok("graph-builder", {operation = "add_edge", graph = graph, source = "plan", target = "ship"}).result.graph
local analysis = ok("graph-builder", {operation = "analyze", graph = graph, source = "plan", target = "ship"}).result
report.path = analysis.shortest_path
report.order = analysis.topological_order

Tool.register{
  name = "reverse-words",
  description = "Reverse the order of words",
  parameters = {type = "object", properties = {text = {type = "string"}}, required = {"text"}},
  handler = function(params)
    local words = {}
    for word in params.text:gmatch("%S+") do table.insert(words, 1, word) end
    return {text = table.concat(words, " "), result = {count = #words}}
  end,
}
local reversed = ok("reverse-words", {text = "one two three"})
report.custom = reversed.text
report.custom_count = reversed.result.count
local ok_call, err = pcall(Tool.execute, "reverse-words", {})
report.custom_error = (not ok_call) and tostring(err):find("parameter 'text' is required", 1, true) ~= nil

report.many_tools = #Tool.list() >= 14
local categories = table.concat(Tool.categories(), ",")
report.categories = categories:find("utility", 1, true) ~= nil and categories:find("data", 1, true) ~= nil
report.data_tools = #Tool.discover{category = "data"} >= 3
report.exists = Tool.exists("graph-builder") and not Tool.exists("no-such-tool")
report.schema_type = Tool.get("calculator").schema.type
report.index_category = Tool["json-processor"].category
report.method_call = Tool.get("calculator"):execute({expression = "6*7"}).text
local failed, message = pcall(Tool.execute, "calculatr", {expression = "1"})
report.suggestion = (not failed) and tostring(message):find("did you mean calculator", 1, true) ~= nil

return report
