"""Pydantic models built from values already known to be valid, without checking them again.

An agent call builds a user ``Message``, a ``CompletionRequest``, the provider's
``CompletionResponse`` and the ``AgentOutput`` from values that validated models (or a
type-checked reply) already hold. Validating them again (what ``Model(...)`` does) is a
measurable part of each call, and ``model_construct`` is slower still (generic Python that
looks at every field's aliases and defaults). For plain models all that leaves behind is four
instance slots, which a builder here sets directly. Not exported from ``llmspell_utils``
itself, so importing the package does not import pydantic.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from pydantic import BaseModel

__all__ = ["trusted_builder"]

M = TypeVar("M", bound=BaseModel)

_Setter = Callable[[object, Any], None]
_slots = BaseModel.__dict__
_set_dict = cast(_Setter, _slots["__dict__"].__set__)
_set_fields_set = cast(_Setter, _slots["__pydantic_fields_set__"].__set__)
_set_extra = cast(_Setter, _slots["__pydantic_extra__"].__set__)
_set_private = cast(_Setter, _slots["__pydantic_private__"].__set__)
_new = object.__new__


def trusted_builder(cls: type[M]) -> Callable[[dict[str, Any]], M]:
    """A function making ``cls`` from a dict that gives every field a valid value.

    Only for plain models (no validators, private attributes, extras or post-init hooks: a
    builder would skip them), which is checked here, once. The dict becomes the instance's
    ``__dict__``: pass a fresh one.
    """
    checks = cls.__pydantic_decorators__
    if (
        cls.__pydantic_root_model__
        or cls.__pydantic_post_init__
        or cls.__private_attributes__
        or cls.model_config.get("extra") == "allow"
        or checks.field_validators
        or checks.model_validators
        or checks.validators
        or checks.root_validators
    ):
        raise TypeError(f"{cls.__name__} is not a plain pydantic model; build it by validation")
    fields = set(cls.model_fields)

    def build(values: dict[str, Any]) -> M:
        model = _new(cls)
        _set_dict(model, values)
        _set_fields_set(model, fields.copy())
        _set_extra(model, None)
        _set_private(model, None)
        return model

    return build
