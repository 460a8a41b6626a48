-- The integration data tools chained from Lua: SQL rows -> records -> statistics -> YAML/XML ->
-- text analysis -> a chart on disk. Run with `-- --dir <folder>`; the JavaScript twin
-- (data_tools.js) must return the same report.

local dir = ARGS.dir

local function ok(name, params)
  local r = Tool.execute(name, params)
  assert(r.success, name .. " failed")
  return r
end

local report = {}

-- a real SQLite database ("sales" is a named connection in the runtime's config)
ok("database-connector", {
  operation = "execute", database = "sales", allow_write = true,
  query = "CREATE TABLE sales (region TEXT, product TEXT, qty INTEGER, price REAL)",
})
local rows = {
  {"north", "tea", 3, 2.5}, {"north", "coffee", 1, 4.0}, {"south", "tea", 5, 2.5},
  {"south", "tea", 2, 3.0}, {"east", "coffee", 4, 4.5},
}
for _, row in ipairs(rows) do
  ok("database-connector", {
    operation = "execute", database = "sales", allow_write = true,
    query = "INSERT INTO sales VALUES (?, ?, ?, ?)", params = row,
  })
end
local refused, why = pcall(Tool.execute, "database-connector", {database = "sales", query = "DELETE FROM sales"})
report.write_refused = (not refused) and tostring(why):find("allow_write", 1, true) ~= nil

local q = ok("database-connector", {
  database = "sales",
  query = "SELECT region, product, qty, price FROM sales WHERE qty >= :min ORDER BY rowid",
  params = {min = 1},
})
report.rows = q.result.row_count

-- records: compute, aggregate, sort
local priced = ok("data-transformer", {operation = "map", data = q.result.rows, fields = {total = "qty * price"}}).result.records
local by_region = ok("data-transformer", {
  operation = "aggregate", data = priced, by = "region",
  aggregations = {revenue = "sum:total", units = "sum:qty"},
}).result.records
local ranked = ok("data-transformer", {operation = "sort", data = by_region, by = "revenue", descending = true}).result.records
report.top_region = ranked[1].region
report.top_revenue = ranked[1].revenue
report.top_units = ranked[1].units

-- statistics over a record field
report.mean_total = ok("statistical-analyzer", {data = priced, field = "total"}).result.mean
report.slope_positive = ok("statistical-analyzer", {operation = "regression", data = priced, x = "qty", y = "total"}).result.slope > 0

-- YAML and XML round trips
local yaml = ok("yaml-processor", {operation = "dump", data = {regions = ranked}, sort_keys = true}).text
report.yaml_regions = #ok("yaml-processor", {content = yaml}).result.data.regions
local xml = ok("xml-processor", {operation = "from_json", data = {region = ranked}, root = "report"}).text
report.xml_top = ok("xml-processor", {operation = "xpath", content = xml, query = "string(/report/region[1]/region)"}).result.value
report.xml_count = ok("xml-processor", {operation = "xpath", content = xml, query = "count(//region/revenue)"}).result.value

-- text analysis of a comment
local text = ok("text-analyzer", {text = "Sales in the south were excellent this quarter, a great result!"}).result
report.sentiment = text.sentiment.label
report.language = text.language.language

-- a chart written next to the database
local labels, values = {}, {}
for i, r in ipairs(ranked) do
  labels[i] = r.region
  values[i] = r.revenue
end
local chart = ok("data-visualizer", {
  chart_type = "bar", x = labels, y = values, title = "Revenue by region",
  width = 640, height = 480, path = dir .. "/revenue.png",
}).result
report.chart_file = chart.path:match("[^/]+$")
report.chart_format = chart.format

return report
