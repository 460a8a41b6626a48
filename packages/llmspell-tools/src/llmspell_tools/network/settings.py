"""Network config: ``[tools.network]`` for every network tool, ``[tools.<tool>]`` for one.

A tool's own section wins over ``[tools.network]``, which wins over the built-in default.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from llmspell_core.config import LLMSpellConfig
from llmspell_tools.framework import ToolSettings, validate_section

__all__ = [
    "DEFAULT_MAX_REDIRECTS",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_RATE_BURST",
    "DEFAULT_RATE_PER_SECOND",
    "DEFAULT_REQUEST_TIMEOUT",
    "DEFAULT_USER_AGENT",
    "NETWORK_SECTION",
    "NetworkDefaults",
    "NetworkSettings",
    "load_network_defaults",
]

NETWORK_SECTION = "[tools.network]"
DEFAULT_MAX_RESPONSE_BYTES = 10_000_000
DEFAULT_MAX_REDIRECTS = 5
DEFAULT_RATE_PER_SECOND = 10.0
DEFAULT_RATE_BURST = 20
DEFAULT_REQUEST_TIMEOUT = 30.0
DEFAULT_USER_AGENT = "llmspell/0.1 (+https://github.com/lexlapax/rs-llmspell)"


class _NetworkKeys(BaseModel):
    """Keys shared by ``[tools.network]`` and each network tool's section."""

    allowed_hosts: list[str] | None = Field(
        default=None, description="hosts, IPs, CIDRs or *.suffix allowed despite SSRF rules"
    )
    max_response_bytes: int | None = Field(default=None, gt=0)
    max_redirects: int | None = Field(default=None, ge=0, le=50)
    rate_limit_per_second: float | None = Field(default=None, gt=0)
    rate_limit_burst: int | None = Field(default=None, ge=1)
    request_timeout_seconds: float | None = Field(default=None, gt=0)
    user_agent: str | None = None
    verify_tls: bool | None = None
    connect_to: dict[str, str] | None = Field(
        default=None,
        description=(
            "like curl --connect-to: {'host:port' or 'host' = 'address:port' or 'address'}; "
            "the address is still judged by the SSRF rules"
        ),
    )


class NetworkDefaults(_NetworkKeys):
    """``[tools.network]``: the defaults of every network tool."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class NetworkSettings(ToolSettings, _NetworkKeys):
    """A network tool's ``[tools.<tool>]`` section; extend it for keys such as ``api_key``."""


def load_network_defaults(config: LLMSpellConfig) -> NetworkDefaults:
    return validate_section(NetworkDefaults, config.tool_section("network"), NETWORK_SECTION)
