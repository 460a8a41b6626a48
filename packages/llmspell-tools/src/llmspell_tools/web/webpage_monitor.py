"""webpage-monitor: has a page changed since the last check? (a unified diff of its text)

The last snapshot is kept in the spell's State (``ctx.state``, scope ``tool:webpage-monitor``),
so checks in one run — or across runs with a persistent state backend — compare to it.
Monitoring a CSS selector or ignoring lines by regex keeps clocks and ads from counting.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import time
from typing import Any, ClassVar, cast

from pydantic import Field

from llmspell_core.errors import ValidationError
from llmspell_core.tool_types import SecurityLevel, ToolOutput
from llmspell_tools.framework import BaseTool, Invocation, ToolParams, example
from llmspell_tools.network import NetworkSettings, SafeHttpClient, redact_url
from llmspell_tools.web._html import node_text, parse_html, readable_text

__all__ = ["STATE_SCOPE", "WebpageMonitor", "WebpageMonitorParams"]

STATE_SCOPE = "tool:webpage-monitor"


class WebpageMonitorParams(ToolParams):
    url: str = Field(min_length=1, description="page to watch")
    selector: str | None = Field(default=None, description="watch only this CSS selector")
    ignore_patterns: list[str] | None = Field(
        default=None, description="regexes; matching lines are left out (clocks, counters)"
    )
    key: str | None = Field(default=None, description="snapshot name (default: the URL)")
    context_lines: int = Field(default=3, ge=0, le=50, description="diff context lines")
    reset: bool = Field(default=False, description="forget the previous snapshot first")


def _compile(patterns: list[str]) -> list[re.Pattern[str]]:
    out: list[re.Pattern[str]] = []
    for i, pattern in enumerate(patterns):
        try:
            out.append(re.compile(pattern))
        except re.error as exc:
            raise ValidationError(
                f"webpage-monitor: ignore_patterns[{i}] is not a valid regex: {exc}",
                details={"field": f"ignore_patterns.{i}", "rule": "regex"},
            ) from None
    return out


class WebpageMonitor(BaseTool[WebpageMonitorParams]):
    tool_name = "webpage-monitor"
    description = (
        "Fetch a page (or one CSS-selected part) and report whether its text changed since "
        "the last check, with a unified diff; snapshots are kept in State."
    )
    tool_category = "web"
    tags = ("web", "monitor", "diff", "change-detection")
    params_model = WebpageMonitorParams
    settings_model = NetworkSettings
    security_level = SecurityLevel.RESTRICTED
    timeout_seconds = 60.0
    examples: ClassVar[tuple[dict[str, Any], ...]] = (
        example("Watch a page's heading", url="http://example.com/", selector="h1"),
    )

    async def run(self, params: WebpageMonitorParams, call: Invocation) -> ToolOutput:
        call.operation = "check"
        ignore = _compile(params.ignore_patterns or [])
        async with SafeHttpClient.for_call(call) as http:
            response = await http.request("GET", params.url)
        if not 200 <= response.status_code < 400:
            return call.fail(
                f"HTTP {response.status_code} from {redact_url(response.url)}",
                f"HTTP_{response.status_code}",
                {"url": redact_url(params.url), "status_code": response.status_code},
            )
        if "html" in response.content_type or not response.content_type:
            tree = parse_html(response.text, self.name)
            if params.selector:
                try:
                    nodes = tree.css(params.selector)
                except Exception as exc:
                    raise ValidationError(
                        f"webpage-monitor: invalid CSS selector {params.selector!r}: {exc}",
                        details={"field": "selector", "rule": "css_selector"},
                    ) from None
                text = "\n".join(node_text(n) for n in nodes)
            else:
                text = readable_text(tree)
        else:
            text = response.text
        lines = [line for line in text.splitlines() if not any(p.search(line) for p in ignore)]
        text = "\n".join(lines)
        digest = hashlib.sha256(text.encode()).hexdigest()
        key = params.key or params.url
        store = call.ctx.state
        if params.reset:
            await store.delete(STATE_SCOPE, key)
        previous: Any = await store.get(STATE_SCOPE, key)
        now = time.time()
        snapshot = {"url": redact_url(params.url), "text": text, "hash": digest, "checked_at": now}
        await store.set(STATE_SCOPE, key, snapshot)
        result: dict[str, Any] = {
            "url": redact_url(params.url),
            "key": key,
            "hash": digest,
            "checked_at": now,
            "status_code": response.status_code,
            "selector": params.selector,
        }
        if not isinstance(previous, dict) or "text" not in previous:
            previous = None
        if previous is None:
            result.update(
                changed=False,
                first_check=True,
                diff="",
                added_lines=0,
                removed_lines=0,
                previous_hash=None,
                previous_checked_at=None,
                text=call.limit_text(text),
            )
            return call.ok(f"first snapshot of {redact_url(params.url)} saved", result)
        before = cast("dict[str, Any]", previous)
        old_text = str(before["text"])
        diff_lines = list(
            difflib.unified_diff(
                old_text.splitlines(),
                lines,
                fromfile="previous",
                tofile="current",
                n=params.context_lines,
                lineterm="",
            )
        )
        added = sum(1 for d in diff_lines if d.startswith("+") and not d.startswith("+++"))
        removed = sum(1 for d in diff_lines if d.startswith("-") and not d.startswith("---"))
        changed = before.get("hash") != digest
        diff = call.limit_text("\n".join(diff_lines))
        result.update(
            changed=changed,
            first_check=False,
            diff=diff,
            added_lines=added,
            removed_lines=removed,
            previous_hash=before.get("hash"),
            previous_checked_at=before.get("checked_at"),
            text=call.limit_text(text),
        )
        if not changed:
            return call.ok(f"{redact_url(params.url)} unchanged", result)
        return call.ok(
            f"{redact_url(params.url)} changed: +{added} -{removed} lines\n{diff}", result
        )
