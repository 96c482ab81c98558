"""Accounts of the review page: scrypt hashes, no password or token in the database or the audit
log, login, expiring sessions, CSRF, and the `inspector users` commands."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from inspector.model.errors import UserError
from inspector.register.importer import import_register
from inspector.review import accounts
from inspector.review.accounts import (AGENCY, REVIEWER, authenticate, check_csrf, close_session,
                                       create_user, disable_user, hash_password, list_users,
                                       open_session, session_user, set_password,
                                       verify_password)
from inspector.records.workspace import DB_NAME, Workspace
from tests.cli import run

DATA = Path(__file__).parents[1] / "data"
PASSWORD = "Mật-khẩu-đủ-dài-42"
T0 = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)


@pytest.fixture()
def ws(tmp_path: Path):
    workspace = Workspace(tmp_path / "ws")
    import_register(workspace, [DATA / "register.yaml"])
    yield workspace
    workspace.close()


def db_bytes(ws: Workspace) -> bytes:
    """The database and its write-ahead log, as stored on disk."""
    return b"".join(p.read_bytes() for p in sorted(ws.root.glob(DB_NAME + "*")))


# --- passwords ------------------------------------------------------------------------------

def test_hash_format_and_verify():
    encoded = hash_password(PASSWORD)
    scheme, n, r, p, salt, digest = encoded.split("$")
    assert (scheme, n, r, p) == ("scrypt", "16384", "8", "1")
    import base64
    assert len(base64.b64decode(salt)) == 16 and len(base64.b64decode(digest)) == 32
    assert verify_password(PASSWORD, encoded)
    assert not verify_password(PASSWORD + "x", encoded)
    assert not verify_password("", encoded)
    assert hash_password(PASSWORD) != encoded          # a fresh salt each time


def test_password_normalised_to_nfc():
    import unicodedata
    encoded = hash_password(unicodedata.normalize("NFC", PASSWORD))
    assert verify_password(unicodedata.normalize("NFD", PASSWORD), encoded)


@pytest.mark.parametrize("bad", [
    None, "", "plain", "scrypt$16384$8$1$abc", "bcrypt$16384$8$1$AAAA$AAAA",
    "scrypt$x$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA", "scrypt$16384$8$1$!!!$???",
    "scrypt$1000$8$1$AAAAAAAAAAAAAAAAAAAAAA==$" + "A" * 44,          # N not a power of two
    "scrypt$1073741824$8$1$AAAAAAAAAAAAAAAAAAAAAA==$" + "A" * 44,    # N absurdly large
    "scrypt$16384$8$1$$" + "A" * 44, "scrypt$16384$8$1$AAAA$AAAA$extra",
])
def test_verify_malformed_is_false(bad):
    assert verify_password(PASSWORD, bad) is False


def test_verify_non_string_password_is_false():
    encoded = hash_password(PASSWORD)
    assert verify_password(None, encoded) is False           # type: ignore[arg-type]
    assert verify_password("x" * 5000, encoded) is False


@pytest.mark.parametrize("short", ["", "123456789", "ngắn-quá"])
def test_short_password_refused(short):
    with pytest.raises(UserError, match="ít nhất 10"):
        hash_password(short)


# --- users ----------------------------------------------------------------------------------

def test_create_user_and_audit_without_secrets(ws):
    user = create_user(ws, "duyet.tt", PASSWORD, REVIEWER, display_name="Trần Thị Duyệt")
    assert user == {"username": "duyet.tt", "display_name": "Trần Thị Duyệt", "role": REVIEWER,
                    "agency_id": None, "created_at": user["created_at"], "disabled_at": None}
    staff = create_user(ws, "tttt-1", PASSWORD, AGENCY, agency_id="so-tttt")
    assert staff["agency_id"] == "so-tttt" and staff["display_name"] == "tttt-1"
    assert [u["username"] for u in list_users(ws)] == ["duyet.tt", "tttt-1"]
    assert all("password_hash" not in u for u in list_users(ws))

    entries = list(ws.db["audit_log"].rows_where("action = 'user.create'", order_by="id"))
    assert [e["subject"] for e in entries] == ["user/duyet.tt", "user/tttt-1"]
    assert json.loads(entries[1]["new"]) == {"role": AGENCY, "agency_id": "so-tttt"}
    stored = ws.db["users"].get("duyet.tt")["password_hash"]
    audit_text = json.dumps(list(ws.db["audit_log"].rows), ensure_ascii=False)
    assert PASSWORD not in audit_text and stored not in audit_text
    assert stored.split("$")[-1] not in audit_text
    assert PASSWORD.encode("utf-8") not in db_bytes(ws)


@pytest.mark.parametrize("username", ["ab", "Duyet", "a b c", "x" * 41, "duyệt", "ab/c",
                                      "abc\n", ""])
def test_bad_username_refused(ws, username):
    with pytest.raises(UserError, match="tên tài khoản"):
        create_user(ws, username, PASSWORD, REVIEWER)
    assert list_users(ws) == []


def test_duplicate_username_refused(ws):
    create_user(ws, "duyet.tt", PASSWORD, REVIEWER)
    with pytest.raises(UserError, match="đã có"):
        create_user(ws, "duyet.tt", PASSWORD + "-2", AGENCY, agency_id="so-tttt")
    assert authenticate(ws, "duyet.tt", PASSWORD)["role"] == REVIEWER


def test_role_and_agency_rules(ws):
    with pytest.raises(UserError, match="cần --agency"):
        create_user(ws, "staff", PASSWORD, AGENCY)
    with pytest.raises(UserError, match="'so-khong-co'"):
        create_user(ws, "staff", PASSWORD, AGENCY, agency_id="so-khong-co")
    with pytest.raises(UserError, match="vai trò 'admin'"):
        create_user(ws, "staff", PASSWORD, "admin")
    with pytest.raises(UserError, match="không ghi --agency"):
        create_user(ws, "staff", PASSWORD, REVIEWER, agency_id="so-tttt")
    with pytest.raises(UserError, match="ít nhất 10"):
        create_user(ws, "staff", "short", REVIEWER)
    assert list_users(ws) == []
    assert ws.db["audit_log"].count_where("action like 'user.%'") == 0


def test_authenticate(ws):
    create_user(ws, "duyet.tt", PASSWORD, REVIEWER)
    user = authenticate(ws, "duyet.tt", PASSWORD)
    assert user["username"] == "duyet.tt" and "password_hash" not in user
    assert authenticate(ws, "duyet.tt", PASSWORD[:-1]) is None
    assert authenticate(ws, "khong-co", PASSWORD) is None
    assert authenticate(ws, None, PASSWORD) is None          # type: ignore[arg-type]
    disable_user(ws, "duyet.tt")
    assert authenticate(ws, "duyet.tt", PASSWORD) is None


def test_unknown_user_still_runs_the_kdf(ws, monkeypatch):
    calls = []
    real = accounts.verify_password
    monkeypatch.setattr(accounts, "verify_password",
                        lambda password, encoded: calls.append(encoded) or real(password, encoded))
    assert authenticate(ws, "khong-co", PASSWORD) is None
    assert len(calls) == 1 and calls[0].startswith("scrypt$16384$")


def test_set_password_and_disable_are_audited(ws):
    create_user(ws, "duyet.tt", PASSWORD, REVIEWER)
    token, _ = open_session(ws, "duyet.tt")
    set_password(ws, "duyet.tt", "Mật-khẩu-mới-2026")
    assert session_user(ws, token) is None                   # a new password ends sessions
    assert authenticate(ws, "duyet.tt", PASSWORD) is None
    assert authenticate(ws, "duyet.tt", "Mật-khẩu-mới-2026") is not None
    first = disable_user(ws, "duyet.tt")
    again = disable_user(ws, "duyet.tt")
    assert first["disabled_at"] and again["disabled_at"] == first["disabled_at"]
    actions = [e["action"] for e in ws.db["audit_log"].rows_where(
        "subject = 'user/duyet.tt'", order_by="id")]
    assert actions == ["user.create", "user.passwd", "user.disable"]
    assert b"M\xe1\xba\xadt-kh\xe1\xba\xa9u-m\xe1\xbb\x9bi" not in db_bytes(ws)
    with pytest.raises(UserError, match="không có tài khoản"):
        set_password(ws, "khong-co", PASSWORD)
    with pytest.raises(UserError, match="không có tài khoản"):
        disable_user(ws, "khong-co")


# --- sessions -------------------------------------------------------------------------------

def test_session_token_not_stored_in_clear(ws):
    create_user(ws, "duyet.tt", PASSWORD, REVIEWER)
    token, csrf = open_session(ws, "duyet.tt", now=T0)
    assert len(token) >= 43 and len(csrf) >= 43 and token != csrf
    assert token.encode("ascii") not in db_bytes(ws)
    row = next(ws.db["sessions"].rows)
    assert row["token_hash"] != token and len(row["token_hash"]) == 64
    user = session_user(ws, token, now=T0 + timedelta(minutes=5))
    assert user["username"] == "duyet.tt" and user["csrf"] == csrf
    assert "password_hash" not in user
    # The stored hash is not itself a token.
    assert session_user(ws, row["token_hash"], now=T0) is None
    assert session_user(ws, "", now=T0) is None and session_user(ws, None, now=T0) is None


def test_session_expires_and_is_deleted(ws):
    create_user(ws, "duyet.tt", PASSWORD, REVIEWER)
    token, _ = open_session(ws, "duyet.tt", lifetime=timedelta(hours=1), now=T0)
    assert session_user(ws, token, now=T0 + timedelta(minutes=59)) is not None
    assert session_user(ws, token, now=T0 + timedelta(hours=1)) is None
    assert ws.db["sessions"].count == 0                      # deleted when met
    assert session_user(ws, token, now=T0) is None          # and gone for good
    # The default lifetime is eight hours; a naive `now` is UTC.
    token, _ = open_session(ws, "duyet.tt", now=T0)
    assert session_user(ws, token, now=datetime(2026, 12, 1, 15, 59)) is not None
    assert session_user(ws, token, now=datetime(2026, 12, 1, 16, 0)) is None


def test_open_session_purges_expired_rows(ws):
    create_user(ws, "duyet.tt", PASSWORD, REVIEWER)
    open_session(ws, "duyet.tt", lifetime=timedelta(minutes=1), now=T0)
    open_session(ws, "duyet.tt", now=T0 + timedelta(hours=1))
    assert ws.db["sessions"].count == 1


def test_close_session(ws):
    create_user(ws, "duyet.tt", PASSWORD, REVIEWER)
    token, _ = open_session(ws, "duyet.tt")
    other, _ = open_session(ws, "duyet.tt")
    close_session(ws, token)
    close_session(ws, token)                                 # twice is harmless
    close_session(ws, None)
    assert session_user(ws, token) is None
    assert session_user(ws, other) is not None


def test_disabled_users_session_refused(ws):
    create_user(ws, "tttt-1", PASSWORD, AGENCY, agency_id="so-tttt")
    token, _ = open_session(ws, "tttt-1")
    assert session_user(ws, token)["agency_id"] == "so-tttt"
    disable_user(ws, "tttt-1")
    assert session_user(ws, token) is None
    # Even a session row that survived (say, restored from a backup) is refused.
    ws.db["sessions"].insert({"token_hash": accounts._token_hash("restored"),
                              "username": "tttt-1", "csrf": "c",
                              "created_at": T0.isoformat(), "expires_at": "2999-01-01T00:00:00+00:00"})
    assert session_user(ws, "restored") is None
    with pytest.raises(UserError, match="đã bị khoá"):
        open_session(ws, "tttt-1")
    with pytest.raises(UserError, match="không có tài khoản"):
        open_session(ws, "khong-co")


def test_check_csrf(ws):
    create_user(ws, "duyet.tt", PASSWORD, REVIEWER)
    token, csrf = open_session(ws, "duyet.tt")
    session = session_user(ws, token)
    assert check_csrf(session, csrf)
    assert not check_csrf(session, csrf[:-1])
    assert not check_csrf(session, "")
    assert not check_csrf(session, None)
    assert not check_csrf(session, "khóa-sai")
    assert not check_csrf(None, csrf)
    assert not check_csrf({"csrf": ""}, "")
    other_token, other_csrf = open_session(ws, "duyet.tt")
    assert not check_csrf(session, other_csrf)              # one session's token is its own


# --- CLI ------------------------------------------------------------------------------------

def test_cli_users(tmp_path: Path):
    ws_dir = str(tmp_path / "ws")
    run("registry", "import", "-w", ws_dir, str(DATA / "register.yaml"))
    env = {"INSPECTOR_PW": PASSWORD}
    out = run("users", "add", "duyet.tt", "-w", ws_dir, "--role", "reviewer",
                 "--name", "Trần Thị Duyệt", "--password-env", "INSPECTOR_PW", env=env).output
    assert out.strip() == "Đã tạo tài khoản duyet.tt (reviewer)."
    out = run("users", "add", "tttt-1", "-w", ws_dir, "--role", "agency", "--agency",
                 "so-tttt", input=f"{PASSWORD}\n{PASSWORD}\n").output
    assert "Đã tạo tài khoản tttt-1 (agency, so-tttt)." in out and PASSWORD not in out

    rows = json.loads(run("users", "list", "-w", ws_dir, "--json").output)
    assert [(r["username"], r["role"], r["agency_id"], r["display_name"]) for r in rows] == [
        ("duyet.tt", "reviewer", None, "Trần Thị Duyệt"), ("tttt-1", "agency", "so-tttt", "tttt-1")]
    assert all("password_hash" not in r for r in rows)

    assert run("users", "disable", "tttt-1", "-w", ws_dir).output.strip() \
        == "Đã khoá tài khoản tttt-1."
    lines = run("users", "list", "-w", ws_dir).output.splitlines()
    assert lines[1].split("\t")[:4] == ["tttt-1", "agency", "so-tttt", "đã khoá"]

    env2 = {"NEW_PW": "Mật-khẩu-mới-2026"}
    assert "Đã đổi mật khẩu" in run("users", "passwd", "duyet.tt", "-w", ws_dir,
                                       "--password-env", "NEW_PW", env=env2).output
    ws = Workspace(ws_dir)
    try:
        assert authenticate(ws, "duyet.tt", "Mật-khẩu-mới-2026") is not None
        assert authenticate(ws, "tttt-1", PASSWORD) is None
    finally:
        ws.close()


@pytest.mark.parametrize("args, env, message", [
    (["users", "add", "staff", "--role", "agency", "--agency", "so-khong-co",
      "--password-env", "PW"], {"PW": PASSWORD}, "'so-khong-co'"),
    (["users", "add", "staff", "--role", "reviewer", "--password-env", "PW"], {"PW": "ngắn"},
     "ít nhất 10"),
    (["users", "add", "staff", "--role", "reviewer", "--password-env", "KHONG_CO"], {},
     "KHONG_CO"),
    (["users", "add", "Bad Name", "--role", "reviewer", "--password-env", "PW"],
     {"PW": PASSWORD}, "tên tài khoản"),
    (["users", "disable", "khong-co"], {}, "không có tài khoản"),
    (["users", "passwd", "khong-co", "--password-env", "PW"], {"PW": PASSWORD}, "không có tài khoản"),
])
def test_cli_user_error_is_one_line(tmp_path: Path, args, env, message):
    ws_dir = str(tmp_path / "ws")
    run("registry", "import", "-w", ws_dir, str(DATA / "register.yaml"))
    env = {"KHONG_CO": "", **env}
    result = run(*args[:2], "-w", ws_dir, *args[2:], code=1, env=env)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Lỗi: ") and message in lines[0], lines
    conn = sqlite3.connect(tmp_path / "ws" / DB_NAME)
    try:
        assert conn.execute("select count(*) from users").fetchone()[0] == 0
    finally:
        conn.close()


def test_cli_bad_user_is_refused_before_the_prompt(tmp_path: Path):
    ws_dir = str(tmp_path / "ws")
    run("registry", "import", "-w", ws_dir, str(DATA / "register.yaml"))
    result = run("users", "add", "x", "-w", ws_dir, "--role", "reviewer", code=1, input="")
    assert "Mật khẩu" not in result.output and result.output.startswith("Lỗi: tên tài khoản")
