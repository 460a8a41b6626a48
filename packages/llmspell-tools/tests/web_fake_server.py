"""A real local HTTP server (127.0.0.1, stdlib only) for the network tools' tests.

It serves HTML pages, a sitemap and sitemap index, redirects (including ones that point at
private and cloud-metadata addresses, which the tools must refuse), flaky and rate-limited
endpoints, a webhook receiver that verifies HMAC-SHA256 signatures, and APIs shaped like
GitHub's REST API, Slack's Web API and incoming webhooks, a GraphQL endpoint and six web
search providers. Every request is recorded in ``server.requests`` for assertions.

In-process: ``with FakeWebServer() as web: web.url("/page")``. As a process (for spells and
the CLI): ``python web_fake_server.py`` prints the base URL on stdout and serves until killed.
"""

from __future__ import annotations

import base64
import contextlib
import gzip
import hashlib
import hmac
import json
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self, cast
from urllib.parse import parse_qs, urlsplit

__all__ = [
    "GITHUB_TOKEN",
    "SEARCH_KEYS",
    "SLACK_TOKEN",
    "WEBHOOK_SECRET",
    "FakeWebServer",
    "Recorded",
]

WEBHOOK_SECRET = "whsec-test-secret"
GITHUB_TOKEN = "ghp_testtoken123"
SLACK_TOKEN = "xoxb-test-token"
GRAPHQL_TOKEN = "gql-token-1"
SEARCH_KEYS = {
    "brave": "brave-key-1",
    "tavily": "tvly-key-1",
    "serpapi": "serp-key-1",
    "bing": "bing-key-1",
    "google": "google-key-1",
}
GOOGLE_CX = "cx-123"


@dataclass
class Recorded:
    """One request as the server saw it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def _page(title: str, body: str, head: str = "") -> str:
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>{head}</head>"
        f"<body>{body}</body></html>"
    )


HOME = _page(
    "Spell Home",
    """<h1>Welcome to spells</h1>
<p class="intro">Spells drive <b>agents</b> and tools.</p>
<ul id="items"><li class="item">alpha</li><li class="item">beta</li><li class="item">gamma</li></ul>
<a href="/page/1">Page one</a> <a href="/page/2">Page two</a>
<a href="https://example.org/out">Outside</a> <a href="mailto:a@b.c">Mail</a>
<img src="/logo.png" alt="logo">
<script>var hidden = "script text is not page text";</script>""",
    head="""<meta name="description" content="A home for spells">
<meta name="keywords" content="lua, js">
<meta property="og:title" content="Spell OG Title">
<meta property="og:type" content="website">
<meta property="og:image" content="/og.png">
<meta name="twitter:card" content="summary">
<link rel="canonical" href="/">
<link rel="icon" href="/favicon.ico">""",
)

JS_PAGE = _page(
    "JS page",
    """<div id="static">static text</div><div id="out">waiting</div><div id="ssrf">pending</div>
<script>
document.getElementById('out').textContent = 'rendered by javascript';
fetch('/api/data').then(r => r.json()).then(d => {
  const el = document.createElement('p'); el.id = 'fetched'; el.textContent = 'fetched ' + d.value;
  document.body.appendChild(el);
});
fetch('http://169.254.169.254/latest/meta-data/').then(
  () => { document.getElementById('ssrf').textContent = 'metadata reached'; },
  () => { document.getElementById('ssrf').textContent = 'metadata blocked'; });
</script>""",
)


def _urlset(base: str, paths: list[str]) -> bytes:
    items = "".join(
        f"<url><loc>{base}{p}</loc><lastmod>2024-01-0{i % 9 + 1}</lastmod>"
        f"<changefreq>weekly</changefreq><priority>0.{i % 9 + 1}</priority></url>"
        for i, p in enumerate(paths)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</urlset>'
    ).encode()


def _index(base: str, paths: list[str]) -> bytes:
    items = "".join(f"<sitemap><loc>{base}{p}</loc></sitemap>" for p in paths)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}'
        "</sitemapindex>"
    ).encode()


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&lol3;</loc></url></urlset>"""

ISSUES = [
    {
        "number": n,
        "title": f"Issue {n}",
        "state": "open" if n % 2 else "closed",
        "body": f"Body of issue {n}",
        "html_url": f"https://github.com/octo/spells/issues/{n}",
        "user": {"login": "octocat"},
        "labels": [{"name": "bug"}] if n % 3 == 0 else [],
        "comments": n,
        "created_at": "2024-01-01T00:00:00Z",
        "updated_at": "2024-01-02T00:00:00Z",
    }
    for n in range(1, 8)
]
PULLS = [
    {
        "number": 10 + n,
        "title": f"PR {n}",
        "state": "open",
        "body": f"PR body {n}",
        "html_url": f"https://github.com/octo/spells/pull/{10 + n}",
        "user": {"login": "octocat"},
        "head": {"ref": f"feature-{n}"},
        "base": {"ref": "main"},
        "draft": False,
        "merged": False,
        "created_at": "2024-02-01T00:00:00Z",
        "updated_at": "2024-02-02T00:00:00Z",
    }
    for n in range(1, 4)
]
README = "# Spells\n\nHello from the fake GitHub.\n"
SLACK_CHANNELS = [
    {"id": f"C{n:03d}", "name": f"channel-{n}", "is_private": False, "num_members": n * 3}
    for n in range(1, 6)
]


@dataclass
class _State:
    requests: list[Recorded] = field(default_factory=list[Recorded])
    counters: dict[str, int] = field(default_factory=dict[str, int])
    webhooks: list[dict[str, Any]] = field(default_factory=list[dict[str, Any]])
    slack_messages: list[dict[str, Any]] = field(default_factory=list[dict[str, Any]])
    created_issues: list[dict[str, Any]] = field(default_factory=list[dict[str, Any]])
    monitor_text: str = "version one\nstable line\n"
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body leave at once (no delayed-ACK stall)

    @property
    def web(self) -> _Server:
        return cast("_Server", self.server)

    def log_message(self, format: str, *args: Any) -> None:
        return

    # -- plumbing ---------------------------------------------------------------------
    def _record(self) -> Recorded:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        recorded = Recorded(
            method=self.command,
            path=parts.path,
            query=parse_qs(parts.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
        )
        with self.web.state.lock:
            self.web.state.requests.append(recorded)
        return recorded

    def _send(
        self,
        status: int,
        body: bytes | str = b"",
        content_type: str = "text/plain; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _json(self, status: int, value: Any, headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(value), "application/json", headers)

    def _count(self, key: str) -> int:
        with self.web.state.lock:
            n = self.web.state.counters.get(key, 0) + 1
            self.web.state.counters[key] = n
            return n

    def _base(self) -> str:
        host = self.headers.get("host") or f"127.0.0.1:{self.web.server_port}"
        return f"http://{host}"

    def do_GET(self) -> None:
        self._dispatch()

    def do_HEAD(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_PATCH(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def do_OPTIONS(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        req = self._record()
        path = req.path
        q = {k: v[-1] for k, v in req.query.items()}
        for prefix, handler in self.web.routes:
            if path == prefix or path.startswith(prefix.rstrip("/") + "/"):
                handler(self, req, q)
                return
        self._send(404, f"no route for {path}")

    # -- pages ------------------------------------------------------------------------
    def home(self, req: Recorded, q: dict[str, str]) -> None:
        self._send(200, HOME, "text/html; charset=utf-8")

    def page(self, req: Recorded, q: dict[str, str]) -> None:
        n = req.path.rsplit("/", 1)[-1]
        self._send(
            200,
            _page(f"Page {n}", f"<h1>Page {n}</h1><p>Content of page {n}.</p><a href='/'>home</a>"),
            "text/html; charset=utf-8",
        )

    def js(self, req: Recorded, q: dict[str, str]) -> None:
        self._send(200, JS_PAGE, "text/html; charset=utf-8")

    def api_data(self, req: Recorded, q: dict[str, str]) -> None:
        self._json(200, {"value": 42, "items": ["a", "b"], "nested": {"ok": True}})

    def echo(self, req: Recorded, q: dict[str, str]) -> None:
        body_text = req.body.decode("utf-8", "replace")
        parsed: Any = None
        if req.headers.get("content-type", "").startswith("application/json") and req.body:
            parsed = json.loads(req.body)
        self._json(
            200,
            {
                "method": req.method,
                "path": req.path,
                "query": q,
                "headers": req.headers,
                "body": body_text,
                "json": parsed,
            },
            {"Set-Cookie": "session=abc123", "X-Echo": "yes"},
        )

    def status(self, req: Recorded, q: dict[str, str]) -> None:
        code = int(req.path.rsplit("/", 1)[-1])
        self._json(code, {"status": code})

    def flaky(self, req: Recorded, q: dict[str, str]) -> None:
        """Fails with ``code`` (503) the first ``fail`` calls per ``key``."""
        n = self._count(f"flaky:{q.get('key', '')}")
        if n <= int(q.get("fail", "2")):
            code = int(q.get("code", "503"))
            headers = {"Retry-After": "0"} if code == 429 else {}
            self._json(code, {"attempt": n, "error": "try again"}, headers)
        else:
            self._json(200, {"attempt": n, "ok": True})

    def large(self, req: Recorded, q: dict[str, str]) -> None:
        size = int(q.get("size", "100000"))
        self._send(200, b"x" * size)

    def slow(self, req: Recorded, q: dict[str, str]) -> None:
        time.sleep(float(q.get("delay", "1")))
        self._json(200, {"slow": True})

    def monitor(self, req: Recorded, q: dict[str, str]) -> None:
        if req.method in ("POST", "PUT"):  # lets a separate process change the page
            self.web.state.monitor_text = req.body.decode()
            self._json(200, {"set": True})
            return
        text = self.web.state.monitor_text
        lines = "".join(f"<p>{line}</p>" for line in text.splitlines())
        self._send(
            200,
            _page("Monitored", f"<div id='main'>{lines}</div><div id='clock'>{time.time()}</div>"),
            "text/html; charset=utf-8",
        )

    # -- redirects --------------------------------------------------------------------
    def redirect(self, req: Recorded, q: dict[str, str]) -> None:
        """``/redirect?to=URL&status=302``; ``/redirect/chain/N`` hops N times then lands."""
        parts = req.path.split("/")
        if len(parts) >= 4 and parts[2] == "chain":
            n = int(parts[3])
            target = f"/redirect/chain/{n - 1}" if n > 1 else "/echo"
            self._send(302, b"", headers={"Location": target})
            return
        named = {
            "/redirect/private": "http://10.0.0.1/admin",
            "/redirect/metadata": "http://169.254.169.254/latest/meta-data/",
            "/redirect/metadata-v6": "http://[fd00:ec2::254]/latest/meta-data/",
            "/redirect/google-metadata": "http://metadata.google.internal/computeMetadata/v1/",
            "/redirect/loopback-name": f"http://localhost:{self.web.server_port}/echo",
            "/redirect/file": "file:///etc/passwd",
        }
        target = named.get(req.path, q.get("to", "/echo"))
        self._send(int(q.get("status", "302")), b"", headers={"Location": target})

    # -- sitemaps ---------------------------------------------------------------------
    def robots(self, req: Recorded, q: dict[str, str]) -> None:
        self._send(200, f"User-agent: *\nDisallow:\nSitemap: {self._base()}/sitemap_index.xml\n")

    def sitemaps(self, req: Recorded, q: dict[str, str]) -> None:
        base = self._base()
        xml = "application/xml"
        name = req.path.lstrip("/")
        if name == "sitemap.xml":
            self._send(200, _urlset(base, ["/", "/page/1", "/page/2", "/page/3"]), xml)
        elif name == "sitemap_index.xml":
            self._send(200, _index(base, ["/sitemap-a.xml", "/sitemap-b.xml.gz"]), xml)
        elif name == "sitemap-a.xml":
            self._send(200, _urlset(base, [f"/page/{i}" for i in range(1, 6)]), xml)
        elif name == "sitemap-b.xml.gz":
            data = gzip.compress(_urlset(base, [f"/page/{i}" for i in range(6, 9)]))
            self._send(200, data, "application/x-gzip")
        elif name == "sitemap-deep.xml":
            self._send(200, _index(base, ["/sitemap-deeper.xml"]), xml)
        elif name == "sitemap-deeper.xml":
            self._send(200, _index(base, ["/sitemap.xml"]), xml)
        elif name == "sitemap-big.xml":
            self._send(200, _urlset(base, [f"/page/{i}" for i in range(500)]), xml)
        elif name == "sitemap-loop.xml":
            self._send(200, _index(base, ["/sitemap-loop.xml", "/sitemap.xml"]), xml)
        elif name == "sitemap-evil.xml":
            self._send(200, BILLION_LAUGHS, xml)
        elif name == "sitemap-private.xml":
            self._send(
                200,
                _index(base, ["/sitemap.xml"]).replace(
                    f"{base}/sitemap.xml".encode(), b"http://169.254.169.254/sitemap.xml"
                ),
                xml,
            )
        else:
            self._send(404, "no sitemap")

    # -- webhook receiver -------------------------------------------------------------
    def webhook(self, req: Recorded, q: dict[str, str]) -> None:
        n = self._count("webhook")
        if n <= int(q.get("fail", "0")):
            self._json(503, {"error": "busy"})
            return
        header = req.headers.get(q.get("header", "x-signature-256").lower(), "")
        expected = (
            "sha256=" + hmac.new(WEBHOOK_SECRET.encode(), req.body, hashlib.sha256).hexdigest()
        )
        verified = hmac.compare_digest(header, expected)
        with self.web.state.lock:
            self.web.state.webhooks.append(
                {"verified": verified, "body": req.body.decode(), "headers": req.headers}
            )
        if not verified:
            self._json(401, {"error": "bad signature"})
            return
        self._json(200, {"received": True, "delivery": req.headers.get("x-webhook-id")})

    # -- GraphQL ----------------------------------------------------------------------
    def graphql(self, req: Recorded, q: dict[str, str]) -> None:
        if req.headers.get("authorization") != f"Bearer {GRAPHQL_TOKEN}" and req.path.endswith(
            "/private"
        ):
            self._json(401, {"errors": [{"message": "unauthorized"}]})
            return
        payload: dict[str, Any] = json.loads(req.body or b"{}")
        query = str(payload.get("query", ""))
        variables: dict[str, Any] = payload.get("variables") or {}
        if "__schema" in query:
            self._json(
                200,
                {
                    "data": {
                        "__schema": {
                            "queryType": {"name": "Query"},
                            "mutationType": {"name": "Mutation"},
                            "types": [
                                {"kind": "OBJECT", "name": "Query", "fields": [{"name": "hello"}]},
                                {"kind": "OBJECT", "name": "Item", "fields": [{"name": "id"}]},
                            ],
                        }
                    }
                },
            )
        elif "broken" in query:
            self._json(200, {"data": None, "errors": [{"message": "Cannot query field 'broken'"}]})
        elif query.lstrip().startswith("mutation"):
            self._json(
                200,
                {"data": {"createItem": {"id": "item-1", "name": variables.get("name")}}},
            )
        else:
            self._json(
                200,
                {
                    "data": {
                        "hello": f"hello {variables.get('who', 'world')}",
                        "items": [{"id": "1"}, {"id": "2"}],
                        "operationName": payload.get("operationName"),
                    }
                },
            )

    # -- search providers -------------------------------------------------------------
    def search(self, req: Recorded, q: dict[str, str]) -> None:
        provider = req.path.split("/")[2]
        hits = [
            ("Lua spells guide", "https://example.com/lua", "How to write Lua spells."),
            ("JS spells guide", "https://example.com/js", "How to write JavaScript spells."),
            ("Agents & tools", "https://example.com/agents", "Agents call tools."),
        ]
        key_ok = True
        if provider == "duckduckgo":
            form = parse_qs(req.body.decode())
            term = (form.get("q") or [q.get("q", "")])[0]
            items = "".join(
                f'<div class="result results_links web-result"><h2 class="result__title">'
                f'<a class="result__a" href="//duckduckgo.com/l/?uddg={u.replace(":", "%3A")}'
                f'&amp;rut=abc">{t}</a></h2><a class="result__snippet" href="#">{s} ({term})</a>'
                f"</div>"
                for t, u, s in hits
            )
            self._send(200, _page("DDG", f"<div id='links'>{items}</div>"), "text/html")
            return
        if provider == "brave":
            key_ok = req.headers.get("x-subscription-token") == SEARCH_KEYS["brave"]
            body: Any = {
                "web": {"results": [{"title": t, "url": u, "description": s} for t, u, s in hits]}
            }
        elif provider == "tavily":
            key_ok = req.headers.get("authorization") == f"Bearer {SEARCH_KEYS['tavily']}"
            body = {
                "results": [{"title": t, "url": u, "content": s, "score": 0.9} for t, u, s in hits]
            }
        elif provider == "serpapi":
            key_ok = q.get("api_key") == SEARCH_KEYS["serpapi"]
            body = {
                "organic_results": [
                    {"title": t, "link": u, "snippet": s, "position": i + 1}
                    for i, (t, u, s) in enumerate(hits)
                ]
            }
        elif provider == "bing":
            key_ok = req.headers.get("ocp-apim-subscription-key") == SEARCH_KEYS["bing"]
            body = {
                "webPages": {"value": [{"name": t, "url": u, "snippet": s} for t, u, s in hits]}
            }
        elif provider == "google":
            key_ok = q.get("key") == SEARCH_KEYS["google"] and q.get("cx") == GOOGLE_CX
            body = {"items": [{"title": t, "link": u, "snippet": s} for t, u, s in hits]}
        else:
            self._send(404, "unknown provider")
            return
        if not key_ok:
            self._json(401, {"error": "invalid api key"})
            return
        self._json(200, body)

    # -- Slack ------------------------------------------------------------------------
    def slack(self, req: Recorded, q: dict[str, str]) -> None:
        if req.path.startswith("/slack/webhook/"):
            if req.path != "/slack/webhook/T000/B000/XXXX":
                self._send(404, "no_service")
                return
            payload = req.json()
            with self.web.state.lock:
                self.web.state.slack_messages.append({"via": "webhook", **payload})
            self._send(200, "ok")
            return
        if req.headers.get("authorization") != f"Bearer {SLACK_TOKEN}":
            self._json(200, {"ok": False, "error": "invalid_auth"})
            return
        method = req.path.rsplit("/", 1)[-1]
        if method == "chat.postMessage":
            payload = req.json()
            if payload.get("channel") == "C404":
                self._json(200, {"ok": False, "error": "channel_not_found"})
                return
            with self.web.state.lock:
                self.web.state.slack_messages.append({"via": "api", **payload})
            self._json(
                200,
                {
                    "ok": True,
                    "channel": payload.get("channel"),
                    "ts": "1700000000.000100",
                    "message": {"text": payload.get("text")},
                },
            )
        elif method == "conversations.list":
            cursor = int(q.get("cursor") or 0)
            limit = int(q.get("limit", "100"))
            page = SLACK_CHANNELS[cursor : cursor + limit]
            following = cursor + limit
            self._json(
                200,
                {
                    "ok": True,
                    "channels": page,
                    "response_metadata": {
                        "next_cursor": str(following) if following < len(SLACK_CHANNELS) else ""
                    },
                },
            )
        else:
            self._json(200, {"ok": False, "error": "unknown_method"})

    # -- GitHub -----------------------------------------------------------------------
    def github(self, req: Recorded, q: dict[str, str]) -> None:
        if req.headers.get("authorization") != f"Bearer {GITHUB_TOKEN}":
            self._json(401, {"message": "Bad credentials"})
            return
        parts = req.path.split("/")[2:]
        base = self._base() + "/github"
        if parts[:1] == ["user"]:
            self._json(200, {"login": "octocat", "id": 1})
            return
        if parts[:1] in (["users"], ["orgs"]) and parts[2:] == ["repos"]:
            self._json(
                200, [{"full_name": f"{parts[1]}/spells", "name": "spells", "private": False}]
            )
            return
        if len(parts) < 3 or parts[0] != "repos":
            self._json(404, {"message": "Not Found"})
            return
        owner, repo, rest = parts[1], parts[2], parts[3:]
        if (owner, repo) != ("octo", "spells"):
            self._json(404, {"message": "Not Found"})
            return
        if not rest:
            self._json(
                200,
                {
                    "full_name": "octo/spells",
                    "description": "Spells repo",
                    "stargazers_count": 42,
                    "forks_count": 7,
                    "open_issues_count": 4,
                    "default_branch": "main",
                    "html_url": "https://github.com/octo/spells",
                    "language": "Lua",
                    "private": False,
                },
            )
        elif rest == ["issues"] and req.method == "POST":
            payload = req.json()
            issue = {
                "number": 100 + len(self.web.state.created_issues),
                "title": payload["title"],
                "body": payload.get("body"),
                "state": "open",
                "html_url": "https://github.com/octo/spells/issues/100",
                "labels": [{"name": name} for name in payload.get("labels", [])],
                "user": {"login": "octocat"},
            }
            with self.web.state.lock:
                self.web.state.created_issues.append(issue)
            self._json(201, issue)
        elif rest == ["issues"]:
            state = q.get("state", "open")
            items = [i for i in ISSUES if state == "all" or i["state"] == state]
            per_page = int(q.get("per_page", "30"))
            page = int(q.get("page", "1"))
            chunk = items[(page - 1) * per_page : page * per_page]
            headers: dict[str, str] = {}
            if page * per_page < len(items):
                headers["Link"] = (
                    f"<{base}/repos/octo/spells/issues?state={state}&per_page={per_page}"
                    f'&page={page + 1}>; rel="next"'
                )
            self._json(200, chunk, headers)
        elif len(rest) == 2 and rest[0] == "issues":
            found = [i for i in ISSUES if str(i["number"]) == rest[1]]
            self._json(200, found[0]) if found else self._json(404, {"message": "Not Found"})
        elif rest == ["pulls"]:
            self._json(200, PULLS)
        elif len(rest) == 2 and rest[0] == "pulls":
            found = [p for p in PULLS if str(p["number"]) == rest[1]]
            self._json(200, found[0]) if found else self._json(404, {"message": "Not Found"})
        elif rest[:1] == ["contents"]:
            path = "/".join(rest[1:])
            if path != "README.md":
                self._json(404, {"message": "Not Found"})
                return
            self._json(
                200,
                {
                    "type": "file",
                    "name": "README.md",
                    "path": "README.md",
                    "sha": "abc123",
                    "size": len(README),
                    "encoding": "base64",
                    "content": base64.encodebytes(README.encode()).decode(),
                    "html_url": "https://github.com/octo/spells/blob/main/README.md",
                    "ref": q.get("ref", "main"),
                },
            )
        else:
            self._json(404, {"message": "Not Found"})


Route = Callable[[_Handler, Recorded, dict[str, str]], None]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state = _State()
        self.routes: list[tuple[str, Route]] = [
            ("/page", _Handler.page),
            ("/js", _Handler.js),
            ("/api/data", _Handler.api_data),
            ("/echo", _Handler.echo),
            ("/status", _Handler.status),
            ("/flaky", _Handler.flaky),
            ("/large", _Handler.large),
            ("/slow", _Handler.slow),
            ("/monitor", _Handler.monitor),
            ("/redirect", _Handler.redirect),
            ("/robots.txt", _Handler.robots),
            ("/sitemap.xml", _Handler.sitemaps),
            ("/sitemap_index.xml", _Handler.sitemaps),
            ("/sitemap-a.xml", _Handler.sitemaps),
            ("/sitemap-b.xml.gz", _Handler.sitemaps),
            ("/sitemap-deep.xml", _Handler.sitemaps),
            ("/sitemap-deeper.xml", _Handler.sitemaps),
            ("/sitemap-big.xml", _Handler.sitemaps),
            ("/sitemap-loop.xml", _Handler.sitemaps),
            ("/sitemap-evil.xml", _Handler.sitemaps),
            ("/sitemap-private.xml", _Handler.sitemaps),
            ("/webhook", _Handler.webhook),
            ("/graphql", _Handler.graphql),
            ("/search", _Handler.search),
            ("/slack", _Handler.slack),
            ("/github", _Handler.github),
            ("/", _Handler.home),
        ]

    def handle_error(self, request: Any, client_address: Any) -> None:
        return  # clients that hang up early (size caps) are expected


class FakeWebServer:
    """Start on enter, stop on exit; ``url(path)`` gives absolute URLs."""

    def __init__(self) -> None:
        self._server = _Server()
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    @property
    def port(self) -> int:
        return self._server.server_port

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    @property
    def requests(self) -> list[Recorded]:
        with self._server.state.lock:
            return list(self._server.state.requests)

    def requests_to(self, path: str) -> list[Recorded]:
        return [r for r in self.requests if r.path == path]

    @property
    def webhooks(self) -> list[dict[str, Any]]:
        return list(self._server.state.webhooks)

    @property
    def slack_messages(self) -> list[dict[str, Any]]:
        return list(self._server.state.slack_messages)

    @property
    def created_issues(self) -> list[dict[str, Any]]:
        return list(self._server.state.created_issues)

    def set_monitor_text(self, text: str) -> None:
        self._server.state.monitor_text = text


def main() -> None:
    """Serve until killed; the first stdout line is the base URL."""
    with FakeWebServer() as web:
        sys.stdout.write(web.base_url + "\n")
        sys.stdout.flush()
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
