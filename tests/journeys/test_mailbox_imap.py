"""One-time codes read over IMAP (the test citizen's real mailbox), against a tiny IMAP4rev1 server
on 127.0.0.1: the right message, the newest first, read-only (EXAMINE, BODY.PEEK), fetched once."""

from __future__ import annotations

import asyncio
import email.policy
import imaplib
import threading
import time
from email.message import EmailMessage

import pytest

from inspector.journeys.citizen import CitizenError
from inspector.journeys.mailbox import CodeNotReceived, Imap, open_mailbox, wait_for_code

from .imapserver import ImapServer

USER, PASSWORD = "kiemtra", 'kt-"thu"\\1 x'          # quoted and escaped by imaplib
ME = "kiemtra+kt7@example.gov.vn"
SUBJECT = "Mã xác nhận đăng ký tài khoản"
SIX = r"\b(\d{6})\b"


def message(to: str, subject: str, body: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Cổng Dịch vụ công <no-reply@dvc.sandbox.invalid>"
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content(body)
    return msg.as_bytes(policy=email.policy.SMTP)       # CRLF, as IMAP carries it


def code_mail(code: str, to: str = ME, subject: str = SUBJECT) -> bytes:
    return message(to, subject, f"Xin chào,\nMã xác nhận của bạn là {code}.\n"
                                "Mã có hiệu lực trong 5 phút.")


def wait(box, to=ME, subject=SUBJECT, timeout=2.0, used=None, poll=0.05):
    return asyncio.run(wait_for_code(box, to, subject, SIX, timeout,
                                     set() if used is None else used, poll=poll))


@pytest.fixture
def server():
    with ImapServer(USER, PASSWORD, first_uid=41) as running:
        assert running.address[0] == "127.0.0.1"
        yield running


def connect(server: ImapServer, password: str = PASSWORD, folder: str = "INBOX") -> Imap:
    box = open_mailbox(f"imap://{USER}@127.0.0.1:{server.port}/{folder}", password)
    assert isinstance(box, Imap)
    assert (box.host, box.port, box.secure) == ("127.0.0.1", server.port, False)
    return box


def assert_read_only(server: ImapServer) -> None:
    commands = server.commands
    names = [c.split(" ", 2)[1] if c.startswith("UID ") else c.split(" ", 1)[0]
             for c in commands]
    assert "EXAMINE" in names and "SELECT" not in names, commands
    assert "STORE" not in names and "EXPUNGE" not in names and "COPY" not in names, commands
    fetches = [c for c in commands if c.startswith("UID FETCH")]
    assert fetches, commands
    for command in fetches:
        assert "BODY.PEEK[]" in command, command
        assert "BODY[]" not in command.replace("BODY.PEEK[]", ""), command
        assert "RFC822" not in command, command
    assert not server.seen


# --- the server itself (so that the tests below stand on something) --------------------------

def test_server_speaks_imaplib():
    with ImapServer(USER, PASSWORD, [code_mail("123456")], first_uid=7) as server:
        with imaplib.IMAP4("127.0.0.1", server.port, timeout=5) as conn:
            assert "IMAP4REV1" in conn.capabilities
            assert conn.noop()[0] == "OK"
            with pytest.raises(imaplib.IMAP4.error):
                conn.login(USER, "wrong")
            assert conn.login(USER, PASSWORD)[0] == "OK"
            assert conn.select("Archive", readonly=True)[0] == "NO"
            assert conn.select("INBOX", readonly=True) == ("OK", [b"1"])
            assert conn.uid("search", None, "ALL") == ("OK", [b"7"])
            assert conn.search(None, "ALL") == ("OK", [b"1"])
            status, data = conn.uid("fetch", "7", "(BODY.PEEK[])")
            assert status == "OK" and data[0][0].startswith(b"1 (UID 7 BODY[] {")
            assert data[0][1] == code_mail("123456")
            server.deliver(code_mail("654321"))
            assert conn.noop()[0] == "OK"
            assert conn.response("EXISTS")[1][-1] == b"2"          # announced by NOOP
            assert conn.uid("store", "7", "+FLAGS", r"(\Seen)")[0] == "NO"   # read-only
        assert conn.state == "LOGOUT"
        assert server.commands[:3] == ["CAPABILITY", "NOOP", "LOGIN kiemtra ***"]
        assert server.commands[-1] == "LOGOUT"
        assert server.fetches == {7: 1} and not server.seen


# --- the reader ---------------------------------------------------------------------------------

def test_code_from_the_right_message(server):
    server.deliver(code_mail("111111", to="someone-else+kt7@example.gov.vn"))
    server.deliver(code_mail("222222", to="x" + ME))                  # not a substring match
    server.deliver(message(ME, "Thông báo tiếp nhận hồ sơ", "Hồ sơ số 333333 đã được tiếp nhận"))
    server.deliver(code_mail("345678", to=f"Nguyễn Văn Kiểm Thử <{ME}>",
                             subject=f"[Cổng DVC] {SUBJECT}"))
    server.deliver(code_mail("444444", to="kiemtra+kt8@example.gov.vn"))
    server.deliver(message(ME, SUBJECT, "Không có mã trong thư này."))
    used: set[str] = set()
    assert wait(connect(server), used=used) == "345678"
    assert used == {"44"}                                 # the UID, not the sequence number
    assert_read_only(server)


def test_newest_code_first(server):
    server.deliver(code_mail("100001"))
    server.deliver(code_mail("100002"))
    box = connect(server)
    used: set[str] = set()
    assert wait(box, used=used) == "100002"
    assert wait(box, used=used) == "100001"              # then the older one, once
    with pytest.raises(CodeNotReceived):
        wait(box, used=used, timeout=0.3)


def test_code_arriving_while_waiting(server):
    server.deliver(code_mail("999999", to="other@example.gov.vn"))
    box = connect(server)
    timer = threading.Timer(1.0, server.deliver, args=(code_mail("246810"),))
    start = time.monotonic()
    timer.start()
    try:
        assert wait(box, timeout=3.0) == "246810"
    finally:
        timer.cancel()
    assert time.monotonic() - start >= 1.0
    assert_read_only(server)
    assert server.commands.count("UID FETCH 41 (BODY.PEEK[])") == 1


def test_nothing_matches_times_out(server):
    server.deliver(code_mail("999999", to="other@example.gov.vn"))
    server.deliver(message(ME, "Thông báo khác", "Mã: 888888"))
    server.deliver(message(ME, SUBJECT, "Không có mã trong thư này."))
    box = connect(server)
    start = time.monotonic()
    with pytest.raises(CodeNotReceived) as info:
        wait(box, timeout=0.5)
    assert 0.5 <= time.monotonic() - start < 3
    assert ME in str(info.value)


def test_read_only_and_each_message_fetched_once(server):
    for code in ("500001", "500002", "500003"):
        server.deliver(code_mail(code, to="other@example.gov.vn"))
    box = connect(server)
    with pytest.raises(CodeNotReceived):
        wait(box, timeout=0.5, poll=0.05)
    server.deliver(code_mail("500004"))
    assert wait(box) == "500004"
    logins = [c for c in server.commands if c.startswith("LOGIN")]
    assert len(logins) >= 3                              # it did poll repeatedly
    assert server.commands.count("UID SEARCH ALL") == len(logins)
    assert server.fetches == {41: 1, 42: 1, 43: 1, 44: 1}
    assert_read_only(server)
    assert all(c == "LOGIN kiemtra ***" for c in logins)


def test_wrong_password_fails_at_once(server):
    """Prompt (no waiting out the timeout) and no secret in the error. Today it is imaplib's own
    error, saying only what the server said ("b'[AUTHENTICATIONFAILED] ...'"): see below."""
    server.deliver(code_mail("123456"))
    start = time.monotonic()
    with pytest.raises((imaplib.IMAP4.error, CitizenError)) as info:
        wait(connect(server, password="sai-mat-khau"), timeout=2.0)
    assert time.monotonic() - start < 1.5
    assert "AUTHENTICATIONFAILED" in str(info.value)
    assert "sai-mat-khau" not in str(info.value)
    assert server.fetches == {}
    assert not [c for c in server.commands if c.startswith(("EXAMINE", "SELECT", "UID"))]


def test_wrong_password_is_a_citizen_error_naming_the_login(server):
    with pytest.raises(CitizenError) as info:
        wait(connect(server, password="sai-mat-khau"), timeout=2.0)
    assert "từ chối đăng nhập" in str(info.value) and USER in str(info.value)


def test_missing_folder_is_named():
    with ImapServer(USER, PASSWORD, [code_mail("123456")]) as server:
        with pytest.raises(Exception) as info:
            wait(connect(server, folder="Archive"))
    assert "Archive" in str(info.value), str(info.value)


@pytest.mark.parametrize("folder, path", [("Hộp thư", "H%E1%BB%99p%20th%C6%B0"),
                                          ("Ma xac nhan", "Ma%20xac%20nhan")])
def test_folder_with_spaces_or_vietnamese(folder, path):
    with ImapServer(USER, PASSWORD, [code_mail("123456")], folder=folder) as server:
        box = connect(server, folder=path)
        assert box.folder == folder
        assert wait(box) == "123456"
