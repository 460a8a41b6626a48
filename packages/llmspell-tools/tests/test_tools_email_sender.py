"""email-sender against real servers on 127.0.0.1.

- a real SMTP server (aiosmtpd) that receives and parses the mail: plain, STARTTLS with AUTH,
  and implicit TLS, using a self-signed certificate generated here with ``cryptography``;
- a local HTTP server speaking the SendGrid v3 and SES v2 APIs; the SES side verifies the SigV4
  signature of each request with its own implementation, from what it received.

Nothing here touches the internet.
"""

from __future__ import annotations

import base64
import datetime as dt
import email
import email.policy
import hashlib
import hmac
import ipaddress
import json
import socket
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, cast
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from llmspell_core.config import LLMSpellConfig, RuntimeConfig, SecurityConfig
from llmspell_core.context import ExecutionContext
from llmspell_core.errors import SecurityError, ToolError, ValidationError
from llmspell_core.testing.contracts import ToolContract
from llmspell_core.tool import Tool
from llmspell_tools.communication._sigv4 import sign_request
from llmspell_tools.communication.email_sender import EmailSender

pytestmark = pytest.mark.service

SMTP_USER = "mailer"
SMTP_PASSWORD = "smtp-Pa55word-!"
SENDGRID_KEY = "SG.test-key-0123456789"
SES_ACCESS = "AKIDLLMSPELLTEST"
SES_SECRET = "ses/Secret+Key/0123456789abcdef"
ENV_NAMES = (
    "EMAIL_SMTP_HOST",
    "EMAIL_SMTP_PORT",
    "EMAIL_SMTP_USERNAME",
    "EMAIL_SMTP_PASSWORD",
    "EMAIL_DEFAULT_SENDER",
    "EMAIL_SENDGRID_API_KEY",
    "SENDGRID_API_KEY",
    "EMAIL_SES_ACCESS_KEY_ID",
    "EMAIL_SES_SECRET_ACCESS_KEY",
    "EMAIL_SES_REGION",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
)


# -- a real SMTP server ------------------------------------------------------------------
@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    tls: bool
    login: str | None


@dataclass
class Inbox:
    """What an aiosmtpd server received."""

    messages: list[Received] = field(default_factory=list[Received])

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        raw = cast(bytes, envelope.original_content or envelope.content)
        # SMTP carries CRLF line ends; compare bodies with plain newlines
        parsed = email.message_from_bytes(raw.replace(b"\r\n", b"\n"), policy=email.policy.default)
        login = cast(bytes | None, session.auth_data)
        self.messages.append(
            Received(
                mail_from=str(envelope.mail_from),
                rcpt_tos=[str(r) for r in envelope.rcpt_tos],
                message=parsed,
                tls=server.transport is not None
                and server.transport.get_extra_info("ssl_object") is not None,
                login=login.decode() if isinstance(login, bytes) else None,
            )
        )
        return "250 2.0.0 Message accepted for delivery"


def authenticate(
    server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
) -> AuthResult:
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == SMTP_USER.encode()
        and auth_data.password == SMTP_PASSWORD.encode()
    )
    return AuthResult(success=ok, handled=False, auth_data=auth_data.login if ok else None)


@dataclass
class Certificate:
    cert_file: Path
    key_file: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert_file, self.key_file)
        return context


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    """A self-signed certificate for localhost / 127.0.0.1, made with ``cryptography``."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "llmspell test SMTP")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("smtp-tls")
    cert_file = folder / "cert.pem"
    key_file = folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return Certificate(cert_file, key_file)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class SmtpServer:
    port: int
    inbox: Inbox


def start_smtp(**kwargs: Any) -> tuple[Controller, SmtpServer]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    return controller, SmtpServer(port, inbox)


@pytest.fixture(scope="module")
def plain_smtp() -> Iterator[SmtpServer]:
    controller, server = start_smtp()
    yield server
    controller.stop()


@pytest.fixture(scope="module")
def starttls_smtp(certificate: Certificate) -> Iterator[SmtpServer]:
    controller, server = start_smtp(
        tls_context=certificate.server_context(),
        require_starttls=True,
        authenticator=authenticate,
        auth_required=True,
    )
    yield server
    controller.stop()


@pytest.fixture(scope="module")
def implicit_tls_smtp(certificate: Certificate) -> Iterator[SmtpServer]:
    controller, server = start_smtp(
        ssl_context=certificate.server_context(), server_hostname="localhost"
    )
    yield server
    controller.stop()


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The host's own mail settings must not leak into these tests."""
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)


def smtp_config(port: int, **section: Any) -> LLMSpellConfig:
    base: dict[str, Any] = {
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "smtp_security": "none",
        "default_sender": "Spell Bot <bot@llmspell.test>",
    }
    return LLMSpellConfig(tools={"email_sender": {**base, **section}})


async def send(config: LLMSpellConfig, **params: Any) -> Any:
    return await EmailSender().execute(params, ExecutionContext(config=config))


class TestEmailContract(ToolContract):
    port: int = 0

    @pytest.fixture(autouse=True)
    def _server(self, plain_smtp: SmtpServer) -> None:
        self.port = plain_smtp.port

    def make_tool(self) -> Tool:
        return EmailSender()

    def make_context(self) -> ExecutionContext:
        return ExecutionContext.with_timeout(30, config=smtp_config(self.port))

    def invalid_params(self) -> list[dict[str, Any]]:
        ok = {"to": "a@example.com", "subject": "s", "body": "b"}
        return [
            {"subject": "s", "body": "b"},  # no recipient
            {**ok, "to": "not-an-address"},
            {**ok, "to": ["a@example.com", "b@example"]},
            {**ok, "subject": "hi\r\nBcc: victim@example.com"},
            {**ok, "cc": "x@example.com\nBcc: y@example.com"},
            {**ok, "provider": "pigeon"},
            {**ok, "to": []},
        ]


# -- SMTP ------------------------------------------------------------------------------------
async def test_plain_smtp_delivers_to_every_recipient(plain_smtp: SmtpServer) -> None:
    plain_smtp.inbox.messages.clear()
    out = await send(
        smtp_config(plain_smtp.port),
        to=["Ada Lovelace <ada@example.com>", "alan@example.com"],
        cc="grace@example.com",
        bcc=["hidden@example.com"],
        reply_to="replies@llmspell.test",
        subject="Nightly report ✓",
        body="All 12 jobs succeeded.\nSee you tomorrow.",
    )
    assert out.success
    assert out.result["provider"] == "smtp"
    assert out.result["recipients"] == 4
    assert out.text == "e-mail 'Nightly report ✓' sent via smtp to 4 recipient(s)"
    (got,) = plain_smtp.inbox.messages
    assert got.mail_from == "bot@llmspell.test"
    assert sorted(got.rcpt_tos) == sorted(
        ["ada@example.com", "alan@example.com", "grace@example.com", "hidden@example.com"]
    )
    msg = got.message
    assert msg["Subject"] == "Nightly report ✓"
    assert msg["From"] == "Spell Bot <bot@llmspell.test>"
    assert msg["To"] == "Ada Lovelace <ada@example.com>, alan@example.com"
    assert msg["Cc"] == "grace@example.com"
    assert msg["Reply-To"] == "replies@llmspell.test"
    assert msg["Bcc"] is None  # blind copies are not in the headers
    assert msg["Message-ID"] == out.result["message_id"]
    body = msg.get_body(("plain",))
    assert body is not None
    assert body.get_content() == "All 12 jobs succeeded.\nSee you tomorrow.\n"


async def test_html_alternative_and_attachments(plain_smtp: SmtpServer, tmp_path: Path) -> None:
    plain_smtp.inbox.messages.clear()
    report = tmp_path / "report.csv"
    report.write_bytes(b"job,status\nbuild,ok\n")
    chart = tmp_path / "chart.png"
    chart.write_bytes(b"\x89PNG\r\n\x1a\nfake")
    config = LLMSpellConfig(
        tools={
            **smtp_config(plain_smtp.port).tools,
            "filesystem": {"allowed_paths": [str(tmp_path)]},
        }
    )
    out = await send(
        config,
        to="ada@example.com",
        subject="Report",
        body="<h1>Report</h1><p>All <b>good</b>.</p>",
        html=True,
        attachments=[str(report), str(chart)],
    )
    assert out.result["attachments"] == ["report.csv", "chart.png"]
    msg = plain_smtp.inbox.messages[0].message
    html = msg.get_body(("html",))
    text = msg.get_body(("plain",))
    assert html is not None
    assert text is not None
    assert "<b>good</b>" in html.get_content()
    assert text.get_content().strip() == "Report\nAll good."
    parts = {p.get_filename(): p for p in msg.iter_attachments()}
    assert parts["report.csv"].get_content_type() == "text/csv"
    assert parts["report.csv"].get_payload(decode=True) == b"job,status\nbuild,ok\n"
    assert parts["chart.png"].get_payload(decode=True) == b"\x89PNG\r\n\x1a\nfake"
    with pytest.raises(SecurityError):
        await send(config, to="a@example.com", subject="s", body="b", attachments=["/etc/passwd"])


async def test_starttls_with_login(starttls_smtp: SmtpServer, certificate: Certificate) -> None:
    starttls_smtp.inbox.messages.clear()
    config = smtp_config(
        starttls_smtp.port,
        smtp_security="starttls",
        smtp_username=SMTP_USER,
        smtp_password=SMTP_PASSWORD,
        smtp_ca_file=str(certificate.cert_file),
    )
    out = await send(config, to="ada@example.com", subject="Secure", body="over TLS")
    assert out.result["security"] == "starttls"
    (got,) = starttls_smtp.inbox.messages
    assert got.tls is True
    assert got.login == SMTP_USER
    assert got.message["Subject"] == "Secure"
    assert SMTP_PASSWORD not in json.dumps(out.model_dump(mode="json"))


async def test_wrong_password_is_reported_without_it(
    starttls_smtp: SmtpServer, certificate: Certificate
) -> None:
    config = smtp_config(
        starttls_smtp.port,
        smtp_security="starttls",
        smtp_username=SMTP_USER,
        smtp_password="not-the-Password-99",
        smtp_ca_file=str(certificate.cert_file),
    )
    with pytest.raises(ToolError) as info:
        await send(config, to="ada@example.com", subject="s", body="b")
    assert info.value.code == "AUTH_FAILED"
    assert "smtp_password" in info.value.message
    assert "not-the-Password-99" not in info.value.message


async def test_untrusted_certificate_is_refused(starttls_smtp: SmtpServer) -> None:
    config = smtp_config(starttls_smtp.port, smtp_security="starttls")
    with pytest.raises(ToolError) as info:
        await send(config, to="ada@example.com", subject="s", body="b")
    assert info.value.code == "CONNECTION_FAILED"
    assert "smtp_ca_file" in info.value.message


async def test_starttls_is_required_by_default(plain_smtp: SmtpServer) -> None:
    config = smtp_config(plain_smtp.port, smtp_security=None)  # default: starttls on 587-style
    with pytest.raises(ToolError) as info:
        await send(config, to="ada@example.com", subject="s", body="b")
    assert "STARTTLS" in info.value.message.upper()


async def test_implicit_tls(implicit_tls_smtp: SmtpServer, certificate: Certificate) -> None:
    implicit_tls_smtp.inbox.messages.clear()
    config = smtp_config(
        implicit_tls_smtp.port, smtp_security="tls", smtp_ca_file=str(certificate.cert_file)
    )
    out = await send(config, to="ada@example.com", subject="TLS", body="implicit")
    assert out.result["security"] == "tls"
    assert implicit_tls_smtp.inbox.messages[0].tls is True


async def test_settings_from_rs_llmspell_environment(
    plain_smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain_smtp.inbox.messages.clear()
    monkeypatch.setenv("EMAIL_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("EMAIL_SMTP_PORT", str(plain_smtp.port))
    monkeypatch.setenv("EMAIL_DEFAULT_SENDER", "env@llmspell.test")
    config = LLMSpellConfig(tools={"email_sender": {"smtp_security": "none"}})
    await send(config, to="ada@example.com", subject="env", body="from env")
    assert plain_smtp.inbox.messages[0].mail_from == "env@llmspell.test"


async def test_missing_settings_are_named() -> None:
    with pytest.raises(ValidationError) as sender:
        await send(LLMSpellConfig(), to="a@example.com", subject="s", body="b")
    assert "default_sender" in sender.value.message
    with pytest.raises(ValidationError) as host:
        await send(
            LLMSpellConfig(), to="a@example.com", subject="s", body="b", **{"from": "x@y.io"}
        )
    assert "smtp_host" in host.value.message
    in_clear = smtp_config(25, smtp_username=SMTP_USER, smtp_password=SMTP_PASSWORD)
    with pytest.raises(ValidationError) as clear:
        await send(in_clear, to="a@example.com", subject="s", body="b")
    assert "unencrypted" in clear.value.message
    assert SMTP_PASSWORD not in clear.value.message


async def test_privileged_and_limits(plain_smtp: SmtpServer) -> None:
    locked = LLMSpellConfig(
        runtime=RuntimeConfig(security=SecurityConfig(allow_privileged_tools=False)),
        tools=smtp_config(plain_smtp.port).tools,
    )
    with pytest.raises(SecurityError) as info:
        await send(locked, to="a@example.com", subject="s", body="b")
    assert "allow_privileged_tools" in info.value.message
    few = smtp_config(plain_smtp.port, max_recipients=2)
    with pytest.raises(ValidationError) as many:
        await send(few, to=["a@x.io", "b@x.io"], cc="c@x.io", subject="s", body="b")
    assert "max_recipients" in many.value.message


# -- SendGrid and SES over HTTP ----------------------------------------------------------------
@dataclass
class HttpCall:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


def _verify_sigv4(call: HttpCall, secret: str) -> str | None:
    """Why the request's SigV4 signature is wrong, or None when it is right."""
    auth = call.headers.get("authorization", "")
    if not auth.startswith("AWS4-HMAC-SHA256 "):
        return "missing signature"
    fields = dict(
        part.strip().split("=", 1) for part in auth[len("AWS4-HMAC-SHA256 ") :].split(",")
    )
    _, day, region, service, _ = fields["Credential"].split("/")
    names = fields["SignedHeaders"].split(";")
    if "host" not in names or "x-amz-date" not in names:
        return "host and x-amz-date must be signed"
    parts = urlsplit(call.path)
    query = "&".join(
        f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}"
        for k, v in sorted(parse_qsl(parts.query, keep_blank_values=True))
    )
    canonical_headers = "".join(f"{n}:{' '.join(call.headers[n].split())}\n" for n in names)
    request = "\n".join(
        [
            call.method,
            quote(parts.path, safe="/-_.~"),
            query,
            canonical_headers,
            ";".join(names),
            hashlib.sha256(call.body).hexdigest(),
        ]
    )
    scope = f"{day}/{region}/{service}/aws4_request"
    text = "\n".join(
        [
            "AWS4-HMAC-SHA256",
            call.headers["x-amz-date"],
            scope,
            hashlib.sha256(request.encode()).hexdigest(),
        ]
    )
    key = f"AWS4{secret}".encode()
    for piece in (day, region, service, "aws4_request"):
        key = hmac.new(key, piece.encode(), hashlib.sha256).digest()
    expected = hmac.new(key, text.encode(), hashlib.sha256).hexdigest()
    return None if hmac.compare_digest(expected, fields["Signature"]) else "signature mismatch"


class FakeMailApis(BaseHTTPRequestHandler):
    """SendGrid ``POST /v3/mail/send`` and SES ``POST /v2/email/outbound-emails``."""

    calls: list[HttpCall] = []

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _reply(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        data = b"" if payload is None else json.dumps(payload).encode()
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        call = HttpCall(
            "POST",
            self.path,
            {k.lower(): v for k, v in self.headers.items()},
            self.rfile.read(length),
        )
        FakeMailApis.calls.append(call)
        if self.path == "/v3/mail/send":
            if call.headers.get("authorization") != f"Bearer {SENDGRID_KEY}":
                self._reply(
                    401,
                    {
                        "errors": [
                            {
                                "message": "The provided authorization grant is invalid, expired, or revoked",
                                "field": None,
                            }
                        ]
                    },
                )
                return
            self._reply(202, None, {"X-Message-Id": "sg-msg-42"})
            return
        if self.path == "/v2/email/outbound-emails":
            problem = _verify_sigv4(call, SES_SECRET)
            if problem is not None:
                self._reply(403, {"message": f"SignatureDoesNotMatch: {problem}"})
                return
            self._reply(200, {"MessageId": "ses-msg-0001"})
            return
        self._reply(404, {"message": "no such endpoint"})


@pytest.fixture(scope="module")
def mail_api() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeMailApis)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def api_config(base: str, **section: Any) -> LLMSpellConfig:
    values: dict[str, Any] = {
        "default_sender": "Spell Bot <bot@llmspell.test>",
        "sendgrid_api_key": SENDGRID_KEY,
        "sendgrid_base_url": base,
        "ses_access_key_id": SES_ACCESS,
        "ses_secret_access_key": SES_SECRET,
        "ses_region": "eu-west-1",
        "ses_base_url": base,
        "allowed_hosts": ["127.0.0.1"],
    }
    return LLMSpellConfig(tools={"email_sender": {**values, **section}})


async def test_sendgrid(mail_api: str, tmp_path: Path) -> None:
    FakeMailApis.calls.clear()
    attachment = tmp_path / "notes.txt"
    attachment.write_text("hello", encoding="utf-8")
    config = LLMSpellConfig(
        tools={
            **api_config(mail_api).tools,
            "filesystem": {"allowed_paths": [str(tmp_path)]},
        }
    )
    out = await send(
        config,
        provider="sendgrid",
        to=["Ada <ada@example.com>"],
        bcc="audit@example.com",
        subject="Hi",
        body="<p>Hello</p>",
        html=True,
        text_body="Hello",
        attachments=[str(attachment)],
    )
    assert out.result["message_id"] == "sg-msg-42"
    assert out.metadata["provider"] == "sendgrid"
    (call,) = FakeMailApis.calls
    payload = json.loads(call.body)
    assert payload["personalizations"] == [
        {
            "to": [{"email": "ada@example.com", "name": "Ada"}],
            "bcc": [{"email": "audit@example.com"}],
        }
    ]
    assert payload["from"] == {"email": "bot@llmspell.test", "name": "Spell Bot"}
    assert payload["content"] == [
        {"type": "text/plain", "value": "Hello"},
        {"type": "text/html", "value": "<p>Hello</p>"},
    ]
    assert payload["attachments"][0]["filename"] == "notes.txt"
    assert base64.b64decode(payload["attachments"][0]["content"]) == b"hello"
    assert SENDGRID_KEY not in json.dumps(out.model_dump(mode="json"))


async def test_sendgrid_rejection_hides_the_key(mail_api: str) -> None:
    config = api_config(mail_api, sendgrid_api_key="SG.wrong-key-987654")
    with pytest.raises(ToolError) as info:
        await send(config, provider="sendgrid", to="a@example.com", subject="s", body="b")
    assert info.value.code == "AUTH_FAILED"
    assert "authorization grant is invalid" in info.value.message
    assert "SG.wrong-key-987654" not in info.value.message


async def test_http_providers_follow_the_ssrf_rules(mail_api: str) -> None:
    config = api_config(mail_api, allowed_hosts=[])
    with pytest.raises(SecurityError) as info:
        await send(config, provider="sendgrid", to="a@example.com", subject="s", body="b")
    assert "allowed_hosts" in info.value.message


async def test_ses_signed_raw_message(mail_api: str) -> None:
    FakeMailApis.calls.clear()
    out = await send(
        api_config(mail_api, default_provider="ses", ses_session_token="session-tok-123"),
        to="ada@example.com",
        cc=["grace@example.com"],
        bcc="audit@example.com",
        subject="Quarterly",
        body="Numbers attached.",
    )
    assert out.result["message_id"] == "ses-msg-0001"
    assert out.result["region"] == "eu-west-1"
    (call,) = FakeMailApis.calls
    assert call.headers["authorization"].startswith(f"AWS4-HMAC-SHA256 Credential={SES_ACCESS}/")
    assert "/eu-west-1/ses/aws4_request" in call.headers["authorization"]
    assert call.headers["x-amz-security-token"] == "session-tok-123"
    payload = json.loads(call.body)
    assert payload["FromEmailAddress"] == "Spell Bot <bot@llmspell.test>"
    assert payload["Destination"] == {
        "ToAddresses": ["ada@example.com"],
        "CcAddresses": ["grace@example.com"],
        "BccAddresses": ["audit@example.com"],
    }
    raw = email.message_from_bytes(
        base64.b64decode(payload["Content"]["Raw"]["Data"]), policy=email.policy.default
    )
    assert raw["Subject"] == "Quarterly"
    assert raw["Bcc"] is None
    body = raw.get_body(("plain",))
    assert body is not None
    assert body.get_content() == "Numbers attached.\n"
    assert SES_SECRET not in json.dumps(out.model_dump(mode="json"))


async def test_ses_bad_signature_is_refused(mail_api: str) -> None:
    config = api_config(mail_api, default_provider="ses", ses_secret_access_key="wrong/Secret/123")
    with pytest.raises(ToolError) as info:
        await send(config, to="ada@example.com", subject="s", body="b")
    assert info.value.code == "AUTH_FAILED"
    assert "SignatureDoesNotMatch" in info.value.message
    assert "wrong/Secret/123" not in info.value.message


# -- SigV4 against AWS's published examples --------------------------------------------------
AWS_EXAMPLE_SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
AWS_EXAMPLE_TIME = dt.datetime(2015, 8, 30, 12, 36, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("url", "headers", "service", "signature"),
    [
        (  # the SigV4 test suite's get-vanilla
            "https://example.amazonaws.com/",
            {},
            "service",
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
        ),
        (  # the IAM ListUsers walk-through in the SigV4 documentation
            "https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08",
            {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
            "iam",
            "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
        ),
    ],
)
def test_sigv4_matches_aws_examples(
    url: str, headers: dict[str, str], service: str, signature: str
) -> None:
    signed = sign_request(
        "GET",
        url,
        headers,
        b"",
        access_key="AKIDEXAMPLE",
        secret_key=AWS_EXAMPLE_SECRET,
        region="us-east-1",
        service=service,
        now=AWS_EXAMPLE_TIME,
    )
    assert signed["X-Amz-Date"] == "20150830T123600Z"
    assert signed["Authorization"].endswith(f"Signature={signature}")
