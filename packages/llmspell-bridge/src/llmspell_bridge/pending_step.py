"""A generator body's step that settles later: a JavaScript ``async function*``.

An engine's ``iterate`` runs on the script thread and cannot wait there for a Promise (the
JS job queue moves only while the script thread pumps it). For an async generator it yields
``PendingStep(future)`` instead of a value; whoever drives the iterator awaits the future on
the runtime loop and ``send``s the settled step back, and the iterator goes on from there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from concurrent.futures import Future

__all__ = ["PendingStep"]


class PendingStep:
    """The future of a step; send its result back into the iterator that yielded this."""

    __slots__ = ("future",)

    def __init__(self, future: Future[Any]) -> None:
        self.future = future

    def __repr__(self) -> str:
        return "<pending generator step>"
