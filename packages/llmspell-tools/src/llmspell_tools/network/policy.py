"""The SSRF policy of one network tool: which URLs and resolved addresses it may reach.

Checks happen in two places: :meth:`NetworkPolicy.check_url` before a request (scheme, metadata
names, literal addresses) and :meth:`NetworkPolicy.resolve` when a connection is opened (every
address a name resolves to). The connection is then made to an address that was checked, so a
DNS answer that changes between check and connect (rebinding) cannot slip through.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import cast
from urllib.parse import urlsplit

from llmspell_core.config import LLMSpellConfig
from llmspell_core.errors import SecurityError, ValidationError
from llmspell_tools.framework import ToolSettings, section_key
from llmspell_tools.network.addresses import (
    IPAddress,
    address_kind,
    hostname_kind,
    parse_address,
)
from llmspell_tools.network.settings import (
    DEFAULT_MAX_REDIRECTS,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_RATE_BURST,
    DEFAULT_RATE_PER_SECOND,
    DEFAULT_REQUEST_TIMEOUT,
    DEFAULT_USER_AGENT,
    NETWORK_SECTION,
    NetworkSettings,
    load_network_defaults,
)

__all__ = ["NetworkPolicy", "Resolver", "system_resolver"]

Resolver = Callable[[str, int], Awaitable[list[str]]]
"""``(host, port) -> addresses``; injectable so tests can stage DNS answers."""

ALLOWED_SCHEMES = frozenset({"http", "https"})


async def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for ``host`` (order kept, duplicates dropped)."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: list[str] = []
    for info in infos:
        address = str(info[4][0])
        if address not in seen:
            seen.append(address)
    return seen


def _normalise_host(host: str) -> str:
    return host.strip().strip("[]").rstrip(".").lower()


@dataclass(frozen=True)
class NetworkPolicy:
    """Limits for one tool's outgoing requests; build it with :meth:`from_config`."""

    tool_name: str
    allowed_hosts: frozenset[str] = frozenset()
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES
    max_redirects: int = DEFAULT_MAX_REDIRECTS
    rate_limit_per_second: float = DEFAULT_RATE_PER_SECOND
    rate_limit_burst: int = DEFAULT_RATE_BURST
    request_timeout: float = DEFAULT_REQUEST_TIMEOUT
    user_agent: str = DEFAULT_USER_AGENT
    verify_tls: bool = True
    #: ``(("host:port" | "host"), "address[:port]")`` pairs, as in curl's ``--connect-to``.
    connect_to: tuple[tuple[str, str], ...] = ()
    resolver: Resolver = field(default=system_resolver, compare=False)
    _networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = field(
        default=(), init=False, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
        for entry in self.allowed_hosts:
            if "/" in entry:
                try:
                    networks.append(ipaddress.ip_network(entry, strict=False))
                except ValueError:
                    continue
            else:
                ip = parse_address(entry)
                if ip is not None:
                    networks.append(ipaddress.ip_network(ip))
        object.__setattr__(self, "_networks", tuple(networks))

    @classmethod
    def from_config(
        cls,
        config: LLMSpellConfig,
        tool_name: str,
        settings: ToolSettings | None = None,
        *,
        resolver: Resolver | None = None,
    ) -> NetworkPolicy:
        """The policy from ``[tools.network]`` overlaid with the tool's own section."""
        base = load_network_defaults(config)
        own = settings if isinstance(settings, NetworkSettings) else None

        def pick(name: str) -> object:
            value = getattr(own, name, None) if own is not None else None
            return value if value is not None else getattr(base, name)

        hosts = set(base.allowed_hosts or [])
        if own is not None:
            hosts.update(own.allowed_hosts or [])
        else:
            raw: object = config.tool_section(tool_name).get("allowed_hosts")
            if isinstance(raw, list):
                hosts.update(str(h) for h in cast("list[object]", raw))

        def number(name: str, default: float) -> float:
            value = pick(name)
            return float(value) if isinstance(value, int | float) else default

        routes = dict(base.connect_to or {})
        if own is not None:
            routes.update(own.connect_to or {})
        agent = pick("user_agent")
        verify = pick("verify_tls")
        return cls(
            tool_name=tool_name,
            allowed_hosts=frozenset(_normalise_host(h) for h in hosts),
            max_response_bytes=int(number("max_response_bytes", DEFAULT_MAX_RESPONSE_BYTES)),
            max_redirects=int(number("max_redirects", DEFAULT_MAX_REDIRECTS)),
            rate_limit_per_second=number("rate_limit_per_second", DEFAULT_RATE_PER_SECOND),
            rate_limit_burst=int(number("rate_limit_burst", DEFAULT_RATE_BURST)),
            request_timeout=number("request_timeout_seconds", DEFAULT_REQUEST_TIMEOUT),
            user_agent=agent if isinstance(agent, str) else DEFAULT_USER_AGENT,
            verify_tls=verify if isinstance(verify, bool) else True,
            connect_to=tuple(sorted((k.lower(), v) for k, v in routes.items())),
            resolver=resolver or system_resolver,
        )

    # -- allow-list ------------------------------------------------------------------------
    def allows_host(self, host: str) -> bool:
        """Whether ``host`` (a name or a literal address) is on the allow-list."""
        name = _normalise_host(host)
        if name in self.allowed_hosts:
            return True
        if any(
            entry.startswith("*.") and (name.endswith(entry[1:]) or name == entry[2:])
            for entry in self.allowed_hosts
        ):
            return True
        ip = parse_address(name)
        return ip is not None and self.allows_address(ip)

    def allows_address(self, ip: IPAddress) -> bool:
        return any(ip.version == net.version and ip in net for net in self._networks)

    # -- refusals --------------------------------------------------------------------------
    def _refuse(self, host: str, kind: str, what: str) -> SecurityError:
        rule = f"ssrf_{kind}_address"
        own_key = f"{section_key(self.tool_name)} allowed_hosts"
        return SecurityError(
            f"{self.tool_name}: {what} (rule: {rule}); requests to private, loopback, "
            f"link-local and metadata addresses are refused by default. To allow it, add "
            f"'{host}' to {NETWORK_SECTION} allowed_hosts or {own_key}",
            details={
                "rule": rule,
                "config_key": f"{NETWORK_SECTION} allowed_hosts",
                "tool_config_key": own_key,
                "host": host,
            },
        )

    def check_url(self, url: str) -> tuple[str, str, int]:
        """``(scheme, host, port)`` of ``url`` after the checks that need no DNS."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as exc:
            raise ValidationError(
                f"{self.tool_name}: invalid URL {url!r}: {exc}",
                details={"field": "url", "rule": "url"},
            ) from None
        scheme = parts.scheme.lower()
        if scheme not in ALLOWED_SCHEMES:
            raise SecurityError(
                f"{self.tool_name}: URL scheme '{scheme or '(none)'}' is not allowed in "
                f"{url!r} (rule: ssrf_scheme); only http and https are",
                details={"rule": "ssrf_scheme", "scheme": scheme},
            )
        host = parts.hostname or ""
        if not host:
            raise ValidationError(
                f"{self.tool_name}: URL {url!r} has no host",
                details={"field": "url", "rule": "url"},
            )
        if port is None:
            port = 443 if scheme == "https" else 80
        kind = hostname_kind(host)
        if kind is not None and not self.allows_host(host):
            what = (
                f"'{host}' is a cloud metadata endpoint"
                if kind == "metadata"
                else f"'{host}' is a {kind.replace('_', '-')} address"
            )
            raise self._refuse(host, kind, what)
        return scheme, host, port

    def check_address(self, host: str, address: str) -> None:
        """Refuse ``address`` (one that ``host`` resolved to) unless public or allowed."""
        ip = parse_address(address)
        if ip is None:
            raise self._refuse(host, "unparsable", f"'{host}' resolved to {address!r}")
        kind = address_kind(ip)
        if kind is None or self.allows_host(host) or self.allows_address(ip):
            return
        label = "cloud metadata" if kind == "metadata" else kind.replace("_", "-")
        raise self._refuse(host, kind, f"'{host}' resolves to the {label} address {address}")

    def target(self, host: str, port: int) -> tuple[str, int]:
        """Where a connection to ``host:port`` really goes (``connect_to``), else itself."""
        name = _normalise_host(host)
        routes = dict(self.connect_to)
        mapped = routes.get(f"{name}:{port}") or routes.get(name)
        if mapped is None:
            return name, port
        if mapped.startswith("["):
            address, _, rest = mapped[1:].partition("]")
            return address, int(rest[1:]) if rest.startswith(":") else port
        if mapped.count(":") == 1:
            address, _, tail = mapped.partition(":")
            return address, int(tail)
        return mapped, port

    async def resolve(self, host: str, port: int) -> list[str]:
        """Every address of ``host``, each checked; raises on the first refused one."""
        addresses, _ = await self.resolve_target(host, port)
        return addresses

    async def resolve_target(self, host: str, port: int) -> tuple[list[str], int]:
        """The checked addresses and port a connection to ``host:port`` must use."""
        name = _normalise_host(host)
        kind = hostname_kind(name)
        if kind == "metadata" and not self.allows_host(name):
            raise self._refuse(name, kind, f"'{name}' is a cloud metadata endpoint")
        target, port = self.target(name, port)
        literal = parse_address(target)
        if literal is not None:
            addresses = [str(literal)]
        else:
            try:
                addresses = await self.resolver(target, port)
            except OSError as exc:
                raise ConnectionError(f"cannot resolve '{target}': {exc}") from exc
        if not addresses:
            raise ConnectionError(f"'{target}' resolved to no addresses")
        for address in addresses:
            self.check_address(name, address)
        return addresses, port
