"""``trusted_builder``: a plain pydantic model built from valid values equals the validated one."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict, PrivateAttr, field_validator

from llmspell_core.media import MediaContent
from llmspell_core.messages import Message, Role
from llmspell_utils.trusted_models import trusted_builder


def test_a_trusted_model_is_the_validated_one() -> None:
    build = trusted_builder(Message)
    values: dict[str, Any] = {
        "role": Role.USER,
        "content": "hi",
        "media": [],
        "tool_calls": [],
        "tool_call_id": None,
        "name": None,
    }
    built = build(dict(values))
    validated = Message.model_validate(values)
    assert built == validated
    assert built.model_dump() == validated.model_dump()
    assert built.model_fields_set == set(Message.model_fields)
    assert repr(built) == repr(validated)
    built.content = "changed"  # an ordinary, mutable model afterwards
    assert built.content == "changed"
    assert build(dict(values)).model_fields_set is not build(dict(values)).model_fields_set


def test_only_plain_models_can_be_built_trusted() -> None:
    class WithPrivate(BaseModel):
        value: int = 0
        _cache: int = PrivateAttr(default=0)

    class WithExtras(BaseModel):
        model_config = ConfigDict(extra="allow")
        value: int = 0

    class WithValidator(BaseModel):
        value: int = 0

        @field_validator("value")
        @classmethod
        def positive(cls, value: int) -> int:
            return abs(value)

    for cls in (WithPrivate, WithExtras, WithValidator, MediaContent):
        with pytest.raises(TypeError, match="not a plain pydantic model"):
            trusted_builder(cls)
