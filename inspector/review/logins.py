"""Login throttling (the login_attempts table): per address and per account, a growing wait
after failures and a temporary lock, each recorded in the audit log.

- An address that failed ADDRESS_LIMIT times in the last minute is refused (429) until the
  minute has passed: about 40 guesses a minute instead of 10 a second.
- An account that failed FREE_FAILURES times in a row must wait before the next try, twice as
  long after each further failure (2 s, 4 s, … up to MAX_WAIT): 429 with Retry-After.
- An account that failed LOCK_AFTER times in a row within LOCK_WINDOW is locked for LOCK_TIME:
  every try answers as a wrong password would, the right password included, so a guesser cannot
  tell a lock from a miss nor confirm a right guess; the lock ends by itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from ..records.workspace import Workspace

ADDRESS_LIMIT = 40
ADDRESS_WINDOW = timedelta(minutes=1)
FREE_FAILURES = 5
MAX_WAIT = timedelta(minutes=1)
LOCK_AFTER = 20
LOCK_WINDOW = timedelta(minutes=15)
LOCK_TIME = timedelta(minutes=15)
KEEP = timedelta(days=30)          # attempts older than this are dropped


@dataclass
class Gate:
    """What to do with a login attempt before the password is checked."""
    throttled: bool = False        # answer 429 now
    retry_after: int = 0           # seconds
    locked: bool = False           # answer as a wrong password, whatever was typed


def _now(now: datetime | None) -> datetime:
    return (now or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(microsecond=0)


def _iso(moment: datetime) -> str:
    return moment.isoformat()        # as workspace.utcnow writes times: compared as text


def _failures_in_a_row(ws: Workspace, username: str, since: datetime) -> list[str]:
    """The times of the account's failures since its last success (newest first)."""
    last_ok = ws.db.execute("select max(at) from login_attempts where username = ? and ok = 1",
                            [username]).fetchone()[0] or ""
    start = max(last_ok, _iso(since))
    return [r[0] for r in ws.db.execute(
        "select at from login_attempts where username = ? and ok = 0 and at > ? "
        "order by at desc", [username, start])]


def gate(ws: Workspace, username: str, address: str, now: datetime | None = None) -> Gate:
    moment = _now(now)
    recent = ws.db.execute(
        "select count(*), min(at) from login_attempts where address = ? and ok = 0 and at > ?",
        [address, _iso(moment - ADDRESS_WINDOW)]).fetchone()
    if recent[0] >= ADDRESS_LIMIT:
        first = datetime.fromisoformat(recent[1])
        wait = int((first + ADDRESS_WINDOW - moment).total_seconds()) + 1
        return Gate(throttled=True, retry_after=max(1, wait))
    failures = _failures_in_a_row(ws, username, moment - LOCK_WINDOW - LOCK_TIME)
    if len(failures) >= LOCK_AFTER:
        locked_at = datetime.fromisoformat(failures[len(failures) - LOCK_AFTER]
                                           )
        if moment < locked_at + LOCK_TIME:
            return Gate(locked=True)
    if len(failures) >= FREE_FAILURES:
        wait = min(MAX_WAIT, timedelta(seconds=2 ** (len(failures) - FREE_FAILURES + 1)))
        last = datetime.fromisoformat(failures[0])
        if moment < last + wait:
            return Gate(throttled=True,
                        retry_after=max(1, int((last + wait - moment).total_seconds())))
    return Gate()


def record(ws: Workspace, username: str, address: str, ok: bool,
           now: datetime | None = None) -> bool:
    """Record an attempt whose password was checked; True when this failure locks the account
    (recorded in the audit log then)."""
    moment = _now(now)
    with ws.transaction():
        ws.db.execute("delete from login_attempts where at < ?", [_iso(moment - KEEP)])
        ws.db["login_attempts"].insert({"at": _iso(moment), "username": username[:200],
                                        "address": address, "ok": int(ok)})
    if ok:
        return False
    failures = _failures_in_a_row(ws, username, moment - LOCK_WINDOW)
    if len(failures) == LOCK_AFTER:
        ws.audit("login", "login.locked", f"user/{username[:200]}",
                 new={"failures": LOCK_AFTER, "address": address,
                      "until": _iso(moment + LOCK_TIME)},
                 reason=f"{LOCK_AFTER} lần sai mật khẩu liên tiếp")
        return True
    return False


def record_throttled(ws: Workspace, username: str, address: str,
                     now: datetime | None = None) -> None:
    """A refused (429) attempt: in the audit log once a minute per address, not per request."""
    moment = _now(now)
    seen = ws.audited_since("login.throttled", f"address/{address}",
                            _iso(moment - ADDRESS_WINDOW))
    if not seen:
        ws.audit("login", "login.throttled", f"address/{address}",
                 new={"username": username[:200]}, reason="quá nhiều lần đăng nhập sai")
