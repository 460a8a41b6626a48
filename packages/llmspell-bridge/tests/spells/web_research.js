// A research pipeline over the network tools (twin of web_research.lua, same report).
const base = ARGS.base;

async function ok(name, params) {
  const r = await Tool.execute(name, params);
  if (!r.success) throw new Error(`${name} failed: ${r.error && r.error.message}`);
  if (r.metadata.duration_ms === undefined) throw new Error(`${name} has no duration`);
  return r;
}

const report = {};

// 1. Sitemap, then the first two pages scraped concurrently.
const map = await ok("sitemap-crawler", { url: `${base}/sitemap.xml`, max_urls: 10 });
report.sitemap_count = map.result.count;
const pages = await Promise.all(
  map.result.urls.slice(1, 3).map((u) => ok("web-scraper", { url: u.loc, extract_links: true })),
);
report.titles = pages.map((p) => p.result.title);

// 2. APIs, all at once.
const [data, test, gql, search] = await Promise.all([
  ok("http-requester", { url: `${base}/api/data` }),
  ok("api-tester", {
    url: `${base}/api/data`,
    expect: { status: 200, json: { "items[0]": "a" }, json_exists: ["nested.ok"] },
  }),
  ok("graphql-query", {
    endpoint: `${base}/graphql`,
    query: "query Hi($who: String) { hello(who: $who) }",
    variables: { who: "lua" },
  }),
  ok("web-searcher", { query: "spells", max_results: 3 }),
]);
report.api_value = data.result.body.value;
report.api_test_passed = test.result.passed;
report.graphql = gql.result.data.hello;
report.search_first = search.result.results[0].url;

// 3. GitHub.
const issues = await ok("github-integration", { operation: "list_issues", owner: "octo", repo: "spells" });
report.open_issues = issues.result.count;
const readme = await ok("github-integration", { operation: "get_file", owner: "octo", repo: "spells", path: "README.md" });
report.readme_title = readme.text.match(/^# (\w+)/)[1];

// 4. Watch, change, diff.
await ok("webpage-monitor", { url: `${base}/monitor`, selector: "#main", key: "js" });
await ok("http-requester", { url: `${base}/monitor`, method: "POST", body: "js edition\nstable line" });
const diff = await ok("webpage-monitor", { url: `${base}/monitor`, selector: "#main", key: "js" });
report.monitor_changed = diff.result.changed;
report.monitor_added = diff.result.added_lines;

// 5. Notify.
const summary = `${report.sitemap_count} pages, ${report.open_issues} open issues`;
const hook = await ok("webhook-caller", { url: `${base}/webhook`, payload: { summary }, event: "research.done" });
report.webhook_signed = hook.result.signed && hook.result.delivered;
report.slack_ts = (await ok("slack-integration", { channel: "C001", text: summary })).result.ts;

// 6. The guard.
try {
  await Tool.execute("http-requester", { url: "http://169.254.169.254/latest/meta-data/" });
  report.metadata_refused = false;
} catch (e) {
  report.metadata_refused = e.message.includes("ssrf_metadata_address");
}
report.private_rule = (await ok("url-analyzer", { url: "http://10.0.0.5/admin" })).result.network_policy.rule;

// 7. JavaScript-built page in headless Chromium.
if (ARGS.js === "1") {
  const rendered = await ok("web-scraper", { url: `${base}/js`, render_js: true, wait_for: "#fetched", selector: "#out" });
  report.rendered = rendered.result.selected[0];
} else {
  report.rendered = "rendered by javascript";
}

return report;
