"""Render a page in a real headless Chromium (the system's ``/usr/bin/chromium``, via playwright).

The browser never touches the network itself: every request it makes is intercepted and
fetched by the tool's SSRF-guarded client (refused targets are aborted), then fulfilled from
that response. As a second wall the browser is pointed at a proxy port that refuses
connections, so anything that escaped interception (WebSockets, a redirect the browser
followed on its own, prefetches) fails instead of reaching the network. Each render uses a
fresh profile directory, removed afterwards. No browser is ever downloaded.
"""

from __future__ import annotations

import contextlib
import os
import socket
import tempfile
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from llmspell_core.errors import LLMSpellError, SecurityError, ToolError
from llmspell_core.extras import import_optional
from llmspell_tools.framework import section_key
from llmspell_tools.network import SafeHttpClient, redact_url

if TYPE_CHECKING:
    from playwright.async_api import Route

__all__ = ["DEFAULT_CHROMIUM", "LAUNCH_ARGS", "RenderedPage", "find_chromium", "render_page"]

DEFAULT_CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--dns-prefetch-disable",
    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
)
#: Response headers that describe the wire, not the (already decoded) body we hand back.
_HOP_HEADERS = frozenset(
    {"content-length", "content-encoding", "transfer-encoding", "connection", "keep-alive"}
)
_MAX_BROWSER_REQUESTS = 300


@dataclass
class RenderedPage:
    html: str
    url: str
    final_url: str
    status_code: int | None
    blocked: list[dict[str, Any]] = field(default_factory=list[dict[str, Any]])
    requests: int = 0
    truncated: bool = False


def find_chromium(configured: str | None, tool: str) -> str:
    """The Chromium executable to drive, or a ToolError saying how to get one."""
    path = configured or os.environ.get("LLMSPELL_CHROMIUM") or DEFAULT_CHROMIUM
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        raise ToolError(
            f"{tool}: JavaScript rendering needs Chromium, not found at {path}; install the "
            f"system package (Debian: apt-get install chromium) or set "
            f"{section_key(tool)} chromium_path",
            code="BROWSER_MISSING",
            details={"path": path, "config_key": f"{section_key(tool)} chromium_path"},
        )
    return path


def _refusing_port() -> socket.socket:
    """A bound, never-listening socket: connecting to its port is refused."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    return sock


async def render_page(
    url: str,
    http: SafeHttpClient,
    *,
    chromium: str,
    timeout_ms: float,
    wait_for: str | None = None,
    wait_ms: int = 0,
    tool: str,
) -> RenderedPage:
    """Load ``url`` in headless Chromium with all traffic through ``http``; return the DOM."""
    import_optional(
        "playwright.async_api",
        what=f"{tool} JavaScript rendering",
        distribution="llmspell-tools",
        extra="web",
    )
    from playwright.async_api import Error as PlaywrightError
    from playwright.async_api import async_playwright

    page_state = RenderedPage(html="", url=url, final_url=url, status_code=None)
    refused: list[SecurityError] = []  # the main document's own refusal, re-raised as is

    async def route(route: Route) -> None:
        request = route.request
        page_state.requests += 1
        if page_state.requests > _MAX_BROWSER_REQUESTS:
            page_state.truncated = True
            await route.abort("blockedbyclient")
            return
        headers = {
            k: v
            for k, v in request.headers.items()
            if k.lower() not in ("host", "content-length", "accept-encoding", "cookie")
        }
        try:
            response = await http.request(
                request.method, request.url, headers=headers, content=request.post_data_buffer
            )
        except SecurityError as exc:
            if request.is_navigation_request() and request.frame.parent_frame is None:
                refused.append(exc)
            page_state.blocked.append(
                {"url": redact_url(request.url), "rule": exc.details.get("rule")}
            )
            await route.abort("blockedbyclient")
            return
        except LLMSpellError:
            await route.abort("failed")
            return
        if request.is_navigation_request() and request.frame.parent_frame is None:
            page_state.final_url = response.url
            page_state.status_code = response.status_code
        page_state.truncated = page_state.truncated or response.truncated
        await route.fulfill(
            status=response.status_code,
            headers={k: v for k, v in response.headers.items() if k not in _HOP_HEADERS},
            body=response.content,
        )

    proxy = _refusing_port()
    profile = tempfile.mkdtemp(prefix="llmspell-chromium-")
    try:
        port = proxy.getsockname()[1]
        async with async_playwright() as playwright:
            context = await playwright.chromium.launch_persistent_context(
                profile,
                executable_path=chromium,
                headless=True,
                args=[
                    *LAUNCH_ARGS,
                    f"--proxy-server=http://127.0.0.1:{port}",
                    "--proxy-bypass-list=<-loopback>",
                ],
                service_workers="block",
                accept_downloads=False,
                timeout=timeout_ms,
            )
            try:
                await context.route("**/*", route)
                page = await context.new_page()
                try:
                    await page.goto(url, wait_until="load", timeout=timeout_ms)
                    if wait_for:
                        await page.wait_for_selector(wait_for, timeout=timeout_ms)
                    with contextlib.suppress(PlaywrightError):
                        await page.wait_for_load_state("networkidle", timeout=min(timeout_ms, 3000))
                    if wait_ms:
                        await page.wait_for_timeout(wait_ms)
                    page_state.html = await page.content()
                except PlaywrightError as exc:
                    if refused:
                        raise refused[0] from None
                    message = str(exc).splitlines()[0]
                    raise ToolError(
                        f"{tool}: the browser could not load {redact_url(url)}: {message}",
                        code="BROWSER_ERROR",
                        details={"url": redact_url(url), "blocked": page_state.blocked},
                    ) from None
            finally:
                await context.close()
    finally:
        proxy.close()
        import shutil

        shutil.rmtree(profile, ignore_errors=True)
    return page_state
