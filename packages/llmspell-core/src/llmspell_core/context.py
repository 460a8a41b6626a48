"""The context every operation runs under: who asked, until when, and under which rules.

Passing one object down (script → workflow → agent → provider/tool) is what lets a spell's
deadline and Ctrl-C reach a provider call three levels deep.
"""

from __future__ import annotations

import time
import uuid
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from llmspell_core.cancellation import CancellationToken
from llmspell_core.config import LLMSpellConfig
from llmspell_core.errors import CancelledError, TimeoutError
from llmspell_core.state import InMemoryStateStore, StateStore

if TYPE_CHECKING:
    from llmspell_core.services import Services

__all__ = ["ExecutionContext"]


def _correlation_id() -> str:
    return uuid.uuid4().hex


class ExecutionContext(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    correlation_id: str = Field(default_factory=_correlation_id)
    #: Absolute ``time.monotonic()`` instant after which work must stop; None = no deadline.
    deadline: float | None = None
    cancellation: CancellationToken = Field(default_factory=CancellationToken)
    state: StateStore = Field(default_factory=InMemoryStateStore)
    config: LLMSpellConfig = Field(default_factory=LLMSpellConfig)
    #: The runtime's component lookup (tools, agents, workflows, providers), when there is one.
    services: Any = None
    #: Free-form values a caller wants to hand down (e.g. the spell's file name).
    extras: dict[str, Any] = Field(default_factory=dict[str, Any])

    @classmethod
    def with_timeout(cls, seconds: float | None, **kwargs: Any) -> ExecutionContext:
        deadline = None if seconds is None else time.monotonic() + seconds
        return cls(deadline=deadline, **kwargs)

    def remaining(self) -> float | None:
        """Seconds left before the deadline (never negative), or None without one."""
        if self.deadline is None:
            return None
        return max(0.0, self.deadline - time.monotonic())

    def expired(self) -> bool:
        return self.deadline is not None and time.monotonic() >= self.deadline

    def check(self, what: str = "operation") -> None:
        """Raise if cancelled or past the deadline; call between steps of long work."""
        if self.cancellation.cancelled:
            raise CancelledError(f"{what} cancelled: {self.cancellation.reason or 'cancelled'}")
        if self.expired():
            raise TimeoutError(f"{what} stopped: the spell's time limit was reached")

    def timeout_for(self, own_timeout: float | None) -> float | None:
        """The tighter of an operation's own timeout and the time left."""
        left = self.remaining()
        if own_timeout is None:
            return left
        if left is None:
            return own_timeout
        return min(own_timeout, left)

    def child(self, **overrides: Any) -> ExecutionContext:
        """A context sharing cancellation, state and services, with some fields replaced."""
        return self.model_copy(update=overrides)

    def get_services(self) -> Services:
        """The runtime's services, or a clear error when none were provided."""
        from llmspell_core.errors import LLMSpellError

        if self.services is None:
            raise LLMSpellError(
                "no services in this ExecutionContext; create one with "
                "ExecutionContext(services=Catalog(...))"
            )
        return self.services  # type: ignore[no-any-return]
