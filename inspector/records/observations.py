"""Observations (one row per agency and key: posts/<topic>, feature/<name>, survey/<name>,
service/<id>, crawl/notes…): a typed record, its one serialiser, and the only code touching the
table. A newer observation replaces the value; the run that wrote it is recorded."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .evidence import own_evidence
from .workspace import Workspace, dumps, loads, utcnow

OK, FAILED = "ok", "failed"


@dataclass
class Observation:
    """What was observed of one thing of an agency (``status`` ok or failed, with the reason
    it could not be read)."""

    agency_id: str
    key: str
    value: dict[str, Any] = field(default_factory=dict)
    status: str = OK
    reason: str | None = None
    observed_at: str | None = None
    run_id: str | None = None

    @property
    def read_for(self) -> dict[str, str] | None:
        """The window a posts observation was read for ({as_of, window_start}; see
        model.periods.read_for), None for other observations and older crawls."""
        window = self.value.get("read_for")
        return window if isinstance(window, dict) else None

    def for_scoring(self) -> dict[str, Any]:
        """The value with its status (and reason) beside it, as the scoring context reads it."""
        return {**self.value, "status": self.status,
                **({"reason": self.reason} if self.reason else {})}

    @classmethod
    def _from_row(cls, row: dict[str, Any]) -> Observation:
        value = loads(row["value"], {})
        return cls(agency_id=row["agency_id"], key=row["key"],
                   value=value if isinstance(value, dict) else {"value": value},
                   status=row["status"], reason=row["reason"], observed_at=row["observed_at"],
                   run_id=row["run_id"])


def put(ws: Workspace, agency_id: str, key: str, value: dict[str, Any] | None = None, *,
        status: str = OK, reason: str | None = None, run_id: str | None = None) -> None:
    """Store (or replace) an observation, and record the agency as owner of the evidence it
    refers to. Inside the caller's transaction, if any."""
    ws.db["observations"].upsert({
        "agency_id": agency_id, "key": key, "status": status, "reason": reason,
        "value": dumps(value or {}), "observed_at": utcnow(), "run_id": run_id,
    }, pk=("agency_id", "key"))
    own_evidence(ws.db, agency_id, value or {})


def get(ws: Workspace, agency_id: str, key: str) -> Observation | None:
    row = next(ws.db["observations"].rows_where("agency_id = ? and key = ?",
                                                [agency_id, key]), None)
    return Observation._from_row(row) if row else None


def of_agency(ws: Workspace, agency_id: str, prefix: str = "") -> dict[str, Observation]:
    """key → observation, for the agency's keys starting with ``prefix``."""
    return {o.key: o for o in (Observation._from_row(r) for r in ws.db["observations"].rows_where(
        "agency_id = ? and substr(key, 1, ?) = ?", [agency_id, len(prefix), prefix],
        order_by="key"))}


def delete(ws: Workspace, agency_id: str, key: str) -> None:
    ws.db.execute("delete from observations where agency_id = ? and key = ?", [agency_id, key])


def agencies_with(ws: Workspace, prefix: str) -> set[str]:
    """The agencies holding an observation whose key starts with ``prefix``."""
    return {r[0] for r in ws.db.execute(
        "select distinct agency_id from observations where substr(key, 1, ?) = ?",
        [len(prefix), prefix])}


def failure_reasons(ws: Workspace) -> list[str]:
    """The reason of every observation that could not be read."""
    return [r[0] or "" for r in ws.db.execute(
        "select reason from observations where status = ?", [FAILED])]
