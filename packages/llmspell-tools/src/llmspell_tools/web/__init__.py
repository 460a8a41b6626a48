"""Web tools: search, scrape, analyse and monitor pages and sitemaps (through the SSRF guard)."""
