"""One-time codes read from the test citizen's mailbox: the sandbox's SMTP sink on 127.0.0.1
writes a Maildir, and wait_for_code finds the right message by address and subject."""

from __future__ import annotations

import asyncio
import mailbox
import os
import random
from email.message import EmailMessage
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest

from inspector.journeys.citizen import CitizenError
from inspector.journeys.mailbox import CodeNotReceived, Maildir, open_mailbox, wait_for_code
from inspector.sandbox.services.mail import SmtpSink, send_mail

ME = "kiemtra+kt7@example.gov.vn"
SUBJECT = "Mã xác nhận đăng ký tài khoản"
SIX = r"\b(\d{6})\b"


def wait(box, to=ME, subject=SUBJECT, pattern=SIX, timeout=0.5, used=None, poll=0.05):
    return asyncio.run(wait_for_code(box, to, subject, pattern, timeout,
                                     set() if used is None else used, poll=poll))


@pytest.fixture
def sink(tmp_path):
    with SmtpSink(tmp_path / "Maildir") as running:
        host, _ = running.address
        assert host == "127.0.0.1"
        yield running


def send(sink: SmtpSink, to: str, subject: str, body: str) -> None:
    send_mail("127.0.0.1", sink.port, "no-reply@dvc.sandbox.invalid", to, subject, body)


def test_code_from_the_right_message(sink):
    send(sink, "someone-else+kt7@example.gov.vn", SUBJECT, "Mã của bạn: 111111")
    send(sink, ME, "Thông báo tiếp nhận hồ sơ", "Hồ sơ số 222222 đã được tiếp nhận")
    send(sink, ME, f"[Cổng DVC] {SUBJECT}", "Xin chào,\nMã xác nhận của bạn là 345678.\n"
                                            "Mã có hiệu lực trong 5 phút.")
    send(sink, "kiemtra+kt8@example.gov.vn", SUBJECT, "Mã của bạn: 444444")
    box = open_mailbox(f"maildir:{sink.maildir}")
    assert isinstance(box, Maildir)
    assert wait(box) == "345678"


def test_address_and_subject_are_case_insensitive(sink):
    send(sink, f"Nguyễn Văn Kiểm Thử <{ME.upper()}>", SUBJECT.upper(), "Mã: 654321")
    assert wait(open_mailbox(f"maildir:{sink.maildir}")) == "654321"


def test_used_keys_are_skipped_and_recorded(sink):
    send(sink, ME, SUBJECT, "Mã: 100001")
    box = open_mailbox(f"maildir:{sink.maildir}")
    used: set[str] = set()
    assert wait(box, used=used) == "100001"
    assert len(used) == 1
    with pytest.raises(CodeNotReceived):
        wait(box, used=used)
    send(sink, ME, SUBJECT, "Mã mới: 100002")
    assert wait(box, used=used) == "100002"
    assert len(used) == 2


def test_custom_pattern_group_one(sink):
    send(sink, ME, SUBJECT, "Số biên nhận 000123 — mã xác thực: OTP-12345678, hết hạn 10 phút.")
    box = open_mailbox(f"maildir:{sink.maildir}")
    assert wait(box, pattern=r"OTP-(\d{8})") == "12345678"
    # without a group the whole match
    send(sink, ME, SUBJECT, "Mã: AB12CD")
    assert wait(box, pattern=r"[A-Z]{2}\d{2}[A-Z]{2}") == "AB12CD"


def test_nothing_matches_times_out(sink):
    send(sink, "other@example.gov.vn", SUBJECT, "Mã: 999999")
    send(sink, ME, "Thông báo khác", "Mã: 888888")
    send(sink, ME, SUBJECT, "Không có mã trong thư này.")
    box = open_mailbox(f"maildir:{sink.maildir}")
    with pytest.raises(CodeNotReceived) as info:
        wait(box, timeout=0.5)
    assert ME in str(info.value)


def test_message_arriving_while_waiting(sink):
    box = open_mailbox(f"maildir:{sink.maildir}")

    async def scenario():
        task = asyncio.create_task(wait_for_code(box, ME, SUBJECT, SIX, 20, set(), poll=0.05))
        await asyncio.sleep(0.2)
        await asyncio.to_thread(send, sink, ME, SUBJECT, "Mã: 246810")
        return await task

    assert asyncio.run(scenario()) == "246810"


# --- written straight into a Maildir ---------------------------------------------------------

def message(to: str, subject: str, body: str, when: datetime | None = None) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "no-reply@dvc.sandbox.invalid"
    msg["To"] = to
    msg["Subject"] = subject
    if when is not None:
        msg["Date"] = format_datetime(when)
    msg.set_content(body)
    return msg


def test_maildir_written_directly(tmp_path):
    folder = mailbox.Maildir(tmp_path / "Maildir", create=True)
    folder.add(message("x@example.gov.vn", SUBJECT, "Mã: 111111"))
    folder.add(message(ME, SUBJECT, "Mã: 222222"))
    assert wait(open_mailbox(f"maildir:{tmp_path / 'Maildir'}")) == "222222"


def test_newest_code_first(tmp_path):
    root = tmp_path / "Maildir"
    mailbox.Maildir(root, create=True)
    start = datetime(2026, 11, 26, 8, 0, tzinfo=timezone.utc)
    order = list(range(12))
    random.Random(3).shuffle(order)            # written neither in order nor in reverse
    assert order != sorted(order) and order != sorted(order, reverse=True)
    for i in order:
        when = start + timedelta(minutes=i)
        # Maildir names start with the delivery time; mtime and Date agree with it.
        name = f"{int(when.timestamp())}.M{i:06d}P1Q{i}.sandbox"
        path = root / "new" / name
        path.write_bytes(message(ME, SUBJECT, f"Mã: {100000 + i}", when).as_bytes())
        os.utime(path, (when.timestamp(), when.timestamp()))
    box = open_mailbox(f"maildir:{root}")
    used: set[str] = set()
    codes = [wait(box, used=used) for _ in order]
    assert codes == [str(100000 + i) for i in reversed(range(12))]


def test_address_is_not_a_substring_match(tmp_path):
    folder = mailbox.Maildir(tmp_path / "Maildir", create=True)
    folder.add(message("x" + ME, SUBJECT, "Mã: 333333"))
    with pytest.raises(CodeNotReceived):
        wait(open_mailbox(f"maildir:{tmp_path / 'Maildir'}"))


# --- opening a mailbox -------------------------------------------------------------------------

def test_open_missing_maildir():
    with pytest.raises(CitizenError):
        open_mailbox("maildir:/nonexistent")


def test_open_folder_that_is_not_a_maildir(tmp_path):
    with pytest.raises(CitizenError):
        open_mailbox(f"maildir:{tmp_path}")


@pytest.mark.parametrize("spec", [None, ""])
def test_open_without_a_mailbox(spec):
    with pytest.raises(CitizenError):
        open_mailbox(spec)


@pytest.mark.parametrize("spec", ["imaps://kiemtra@127.0.0.1/INBOX", "imap://kiemtra@127.0.0.1"])
def test_imap_without_password(spec):
    with pytest.raises(CitizenError) as info:
        open_mailbox(spec)
    assert "mailbox_password" in str(info.value)
    with pytest.raises(CitizenError):
        open_mailbox(spec, "")


def test_imap_without_user():
    with pytest.raises(CitizenError):
        open_mailbox("imaps://127.0.0.1/INBOX", "pw")


def test_imap_spec_is_parsed_without_connecting():
    box = open_mailbox("imaps://kiem%2Btra@127.0.0.1:1993/H%E1%BB%99p%20th%C6%B0", "pw")
    assert (box.host, box.port, box.user, box.folder, box.secure) == (
        "127.0.0.1", 1993, "kiem+tra", "Hộp thư", True)
