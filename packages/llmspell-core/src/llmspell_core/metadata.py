"""Identity shared by every component (agents, tools, workflows)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from pydantic import BaseModel, Field

__all__ = ["ComponentMetadata"]


def _new_id() -> str:
    return uuid.uuid4().hex


class ComponentMetadata(BaseModel):
    id: str = Field(default_factory=_new_id)
    name: str
    version: str = "0.1.0"
    description: str = ""
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
