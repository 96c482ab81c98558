"""Login throttling: a guessing address is slowed to 40 tries a minute (429, recorded once),
an account's failures make it wait longer each time, and 20 in a row lock it for a while, the
lock answering as a wrong password would, the right one included."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from werkzeug.test import Client

from inspector.review import accounts, logins
from inspector.review.app import ReviewApp
from inspector.review.evidence import EvidenceSigner
from inspector.records.workspace import Workspace

PASSWORD = "mật-khẩu-đủ-dài-2026"
T0 = datetime(2026, 12, 6, 9, 0, tzinfo=timezone.utc)


@pytest.fixture()
def ws(tmp_path: Path):
    ws = Workspace(tmp_path / "ws")
    accounts.create_user(ws, "duyet", PASSWORD, accounts.REVIEWER)
    yield ws
    ws.close()


def _post(client: Client, username: str, password: str, address: str = "10.0.0.7"):
    page = client.get("/dang-nhap")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    return client.post("/dang-nhap", data={"username": username, "password": password,
                                           "csrf": token},
                       environ_overrides={"REMOTE_ADDR": address})


def test_the_41st_wrong_password_in_a_minute_is_refused_and_recorded(ws):
    client = Client(ReviewApp(ws.root, EvidenceSigner(b"k" * 32), "http://127.0.0.1:9001"))
    # a spray: one address, a new user name each time (no account's own wait applies)
    for index in range(40):
        assert _post(client, f"khach{index}", "sai-mat-khau-123").status_code == 401
    refused = _post(client, "duyet", PASSWORD)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert "Quá nhiều lần đăng nhập sai" in refused.text
    assert _post(client, "khach99", "sai-mat-khau-123").status_code == 429
    audit = ws.db.execute("select action, subject from audit_log where action like 'login.%'"
                          ).fetchall()
    assert audit == [("login.throttled", "address/10.0.0.7")]      # once, not per request
    # another address is not held up by this one
    assert _post(client, "duyet", PASSWORD, address="10.0.0.8").status_code == 303


def test_an_accounts_failures_make_it_wait_longer_each_time(ws):
    for second in range(logins.FREE_FAILURES):
        assert not logins.gate(ws, "duyet", "a", T0 + timedelta(seconds=second)).throttled
        logins.record(ws, "duyet", "a", False, T0 + timedelta(seconds=second))
    last = T0 + timedelta(seconds=logins.FREE_FAILURES - 1)
    waiting = logins.gate(ws, "duyet", "b", last + timedelta(seconds=1))
    assert waiting.throttled and waiting.retry_after == 1            # 2 s after the 5th
    assert not logins.gate(ws, "duyet", "b", last + timedelta(seconds=2)).throttled
    logins.record(ws, "duyet", "b", False, last + timedelta(seconds=2))
    again = logins.gate(ws, "duyet", "c", last + timedelta(seconds=3))
    assert again.throttled and again.retry_after == 3                # 4 s after the 6th
    # a success starts the count again
    logins.record(ws, "duyet", "c", True, last + timedelta(seconds=7))
    assert not logins.gate(ws, "duyet", "c", last + timedelta(seconds=8)).throttled


def test_twenty_failures_in_a_row_lock_the_account_and_the_lock_tells_nothing(ws):
    moment = T0
    for _ in range(logins.LOCK_AFTER):
        verdict = logins.gate(ws, "duyet", "x", moment)
        moment += timedelta(seconds=verdict.retry_after)
        logins.record(ws, "duyet", "x", False, moment)
    assert logins.gate(ws, "duyet", "y", moment + timedelta(minutes=2)).locked
    assert [r[0] for r in ws.db.execute("select action from audit_log where action like "
                                        "'login.%'")] == ["login.locked"]
    assert not logins.gate(ws, "duyet", "y", moment + logins.LOCK_TIME).locked


def test_a_locked_account_answers_like_a_wrong_password_even_to_the_right_one(ws):
    now = datetime.now(timezone.utc).replace(microsecond=0)
    with ws.transaction():
        for index in range(logins.LOCK_AFTER):      # 20 failures over the last two minutes
            ws.db["login_attempts"].insert({
                "at": (now - timedelta(seconds=120 - 6 * index)).isoformat(),
                "username": "duyet", "address": f"10.1.0.{index}", "ok": 0})
    client = Client(ReviewApp(ws.root, EvidenceSigner(b"k" * 32), "http://127.0.0.1:9001"))
    right = _post(client, "duyet", PASSWORD, address="10.2.0.1")
    wrong = _post(client, "duyet", "sai-mat-khau-123", address="10.2.0.2")
    assert right.status_code == wrong.status_code == 401
    message = "Tên đăng nhập hoặc mật khẩu không đúng."
    assert message in right.text and message in wrong.text
    assert "khóa" not in right.text.lower()
