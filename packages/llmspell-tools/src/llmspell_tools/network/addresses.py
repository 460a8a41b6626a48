"""Which addresses a network tool may reach without being told to: public ones only.

SSRF protection judges the *resolved* address, so every spelling of an address (decimal,
hex, IPv4-mapped IPv6, 6to4, NAT64) ends up here as the same ``ipaddress`` object.
"""

from __future__ import annotations

import functools
import ipaddress

__all__ = [
    "METADATA_ADDRESSES",
    "METADATA_HOSTNAMES",
    "IPAddress",
    "address_kind",
    "hostname_kind",
    "parse_address",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

#: Cloud instance-metadata endpoints (AWS/GCP/Azure/OpenStack, AWS IPv6, ECS, Alibaba).
METADATA_ADDRESSES: frozenset[IPAddress] = frozenset(
    {
        ipaddress.ip_address("169.254.169.254"),
        ipaddress.ip_address("169.254.170.2"),
        ipaddress.ip_address("100.100.100.200"),
        ipaddress.ip_address("fd00:ec2::254"),
    }
)

#: Names that reach a metadata service from inside a cloud, refused before any DNS lookup.
METADATA_HOSTNAMES: frozenset[str] = frozenset(
    {
        "metadata.google.internal",
        "metadata.goog",
        "metadata",
        "instance-data",
        "instance-data.ec2.internal",
    }
)

_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_UNIQUE_LOCAL = ipaddress.ip_network("fc00::/7")
_SITE_LOCAL = ipaddress.ip_network("fec0::/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


@functools.lru_cache(maxsize=4096)
def parse_address(text: str) -> IPAddress | None:
    """``text`` as an IP address (brackets and zone ids removed), or None if it is a name."""
    bare = text.strip().strip("[]").split("%", 1)[0]
    try:
        return ipaddress.ip_address(bare)
    except ValueError:
        return None


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one tunnels to, which is where packets really go."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


@functools.lru_cache(maxsize=4096)
def address_kind(ip: IPAddress) -> str | None:
    """Why ``ip`` is not public (``loopback``, ``metadata``, ``cgnat``, ...), or None if it is."""
    if ip in METADATA_ADDRESSES:
        return "metadata"
    if isinstance(ip, ipaddress.IPv6Address):
        inner = _embedded_ipv4(ip)
        if inner is not None:
            return address_kind(inner)
    kind: str | None = None
    if ip.is_loopback:
        kind = "loopback"
    elif ip.is_link_local:
        kind = "link_local"
    elif ip.is_multicast:
        kind = "multicast"
    elif ip.is_unspecified:
        kind = "unspecified"
    elif ip in _CGNAT:
        kind = "cgnat"
    elif ip in _UNIQUE_LOCAL:
        kind = "unique_local"
    elif ip.is_reserved:
        kind = "reserved"
    elif ip in _SITE_LOCAL or ip.is_private:
        kind = "private"
    elif not ip.is_global:
        kind = "reserved"
    return kind


def hostname_kind(host: str) -> str | None:
    """Like :func:`address_kind` for a URL's host before resolution (literal IPs, metadata names)."""
    name = host.strip().rstrip(".").lower()
    if name in METADATA_HOSTNAMES:
        return "metadata"
    ip = parse_address(name)
    return address_kind(ip) if ip is not None else None
