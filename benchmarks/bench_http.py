"""http-requester throughput against plain httpx, both hitting the same local HTTP server.

Budget (issue 6): a GET through ``http-requester`` — parameter validation, the SSRF policy
(URL check, DNS resolution and address check on each new connection), the per-host rate
limiter, the streamed size cap, secret scrubbing and the result table — costs at most 1.2x a
plain ``httpx.AsyncClient().get`` of the same URL in the same process.

Both sides do the same work per call: open a client, one GET of a small JSON body, read it,
parse the JSON, close the client — so each pays one new TCP connection — and both reuse one
process-wide SSL context (the tool caches its own; building one loads the CA bundle, ~20 ms,
which would otherwise swamp everything). For reference (no budget) two more httpx figures are
printed: a default client per request (building its SSL context each time) and one kept-alive
client for all requests (the floor a long-lived connection pool reaches). The server runs in a separate process so its work does not
share this process's GIL with the side being timed. The tool's rate limit is raised so the
limiter is exercised but never waits.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable

from benchkit import Bench, Timing

from llmspell_core.catalog import Catalog
from llmspell_core.config import LLMSpellConfig
from llmspell_core.context import ExecutionContext

CALLS = 300
REPEAT = 7
BUDGET = 1.2

SERVER = r"""
import json, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BODY = json.dumps({"value": 42, "items": list(range(20)), "name": "bench"}).encode()

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # no 40 ms delayed-ACK stall between headers and body
    def log_message(self, *args):
        pass
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)

server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(server.server_port, flush=True)
server.serve_forever()
"""


def measure(cases: dict[str, Callable[[], Awaitable[None]]]) -> dict[str, Timing]:
    """Time every case in turn, repeat after repeat, so drift on a busy machine hits all alike."""

    async def run() -> dict[str, list[float]]:
        samples: dict[str, list[float]] = {label: [] for label in cases}
        for once in cases.values():
            for _ in range(30):  # warm up imports, SSL contexts, the server's threads
                await once()
        for _ in range(REPEAT):
            for label, once in cases.items():
                started = time.perf_counter()
                for _ in range(CALLS):
                    await once()
                samples[label].append((time.perf_counter() - started) / CALLS)
        return samples

    return {
        label: Timing(label, min(values), statistics.median(values), CALLS * REPEAT)
        for label, values in asyncio.run(run()).items()
    }


def main() -> int:
    import httpx

    server = subprocess.Popen([sys.executable, "-c", SERVER], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        url = f"http://127.0.0.1:{server.stdout.readline().strip()}/data"
        config = LLMSpellConfig(
            tools={
                "network": {
                    "allowed_hosts": ["127.0.0.1"],
                    "rate_limit_per_second": 1e9,
                    "rate_limit_burst": 1_000_000,
                }
            }
        )
        catalog = Catalog(config)
        tool = catalog.get_tool("http-requester")
        ctx = ExecutionContext(config=config, services=catalog, state=catalog.state)

        async def tool_call() -> None:
            out = await tool.execute({"url": url}, ctx)
            if not out.success or out.result["body"]["value"] != 42:
                raise RuntimeError(f"bad result: {out.text}")

        context = httpx.create_ssl_context()

        async def httpx_call() -> None:
            async with httpx.AsyncClient(verify=context) as client:
                response = await client.get(url)
                if json.loads(response.content)["value"] != 42:
                    raise RuntimeError("bad body")

        async def httpx_default() -> None:
            async with httpx.AsyncClient() as client:
                response = await client.get(url)
                if json.loads(response.content)["value"] != 42:
                    raise RuntimeError("bad body")

        shared: list[httpx.AsyncClient] = []

        async def httpx_keepalive() -> None:
            if not shared:
                shared.append(httpx.AsyncClient())
            response = await shared[0].get(url)
            if json.loads(response.content)["value"] != 42:
                raise RuntimeError("bad body")

        bench = Bench("http-requester vs plain httpx (local server, sequential GETs)")
        timings = measure(
            {
                "httpx: a client per request": httpx_call,
                "http-requester tool call": tool_call,
                "httpx: one kept-alive client (reference)": httpx_keepalive,
            }
        )
        for timing in timings.values():
            bench.timing(timing)
        plain = timings["httpx: a client per request"]
        ours = timings["http-requester tool call"]
        bench.timing(
            measure({"httpx: default client per request (reference)": httpx_default})[
                "httpx: default client per request (reference)"
            ]
        )
        print(f"   throughput: http-requester {1 / ours.best:.0f} req/s, "
              f"httpx {1 / plain.best:.0f} req/s")  # fmt: skip
        bench.ratio("http-requester / httpx", ours, plain, budget=BUDGET)
        return bench.finish()
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
