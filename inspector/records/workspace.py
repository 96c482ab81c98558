"""The workspace: inspector.db (SQLite through sqlite-utils) with its schema migrations, and the
evidence/ and screenshots/ folders."""

from __future__ import annotations

import json
import sqlite3
import traceback
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator

import sqlite_utils

from ..model.errors import UserError

DB_NAME = "inspector.db"


def utcnow() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def _v1(db: sqlite_utils.Database) -> None:
    db["province"].create({"id": int, "name": str, "tthc_total": int, "source": str,
                        "updated_at": str}, pk="id")
    db["agencies"].create({
        "id": str, "name": str, "level": str, "parent": str, "portal": str, "tthc_total": int,
        "sections": str, "obey_robots": int, "source": str, "updated_at": str,
    }, pk="id", foreign_keys=[("parent", "agencies", "id")])
    db["services"].create({
        "id": str, "agency_id": str, "name": str, "group_name": str, "level": int, "url": str,
        "online_dossiers": int, "total_dossiers": int, "procedures": str, "playbook": str,
        "withdrawn_at": str, "source": str, "updated_at": str,
    }, pk="id", foreign_keys=[("agency_id", "agencies", "id")])
    db["services"].create_index(["agency_id"])
    db["catalog"].create({"code": str, "name": str, "field": str, "level": int, "agency": str,
                          "source": str, "updated_at": str}, pk="code")
    # One row per agency and observation key (posts/<topic>, feature/<name>, survey/<name>…);
    # a newer crawl replaces the value, and the run that wrote it is recorded.
    db["observations"].create({
        "agency_id": str, "key": str, "status": str, "reason": str, "value": str,
        "observed_at": str, "run_id": str,
    }, pk=("agency_id", "key"), foreign_keys=[("agency_id", "agencies", "id")])
    db["findings"].create({
        "agency_id": str, "criterion_id": str, "category_id": str, "title": str,
        "points": float, "max_points": float, "status": str, "reason": str, "auto_points": float,
        "metrics": str, "evidence": str, "override": str, "flags": str, "as_of": str,
        "scored_at": str,
    }, pk=("agency_id", "criterion_id"), foreign_keys=[("agency_id", "agencies", "id")])
    db["categories"].create({
        "agency_id": str, "category_id": str, "title": str, "points": float,
        "max_points": float, "rating": str, "complete": int, "missing": str,
        "provisional": str, "scale": float, "as_of": str, "scored_at": str,
    }, pk=("agency_id", "category_id"), foreign_keys=[("agency_id", "agencies", "id")])
    db["overall"].create({"agency_id": str, "value": str, "as_of": str, "scored_at": str},
                         pk="agency_id", foreign_keys=[("agency_id", "agencies", "id")])
    db["overrides"].create({
        "agency_id": str, "criterion_id": str, "points": float, "reason": str,
        "reviewer": str, "at": str, "auto_points": float,
    }, pk=("agency_id", "criterion_id"))
    db["audit_log"].create({"id": int, "at": str, "actor": str, "action": str,
                            "subject": str, "old": str, "new": str, "reason": str}, pk="id")
    db["evidence"].create({"sha256": str, "path": str, "kind": str, "url": str,
                           "captured_at": str, "size": int}, pk="sha256")
    db["runs"].create({"id": str, "command": str, "as_of": str, "started_at": str,
                       "finished_at": str, "status": str, "counts": str}, pk="id")


def _v2(db: sqlite_utils.Database) -> None:
    """Service checks (Section V.4.2): each service's check state and every attempt."""
    # One row per declared service: what check it gets and why, its catalogue match, and where
    # the re-check rules stand (a failure is re-checked later before it is final).
    db["service_checks"].create({
        "service_id": str, "agency_id": str, "plan": str, "plan_reason": str, "playbook": str,
        "match": str, "status": str, "recognised": int, "first_failure_at": str,
        "next_check_at": str, "reopened_at": str, "reopened_by": str, "reopen_reason": str,
        "updated_at": str,
    }, pk="service_id", foreign_keys=[("service_id", "services", "id"),
                                      ("agency_id", "agencies", "id")])
    db["service_checks"].create_index(["agency_id"])
    db["service_attempts"].create({
        "id": int, "service_id": str, "agency_id": str, "run_id": str, "kind": str,
        "purpose": str, "playbook": str, "started_at": str, "finished_at": str, "outcome": str,
        "failed_step": str, "reason": str, "steps": str, "vars": str, "identity": str,
        "evidence": str,
    }, pk="id", foreign_keys=[("service_id", "services", "id")])
    db["service_attempts"].create_index(["service_id"])
    db["counters"].create({"name": str, "value": int}, pk="name")


def _v3(db: sqlite_utils.Database) -> None:
    """Review (Section VII): accounts, their sessions, and the agencies' answers to findings."""
    db["users"].create({
        "username": str, "display_name": str, "role": str, "agency_id": str,
        "password_hash": str, "created_at": str, "disabled_at": str,
    }, pk="username", foreign_keys=[("agency_id", "agencies", "id")])
    # Only a hash of each session token is kept: a copy of the database opens no session.
    db["sessions"].create({
        "token_hash": str, "username": str, "csrf": str, "created_at": str, "expires_at": str,
    }, pk="token_hash", foreign_keys=[("username", "users", "username")])
    db["responses"].create({
        "agency_id": str, "criterion_id": str, "state": str, "comment": str, "username": str,
        "at": str,
    }, pk=("agency_id", "criterion_id"), foreign_keys=[("agency_id", "agencies", "id")])


def _v4(db: sqlite_utils.Database) -> None:
    """A reviewer's confirmation of an automatic value (no change of points); it holds for the
    automatic value the reviewer saw."""
    db["confirmations"].create({
        "agency_id": str, "criterion_id": str, "reviewer": str, "at": str, "auto_points": float,
        "note": str,
    }, pk=("agency_id", "criterion_id"), foreign_keys=[("agency_id", "agencies", "id")])


def _v5(db: sqlite_utils.Database) -> None:
    """Nightly runs: what each run has done per agency (the state a killed run resumes from),
    and the findings each run left (comparison between runs and between years)."""
    db["run_agencies"].create({
        "run_id": str, "agency_id": str, "stage": str, "status": str, "detail": str,
        "finished_at": str,
    }, pk=("run_id", "agency_id", "stage"))
    db["finding_history"].create({
        "run_id": str, "agency_id": str, "criterion_id": str, "as_of": str, "points": float,
        "max_points": float, "status": str, "auto_points": float, "posts": int, "reason": str,
        "recorded_at": str,
    }, pk=("run_id", "agency_id", "criterion_id"))
    db["finding_history"].create_index(["agency_id", "criterion_id"])


def _v6(db: sqlite_utils.Database) -> None:
    """Screenshots (and the mobile check) by the page's HTML: an incremental crawl reuses them
    for a page that has not changed instead of photographing it again."""
    db["captures"].create({
        "url": str, "kind": str, "html_sha256": str, "refs": str, "captured_at": str,
    }, pk=("url", "kind", "html_sha256"))


def _v7(db: sqlite_utils.Database) -> None:
    """A portal's other addresses (the register's ``aliases``: its crawl may go there too), and
    the reviewers' word on which section is a topic's (register/corrections.py)."""
    db["agencies"].add_column("aliases", str)
    db["section_corrections"].create({
        "agency_id": str, "topic": str, "url": str, "verdict": str, "reviewer": str, "at": str,
        "reason": str,
    }, pk=("agency_id", "topic", "url"), foreign_keys=[("agency_id", "agencies", "id")])


def _v8(db: sqlite_utils.Database) -> None:
    """Published years (export/publication.py): the year's results as they were published,
    frozen against later crawls, with who published, what was still missing and why."""
    db["publications"].create({
        "year": int, "as_of": str, "published_at": str, "published_by": str,
        "forced_reason": str, "blockers": str, "snapshot": str, "files": str,
    }, pk="year")


def _v9(db: sqlite_utils.Database) -> None:
    """Which agency each evidence file belongs to (recorded when an observation holding its
    reference is stored): agency staff open their own evidence by this, never by searching
    text a portal controls. Filled from the observations already stored."""
    db["evidence_owners"].create({"sha256": str, "agency_id": str},
                                 pk=("sha256", "agency_id"))
    from .evidence import own_evidence    # the table's owner (it imports this module)

    for agency_id, value in db.execute("select agency_id, value from observations"
                                       ).fetchall():
        own_evidence(db, agency_id, loads(value, {}))


def _v10(db: sqlite_utils.Database) -> None:
    """Login attempts (review/logins.py): throttling per account and per address, locks."""
    db["login_attempts"].create({"id": int, "at": str, "username": str, "address": str,
                                 "ok": int}, pk="id")
    db["login_attempts"].create_index(["username", "at"])
    db["login_attempts"].create_index(["address", "at"])


def _v11(db: sqlite_utils.Database) -> None:
    """A session's evidence-link key (review/accounts.py): evidence links name it, so that they
    stop working when the session ends. Sessions opened before have none: log in again."""
    db["sessions"].add_column("link_id", str)


# Forward migrations: index i brings the schema from version i to i + 1. Never edit a shipped
# one; append a new function.
MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [_v1, _v2, _v3, _v4, _v5, _v6, _v7, _v8, _v9, _v10, _v11]
SCHEMA_VERSION = len(MIGRATIONS)


class Workspace:
    """A folder holding inspector.db, evidence/ and screenshots/."""

    def __init__(self, root: Path | str = ".", *, create: bool = True):
        self.root = Path(root).resolve()
        if not self.root.exists():
            if not create:
                raise UserError(f"thư mục làm việc {self.root}: không tồn tại")
            try:
                self.root.mkdir(parents=True)
            except OSError as exc:
                raise UserError(f"thư mục làm việc {self.root}: không tạo được: "
                                f"{exc.strerror}") from None
        if not self.root.is_dir():
            raise UserError(f"thư mục làm việc {self.root}: không phải là thư mục")
        for sub in ("evidence", "screenshots"):
            try:
                (self.root / sub).mkdir(exist_ok=True)
            except OSError as exc:
                raise UserError(f"thư mục làm việc {self.root}: không tạo được {sub}/: "
                                f"{exc.strerror}") \
                    from None
        try:
            conn = sqlite3.connect(self.root / DB_NAME, timeout=30, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
        except sqlite3.Error as exc:
            raise UserError(f"thư mục làm việc {self.root}: không mở được {DB_NAME}: {exc}") \
                from None
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=30000")
        self.db = sqlite_utils.Database(conn)
        self._migrate()

    @property
    def schema_version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    def _migrate(self) -> None:
        version = self.schema_version
        if version > SCHEMA_VERSION:
            raise UserError(f"thư mục làm việc {self.root}: {DB_NAME} có phiên bản lược đồ "
                            f"{version}, mới hơn bản inspector này ({SCHEMA_VERSION}); hãy nâng "
                            "cấp inspector")
        for index in range(version, SCHEMA_VERSION):
            with self.transaction():
                MIGRATIONS[index](self.db)
                self.db.execute(f"PRAGMA user_version={index + 1}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite_utils.Database]:
        """One all-or-nothing transaction: any exception leaves the database as it was."""
        conn = self.db.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def close(self) -> None:
        self.db.conn.close()

    # --- small shared helpers ---------------------------------------------------------------

    def audit(self, actor: str, action: str, subject: str, old: Any = None, new: Any = None,
              reason: str | None = None) -> None:
        self.db["audit_log"].insert({
            "at": utcnow(), "actor": actor, "action": action, "subject": subject,
            "old": dumps(old) if old is not None else None,
            "new": dumps(new) if new is not None else None, "reason": reason,
        })

    def audit_count(self) -> int:
        return self.db["audit_log"].count

    def audit_entries(self, limit: int, offset: int = 0) -> list[dict[str, Any]]:
        """A page of the audit log, newest first."""
        return list(self.db["audit_log"].rows_where(order_by="id desc", limit=limit,
                                                    offset=offset))

    def audit_counts(self, subject_prefix: str) -> dict[str, int]:
        """Audit entries per subject, for subjects starting with ``subject_prefix`` (keys
        without the prefix)."""
        return {subject[len(subject_prefix):]: n for subject, n in self.db.execute(
            "select subject, count(*) from audit_log where subject like ? escape '\\' "
            "group by subject", [like_prefix(subject_prefix)]).fetchall()}

    def audited_since(self, action: str, subject: str, since: str) -> bool:
        """Whether ``action`` on ``subject`` is in the audit log after ``since``."""
        return self.db.execute("select 1 from audit_log where action = ? and subject = ? "
                               "and at > ?", [action, subject, since]).fetchone() is not None

    def next_serial(self, name: str, start: int = 0) -> int:
        """The next number of a counter that only goes up (fresh test identities); a new
        counter begins after ``start``."""
        with self.transaction():
            row = self.db.execute("select value from counters where name = ?", [name]).fetchone()
            value = (row[0] if row else start) + 1
            self.db["counters"].upsert({"name": name, "value": value}, pk="name")
        return value


def like_prefix(text: str) -> str:
    """A LIKE pattern matching what starts with ``text`` (agency ids may hold _)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def loads(text: str | None, default: Any = None) -> Any:
    return default if text in (None, "") else json.loads(text)


def keep_traceback(root: Path, label: str, exc: BaseException) -> str:
    """Write a tool failure's traceback under the workspace's logs/ and return its path relative
    to the workspace (for the run record; the message a user sees names it)."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
    relative = Path("logs") / f"{label}-{stamp}.traceback.txt"
    path = Path(root) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
                    encoding="utf-8")
    return relative.as_posix()
