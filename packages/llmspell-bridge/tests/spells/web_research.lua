-- A research pipeline over the network tools (twin of web_research.js, same report).
-- ARGS.base is the site to study; the services (GitHub, Slack, GraphQL, search, webhook
-- receiver) live there too, configured in llmspell.toml by the test.
local base = ARGS.base

local function ok(name, params)
  local r = Tool.execute(name, params)
  if not r.success then error(name .. " failed: " .. tostring(r.error and r.error.message)) end
  if r.metadata.duration_ms == nil then error(name .. " has no duration") end
  return r
end

local report = {}

-- 1. What pages does the site have? Scrape the first two for their titles.
local map = ok("sitemap-crawler", {url = base .. "/sitemap.xml", max_urls = 10})
report.sitemap_count = map.result.count
local titles = {}
for i = 2, 3 do
  local page = ok("web-scraper", {url = map.result.urls[i].loc, extract_links = true})
  titles[#titles + 1] = page.result.title
end
report.titles = titles

-- 2. Pull data from the site's APIs.
report.api_value = ok("http-requester", {url = base .. "/api/data"}).result.body.value
report.api_test_passed = ok("api-tester", {
  url = base .. "/api/data",
  expect = {status = 200, json = {["items[0]"] = "a"}, json_exists = {"nested.ok"}},
}).result.passed
report.graphql = ok("graphql-query", {
  endpoint = base .. "/graphql",
  query = "query Hi($who: String) { hello(who: $who) }",
  variables = {who = "lua"},
}).result.data.hello
report.search_first = ok("web-searcher", {query = "spells", max_results = 3}).result.results[1].url

-- 3. GitHub: open issues and the README.
local issues = ok("github-integration", {operation = "list_issues", owner = "octo", repo = "spells"})
report.open_issues = issues.result.count
report.readme_title = ok("github-integration", {
  operation = "get_file", owner = "octo", repo = "spells", path = "README.md",
}).text:match("^# (%w+)")

-- 4. Watch a page, change it, see the diff.
ok("webpage-monitor", {url = base .. "/monitor", selector = "#main", key = "lua"})
ok("http-requester", {url = base .. "/monitor", method = "POST", body = "lua edition\nstable line"})
local diff = ok("webpage-monitor", {url = base .. "/monitor", selector = "#main", key = "lua"})
report.monitor_changed = diff.result.changed
report.monitor_added = diff.result.added_lines

-- 5. Tell people: a signed webhook and a Slack message.
local summary = string.format("%d pages, %d open issues", report.sitemap_count, report.open_issues)
local hook = ok("webhook-caller", {url = base .. "/webhook", payload = {summary = summary}, event = "research.done"})
report.webhook_signed = hook.result.signed and hook.result.delivered
report.slack_ts = ok("slack-integration", {channel = "C001", text = summary}).result.ts

-- 6. The guard: metadata and private targets are refused with the rule named.
local refused, err = pcall(Tool.execute, "http-requester", {url = "http://169.254.169.254/latest/meta-data/"})
report.metadata_refused = (not refused) and tostring(err):find("ssrf_metadata_address", 1, true) ~= nil
local verdict = ok("url-analyzer", {url = "http://10.0.0.5/admin"}).result.network_policy
report.private_rule = verdict.rule

-- 7. A page built by JavaScript, rendered in headless Chromium (when the test says so).
if ARGS.js == "1" then
  local rendered = ok("web-scraper", {url = base .. "/js", render_js = true, wait_for = "#fetched", selector = "#out"})
  report.rendered = rendered.result.selected[1]
else
  report.rendered = "rendered by javascript"
end

return report
