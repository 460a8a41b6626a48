"""email-sender: send an e-mail through SMTP, SendGrid or Amazon SES.

Sending a message on someone's behalf is privileged (``[runtime.security]
allow_privileged_tools``). Servers and credentials come from ``[tools.email_sender]`` or the
environment (rs-llmspell's ``EMAIL_*`` names, plus ``SENDGRID_API_KEY`` / ``AWS_*``), never
from the call, so a spell cannot point the tool at a server of its choosing; they never appear
in results or errors. SMTP goes through aiosmtplib with STARTTLS (or implicit TLS on 465)
required by default; SendGrid (v3 mail/send) and SES (v2 SendEmail, SigV4-signed, raw MIME) go
through the network tools' SSRF-checked HTTP client.
"""

from __future__ import annotations

import base64
import json
import mimetypes
import re
import ssl
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from pathlib import Path
from typing import Any, ClassVar, Literal, cast

from pydantic import Field, field_validator

from llmspell_core.errors import ToolError, ValidationError
from llmspell_core.extras import import_optional
from llmspell_core.tool_types import SecurityLevel, ToolOutput
from llmspell_tools._files import input_file
from llmspell_tools.communication._sigv4 import sign_request
from llmspell_tools.framework import BaseTool, Invocation, ToolParams, example, section_key
from llmspell_tools.network import NetworkSettings, SafeHttpClient, redact_text, setting_or_env

__all__ = ["EmailSender", "EmailSenderParams", "EmailSenderSettings", "build_message"]

Provider = Literal["smtp", "sendgrid", "ses"]
SECTION = section_key("email-sender")
_HEADER_BREAK = re.compile(r"[\r\n]")


class EmailSenderSettings(NetworkSettings):
    """``[tools.email_sender]``; every credential may come from the environment instead."""

    default_provider: Provider = "smtp"
    #: ``default_sender`` (env ``EMAIL_DEFAULT_SENDER``): the From address when a call gives none.
    default_sender: str | None = None
    smtp_host: str | None = None  # env EMAIL_SMTP_HOST
    smtp_port: int | None = Field(default=None, gt=0, lt=65536)  # env EMAIL_SMTP_PORT
    smtp_username: str | None = None  # env EMAIL_SMTP_USERNAME
    smtp_password: str | None = None  # env EMAIL_SMTP_PASSWORD
    #: ``starttls`` (default; upgrade before AUTH/DATA), ``tls`` (implicit, port 465), ``none``.
    smtp_security: Literal["starttls", "tls", "none"] | None = None
    #: A PEM CA bundle to trust for the SMTP server (e.g. a company CA or a test certificate).
    smtp_ca_file: str | None = None
    sendgrid_api_key: str | None = None  # env EMAIL_SENDGRID_API_KEY, SENDGRID_API_KEY
    sendgrid_base_url: str = "https://api.sendgrid.com"
    ses_access_key_id: str | None = None  # env EMAIL_SES_ACCESS_KEY_ID, AWS_ACCESS_KEY_ID
    ses_secret_access_key: str | None = None  # env EMAIL_SES_SECRET_ACCESS_KEY, AWS_SECRET_...
    ses_session_token: str | None = None  # env AWS_SESSION_TOKEN
    ses_region: str | None = None  # env EMAIL_SES_REGION, AWS_REGION, AWS_DEFAULT_REGION
    #: Default ``https://email.<region>.amazonaws.com``.
    ses_base_url: str | None = None
    max_recipients: int = Field(default=50, gt=0)
    #: Largest total size of the attached files, in bytes.
    max_attachment_bytes: int = Field(default=10 * 1024 * 1024, gt=0)


class EmailSenderParams(ToolParams):
    to: str | list[str] = Field(description="recipient address(es): 'a@b.c' or 'Name <a@b.c>'")
    subject: str = Field(max_length=998, description="the subject line")
    body: str = Field(description="the message body (plain text, or HTML when html=true)")
    from_: str | None = Field(
        default=None, alias="from", description="sender address (default: the configured one)"
    )
    cc: str | list[str] | None = Field(default=None, description="carbon-copy address(es)")
    bcc: str | list[str] | None = Field(default=None, description="blind-copy address(es)")
    reply_to: str | None = Field(default=None, description="the Reply-To address")
    html: bool = Field(default=False, description="the body is HTML")
    text_body: str | None = Field(
        default=None, description="with html=true: the plain-text alternative"
    )
    attachments: list[str] | None = Field(
        default=None, description="files to attach (inside the allowed roots)"
    )
    provider: Provider | None = Field(
        default=None, description="smtp | sendgrid | ses (default: the configured one)"
    )

    required_for: ClassVar[dict[str, tuple[str, ...]]] = {}

    @field_validator("subject")
    @classmethod
    def _one_line(cls, value: str) -> str:
        if _HEADER_BREAK.search(value):
            raise ValueError("the subject must be one line (no CR/LF)")
        return value


def _addresses(value: str | list[str] | None, field: str) -> list[str]:
    """Each address checked: one line, ``local@domain`` (optionally with a display name)."""
    items = [value] if isinstance(value, str) else list(value or [])
    out: list[str] = []
    for index, item in enumerate(items):
        where = field if isinstance(value, str) else f"{field}[{index}]"
        name, address = parseaddr(item)
        local, at, domain = address.rpartition("@")
        if (
            _HEADER_BREAK.search(item)
            or not at
            or not local
            or "." not in domain
            or " " in address
            or domain.startswith(".")
            or domain.endswith(".")
        ):
            raise ValidationError(
                f"email-sender: '{where}' is not an e-mail address: {item!r}",
                details={"field": where, "rule": "email"},
            )
        out.append(str(Address(display_name=name, addr_spec=address)) if name else address)
    return out


def _bare(address: str) -> str:
    return parseaddr(address)[1]


class _Mail:
    """One message: checked addresses, content and attachments."""

    def __init__(self, params: EmailSenderParams, sender: str, call: Invocation) -> None:
        settings = cast(EmailSenderSettings, call.settings)
        self.sender = _addresses(sender, "from")[0]
        self.to = _addresses(params.to, "to")
        self.cc = _addresses(params.cc, "cc")
        self.bcc = _addresses(params.bcc, "bcc")
        self.reply_to = _addresses(params.reply_to, "reply_to")
        if not self.to:
            raise ValidationError(
                "email-sender: 'to' needs at least one address",
                details={"field": "to", "rule": "required"},
            )
        count = len(self.to) + len(self.cc) + len(self.bcc)
        if count > settings.max_recipients:
            raise ValidationError(
                f"email-sender: {count} recipients is over the {settings.max_recipients} limit "
                f"({SECTION} max_recipients)",
                details={"field": "to", "rule": "max_recipients"},
            )
        self.subject = params.subject
        self.body = params.body
        self.html = params.html
        self.text_body = params.text_body
        self.attachments = self._attachments(params.attachments or [], call, settings)

    @staticmethod
    def _attachments(
        paths: list[str], call: Invocation, settings: EmailSenderSettings
    ) -> list[tuple[str, str, bytes]]:
        out: list[tuple[str, str, bytes]] = []
        total = 0
        for index, raw in enumerate(paths):
            path: Path = input_file(call, raw, field=f"attachments[{index}]")
            data = path.read_bytes()
            total += len(data)
            if total > settings.max_attachment_bytes:
                raise ValidationError(
                    f"email-sender: attachments total over {settings.max_attachment_bytes} "
                    f"bytes ({SECTION} max_attachment_bytes)",
                    details={"field": f"attachments[{index}]", "rule": "max_attachment_bytes"},
                )
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            out.append((path.name, mime, data))
        return out

    @property
    def recipients(self) -> list[str]:
        return [_bare(a) for a in self.to + self.cc + self.bcc]


def build_message(mail: _Mail, message_id: str) -> EmailMessage:
    """The MIME message (Bcc left out of the headers, as delivery lists them separately)."""
    message = EmailMessage()
    message["From"] = mail.sender
    message["To"] = ", ".join(mail.to)
    if mail.cc:
        message["Cc"] = ", ".join(mail.cc)
    if mail.reply_to:
        message["Reply-To"] = ", ".join(mail.reply_to)
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = message_id
    if mail.html:
        message.set_content(mail.text_body or _html_to_text(mail.body))
        message.add_alternative(mail.body, subtype="html")
    else:
        message.set_content(mail.body)
    for name, mime, data in mail.attachments:
        maintype, _, subtype = mime.partition("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message


def _html_to_text(html: str) -> str:
    text = re.sub(r"(?is)<(script|style).*?</\1>", "", html)
    text = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</h\d>|</li>", "\n", text)
    text = re.sub(r"<[^>]+>", "", text)
    import html as htmllib

    return re.sub(r"\n{3,}", "\n\n", htmllib.unescape(text)).strip()


class EmailSender(BaseTool[EmailSenderParams]):
    tool_name = "email-sender"
    description = (
        "Send an e-mail (to, subject, body; optional cc, bcc, reply_to, HTML body, file "
        "attachments) through the configured SMTP server, SendGrid or Amazon SES."
    )
    tool_category = "communication"
    tags = ("email", "smtp", "sendgrid", "ses", "notify")
    params_model = EmailSenderParams
    settings_model = EmailSenderSettings
    default_operation = "send"
    security_level = SecurityLevel.PRIVILEGED  # sends messages on the user's behalf
    timeout_seconds = 60.0
    examples = (
        example(
            "Plain-text mail through the configured provider",
            to="ops@example.com",
            subject="Nightly report",
            body="All 12 jobs succeeded.",
        ),
        example(
            "HTML mail with a copy",
            to=["ada@example.com"],
            cc="team@example.com",
            subject="Welcome",
            body="<h1>Welcome!</h1><p>Glad you are here.</p>",
            html=True,
        ),
    )

    async def run(self, params: EmailSenderParams, call: Invocation) -> ToolOutput:
        settings = cast(EmailSenderSettings, call.settings)
        provider: Provider = params.provider or settings.default_provider
        call.operation = "send"
        sender = params.from_ or setting_or_env(call, "default_sender", "EMAIL_DEFAULT_SENDER")
        if not sender:
            raise ValidationError(
                f"email-sender: no sender: pass 'from' or set {SECTION} default_sender "
                "(or EMAIL_DEFAULT_SENDER)",
                details={"field": "from", "rule": "required"},
            )
        mail = await call.to_thread(_Mail, params, sender, call)
        domain = _bare(mail.sender).rpartition("@")[2]
        message_id = make_msgid(domain=domain)
        if provider == "smtp":
            result = await self._smtp(mail, message_id, settings, call)
        elif provider == "sendgrid":
            result = await self._sendgrid(mail, message_id, settings, call)
        else:
            result = await self._ses(mail, message_id, settings, call)
        result.update(
            provider=provider,
            status="sent",
            recipients=len(mail.recipients),
            to=[_bare(a) for a in mail.to],
            subject=mail.subject,
            attachments=[name for name, _, _ in mail.attachments],
        )
        return call.ok(
            f"e-mail '{mail.subject}' sent via {provider} to {len(mail.recipients)} recipient(s)",
            result,
            provider=provider,
        )

    # -- SMTP ----------------------------------------------------------------------------
    async def _smtp(
        self, mail: _Mail, message_id: str, settings: EmailSenderSettings, call: Invocation
    ) -> dict[str, Any]:
        import_optional(
            "aiosmtplib", what="email-sender (SMTP)", distribution="llmspell-tools", extra="email"
        )
        import aiosmtplib

        host = setting_or_env(call, "smtp_host", "EMAIL_SMTP_HOST")
        if not host:
            raise ValidationError(
                f"email-sender: no SMTP server: set {SECTION} smtp_host (or EMAIL_SMTP_HOST)",
                details={
                    "field": "provider",
                    "rule": "smtp_host",
                    "config_key": f"{SECTION} smtp_host",
                },
            )
        port_text = setting_or_env(call, "smtp_port", "EMAIL_SMTP_PORT")
        port = settings.smtp_port or (int(port_text) if port_text and port_text.isdigit() else 587)
        username = setting_or_env(call, "smtp_username", "EMAIL_SMTP_USERNAME")
        password = setting_or_env(call, "smtp_password", "EMAIL_SMTP_PASSWORD")
        security = settings.smtp_security or ("tls" if port == 465 else "starttls")
        if security == "none" and (username or password):
            raise ValidationError(
                f"email-sender: {SECTION} smtp_security = 'none' would send the SMTP password "
                "unencrypted; use 'starttls' or 'tls'",
                details={"field": "provider", "rule": "smtp_security"},
            )
        context = ssl.create_default_context(cafile=settings.smtp_ca_file)
        if settings.verify_tls is False:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        message = build_message(mail, message_id)
        timeout = settings.request_timeout_seconds or 30.0
        remaining = call.ctx.remaining()
        if remaining is not None:
            timeout = min(timeout, remaining)
        secrets = (password, username)
        try:
            refused, reply = await aiosmtplib.send(
                message,
                sender=_bare(mail.sender),
                recipients=mail.recipients,
                hostname=host,
                port=port,
                username=username,
                password=password,
                use_tls=security == "tls",
                start_tls=security == "starttls",
                tls_context=context if security != "none" else None,
                timeout=timeout,
            )
        except aiosmtplib.SMTPAuthenticationError as exc:
            raise ToolError(
                f"email-sender: the SMTP server refused the login ({exc.code} "
                f"{redact_text(exc.message, secrets)}); check {SECTION} smtp_username / "
                "smtp_password",
                code="AUTH_FAILED",
                details={"provider": "smtp", "smtp_code": exc.code},
            ) from None
        except aiosmtplib.SMTPRecipientsRefused as exc:
            refused_to = [r.recipient for r in exc.recipients]
            raise ToolError(
                f"email-sender: the SMTP server refused every recipient ({', '.join(refused_to)})",
                code="RECIPIENTS_REFUSED",
                details={"provider": "smtp", "refused": refused_to},
            ) from None
        except aiosmtplib.SMTPResponseException as exc:
            raise ToolError(
                f"email-sender: the SMTP server answered {exc.code} "
                f"{redact_text(exc.message, secrets)}",
                code="EMAIL_SEND_FAILED",
                details={"provider": "smtp", "smtp_code": exc.code},
            ) from None
        except (aiosmtplib.SMTPException, OSError) as exc:
            cause = exc.__cause__ or exc.__context__
            reason = redact_text(str(exc), secrets)
            if isinstance(exc, ssl.SSLError) or isinstance(cause, ssl.SSLError):
                reason = (
                    f"TLS failed: {cause or exc} (trust a private CA with {SECTION} smtp_ca_file)"
                )
            raise ToolError(
                f"email-sender: cannot send through SMTP server {host}:{port} "
                f"({security}): {reason}",
                code="CONNECTION_FAILED",
                details={"provider": "smtp", "host": host, "port": port},
            ) from None
        return {
            "message_id": message_id,
            "server_reply": redact_text(reply, secrets),
            "refused": {k: str(v) for k, v in refused.items()},
            "security": security,
        }

    # -- SendGrid ------------------------------------------------------------------------
    async def _sendgrid(
        self, mail: _Mail, message_id: str, settings: EmailSenderSettings, call: Invocation
    ) -> dict[str, Any]:
        key = setting_or_env(call, "sendgrid_api_key", "EMAIL_SENDGRID_API_KEY", "SENDGRID_API_KEY")
        if not key:
            raise ValidationError(
                f"email-sender: no SendGrid API key: set {SECTION} sendgrid_api_key (or "
                "SENDGRID_API_KEY)",
                details={"field": "provider", "rule": "api_key"},
            )

        def people(addresses: list[str]) -> list[dict[str, str]]:
            out: list[dict[str, str]] = []
            for a in addresses:
                name, email = parseaddr(a)
                out.append({"email": email, "name": name} if name else {"email": email})
            return out

        personalization: dict[str, Any] = {"to": people(mail.to)}
        if mail.cc:
            personalization["cc"] = people(mail.cc)
        if mail.bcc:
            personalization["bcc"] = people(mail.bcc)
        content = (
            [
                {"type": "text/plain", "value": mail.text_body or _html_to_text(mail.body)},
                {"type": "text/html", "value": mail.body},
            ]
            if mail.html
            else [{"type": "text/plain", "value": mail.body}]
        )
        payload: dict[str, Any] = {
            "personalizations": [personalization],
            "from": people([mail.sender])[0],
            "subject": mail.subject,
            "content": content,
            "headers": {"Message-ID": message_id},
        }
        if mail.reply_to:
            payload["reply_to"] = people(mail.reply_to[:1])[0]
        if mail.attachments:
            payload["attachments"] = [
                {
                    "content": base64.b64encode(data).decode("ascii"),
                    "filename": name,
                    "type": mime,
                    "disposition": "attachment",
                }
                for name, mime, data in mail.attachments
            ]
        url = settings.sendgrid_base_url.rstrip("/") + "/v3/mail/send"
        async with SafeHttpClient.for_call(call) as http:
            response = await http.request(
                "POST",
                url,
                headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
                content=json.dumps(payload).encode("utf-8"),
                follow_redirects=False,
                max_bytes=1_000_000,
            )
        if not 200 <= response.status_code < 300:
            raise self._http_error("SendGrid", response.status_code, response.text, (key,))
        return {"message_id": response.header("x-message-id") or message_id}

    # -- Amazon SES ----------------------------------------------------------------------
    async def _ses(
        self, mail: _Mail, message_id: str, settings: EmailSenderSettings, call: Invocation
    ) -> dict[str, Any]:
        access = setting_or_env(
            call, "ses_access_key_id", "EMAIL_SES_ACCESS_KEY_ID", "AWS_ACCESS_KEY_ID"
        )
        secret = setting_or_env(
            call, "ses_secret_access_key", "EMAIL_SES_SECRET_ACCESS_KEY", "AWS_SECRET_ACCESS_KEY"
        )
        token = setting_or_env(call, "ses_session_token", "AWS_SESSION_TOKEN")
        region = (
            setting_or_env(
                call, "ses_region", "EMAIL_SES_REGION", "AWS_REGION", "AWS_DEFAULT_REGION"
            )
            or "us-east-1"
        )
        if not access or not secret:
            raise ValidationError(
                f"email-sender: no SES credentials: set {SECTION} ses_access_key_id and "
                "ses_secret_access_key (or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)",
                details={"field": "provider", "rule": "api_key"},
            )
        raw = build_message(mail, message_id).as_bytes()
        payload: dict[str, Any] = {
            "FromEmailAddress": mail.sender,
            "Destination": {
                "ToAddresses": mail.to,
                **({"CcAddresses": mail.cc} if mail.cc else {}),
                **({"BccAddresses": mail.bcc} if mail.bcc else {}),
            },
            "Content": {"Raw": {"Data": base64.b64encode(raw).decode("ascii")}},
        }
        if mail.reply_to:
            payload["ReplyToAddresses"] = mail.reply_to
        body = json.dumps(payload).encode("utf-8")
        base = settings.ses_base_url or f"https://email.{region}.amazonaws.com"
        url = base.rstrip("/") + "/v2/email/outbound-emails"
        headers = sign_request(
            "POST",
            url,
            {"Content-Type": "application/json"},
            body,
            access_key=access,
            secret_key=secret,
            region=region,
            service="ses",
            session_token=token,
        )
        headers.pop("Host")  # httpx sends the same value itself
        async with SafeHttpClient.for_call(call) as http:
            response = await http.request(
                "POST",
                url,
                headers=headers,
                content=body,
                follow_redirects=False,
                max_bytes=1_000_000,
            )
        if not 200 <= response.status_code < 300:
            raise self._http_error("SES", response.status_code, response.text, (secret, token))
        try:
            ses_id = str(response.json().get("MessageId") or "")
        except (ValueError, AttributeError):
            ses_id = ""
        return {"message_id": ses_id or message_id, "region": region}

    @staticmethod
    def _http_error(
        service: str, status: int, text: str, secrets: tuple[str | None, ...]
    ) -> ToolError:
        detail = text.strip()
        try:
            data: Any = json.loads(detail)
            if isinstance(data, dict):
                found = cast(dict[str, Any], data)
                errors = found.get("errors")
                if isinstance(errors, list) and errors:
                    detail = "; ".join(
                        str(cast(dict[str, Any], e).get("message", e))
                        if isinstance(e, dict)
                        else str(e)
                        for e in cast(list[Any], errors)
                    )
                elif "message" in found or "Message" in found:
                    detail = str(found.get("message") or found.get("Message"))
        except ValueError:
            pass
        detail = redact_text(detail[:500], secrets)
        code = "AUTH_FAILED" if status in (401, 403) else "EMAIL_SEND_FAILED"
        return ToolError(
            f"email-sender: {service} refused the message (HTTP {status}): {detail}",
            code=code,
            details={"provider": service.lower(), "status": status},
        )
