"""Evaluating conditions for branches, guarded steps, ``while`` loops and ``break_when``.

"Shared data" is looked up, by dotted key, in this run's step results, then in its State scope
(``workflow:<execution_id>``, which scripts may write to), then in the workflow input, then in
the ``global`` State scope (``State.set(key, v)`` from a spell).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, cast

from llmspell_core.errors import LLMSpellError
from llmspell_utils import to_jsonable
from llmspell_workflows.execution import Execution, Frame
from llmspell_workflows.spec import ConditionSpec

__all__ = ["evaluate", "lookup_shared"]

_ABSENT = object()


def _walk(value: Any, path: Sequence[str]) -> Any:
    current = value
    for segment in path:
        if isinstance(current, Mapping):
            mapping = cast("Mapping[str, Any]", current)
            if segment not in mapping:
                return _ABSENT
            current = mapping[segment]
        elif isinstance(current, list | tuple) and segment.lstrip("-").isdigit():
            items = cast("Sequence[Any]", current)
            index = int(segment)
            if not -len(items) <= index < len(items):
                return _ABSENT
            current = items[index]
        else:
            return _ABSENT
    return current


async def lookup_shared(ex: Execution, key: str) -> tuple[bool, Any]:
    """``(found, value)`` for a dotted shared-data key."""
    head, *rest = key.split(".")
    if head in ex.results:
        found = _walk(ex.results[head], rest)
        if found is not _ABSENT:
            return True, found
    stored = await ex.ctx.state.get(ex.scope, head)
    if stored is not None:
        found = _walk(stored, rest)
        if found is not _ABSENT:
            return True, found
    found = _walk(ex.input, [head, *rest])
    if found is not _ABSENT:
        return True, found
    stored = await ex.ctx.state.get("global", head)
    if stored is not None:
        found = _walk(stored, rest)
        if found is not _ABSENT:
            return True, found
    return False, None


def _haystack(result: Mapping[str, Any]) -> str:
    text = result.get("text")
    parts = [text if isinstance(text, str) else ""]
    value = result.get("result")
    if value is not None and not isinstance(value, str):
        try:
            parts.append(json.dumps(to_jsonable(value), ensure_ascii=False))
        except LLMSpellError:
            parts.append(str(value))
    elif isinstance(value, str) and value != text:
        parts.append(value)
    return "\n".join(parts)


def _equals(expected: Any, actual: Any) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual
    return bool(expected == actual)


async def evaluate(
    cond: ConditionSpec, ex: Execution, frame: Frame, *, step: str | None = None
) -> bool:
    """Whether ``cond`` holds now."""
    kind = cond.type
    if kind == "always":
        return True
    if kind == "never":
        return False
    if kind in ("shared_data_equals", "shared_data_exists"):
        assert cond.key is not None
        found, value = await lookup_shared(ex, cond.key)
        if kind == "shared_data_exists":
            return found and value is not None
        return found and _equals(cond.value, value)
    if kind in ("step_output_contains", "step_output_equals", "step_succeeded", "step_failed"):
        assert cond.step is not None
        result = ex.results.get(cond.step)
        if result is None or result.get("skipped"):
            return False
        if kind == "step_succeeded":
            return bool(result.get("success"))
        if kind == "step_failed":
            return not result.get("success")
        if kind == "step_output_contains":
            needle = cond.value if isinstance(cond.value, str) else json.dumps(cond.value)
            return needle in _haystack(result)
        return _equals(cond.value, result.get("text")) or _equals(cond.value, result.get("result"))
    if kind == "and":
        for inner in cond.conditions:
            if not await evaluate(inner, ex, frame, step=step):
                return False
        return True
    if kind == "or":
        for inner in cond.conditions:
            if await evaluate(inner, ex, frame, step=step):
                return True
        return False
    if kind == "not":
        assert cond.condition is not None
        return not await evaluate(cond.condition, ex, frame, step=step)
    assert cond.fn is not None
    argument: Any = ex.context_table(frame, step)
    if cond.fn.is_script:
        argument = to_jsonable(argument)
    return cond.fn.truthy(await cond.fn(argument))
