"""The scoring engine: (checklists, observations, as-of date, overrides) → findings. No I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from . import declared
from ..model.checklist import Checklist, Criterion
from ..model.periods import Window
from .quantities import Context, Unknown
from .ratings import RatingTables
from .rules import evaluate_criterion
from ..records.findings import (AUTO, NOT_ASSESSED, REVIEWED, CategoryResult,  # noqa: F401
                                Finding)
from ..records.review_state import Override


@dataclass
class AgencyResult:
    agency_id: str
    as_of: date
    findings: list[Finding]
    categories: list[CategoryResult]
    overall: dict[str, Any] | None = None


def _round(value: Fraction) -> float:
    return round(float(value), 4)


def reads_quantities(criterion: Criterion, prefixes: tuple[str, ...]) -> bool:
    """Whether the criterion's rule or input names a quantity starting with one of
    ``prefixes`` (e.g. "services.")."""
    def walk(value: Any) -> bool:
        if isinstance(value, str):
            return value.startswith(prefixes)
        if isinstance(value, dict):
            return any(walk(v) for v in value.values())
        if isinstance(value, list):
            return any(walk(v) for v in value)
        return False
    return walk(criterion.rule) or walk(criterion.input)


def score_criterion(criterion: Criterion, ctx: Context, as_of: date,
                    override: Override | None = None) -> Finding:
    base = dict(agency_id=ctx.agency_id, criterion_id=criterion.id,
                category_id=criterion.category_id, title=criterion.title,
                max_points=criterion.max_points)
    try:
        result = evaluate_criterion(criterion, ctx, as_of)
    except Unknown as exc:
        finding = Finding(**base, points=None, status=NOT_ASSESSED, reason=str(exc))
    else:
        points = _round(result.points)
        metrics, evidence = result.metrics, result.evidence
        if reads_quantities(criterion, ("services.",)):
            # Every score is explainable: which services, which procedures, which proof.
            metrics = {**metrics, "services": [s.as_metric() for s in ctx.services]}
            evidence = evidence + [e for s in ctx.services if s.recognised for e in s.evidence
                                   if e not in evidence]
        finding = Finding(**base, points=points, status=AUTO, metrics=metrics,
                          evidence=evidence, auto_points=points)
    comparisons = declared.compare(criterion, ctx, as_of) if ctx.declarations else []
    if comparisons:
        finding.metrics = {**finding.metrics, "declared": comparisons}
        if any("message" in c for c in comparisons):
            finding.flags.append(declared.FLAG)
    if override is not None:
        finding.override = {"points": override.points, "reason": override.reason,
                            "reviewer": override.reviewer, "at": override.at,
                            "auto_points_then": override.auto_points}
        finding.points = override.points
        finding.status = REVIEWED
        if override.auto_points != finding.auto_points:
            # The automatic value moved beneath the override: a reviewer should look again.
            finding.flags.append("auto_changed_since_review")
    return finding


def score_category(checklist: Checklist, findings: list[Finding],
                   tables: RatingTables) -> CategoryResult:
    assessed = [f for f in findings if f.points is not None]
    missing = [f.criterion_id for f in findings if f.points is None]
    scale = checklist.scale
    points = sum((Fraction(str(f.points)) for f in assessed), Fraction(0)) * scale
    row = tables.row_for(checklist.rating, checklist.id) if checklist.rating != "province_rating" \
        else None
    row_key = row[0] if row else (checklist.rating_key or "")

    def rate(value: Fraction) -> str:
        return tables.category_rating(checklist.rating, row_key, float(value),
                                      checklist.max_points)

    result = CategoryResult(checklist.id, checklist.title, checklist.level, _round(points),
                            checklist.max_points, complete=not missing, rating=None,
                            missing=missing, scale=float(scale))
    if not missing:
        result.rating = rate(points)
    else:
        # Not assessed is never 0: give the range the rating could still fall in.
        open_points = sum((Fraction(str(f.max_points)) for f in findings if f.points is None),
                          Fraction(0)) * scale
        result.provisional = {"low": rate(points), "high": rate(points + open_points),
                              "points_open": _round(open_points)}
    return result


def score_agency(checklists: list[Checklist], ctx: Context, as_of: date,
                 tables: RatingTables, overrides: dict[str, Override] | None = None,
                 external_categories: dict[str, float] | None = None) -> AgencyResult:
    """Score one agency with every checklist of its level.

    `external_categories` gives the points of categories the inspection does not score itself
    (readiness, interaction, conversion: from the agency's survey), by category id, so that the
    overall Mức of a district or commune can be computed when every category is known.
    """
    overrides = overrides or {}
    findings: list[Finding] = []
    categories: list[CategoryResult] = []
    for checklist in checklists:
        if checklist.level != ctx.level:
            continue
        cat_findings = [score_criterion(c, ctx, as_of, overrides.get(c.id))
                        for c in checklist.criteria]
        findings += cat_findings
        categories.append(score_category(checklist, cat_findings, tables))
    overall: dict[str, Any] = {"scheme": "province"}
    known = {c.id: (c.points if c.complete else None) for c in categories}
    for cid, pts in (external_categories or {}).items():
        known.setdefault(cid, pts)
    scheme = {"district": "district_level", "commune": "commune_level"}.get(ctx.level)
    if scheme:
        by_row = {key: known.get(row["id"])
                  for key, row in tables.scheme(scheme)["categories"].items()}
        overall = tables.overall(scheme, by_row)
    overall["total"] = _total(categories, known)
    return AgencyResult(ctx.agency_id, as_of, findings, categories, overall)


def _total(categories: list[CategoryResult], known: dict[str, float | None]) -> dict[str, Any]:
    """The agency's points over every category of its level (1000 for a department, 1500 for
    a district, 900 for a commune), each category's rating beside it, or what is missing."""
    missing = [c.id for c in categories if known.get(c.id) is None]
    total: dict[str, Any] = {
        "max_points": _round(sum((Fraction(str(c.max_points)) for c in categories),
                                 Fraction(0))),
        "categories": [{"id": c.id, "title": c.title, "points": known.get(c.id),
                        "max_points": c.max_points, "rating": c.rating} for c in categories]}
    if missing:
        total.update(points=None, missing=missing)
    else:
        total["points"] = _round(sum((Fraction(str(known[c.id])) for c in categories),
                                     Fraction(0)))
    return total


def window_dict(as_of: date) -> dict[str, str]:
    window = Window.ending(as_of)
    return {"start": window.start.isoformat(), "end": window.end.isoformat()}
