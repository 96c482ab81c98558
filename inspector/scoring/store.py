"""Score from the workspace: build each agency's context from the database, run the pure engine,
and store findings, category totals and overall levels in one transaction."""

from __future__ import annotations

from datetime import date
from typing import Any

from ..records import registry
from ..survey.forms import declarations
from ..records import observations
from ..records.findings import last_scored, replace_scores
from ..records.review_state import overrides
from ..records.runs import OK, Run, put_run
from ..records.services import counted_procedures, verdicts
from ..records.workspace import Workspace, loads, utcnow
from ..model.checklist import Checklist, load_all
from .engine import AgencyResult, score_agency
from .quantities import (ChildSummary, Context, ServiceResult, Unknown, peer_maxima,
                         peer_names, resolve)
from .ratings import RatingTables


def _observations(ws: Workspace, agency_id: str) -> dict[str, dict[str, Any]]:
    return {key: obs.for_scoring()
            for key, obs in observations.of_agency(ws, agency_id).items()}


def _services(ws: Workspace, agency_id: str) -> list[ServiceResult]:
    checked = verdicts(ws, agency_id)
    services = []
    for row in registry.services(ws, agency_id):
        verdict = checked.get(row["id"])
        procedures = counted_procedures(verdict, loads(row["procedures"], []))
        last = verdict.last_attempt if verdict else None
        proof = [e for e in (last.evidence if last else []) if e.get("kind") == "screenshot"]
        services.append(ServiceResult(
            name=row["name"], level=row["level"], procedures=procedures,
            recognised=verdict.recognised if verdict else None,
            online_dossiers=row["online_dossiers"], total_dossiers=row["total_dossiers"],
            reason=verdict.reason if verdict else None, id=row["id"],
            check=verdict.check if verdict else None, evidence=proof[-1:]))
    return services


def build_context(ws: Workspace, agency: dict[str, Any], province_tthc: int | None,
                  *, with_children: bool = True) -> Context:
    observations = _observations(ws, agency["id"])
    ctx = Context(agency_id=agency["id"], level=agency["level"],
                  tthc_total=agency["tthc_total"], province_tthc_total=province_tthc,
                  services=_services(ws, agency["id"]),
                  observations=observations,
                  declarations=declarations(agency["level"], observations))
    if with_children and agency["level"] == "district":
        children = []
        for child in registry.communes_of(ws, agency["id"]):
            child_ctx = build_context(ws, child, province_tthc, with_children=False)
            children.append(ChildSummary(
                id=child["id"], has_portal=child["portal"] is not None,
                recognised_level3=_maybe("services.recognised_level3", child_ctx),
                recognised_level4=_maybe("services.recognised_level4", child_ctx),
                tthc_total=child["tthc_total"],
                services_level12=_maybe("survey.services_level12", child_ctx)))
        ctx.children = children
    return ctx


def _maybe(name: str, ctx: Context):
    """A quantity of a commune, or None while it cannot be known (the district's criterion then
    says which commune is missing what)."""
    try:
        value = resolve(name, ctx)
    except Unknown:
        return None
    return int(value) if float(value).is_integer() else value


def _external_categories(observations: dict[str, dict[str, Any]]) -> dict[str, float]:
    result = {}
    for key, obs in observations.items():
        if key.startswith("category/") and obs.get("status") != "failed" \
                and isinstance(obs.get("points"), (int, float)):
            result[key.split("/", 1)[1]] = float(obs["points"])
    return result


def _set_peers(ws: Workspace, checklists: list[Checklist], contexts: list[Context],
               province_tthc: int | None) -> None:
    """Give each context the level-wide maxima its checklists name ("peers.max.*"), over
    every agency of the level in the register, scored now or not."""
    by_level: dict[str, set[str]] = {}
    for checklist in checklists:
        for criterion in checklist.criteria:
            names = peer_names(criterion.rule) | peer_names(criterion.input)
            if names:
                by_level.setdefault(checklist.level, set()).update(names)
    for level, names in by_level.items():
        scored = {c.agency_id: c for c in contexts if c.level == level}
        if not scored:
            continue
        everyone = [scored.get(a["id"]) or build_context(ws, a, province_tthc,
                                                         with_children=False)
                    for a in registry.all_agencies(ws, level)]
        maxima = peer_maxima(names, everyone)
        for ctx in scored.values():
            ctx.peers = dict(maxima)


def score_workspace(ws: Workspace, as_of: date, agency_ids: list[str] | None = None,
                    checklists: list[Checklist] | None = None,
                    tables: RatingTables | None = None) -> list[AgencyResult]:
    checklists = checklists if checklists is not None else load_all()
    tables = tables or RatingTables.load()
    agencies = registry.agencies(ws, agency_ids)
    province = registry.province(ws)
    province_tthc = province["tthc_total"] if province else None
    contexts = [build_context(ws, agency, province_tthc) for agency in agencies]
    _set_peers(ws, checklists, contexts, province_tthc)
    results = []
    for agency, ctx in zip(agencies, contexts):
        results.append(score_agency(checklists, ctx, as_of, tables, overrides(ws, agency["id"]),
                                    _external_categories(ctx.observations)))
    now = utcnow()
    with ws.transaction():
        for result in results:
            replace_scores(ws.db, result.agency_id, as_of.isoformat(), now, result.findings,
                           result.categories, result.overall)
        put_run(ws.db, Run(id=f"score-{now}-{len(results)}", command="score",
                           as_of=as_of.isoformat(), started_at=now, finished_at=utcnow(),
                           status=OK, counts={"agencies": len(results)}))
    return results


def rescore(ws: Workspace, agency_ids: list[str], as_of: date | None = None) -> list[str]:
    """Score again agencies already scored, for ``as_of`` or else the date they were scored
    for (so that nothing but the change moves); agencies never scored are left alone. Returns
    the agencies re-scored."""
    by_date: dict[str, list[str]] = {}
    for aid in sorted(set(agency_ids)):
        scored_for = last_scored(ws, aid)
        if scored_for:
            by_date.setdefault(as_of.isoformat() if as_of else scored_for, []).append(aid)
    done = []
    for day, aids in sorted(by_date.items()):
        score_workspace(ws, date.fromisoformat(day), aids)
        done += aids
    return done
