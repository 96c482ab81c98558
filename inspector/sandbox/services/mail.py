"""An SMTP sink on loopback that stores every message in a Maildir and delivers nothing."""

from __future__ import annotations

import email
import email.policy
import ipaddress
import mailbox
import re
import smtplib
import threading
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller

OTP_PATTERN = re.compile(r"(?<!\d)(\d{6})(?!\d)")


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _MaildirHandler:
    """aiosmtpd handler: accept any recipient, store the message, relay nothing."""

    def __init__(self, maildir: Path):
        self.maildir = maildir
        self._lock = threading.Lock()
        self._seq = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        with self._lock:
            self._seq += 1
            seq = self._seq
        content = envelope.original_content or envelope.content
        if isinstance(content, str):
            content = content.encode("utf-8")
        trace = (f"X-Sandbox-Received: {datetime.now().isoformat(timespec='microseconds')} "
                 f"#{seq:06d}\r\n"
                 f"X-Sandbox-Mail-From: {envelope.mail_from}\r\n"
                 f"X-Sandbox-Rcpt-To: {', '.join(envelope.rcpt_tos)}\r\n")
        trace = trace.encode("ascii", "replace")
        mailbox.Maildir(self.maildir, create=False).add(trace + content)
        return "250 Message accepted for delivery"


class _Controller(Controller):
    """aiosmtpd's threaded controller, able to bind port 0 (it learns the port it got)."""

    def _trigger_server(self):
        if self.port == 0 and self.server is not None:
            self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


class SmtpSink:
    """Receives the portals' mail on 127.0.0.1 and keeps it in ``maildir`` (``mailbox.Maildir``
    layout, readable from another process while the sink runs)."""

    def __init__(self, maildir: Path, host: str = "127.0.0.1", port: int = 0):
        if not _is_loopback(host):
            raise ValueError(f"the SMTP sink binds loopback only, not {host!r}")
        self.maildir = Path(maildir)
        self.host = host
        self._requested_port = port
        self._controller: _Controller | None = None
        for sub in ("tmp", "new", "cur"):     # Maildir(create=True) skips an existing folder
            (self.maildir / sub).mkdir(parents=True, exist_ok=True)

    @property
    def port(self) -> int:
        if self._controller is None:
            raise RuntimeError("the SMTP sink is not running")
        return self._controller.port

    @property
    def address(self) -> tuple[str, int]:
        """The (host, port) the sink listens on, as the socket reports it."""
        if self._controller is None or self._controller.server is None:
            raise RuntimeError("the SMTP sink is not running")
        host, port = self._controller.server.sockets[0].getsockname()[:2]
        return host, port

    def start(self) -> "SmtpSink":
        if self._controller is not None:
            raise RuntimeError("the SMTP sink is already running")
        controller = _Controller(_MaildirHandler(self.maildir), hostname=self.host,
                                 port=self._requested_port, server_hostname="localhost",
                                 ready_timeout=10.0)
        controller.start()
        self._controller = controller
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> "SmtpSink":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def messages(self, to: str | None = None) -> list[EmailMessage]:
        return read_messages(self.maildir, to)


def read_messages(maildir: Path, to: str | None = None) -> list[EmailMessage]:
    """The messages stored in ``maildir``, oldest first; only those addressed to ``to`` if given."""
    box = mailbox.Maildir(Path(maildir), create=False)
    found = []
    for key in box.keys():
        try:
            raw = box.get_bytes(key)
        except KeyError:        # moved or removed meanwhile
            continue
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        if to is not None:
            rcpts = [a.strip().lower() for a in str(msg.get("X-Sandbox-Rcpt-To", "")).split(",")]
            if to.strip().lower() not in rcpts and to.strip().lower() not in str(
                    msg.get("To", "")).lower():
                continue
        found.append((str(msg.get("X-Sandbox-Received", "")), key, msg))
    found.sort(key=lambda item: (item[0], item[1]))
    return [msg for _, _, msg in found]


def message_text(msg: EmailMessage) -> str:
    """The plain-text body of a message."""
    part = msg.get_body(preferencelist=("plain", "html"))
    return part.get_content() if part is not None else ""


def extract_otp(msg: EmailMessage) -> str | None:
    """The six-digit code in a message's body (None when there is none)."""
    match = OTP_PATTERN.search(message_text(msg))
    return match.group(1) if match else None


def send_mail(host: str, port: int, sender: str, to: str, subject: str, body: str) -> None:
    """Send one plain-text UTF-8 message through the SMTP server at host:port (the sink).

    Loopback only: the sandbox must never hand a message to a real mail server."""
    if not (_is_loopback(host) or host == "localhost"):
        raise ValueError(f"sandbox mail goes to a loopback sink only, not {host!r}")
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content(body)
    with smtplib.SMTP(host, port, local_hostname="localhost", timeout=10) as client:
        client.send_message(msg)
