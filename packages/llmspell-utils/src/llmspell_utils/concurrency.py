"""Run an async function over many items with at most ``limit`` running at once.

Results come back in input order. By default the first failure cancels the work still running
and is re-raised as itself (not wrapped in an ``ExceptionGroup``), so callers see the real error.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from typing import Literal, TypeVar, cast, overload

__all__ = ["concurrent_map"]

T = TypeVar("T")
R = TypeVar("R")


@overload
async def concurrent_map(
    fn: Callable[[T], Awaitable[R]],
    items: Iterable[T],
    *,
    limit: int,
    return_exceptions: Literal[False] = False,
) -> list[R]: ...
@overload
async def concurrent_map(
    fn: Callable[[T], Awaitable[R]],
    items: Iterable[T],
    *,
    limit: int,
    return_exceptions: Literal[True],
) -> list[R | Exception]: ...
async def concurrent_map(
    fn: Callable[[T], Awaitable[R]],
    items: Iterable[T],
    *,
    limit: int,
    return_exceptions: bool = False,
) -> list[R] | list[R | Exception]:
    """``[await fn(item) for item in items]`` with up to ``limit`` calls in flight.

    With ``return_exceptions=True`` every item runs and a failing one leaves its exception in
    its slot instead of stopping the rest.
    """
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    inputs = list(items)
    results: list[R | Exception | None] = [None] * len(inputs)
    semaphore = asyncio.Semaphore(limit)
    first_error: list[Exception] = []

    async def run_one(index: int) -> None:
        async with semaphore:
            if first_error:  # a slot freed by the failure itself must not start new work
                return
            try:
                results[index] = await fn(inputs[index])
            except Exception as error:
                if not return_exceptions:
                    first_error.append(error)
                    raise
                results[index] = error

    tasks = [asyncio.create_task(run_one(index)) for index in range(len(inputs))]
    if not tasks:
        return []
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        if first_error:
            raise first_error[0]
        for task in tasks:
            if not task.done() or task.cancelled():
                # fn itself raised CancelledError; surface it rather than a hole in results
                raise asyncio.CancelledError
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return cast("list[R] | list[R | Exception]", results)
