"""Counters an agent keeps about its own work (``agent:get_metrics()``).

A call is counted when it ends (done, failed or cancelled), all of it at once.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from llmspell_core.usage import Usage

__all__ = ["AgentMetrics"]


@dataclass
class AgentMetrics:
    """Totals since the agent was built; ``provider_requests`` counts model round trips."""

    requests_total: int = 0
    requests_failed: int = 0
    provider_requests: int = 0
    tool_invocations: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    total_latency_ms: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def record(
        self,
        usage: Usage,
        latency_ms: float,
        failed: bool,
        provider_requests: int,
        tool_invocations: int,
    ) -> None:
        """Add one finished execute/stream call (one lock round trip per call)."""
        with self._lock:
            self.requests_total += 1
            self.requests_failed += failed
            self.provider_requests += provider_requests
            self.tool_invocations += tool_invocations
            self.input_tokens += usage.input_tokens
            self.output_tokens += usage.output_tokens
            self.total_latency_ms += latency_ms

    def to_dict(self) -> dict[str, int | float]:
        with self._lock:
            return {
                "requests_total": self.requests_total,
                "requests_failed": self.requests_failed,
                "provider_requests": self.provider_requests,
                "tool_invocations": self.tool_invocations,
                "input_tokens": self.input_tokens,
                "output_tokens": self.output_tokens,
                "total_latency_ms": round(self.total_latency_ms, 3),
            }
