"""Request auth shared by http-requester and api-tester: bearer or basic, never echoed."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from llmspell_core.errors import ValidationError
from llmspell_tools.network import sensitive_values

__all__ = ["AppliedAuth", "AuthParams", "apply_auth"]


class AuthParams(BaseModel):
    """``{type="bearer", token=...}`` or ``{type="basic", username=..., password=...}``."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["basic", "bearer"] = Field(description="basic or bearer")
    token: str | None = Field(default=None, description="bearer token")
    username: str | None = Field(default=None, description="basic auth user")
    password: str | None = Field(default=None, description="basic auth password")


@dataclass
class AppliedAuth:
    headers: dict[str, str]
    basic: tuple[str, str] | None = None
    #: Values to scrub from anything returned (tokens, passwords, sensitive header values).
    secrets: list[str | None] = field(default_factory=list[str | None])


def apply_auth(tool: str, headers: dict[str, str] | None, auth: AuthParams | None) -> AppliedAuth:
    """Headers with auth added, the basic-auth pair, and the secrets to keep out of results."""
    out = dict(headers or {})
    applied = AppliedAuth(headers=out, secrets=sensitive_values(out))
    if auth is None:
        return applied
    if auth.type == "bearer":
        if not auth.token:
            raise ValidationError(
                f"{tool}: bearer auth needs 'auth.token'",
                details={"field": "auth.token", "rule": "required"},
            )
        out["Authorization"] = f"Bearer {auth.token}"
        applied.secrets.append(auth.token)
        return applied
    if auth.username is None or auth.password is None:
        raise ValidationError(
            f"{tool}: basic auth needs 'auth.username' and 'auth.password'",
            details={"field": "auth.username", "rule": "required"},
        )
    applied.basic = (auth.username, auth.password)
    applied.secrets.append(auth.password)
    applied.secrets.append(base64.b64encode(f"{auth.username}:{auth.password}".encode()).decode())
    return applied
