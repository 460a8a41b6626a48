// The integration data tools chained from JavaScript: the twin of data_tools.lua, same report.

const dir = ARGS.dir;

async function ok(name, params) {
  const r = await Tool.execute(name, params);
  if (!r.success) throw new Error(`${name} failed`);
  return r;
}

const report = {};

// a real SQLite database ("sales" is a named connection in the runtime's config)
await ok("database-connector", {
  operation: "execute", database: "sales", allow_write: true,
  query: "CREATE TABLE sales (region TEXT, product TEXT, qty INTEGER, price REAL)",
});
const rows = [
  ["north", "tea", 3, 2.5], ["north", "coffee", 1, 4.0], ["south", "tea", 5, 2.5],
  ["south", "tea", 2, 3.0], ["east", "coffee", 4, 4.5],
];
for (const row of rows) {
  await ok("database-connector", {
    operation: "execute", database: "sales", allow_write: true,
    query: "INSERT INTO sales VALUES (?, ?, ?, ?)", params: row,
  });
}
try {
  await Tool.execute("database-connector", { database: "sales", query: "DELETE FROM sales" });
  report.write_refused = false;
} catch (e) {
  report.write_refused = String(e.message).includes("allow_write");
}

const q = await ok("database-connector", {
  database: "sales",
  query: "SELECT region, product, qty, price FROM sales WHERE qty >= :min ORDER BY rowid",
  params: { min: 1 },
});
report.rows = q.result.row_count;

// records: compute, aggregate, sort
const priced = (await ok("data-transformer", { operation: "map", data: q.result.rows, fields: { total: "qty * price" } })).result.records;
const byRegion = (await ok("data-transformer", {
  operation: "aggregate", data: priced, by: "region",
  aggregations: { revenue: "sum:total", units: "sum:qty" },
})).result.records;
const ranked = (await ok("data-transformer", { operation: "sort", data: byRegion, by: "revenue", descending: true })).result.records;
report.top_region = ranked[0].region;
report.top_revenue = ranked[0].revenue;
report.top_units = ranked[0].units;

// statistics over a record field
report.mean_total = (await ok("statistical-analyzer", { data: priced, field: "total" })).result.mean;
report.slope_positive = (await ok("statistical-analyzer", { operation: "regression", data: priced, x: "qty", y: "total" })).result.slope > 0;

// YAML and XML round trips
const yaml = (await ok("yaml-processor", { operation: "dump", data: { regions: ranked }, sort_keys: true })).text;
report.yaml_regions = (await ok("yaml-processor", { content: yaml })).result.data.regions.length;
const xml = (await ok("xml-processor", { operation: "from_json", data: { region: ranked }, root: "report" })).text;
report.xml_top = (await ok("xml-processor", { operation: "xpath", content: xml, query: "string(/report/region[1]/region)" })).result.value;
report.xml_count = (await ok("xml-processor", { operation: "xpath", content: xml, query: "count(//region/revenue)" })).result.value;

// text analysis of a comment
const text = (await ok("text-analyzer", { text: "Sales in the south were excellent this quarter, a great result!" })).result;
report.sentiment = text.sentiment.label;
report.language = text.language.language;

// a chart written next to the database
const chart = (await ok("data-visualizer", {
  chart_type: "bar", x: ranked.map((r) => r.region), y: ranked.map((r) => r.revenue),
  title: "Revenue by region", width: 640, height: 480, path: `${dir}/revenue.png`,
})).result;
report.chart_file = chart.path.split("/").pop();
report.chart_format = chart.format;

return report;
