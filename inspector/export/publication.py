"""Published years (the publications table): a year's results frozen as they were published,
read back unchanged whatever later crawls and scores do."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from ..records.workspace import Workspace, dumps, loads
from .rankings import Ranking

# What still stands between the stored scores and a publishable year (export/publishing.py).
BLOCKER_KINDS = {
    "review": "Kết quả chờ người đánh giá duyệt",
    "not_assessed": "Tiêu chí chưa đánh giá được",
    "report": "Cơ quan chưa nộp báo cáo (Phụ lục 1A, 2A, 3A)",
    "answers": "Cơ quan chưa xác nhận số liệu (Mục VII)",
}


@dataclass
class Blocker:
    kind: str           # a key of BLOCKER_KINDS
    agency_id: str
    name: str
    count: int
    detail: str         # Vietnamese, what is missing, without the agency's name

    @property
    def message(self) -> str:
        return f"{self.name}: {self.detail}"


@dataclass
class Publication:
    year: int
    as_of: str
    published_at: str
    published_by: str
    province: str
    document: dict[str, Any]        # the results document (inspector-results/1) as published
    rankings: list[Ranking]
    forced_reason: str | None = None
    blockers: list[Blocker] = field(default_factory=list)
    files: list[dict[str, Any]] = field(default_factory=list)   # {path, sha256, bytes}

    def ranking(self, group: str, category_id: str = "overall") -> Ranking | None:
        return next((r for r in self.rankings
                     if r.group == group and r.category_id == category_id), None)


def store(ws: Workspace, publication: Publication) -> None:
    """Insert a year's publication (the caller holds the transaction); a year is published
    once, so an existing row is an error of the caller's (checked before files are written)."""
    ws.db["publications"].insert({
        "year": publication.year, "as_of": publication.as_of,
        "published_at": publication.published_at, "published_by": publication.published_by,
        "forced_reason": publication.forced_reason,
        "blockers": dumps([asdict(b) for b in publication.blockers]),
        "snapshot": dumps({"province": publication.province, "document": publication.document,
                           "rankings": [r.as_dict() for r in publication.rankings]}),
        "files": dumps(publication.files),
    })


def published(ws: Workspace, year: int) -> Publication | None:
    row = next(ws.db["publications"].rows_where("year = ?", [year]), None)
    if row is None:
        return None
    snapshot = loads(row["snapshot"], {})
    return Publication(
        year=row["year"], as_of=row["as_of"], published_at=row["published_at"],
        published_by=row["published_by"], province=snapshot.get("province") or "",
        document=snapshot["document"],
        rankings=[Ranking.from_dict(r) for r in snapshot["rankings"]],
        forced_reason=row["forced_reason"],
        blockers=[Blocker(**b) for b in loads(row["blockers"], [])],
        files=loads(row["files"], []))


@dataclass
class PublishedYear:
    """A published year as listed (its frozen results are not read)."""
    year: int
    as_of: str
    published_at: str
    published_by: str
    forced_reason: str | None
    blockers: int
    files: list[dict[str, Any]]


def publication_list(ws: Workspace, year: int | None = None) -> list[PublishedYear]:
    """Every published year (or only ``year``), oldest first, without parsing its snapshot."""
    return [PublishedYear(r["year"], r["as_of"], r["published_at"], r["published_by"],
                          r["forced_reason"], len(loads(r["blockers"], [])),
                          loads(r["files"], []))
            for r in ws.db["publications"].rows_where(
                "year = ?" if year is not None else None,
                [year] if year is not None else [],
                select="year, as_of, published_at, published_by, forced_reason, blockers, "
                       "files", order_by="year")]


def published_years(ws: Workspace) -> list[int]:
    """The years published so far, oldest first."""
    return [r[0] for r in ws.db.execute("select year from publications order by year")]


def year_before(ws: Workspace, year: int) -> Publication | None:
    """The last year published before ``year`` (what a report compares with), if any."""
    row = ws.db.execute("select max(year) from publications where year < ?", [year]).fetchone()
    return published(ws, row[0]) if row and row[0] is not None else None
