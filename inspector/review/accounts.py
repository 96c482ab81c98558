"""Reviewer and agency-staff accounts: scrypt password hashes, expiring sessions, CSRF tokens."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets
import sqlite3
import unicodedata
from datetime import datetime, timedelta, timezone
from typing import Any

from ..records import registry
from ..model.errors import UserError
from ..records.workspace import Workspace, utcnow

REVIEWER = "reviewer"
AGENCY = "agency"          # an agency's staff: read-only, their own agency, confirm or dispute
ROLES = (REVIEWER, AGENCY)

MIN_PASSWORD = 10
MAX_PASSWORD = 1024        # longer input is refused before the KDF runs
USERNAME = re.compile(r"[a-z0-9._-]{3,40}")

# scrypt's cost: N=2**14, r=8, p=1 takes 16 MiB and a few tens of milliseconds per hash.
SCRYPT_N, SCRYPT_R, SCRYPT_P, SCRYPT_DKLEN, SALT_BYTES = 2 ** 14, 8, 1, 32, 16
_MAXMEM = 64 * 1024 * 1024
_DUMMY_HASH: str | None = None   # verified for unknown users, so timing does not reveal them

SESSION_LIFETIME = timedelta(hours=8)
_PUBLIC = ("username", "display_name", "role", "agency_id", "created_at", "disabled_at")


# --- passwords ------------------------------------------------------------------------------

def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _password_bytes(password: str) -> bytes:
    # NFC, so the same password typed with composed or decomposed Vietnamese marks matches.
    return unicodedata.normalize("NFC", password).encode("utf-8")


def _check_password(password: Any) -> None:
    if not isinstance(password, str) or len(unicodedata.normalize("NFC", password)) < MIN_PASSWORD:
        raise UserError(f"mật khẩu quá ngắn: ít nhất {MIN_PASSWORD} ký tự")
    if len(password) > MAX_PASSWORD:
        raise UserError(f"mật khẩu quá dài: tối đa {MAX_PASSWORD} ký tự")
    try:
        _password_bytes(password)
    except UnicodeError:
        raise UserError("mật khẩu: không phải văn bản hợp lệ (hãy kiểm tra bảng mã của "
                        "terminal)") from None


def hash_password(password: str) -> str:
    """The password's scrypt hash, ``scrypt$N$r$p$<salt b64>$<hash b64>``, with a fresh salt."""
    _check_password(password)
    salt = secrets.token_bytes(SALT_BYTES)
    digest = hashlib.scrypt(_password_bytes(password), salt=salt, n=SCRYPT_N, r=SCRYPT_R,
                            p=SCRYPT_P, dklen=SCRYPT_DKLEN, maxmem=_MAXMEM)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, encoded: str | None) -> bool:
    """Whether ``password`` matches ``encoded``; False for any malformed or unusable value."""
    try:
        if not isinstance(password, str) or not isinstance(encoded, str) \
                or len(password) > MAX_PASSWORD:
            return False
        scheme, n, r, p, salt_b64, hash_b64 = encoded.split("$")
        if scheme != "scrypt" or not (n.isdigit() and r.isdigit() and p.isdigit()):
            return False
        n_, r_, p_ = int(n), int(r), int(p)
        # Only sane costs: a tampered row must not make a login take minutes or gigabytes.
        if not (2 <= n_ <= 2 ** 20 and n_ & (n_ - 1) == 0 and 1 <= r_ <= 32 and 1 <= p_ <= 16):
            return False
        salt = base64.b64decode(salt_b64, validate=True)
        expected = base64.b64decode(hash_b64, validate=True)
        if not salt or not 16 <= len(expected) <= 128:
            return False
        actual = hashlib.scrypt(_password_bytes(password), salt=salt, n=n_, r=r_, p=p_,
                                dklen=len(expected), maxmem=_MAXMEM)
    except (ValueError, TypeError, binascii.Error, UnicodeError, MemoryError):
        return False
    return hmac.compare_digest(actual, expected)


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password(secrets.token_urlsafe(16))
    return _DUMMY_HASH


# --- users ----------------------------------------------------------------------------------

def _public(row: dict[str, Any]) -> dict[str, Any]:
    return {key: row.get(key) for key in _PUBLIC}


def _user_row(ws: Workspace, username: str) -> dict[str, Any] | None:
    return next(ws.db["users"].rows_where("username = ?", [username]), None)


def existing_user(ws: Workspace, username: str) -> dict[str, Any]:
    """The account's row; an unknown account is the user's error, named."""
    row = _user_row(ws, username) if isinstance(username, str) else None
    if row is None:
        raise UserError(f"không có tài khoản {username!r} (xem 'inspector users list')")
    return row


def check_new_user(ws: Workspace, username: str, role: str,
                   agency_id: str | None = None) -> None:
    """Raise the UserError ``create_user`` would raise for these fields (the CLI calls it before
    asking for a password)."""
    if not isinstance(username, str) or not USERNAME.fullmatch(username):
        raise UserError(f"tên tài khoản {username!r}: 3 đến 40 ký tự trong a-z 0-9 . _ -")
    if role not in ROLES:
        raise UserError(f"vai trò {role!r}: phải là một trong {', '.join(ROLES)}")
    if role == AGENCY:
        if not agency_id:
            raise UserError(f"tài khoản {username}: vai trò {AGENCY} cần --agency ID (cơ quan "
                            "mà tài khoản được xem kết quả)")
        registry.agencies(ws, [agency_id])          # an unknown agency is named as such
    elif agency_id:
        raise UserError(f"tài khoản {username}: vai trò {REVIEWER} xem mọi cơ quan; không ghi "
                        "--agency")
    if _user_row(ws, username) is not None:
        raise UserError(f"tài khoản {username!r} đã có")


def create_user(ws: Workspace, username: str, password: str, role: str,
                agency_id: str | None = None, display_name: str | None = None, *,
                actor: str = "cli") -> dict[str, Any]:
    """Add an account (audit-logged, without the password or its hash); returns its row without
    the hash."""
    check_new_user(ws, username, role, agency_id)
    encoded = hash_password(password)       # slow: outside the write lock
    row = {"username": username, "display_name": (display_name or "").strip() or username,
           "role": role, "agency_id": agency_id or None, "password_hash": encoded,
           "created_at": utcnow(), "disabled_at": None}
    try:
        with ws.transaction():
            check_new_user(ws, username, role, agency_id)    # again, under the lock
            ws.db["users"].insert(row)
            ws.audit(actor=actor, action="user.create", subject=f"user/{username}",
                     new={"role": role, "agency_id": row["agency_id"]})
    except sqlite3.IntegrityError:
        raise UserError(f"tài khoản {username!r} đã có") from None
    return _public(row)


def set_password(ws: Workspace, username: str, password: str, *,
                 actor: str = "cli") -> None:
    """Replace an account's password and end its open sessions (audit-logged, no hash)."""
    existing_user(ws, username)
    encoded = hash_password(password)
    with ws.transaction():
        existing_user(ws, username)
        ws.db["users"].update(username, {"password_hash": encoded})
        ws.db["sessions"].delete_where("username = ?", [username])
        ws.audit(actor=actor, action="user.passwd", subject=f"user/{username}")


def disable_user(ws: Workspace, username: str, *, actor: str = "cli") -> dict[str, Any]:
    """Disable an account and end its sessions; disabling it again changes nothing."""
    with ws.transaction():
        row = existing_user(ws, username)
        if row["disabled_at"] is None:
            row["disabled_at"] = utcnow()
            ws.db["users"].update(username, {"disabled_at": row["disabled_at"]})
            ws.db["sessions"].delete_where("username = ?", [username])
            ws.audit(actor=actor, action="user.disable", subject=f"user/{username}",
                     old={"disabled_at": None}, new={"disabled_at": row["disabled_at"]})
    return _public(row)


def list_users(ws: Workspace) -> list[dict[str, Any]]:
    """Every account by username, without password hashes."""
    return [_public(row) for row in ws.db["users"].rows_where(order_by="username")]


def get_user(ws: Workspace, username: str) -> dict[str, Any] | None:
    row = _user_row(ws, username) if isinstance(username, str) else None
    return _public(row) if row else None


def authenticate(ws: Workspace, username: str, password: str) -> dict[str, Any] | None:
    """The account's row (no hash) when the password is right and the account enabled, else
    None; the KDF runs in every case so that timing does not tell unknown users apart."""
    row = _user_row(ws, username) if isinstance(username, str) else None
    encoded = row["password_hash"] if row else _dummy_hash()
    ok = verify_password(password, encoded)
    if row is None or not ok or row["disabled_at"] is not None:
        return None
    return _public(row)


# --- sessions -------------------------------------------------------------------------------

def _now(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(timezone.utc).replace(microsecond=0)
    # Stored as UTC ISO text, so that expiry compares as text in SQL too.
    return (now if now.tzinfo else now.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _expired(expires_at: str | None, now: datetime) -> bool:
    try:
        moment = datetime.fromisoformat(expires_at or "")
    except ValueError:
        return True
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)) <= now


def open_session(ws: Workspace, username: str, lifetime: timedelta = SESSION_LIFETIME,
                 now: datetime | None = None) -> tuple[str, str]:
    """A new session for an enabled account: (token for the cookie, CSRF token). Only the
    token's SHA-256 is stored."""
    moment = _now(now)
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    with ws.transaction():
        row = existing_user(ws, username)
        if row["disabled_at"] is not None:
            raise UserError(f"tài khoản {username!r} đã bị khoá")
        ws.db.execute("delete from sessions where expires_at <= ?", [moment.isoformat()])
        ws.db["sessions"].insert({
            "token_hash": _token_hash(token), "username": username, "csrf": csrf,
            "created_at": moment.isoformat(), "expires_at": (moment + lifetime).isoformat(),
            "link_id": secrets.token_hex(16),
        })
    return token, csrf


def session_user(ws: Workspace, token: str | None,
                 now: datetime | None = None) -> dict[str, Any] | None:
    """The session's account (row without hash, plus "csrf" and "expires_at"), or None when the
    token is unknown, expired (the row is then deleted) or the account disabled."""
    if not isinstance(token, str) or not token or len(token) > 256:
        return None
    key = _token_hash(token)
    session = next(ws.db["sessions"].rows_where("token_hash = ?", [key]), None)
    if session is None:
        return None
    if _expired(session["expires_at"], _now(now)):
        with ws.transaction():
            ws.db["sessions"].delete_where("token_hash = ?", [key])
        return None
    row = _user_row(ws, session["username"])
    if row is None or row["disabled_at"] is not None:
        return None
    return {**_public(row), "csrf": session["csrf"], "expires_at": session["expires_at"],
            "link_id": session["link_id"]}


def link_session_alive(ws: Workspace, username: str, link_id: str,
                       now: datetime | None = None) -> bool:
    """Whether an evidence link's session is still open for that user (a link stops working
    at logout, at expiry, or when the account is disabled)."""
    if not isinstance(link_id, str) or not re.fullmatch(r"[0-9a-f]{32}", link_id):
        return False
    session = next(ws.db["sessions"].rows_where("link_id = ? and username = ?",
                                                [link_id, username]), None)
    if session is None or _expired(session["expires_at"], _now(now)):
        return False
    row = _user_row(ws, username)
    return row is not None and row["disabled_at"] is None


def close_session(ws: Workspace, token: str | None) -> None:
    """End a session (log out); an unknown token changes nothing."""
    if isinstance(token, str) and token:
        with ws.transaction():
            ws.db["sessions"].delete_where("token_hash = ?", [_token_hash(token)])


def check_csrf(session: dict[str, Any] | None, submitted: str | None) -> bool:
    """Whether a form's CSRF token is the session's, compared in constant time."""
    expected = (session or {}).get("csrf")
    if not isinstance(expected, str) or not expected or not isinstance(submitted, str):
        return False
    return hmac.compare_digest(expected.encode("utf-8"),
                               submitted.encode("utf-8", "surrogatepass"))
