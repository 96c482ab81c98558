"""Build the results document (schema inspector-results/1) from the workspace's stored scores."""

from __future__ import annotations

from datetime import date
from typing import Any

from ..records import registry
from ..model.errors import UserError
from ..records import findings as stored
from ..records.review_state import finding_reviews, review_summary
from ..scoring.engine import window_dict
from ..records.services import ServiceVerdict, counted_procedures, verdicts
from ..records.workspace import Workspace, loads

SCHEMA = "inspector-results/1"


def results_document(ws: Workspace, agency_ids: list[str] | None = None) -> dict[str, Any]:
    """Every scored agency, or only those named (an unknown id is the user's error)."""
    wanted = {a["id"] for a in registry.agencies(ws, agency_ids)} if agency_ids else None
    dates = stored.scored_dates(ws)
    if not dates:
        raise UserError("chưa có kết quả chấm điểm: hãy chạy 'inspector score' trước")
    if len(dates) > 1:
        raise UserError(f"kết quả đã lưu được chấm cho nhiều ngày đánh giá khác nhau "
                        f"({', '.join(dates)}): hãy chạy 'inspector score' cho mọi cơ quan "
                        "với cùng một --as-of")
    as_of = dates[0]
    agencies = []
    for agency in registry.all_agencies(ws):
        if wanted is None or agency["id"] in wanted:
            entry = _agency(ws, agency)
            if entry is not None:
                agencies.append(entry)
    return {"schema": SCHEMA, "as_of": as_of, "window": window_dict(date.fromisoformat(as_of)),
            "agencies": agencies}


def _agency(ws: Workspace, agency: dict[str, Any]) -> dict[str, Any] | None:
    """One agency's entry, or None if it has no findings."""
    aid = agency["id"]
    reviews = finding_reviews(ws, aid)
    criteria = _criteria(ws, aid, reviews)
    if not criteria:
        return None
    overall = stored.overall(ws, aid)
    audit_count = sum(ws.audit_counts(f"{aid}/").values())
    return {
        "id": aid, "name": agency["name"], "level": agency["level"],
        "parent": agency["parent"], "portal": agency["portal"],
        "categories": [c.as_dict(with_source=False) for c in stored.categories(ws, aid)],
        **({"overall": overall} if overall is not None else {}),
        "criteria": criteria, "services": _services(ws, aid),
        "review": review_summary(reviews), "audit_entries": audit_count,
    }


def _criteria(ws: Workspace, aid: str, reviews: dict[str, dict[str, Any]]
              ) -> list[dict[str, Any]]:
    return [{**f.as_dict(), "review": reviews[f.criterion_id]} for f in stored.findings(ws, aid)]


def _services(ws: Workspace, aid: str) -> list[dict[str, Any]]:
    checked = verdicts(ws, aid)
    return [_service(s, checked.get(s["id"]))
            for s in registry.services(ws, aid)]


def _service(s: dict[str, Any], verdict: ServiceVerdict | None) -> dict[str, Any]:
    """A declared service with its verdict (None until it is checked)."""
    procedures = counted_procedures(verdict, loads(s["procedures"], []))
    return {
        "id": s["id"], "name": s["name"], "url": s["url"], "group": s["group_name"],
        "declared_level": s["level"],
        "catalog_code": (verdict.catalog_code if verdict else None)
        or (procedures[0] if procedures else None),
        "procedures": procedures, "recognised": verdict.recognised if verdict else None,
        "status": verdict.status if verdict else None,
        "check": verdict.check if verdict else None,
        **({"reason": verdict.reason} if verdict and verdict.reason else {}),
        **({"match": {k: verdict.match.get(k) for k in ("name", "code", "score",
                                                       "threshold", "matched")}}
           if verdict and verdict.match else {}),
        "review": verdict.review if verdict else [],
        "online_dossiers": s["online_dossiers"], "total_dossiers": s["total_dossiers"],
        "attempts": [{
            "at": a.at, "ok": a.ok, "failed_step": a.failed_step, "outcome": a.outcome,
            "kind": a.kind, "purpose": a.purpose, "reason": a.reason,
            "dossier_code": a.dossier_code, "evidence": [e["path"] for e in a.evidence]}
            for a in (verdict.attempts if verdict else [])],
    }


FLAT_COLUMNS = ["as_of", "agency_id", "agency_name", "level", "category_id", "criterion_id",
                "title", "points", "max_points", "status", "reason", "auto_points",
                "reviewer_status", "reviewed_by", "review_reason", "agency_answer",
                "agency_comment", "audit_entries", "posts_counted", "evidence_files",
                "category_points", "category_max", "category_rating"]


def flat_rows(document: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per agency × criterion (CSV and XLSX flatten the JSON the same way)."""
    rows = []
    for agency in document["agencies"]:
        cats = {c["id"]: c for c in agency["categories"]}
        for crit in agency["criteria"]:
            cat = cats.get(crit["category"], {})
            review = crit["review"]
            answer = review["agency_answer"] or {}
            rows.append({
                "as_of": document["as_of"], "agency_id": agency["id"],
                "agency_name": agency["name"], "level": agency["level"],
                "category_id": crit["category"], "criterion_id": crit["id"],
                "title": crit["title"], "points": crit["points"],
                "max_points": crit["max_points"], "status": crit["status"],
                "reason": crit.get("reason"), "auto_points": crit.get("auto_points"),
                "reviewer_status": review["status"], "reviewed_by": review["by"],
                "review_reason": review["note"], "agency_answer": answer.get("state"),
                "agency_comment": answer.get("comment"), "audit_entries": review["audit_entries"],
                "posts_counted": len(crit["metrics"].get("posts", []))
                if isinstance(crit["metrics"], dict) else 0,
                "evidence_files": len(crit["evidence"]),
                "category_points": cat.get("points"), "category_max": cat.get("max_points"),
                "category_rating": cat.get("rating"),
            })
    return rows
