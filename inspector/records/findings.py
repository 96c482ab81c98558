"""Scores as stored (findings, categories, overall, finding_history): typed records, their one
serialiser, and the only code that reads or writes those tables."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from .workspace import Workspace, dumps, loads

AUTO, REVIEWED, NOT_ASSESSED = "auto", "reviewed", "not_assessed"


@dataclass
class Finding:
    """One criterion of one agency as scored: points (None when not assessed, with the reason),
    what was measured and the evidence. ``as_of``/``scored_at`` are set once stored."""

    agency_id: str
    criterion_id: str
    category_id: str
    title: str
    points: float | None
    max_points: float
    status: str
    reason: str | None = None
    metrics: dict[str, Any] = field(default_factory=dict)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    auto_points: float | None = None
    override: dict[str, Any] | None = None
    flags: list[str] = field(default_factory=list)
    as_of: str | None = None
    scored_at: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The criterion's entry in the results document (inspector-results/1)."""
        return {
            "id": self.criterion_id, "category": self.category_id, "title": self.title,
            "points": self.points, "max_points": self.max_points, "status": self.status,
            **({"reason": self.reason} if self.reason else {}),
            "auto_points": self.auto_points, "metrics": self.metrics, "evidence": self.evidence,
            **({"override": self.override} if self.override else {}),
            **({"flags": self.flags} if self.flags else {}),
        }

    @property
    def posts_counted(self) -> int:
        posts = self.metrics.get("posts") if isinstance(self.metrics, dict) else None
        return len(posts) if isinstance(posts, list) else 0

    def _row(self, as_of: str, scored_at: str) -> dict[str, Any]:
        return {"agency_id": self.agency_id, "criterion_id": self.criterion_id,
                "category_id": self.category_id, "title": self.title, "points": self.points,
                "max_points": self.max_points, "status": self.status, "reason": self.reason,
                "auto_points": self.auto_points, "metrics": dumps(self.metrics),
                "evidence": dumps(self.evidence),
                "override": dumps(self.override) if self.override else None,
                "flags": dumps(self.flags) if self.flags else None,
                "as_of": as_of, "scored_at": scored_at}

    @classmethod
    def _from_row(cls, row: dict[str, Any]) -> Finding:
        metrics = loads(row["metrics"], {})
        return cls(agency_id=row["agency_id"], criterion_id=row["criterion_id"],
                   category_id=row["category_id"], title=row["title"], points=row["points"],
                   max_points=row["max_points"], status=row["status"], reason=row["reason"],
                   metrics=metrics if isinstance(metrics, dict) else {},
                   evidence=loads(row["evidence"], []) or [],
                   auto_points=row["auto_points"], override=loads(row["override"], None),
                   flags=loads(row["flags"], []) or [], as_of=row["as_of"],
                   scored_at=row["scored_at"])


@dataclass
class CategoryResult:
    """A category's total, rating and completeness (Appendices 1B-3B). ``level`` and
    ``source`` are the engine's; they are not stored."""

    id: str
    title: str
    level: str | None
    points: float
    max_points: float
    complete: bool
    rating: str | None
    missing: list[str] = field(default_factory=list)
    provisional: dict[str, Any] | None = None
    scale: float = 1.0
    source: str = "checklist"

    def as_dict(self, *, with_source: bool = True) -> dict[str, Any]:
        return {
            "id": self.id, "title": self.title, "points": self.points,
            "max_points": self.max_points, "rating": self.rating, "complete": self.complete,
            **({"missing": self.missing} if self.missing else {}),
            **({"provisional": self.provisional} if self.provisional else {}),
            **({"scale": self.scale} if self.scale not in (None, 1.0) else {}),
            **({"source": self.source} if with_source else {}),
        }

    def _row(self, agency_id: str, as_of: str, scored_at: str) -> dict[str, Any]:
        return {"agency_id": agency_id, "category_id": self.id, "title": self.title,
                "points": self.points, "max_points": self.max_points, "rating": self.rating,
                "complete": int(self.complete), "missing": dumps(self.missing),
                "provisional": dumps(self.provisional) if self.provisional else None,
                "scale": self.scale, "as_of": as_of, "scored_at": scored_at}

    @classmethod
    def _from_row(cls, row: dict[str, Any]) -> CategoryResult:
        return cls(id=row["category_id"], title=row["title"], level=None, points=row["points"],
                   max_points=row["max_points"], complete=bool(row["complete"]),
                   rating=row["rating"], missing=loads(row["missing"], []) or [],
                   provisional=loads(row["provisional"], None),
                   scale=row["scale"] if row["scale"] is not None else 1.0)


@dataclass(frozen=True)
class HistoryEntry:
    """A finding as one nightly run left it (comparison between runs and between years)."""

    run_id: str
    agency_id: str
    criterion_id: str
    as_of: str
    points: float | None
    max_points: float
    status: str
    auto_points: float | None
    posts: int
    reason: str | None
    recorded_at: str

    def compared(self) -> dict[str, Any]:
        return {"points": self.points, "status": self.status, "posts": self.posts}


# --- writing ------------------------------------------------------------------------------

def replace_scores(db: sqlite_utils.Database, agency_id: str, as_of: str, scored_at: str,
                   findings: list[Finding], categories: list[CategoryResult],
                   overall: dict[str, Any] | None) -> None:
    """An agency's scores replace those stored (inside the caller's transaction)."""
    for table in ("findings", "categories", "overall"):
        db.execute(f"delete from {table} where agency_id = ?", [agency_id])
    db["findings"].insert_all([f._row(as_of, scored_at) for f in findings])
    db["categories"].insert_all([c._row(agency_id, as_of, scored_at) for c in categories])
    if overall is not None:
        db["overall"].insert({"agency_id": agency_id, "value": dumps(overall), "as_of": as_of,
                              "scored_at": scored_at})


def keep_history(ws: Workspace, run_id: str, recorded_at: str) -> list[HistoryEntry]:
    """Copy every stored finding into the run's history (replacing what the run kept before,
    if it is resumed)."""
    entries = [HistoryEntry(run_id=run_id, agency_id=f.agency_id, criterion_id=f.criterion_id,
                            as_of=f.as_of or "", points=f.points, max_points=f.max_points,
                            status=f.status, auto_points=f.auto_points, posts=f.posts_counted,
                            reason=f.reason, recorded_at=recorded_at)
               for f in all_findings(ws)]
    with ws.transaction():
        ws.db.execute("delete from finding_history where run_id = ?", [run_id])
        ws.db["finding_history"].insert_all([vars(e) for e in entries])
    return entries


# --- reading ------------------------------------------------------------------------------

def findings(ws: Workspace, agency_id: str, category_id: str | None = None) -> list[Finding]:
    """An agency's findings in checklist order (only one category's, if named)."""
    where, args = "agency_id = ?", [agency_id]
    if category_id is not None:
        where, args = where + " and category_id = ?", args + [category_id]
    return [Finding._from_row(r) for r in ws.db["findings"].rows_where(where, args,
                                                                        order_by="rowid")]


def all_findings(ws: Workspace) -> list[Finding]:
    return [Finding._from_row(r) for r in ws.db["findings"].rows_where(order_by="rowid")]


def finding(ws: Workspace, agency_id: str, criterion_id: str) -> Finding | None:
    row = next(ws.db["findings"].rows_where("agency_id = ? and criterion_id = ?",
                                            [agency_id, criterion_id]), None)
    return Finding._from_row(row) if row else None


def has_findings(ws: Workspace, agency_id: str) -> bool:
    return ws.db.execute("select 1 from findings where agency_id = ? limit 1",
                         [agency_id]).fetchone() is not None


def status_counts(ws: Workspace, agency_id: str) -> Counter[str]:
    """How many of the agency's findings are auto, reviewed, not assessed."""
    return Counter(dict(ws.db.execute(
        "select status, count(*) from findings where agency_id = ? group by status",
        [agency_id]).fetchall()))


def scored_agencies(ws: Workspace) -> set[str]:
    return {r[0] for r in ws.db.execute("select distinct agency_id from findings")}


def scored_dates(ws: Workspace) -> list[str]:
    """The as-of dates the stored scores were computed for (one, unless scoring was partial)."""
    return sorted(r[0] for r in ws.db.execute("select distinct as_of from findings"))


def last_scored(ws: Workspace, agency_id: str) -> str | None:
    """The as-of date an agency was last scored for, or None if never."""
    row = ws.db.execute("select max(as_of) from findings where agency_id = ?",
                        [agency_id]).fetchone()
    return row[0] if row else None


def categories(ws: Workspace, agency_id: str) -> list[CategoryResult]:
    return [CategoryResult._from_row(r) for r in ws.db["categories"].rows_where(
        "agency_id = ?", [agency_id], order_by="rowid")]


def overall(ws: Workspace, agency_id: str) -> dict[str, Any] | None:
    """The agency's overall level (Mức) and total, if it was computed."""
    row = ws.db.execute("select value from overall where agency_id = ?",
                        [agency_id]).fetchone()
    return loads(row[0]) if row else None


def history(ws: Workspace, run_id: str, agency_id: str) -> dict[str, HistoryEntry]:
    """criterion id → the finding as the run left it."""
    return {r["criterion_id"]: HistoryEntry(**r) for r in ws.db["finding_history"].rows_where(
        "run_id = ? and agency_id = ?", [run_id, agency_id])}


def runs_with_history(ws: Workspace, agency_id: str) -> set[str]:
    return {r[0] for r in ws.db.execute(
        "select distinct run_id from finding_history where agency_id = ?", [agency_id])}
