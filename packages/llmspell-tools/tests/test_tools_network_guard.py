"""The network safety module: every SSRF rule, DNS pinning, redirects, size caps, rate limits.

Requests go to a real local HTTP server; refused targets are never contacted (the server's
request log proves it) and the refusal names the rule and the config key that would allow it.
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
from typing import Any

import pytest
from web_fake_server import FakeWebServer
from web_tool_support import local_config

from llmspell_core.config import LLMSpellConfig
from llmspell_core.errors import ConfigError, SecurityError, ToolError, ValidationError
from llmspell_tools.network import (
    REDACTED,
    NetworkPolicy,
    SafeHttpClient,
    address_kind,
    find_secret,
    hostname_kind,
    parse_retry_after,
    redact_headers,
    redact_text,
    redact_url,
)


def policy(
    config: LLMSpellConfig | None = None, tool: str = "http-requester", **kwargs: Any
) -> NetworkPolicy:
    return NetworkPolicy.from_config(config or LLMSpellConfig(), tool, **kwargs)


def strict(web: FakeWebServer) -> NetworkPolicy:
    """The default policy (nothing allow-listed) with generous rate limits."""
    return policy(local_config(web, allow=False))


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("127.255.0.9", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("169.254.1.1", "link_local"),
        ("fe80::1", "link_local"),
        ("100.64.0.1", "cgnat"),
        ("100.127.255.254", "cgnat"),
        ("fc00::1", "unique_local"),
        ("fd12:3456::1", "unique_local"),
        ("224.0.0.1", "multicast"),
        ("239.255.255.250", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("169.254.169.254", "metadata"),
        ("169.254.170.2", "metadata"),
        ("100.100.100.200", "metadata"),
        ("fd00:ec2::254", "metadata"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:169.254.169.254", "metadata"),
        ("2002:7f00:1::", "loopback"),
        ("64:ff9b::a00:1", "private"),
        ("240.0.0.1", "reserved"),
        ("8.8.8.8", None),
        ("93.184.216.34", None),
        ("2606:4700:4700::1111", None),
    ],
)
def test_address_kinds(address: str, kind: str | None) -> None:
    assert address_kind(ipaddress.ip_address(address)) == kind


@pytest.mark.parametrize(
    "host", ["metadata.google.internal", "METADATA.google.internal.", "metadata.goog"]
)
def test_metadata_names_are_known_without_dns(host: str) -> None:
    assert hostname_kind(host) == "metadata"


REFUSED_URLS = [
    ("http://127.0.0.1:{port}/echo", "ssrf_loopback_address"),
    ("http://[::1]:{port}/echo", "ssrf_loopback_address"),
    ("http://localhost:{port}/echo", "ssrf_loopback_address"),
    ("http://2130706433:{port}/echo", "ssrf_loopback_address"),
    ("http://0x7f000001:{port}/echo", "ssrf_loopback_address"),
    ("http://127.1:{port}/echo", "ssrf_loopback_address"),
    ("http://[::ffff:127.0.0.1]:{port}/echo", "ssrf_loopback_address"),
    ("http://10.0.0.1/", "ssrf_private_address"),
    ("http://172.16.5.4/", "ssrf_private_address"),
    ("http://192.168.0.1/", "ssrf_private_address"),
    ("http://169.254.10.10/", "ssrf_link_local_address"),
    ("http://[fe80::1]/", "ssrf_link_local_address"),
    ("http://100.64.0.1/", "ssrf_cgnat_address"),
    ("http://[fd12:3456::1]/", "ssrf_unique_local_address"),
    ("http://224.0.0.1/", "ssrf_multicast_address"),
    ("http://[ff02::1]/", "ssrf_multicast_address"),
    ("http://0.0.0.0:{port}/", "ssrf_unspecified_address"),
    ("http://169.254.169.254/latest/meta-data/", "ssrf_metadata_address"),
    ("http://[fd00:ec2::254]/latest/meta-data/", "ssrf_metadata_address"),
    ("http://metadata.google.internal/computeMetadata/v1/", "ssrf_metadata_address"),
    ("http://100.100.100.200/latest/meta-data/", "ssrf_metadata_address"),
    ("http://[::ffff:169.254.169.254]/latest/meta-data/", "ssrf_metadata_address"),
    ("http://[2002:7f00:1::]:{port}/", "ssrf_loopback_address"),
    ("http://[64:ff9b::a00:1]/", "ssrf_private_address"),
    ("http://[fec0::1]/", "ssrf_private_address"),
    ("http://240.0.0.1/", "ssrf_reserved_address"),
    ("file:///etc/passwd", "ssrf_scheme"),
    ("ftp://example.com/x", "ssrf_scheme"),
    ("gopher://127.0.0.1:6379/_INFO", "ssrf_scheme"),
]


@pytest.mark.parametrize(("template", "rule"), REFUSED_URLS)
async def test_refused_by_default(web: FakeWebServer, template: str, rule: str) -> None:
    url = template.format(port=web.port)
    before = len(web.requests)
    async with SafeHttpClient(strict(web)) as http:
        with pytest.raises(SecurityError) as info:
            await http.request("GET", url)
        assert http.connections == []
    assert info.value.details["rule"] == rule
    assert f"rule: {rule}" in info.value.message
    if rule != "ssrf_scheme":
        assert "[tools.network] allowed_hosts" in info.value.message
        assert "[tools.http_requester] allowed_hosts" in info.value.message
    assert len(web.requests) == before, "a refused target must never be contacted"


async def test_loopback_allowed_only_through_config(web: FakeWebServer) -> None:
    url = web.url("/echo")
    async with SafeHttpClient(strict(web)) as http:
        with pytest.raises(SecurityError):
            await http.request("GET", url)
    shared = policy(local_config(web, allow=True))
    own = policy(
        local_config(web, allow=False, tools={"http_requester": {"allowed_hosts": ["127.0.0.1"]}})
    )
    other_tool = policy(
        local_config(web, allow=False, tools={"web_scraper": {"allowed_hosts": ["127.0.0.1"]}})
    )
    cidr = policy(local_config(web, allowed_hosts=["127.0.0.0/8"]))
    for allowed in (shared, own, cidr):
        async with SafeHttpClient(allowed) as http:
            response = await http.request("GET", url)
        assert response.status_code == 200
    async with SafeHttpClient(other_tool) as http:
        with pytest.raises(SecurityError):
            await http.request("GET", url)


async def test_metadata_refused_even_when_loopback_allowed(web: FakeWebServer) -> None:
    async with SafeHttpClient(policy(local_config(web))) as http:
        for url in ("http://169.254.169.254/", "http://metadata.google.internal/"):
            with pytest.raises(SecurityError) as info:
                await http.request("GET", url)
            assert info.value.details["rule"] == "ssrf_metadata_address"


@pytest.mark.parametrize(
    ("path", "rule"),
    [
        ("/redirect/private", "ssrf_private_address"),
        ("/redirect/metadata", "ssrf_metadata_address"),
        ("/redirect/metadata-v6", "ssrf_metadata_address"),
        ("/redirect/google-metadata", "ssrf_metadata_address"),
        ("/redirect/file", "ssrf_scheme"),
    ],
)
async def test_every_redirect_is_checked(web: FakeWebServer, path: str, rule: str) -> None:
    async with SafeHttpClient(policy(local_config(web))) as http:
        with pytest.raises(SecurityError) as info:
            await http.request("GET", web.url(path))
    assert info.value.details["rule"] == rule


async def test_redirect_to_a_name_is_checked_after_dns(web: FakeWebServer) -> None:
    # 'localhost' resolves to 127.0.0.1, which is allowed because that *address* is listed.
    allowed = policy(local_config(web, allowed_hosts=["127.0.0.1"]))
    async with SafeHttpClient(allowed) as http:
        response = await http.request("GET", web.url("/redirect/loopback-name"))
    assert response.status_code == 200
    assert response.redirects == [web.url("/redirect/loopback-name")]


async def test_allow_by_name_does_not_allow_the_address(web: FakeWebServer) -> None:
    by_name = policy(local_config(web, allowed_hosts=["localhost"]))
    async with SafeHttpClient(by_name) as http:
        ok = await http.request("GET", f"http://localhost:{web.port}/echo")
        with pytest.raises(SecurityError):
            await http.request("GET", web.url("/echo"))
    assert ok.status_code == 200


async def test_every_resolved_address_is_checked(web: FakeWebServer) -> None:
    async def mixed(host: str, port: int) -> list[str]:
        return ["93.184.216.34", "127.0.0.1"]

    guarded = policy(local_config(web, allow=False), resolver=mixed)
    async with SafeHttpClient(guarded) as http:
        with pytest.raises(SecurityError) as info:
            await http.request("GET", f"http://mixed.test:{web.port}/echo")
    assert "127.0.0.1" in info.value.message
    assert http.connections == []


async def test_connection_goes_to_the_checked_address(web: FakeWebServer) -> None:
    """The name is resolved once, by the guard, and the socket connects to that address.

    ``pinned.test`` does not exist in real DNS, so reaching the server proves nothing
    re-resolved the name after the check (the DNS-rebinding window is closed).
    """
    calls: list[str] = []

    async def staged(host: str, port: int) -> list[str]:
        calls.append(host)
        return ["127.0.0.1"]

    guarded = policy(local_config(web, allowed_hosts=["pinned.test"]), resolver=staged)
    async with SafeHttpClient(guarded) as http:
        response = await http.request("GET", f"http://pinned.test:{web.port}/echo")
        assert http.connections == [("pinned.test", "127.0.0.1")]
    assert calls == ["pinned.test"]
    assert response.json()["headers"]["host"] == f"pinned.test:{web.port}"


async def test_rebinding_answer_after_check_is_not_used(web: FakeWebServer) -> None:
    """A resolver that turns private on its second answer: each connection re-checks."""
    answers = iter([["127.0.0.1"], ["10.0.0.1"]])

    async def rebinding(host: str, port: int) -> list[str]:
        return next(answers)

    guarded = policy(local_config(web, allowed_hosts=["127.0.0.1"]), resolver=rebinding)
    async with SafeHttpClient(guarded) as http:
        first = await http.request("GET", f"http://rebind.test:{web.port}/echo")
        assert first.status_code == 200
    async with SafeHttpClient(guarded) as http:
        with pytest.raises(SecurityError) as info:
            await http.request("GET", f"http://rebind.test:{web.port}/echo")
    assert info.value.details["rule"] == "ssrf_private_address"


async def test_size_cap_stops_reading(web: FakeWebServer) -> None:
    async with SafeHttpClient(policy(local_config(web))) as http:
        capped = await http.request("GET", web.url("/large?size=200000"), max_bytes=1000)
        whole = await http.request("GET", web.url("/large?size=5000"), max_bytes=5000)
    assert (len(capped.content), capped.truncated) == (1000, True)
    assert (len(whole.content), whole.truncated) == (5000, False)
    configured = policy(local_config(web, max_response_bytes=10))
    async with SafeHttpClient(configured) as http:
        assert (await http.request("GET", web.url("/large?size=50"))).content == b"x" * 10


async def test_redirect_cap_and_chain(web: FakeWebServer) -> None:
    async with SafeHttpClient(policy(local_config(web, max_redirects=3))) as http:
        landed = await http.request("GET", web.url("/redirect/chain/3"))
        with pytest.raises(ToolError) as info:
            await http.request("GET", web.url("/redirect/chain/4"))
        unfollowed = await http.request("GET", web.url("/redirect/chain/4"), follow_redirects=False)
    assert landed.status_code == 200
    assert len(landed.redirects) == 3
    assert info.value.code == "TOO_MANY_REDIRECTS"
    assert "[tools.http_requester] max_redirects" in info.value.message
    assert unfollowed.status_code == 302


async def test_credentials_dropped_when_redirect_leaves_origin(web: FakeWebServer) -> None:
    other_origin = f"http://localhost:{web.port}/echo"
    async with SafeHttpClient(policy(local_config(web))) as http:
        same = await http.request(
            "GET",
            web.url("/redirect?to=/echo"),
            headers={"Authorization": "Bearer same-origin", "X-Keep": "1"},
        )
        cross = await http.request(
            "GET",
            web.url(f"/redirect?to={other_origin}"),
            headers={"Authorization": "Bearer cross-origin", "X-Keep": "1"},
            auth=("user", "pw"),
        )
    assert same.json()["headers"]["authorization"] == "Bearer same-origin"
    echoed = cross.json()["headers"]
    assert "authorization" not in echoed
    assert echoed["x-keep"] == "1"


async def test_303_and_post_redirects_become_get(web: FakeWebServer) -> None:
    async with SafeHttpClient(policy(local_config(web))) as http:
        seen = await http.request("POST", web.url("/redirect?to=/echo&status=303"), json={"a": 1})
        kept = await http.request("POST", web.url("/redirect?to=/echo&status=307"), json={"a": 1})
    assert (seen.json()["method"], seen.json()["body"]) == ("GET", "")
    assert (kept.json()["method"], kept.json()["json"]) == ("POST", {"a": 1})


async def test_rate_limit_makes_requests_wait(web: FakeWebServer) -> None:
    limited = policy(local_config(web, rate_limit_per_second=20.0, rate_limit_burst=1))
    async with SafeHttpClient(limited) as http:
        first = await http.request("GET", web.url("/echo"))
        second = await http.request("GET", web.url("/echo"))
    assert first.rate_limited_ms == 0.0
    assert second.rate_limited_ms > 0.0


async def test_unreachable_server_is_a_network_error(web: FakeWebServer) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    async with SafeHttpClient(policy(local_config(web))) as http:
        with pytest.raises(ToolError) as info:
            await http.request("GET", f"http://127.0.0.1:{closed_port}/")
    assert info.value.code == "NETWORK_ERROR"


async def test_request_timeout(web: FakeWebServer) -> None:
    from llmspell_core.errors import TimeoutError as SpellTimeout

    async with SafeHttpClient(policy(local_config(web))) as http:
        with pytest.raises(SpellTimeout) as info:
            await http.request("GET", web.url("/slow?delay=2"), request_timeout=0.2)
    assert "request_timeout_seconds" in info.value.message


def test_network_section_is_validated() -> None:
    with pytest.raises(ConfigError) as info:
        policy(LLMSpellConfig(tools={"network": {"allowed_host": ["x"]}}))
    assert "[tools.network] allowed_host" in info.value.message


def test_invalid_url_names_the_problem() -> None:
    with pytest.raises(ValidationError):
        policy().check_url("http://[::1/")
    with pytest.raises(ValidationError):
        policy().check_url("http:///nohost")


def test_redaction_helpers() -> None:
    assert redact_headers({"Authorization": "Bearer x", "X-Api-Key": "k", "Accept": "a"}) == {
        "Authorization": REDACTED,
        "X-Api-Key": REDACTED,
        "Accept": "a",
    }
    url = redact_url("https://user:pw@h.example/p?q=spell&api_key=abc&token=t&page=2")
    assert "pw" not in url
    assert "abc" not in url
    assert "=t&" not in url
    assert "q=spell" in url
    assert "page=2" in url
    assert redact_text("token abcdef in text", ["abcdef"]) == f"token {REDACTED} in text"


def test_find_secret_prefers_config_then_env(monkeypatch: pytest.MonkeyPatch) -> None:
    config = LLMSpellConfig(tools={"github_integration": {"token": "from-config"}})
    monkeypatch.setenv("LLMSPELL_TEST_TOKEN", "from-env")
    assert find_secret(config, "github-integration", "token", ["LLMSPELL_TEST_TOKEN"]) == (
        "from-config"
    )
    assert find_secret(LLMSpellConfig(), "github-integration", "token", ["LLMSPELL_TEST_TOKEN"])
    monkeypatch.delenv("LLMSPELL_TEST_TOKEN")
    assert find_secret(LLMSpellConfig(), "x", "token", ["LLMSPELL_TEST_TOKEN"]) is None
    assert os.environ.get("LLMSPELL_TEST_TOKEN") is None


def test_retry_after_parsing() -> None:
    assert parse_retry_after("2") == 2.0
    assert parse_retry_after("garbage") is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0


async def test_client_outside_context_is_an_error() -> None:
    with pytest.raises(RuntimeError):
        await SafeHttpClient(policy()).request("GET", "http://example.com/")
    await asyncio.sleep(0)
