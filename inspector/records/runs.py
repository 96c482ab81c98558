"""Run records (runs, run_agencies): what each command did, when, with what outcome; what a
nightly run has done per agency (the state a killed run resumes from). The only code touching
those tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from .workspace import Workspace, dumps, loads

RUNNING, OK, INCOMPLETE = "running", "ok", "incomplete"


@dataclass
class Run:
    """One command's run: crawl, check-services, score or nightly."""

    id: str
    command: str
    as_of: str | None
    started_at: str
    finished_at: str | None = None
    status: str = RUNNING
    counts: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "command": self.command, "as_of": self.as_of,
                "started_at": self.started_at, "finished_at": self.finished_at,
                "status": self.status, "counts": self.counts}

    @classmethod
    def _from_row(cls, row: dict[str, Any]) -> Run:
        return cls(id=row["id"], command=row["command"], as_of=row["as_of"],
                   started_at=row["started_at"], finished_at=row["finished_at"],
                   status=row["status"], counts=loads(row["counts"], {}) or {})


def put_run(db: sqlite_utils.Database, run: Run) -> None:
    """Record a run (replacing the record of the same id)."""
    db["runs"].insert({**run.as_dict(), "counts": dumps(run.counts)}, pk="id", replace=True)


def update_run(ws: Workspace, run_id: str, counts: dict[str, Any], **fields: Any) -> None:
    """New counts (and status, end…) for a run, in a transaction of their own."""
    with ws.transaction():
        ws.db["runs"].update(run_id, {"counts": dumps(counts), **fields})


def runs(ws: Workspace, *, command: str | None = None, limit: int | None = None) -> list[Run]:
    """Run records, newest first (only one command's, if named)."""
    where, args = ("command = ?", [command]) if command else (None, [])
    return [Run._from_row(r) for r in ws.db["runs"].rows_where(
        where, args, order_by="started_at desc", limit=limit)]


def last_running(ws: Workspace, command: str, as_of: str) -> Run | None:
    """The newest run of ``command`` for ``as_of`` still marked running (killed before its
    end), if any."""
    row = next(ws.db["runs"].rows_where("command = ? and as_of = ? and status = ?",
                                        [command, as_of, RUNNING],
                                        order_by="started_at desc", limit=1), None)
    return Run._from_row(row) if row else None


def mark_agencies(db: sqlite_utils.Database, run_id: str, stage: str,
                  details: dict[str, Any], finished_at: str) -> None:
    """Inside the caller's transaction: these agencies are done with ``stage`` in the run."""
    db["run_agencies"].upsert_all([{
        "run_id": run_id, "agency_id": agency_id, "stage": stage, "status": "done",
        "detail": dumps(detail), "finished_at": finished_at}
        for agency_id, detail in details.items()], pk=("run_id", "agency_id", "stage"))


def agencies_done(ws: Workspace, run_id: str, stage: str) -> set[str]:
    return {r[0] for r in ws.db.execute(
        "select agency_id from run_agencies where run_id = ? and stage = ? and "
        "status = 'done'", [run_id, stage])}
