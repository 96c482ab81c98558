"""Read the one-time codes portals e-mail to the test citizen: a Maildir (the sandbox's SMTP sink)
or an IMAP mailbox (real use)."""

from __future__ import annotations

import asyncio
import base64
import email
import email.policy
import imaplib
import mailbox as mailbox_lib
import re
import time
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import getaddresses
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .citizen import CitizenError


@dataclass
class Message:
    key: str
    to: str
    subject: str
    text: str


def _text(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("plain", "html"))
    return part.get_content() if part is not None else ""


def _parse(raw: bytes, key: str) -> Message:
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    return Message(key=key, to=str(msg.get("To", "")), subject=str(msg.get("Subject", "")),
                   text=_text(msg))


def _delivered(key: str) -> tuple[int, int, str]:
    """Delivery order of a Maildir key ('<seconds>.M<microseconds>P<pid>Q<n>.<host>')."""
    seconds, _, rest = key.partition(".")
    micro = re.match(r"M(\d+)", rest)
    return (int(seconds) if seconds.isdigit() else 0, int(micro.group(1)) if micro else 0, key)


class Maildir:
    """A Maildir folder; messages are parsed once and remembered by key, listed oldest first."""

    def __init__(self, path: Path):
        self.path = Path(path)
        if not (self.path / "new").is_dir():
            raise CitizenError(f"hộp thư {self.path}: không phải Maildir (không có thư mục new/)")
        self._seen: dict[str, Message] = {}

    def messages(self) -> list[Message]:
        box = mailbox_lib.Maildir(self.path, factory=None, create=False)
        for key in box.iterkeys():
            if key not in self._seen:
                try:
                    self._seen[key] = _parse(box.get_bytes(key), key)
                except (KeyError, FileNotFoundError):   # moved to cur/ meanwhile
                    continue
        return [self._seen[key] for key in sorted(self._seen, key=_delivered)]


class MailboxError(CitizenError):
    """The test citizen's mailbox cannot be read (login refused, no such folder, unreachable):
    a setting to fix, never a service's failure."""


def _imap_folder(name: str) -> str:
    """A folder name as IMAP wants it: modified UTF-7 (RFC 3501 5.1.3), quoted."""
    out, run = [], []

    def flush() -> None:
        if run:
            raw = "".join(run).encode("utf-16-be")
            out.append("&" + base64.b64encode(raw).decode().rstrip("=").replace("/", ",") + "-")
            run.clear()
    for ch in name:
        if 0x20 <= ord(ch) <= 0x7E:
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            run.append(ch)
    flush()
    encoded = "".join(out)
    return '"' + encoded.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Imap:
    """An IMAP mailbox (imaps://user@host[:port]/FOLDER); read-only, messages fetched once."""

    def __init__(self, url: str, password: str | None):
        parts = urlsplit(url)
        if not parts.hostname or not parts.username:
            raise CitizenError(f"hộp thư {url}: phải có dạng imaps://user@host/FOLDER")
        if not password:
            raise CitizenError("hộp thư: hộp thư IMAP cần mailbox_password_env hoặc "
                               "mailbox_password_file trong tệp công dân thử nghiệm")
        self.secure = parts.scheme == "imaps"
        self.host, self.port = parts.hostname, parts.port or (993 if self.secure else 143)
        self.user, self.password = unquote(parts.username), password
        self.folder = unquote(parts.path.lstrip("/")) or "INBOX"
        self._seen: dict[str, Message] = {}

    def messages(self) -> list[Message]:
        where = f"hộp thư imap{'s' if self.secure else ''}://{self.user}@{self.host}:{self.port}"
        cls = imaplib.IMAP4_SSL if self.secure else imaplib.IMAP4
        try:
            conn = cls(self.host, self.port, timeout=30)
        except OSError as exc:
            raise MailboxError(f"{where}: không kết nối được: {exc}") from None
        with conn:
            try:
                conn.login(self.user, self.password)
            except imaplib.IMAP4.error as exc:
                raise MailboxError(f"{where}: máy chủ từ chối đăng nhập của {self.user}: "
                                   f"{_server_text(exc)}") from None
            status, data = conn.select(_imap_folder(self.folder), readonly=True)
            if status != "OK":
                raise MailboxError(f"{where}: không có thư mục {self.folder!r}: "
                                   f"{_server_text(data)}")
            status, data = conn.uid("search", None, "ALL")
            if status != "OK":
                raise MailboxError(f"{where}/{self.folder}: máy chủ từ chối tìm kiếm: "
                                   f"{_server_text(data)}")
            for uid in (data[0] or b"").split():
                key = uid.decode()
                if key in self._seen:
                    continue
                status, fetched = conn.uid("fetch", uid, "(BODY.PEEK[])")
                if status == "OK" and fetched and isinstance(fetched[0], tuple):
                    self._seen[key] = _parse(fetched[0][1], key)
        return [self._seen[key] for key in sorted(self._seen, key=int)]   # UIDs ascend


def _server_text(value) -> str:
    if isinstance(value, BaseException):
        value = value.args[0] if value.args else str(value)
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return str(value)


def open_mailbox(spec: str | None, password: str | None = None):
    if not spec:
        raise CitizenError("kịch bản cần đọc mã gửi qua e-mail nhưng tệp công dân thử nghiệm "
                           "không có trường mailbox (maildir:/path hoặc imaps://user@host/INBOX)")
    if spec.startswith("maildir:"):
        return Maildir(Path(spec[len("maildir:"):]).expanduser())
    return Imap(spec, password)


class CodeNotReceived(Exception):
    """No message with the code arrived in time."""


async def wait_for_code(box, to: str, subject: str, pattern: str, timeout: float,
                        used: set[str], poll: float = 0.5) -> str:
    """The code from the newest unused message to ``to`` whose subject contains ``subject``.
    ``used`` holds the keys of messages already read in this attempt."""
    deadline = time.monotonic() + timeout
    regex = re.compile(pattern)
    want_to, want_subject = to.lower(), subject.lower()
    while True:
        messages = await asyncio.to_thread(box.messages)
        for msg in reversed(messages):            # the newest first: a resent code wins
            recipients = {address.lower() for _, address in getaddresses([msg.to])}
            if msg.key in used or want_to not in recipients \
                    or want_subject not in msg.subject.lower():
                continue
            found = regex.search(msg.text)
            if found:
                used.add(msg.key)
                return found.group(1) if regex.groups else found.group(0)
        if time.monotonic() >= deadline:
            raise CodeNotReceived(f"không nhận được e-mail '{subject}' gửi tới {to} trong "
                                  f"{timeout:g} giây")
        await asyncio.sleep(poll)
