"""The service checks' own tables (service_checks, service_attempts): their one reader and
writer, and the verdict each check publishes for the scoring, the review page and the exports."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from ..records import registry
from ..model.errors import UserError
from ..records.services import AttemptRecord, ServiceVerdict, put_verdict
from ..records.workspace import Workspace, dumps, loads, utcnow
from . import rules
from .playbook import Playbook


def parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _state(row: dict[str, Any] | None) -> rules.State:
    if not row:
        return rules.State()
    recognised = row["recognised"]
    return rules.State(row["status"], None if recognised is None else bool(recognised),
                       parse_time(row["first_failure_at"]), parse_time(row["next_check_at"]),
                       parse_time(row["reopened_at"]))


def check_state(ws: Workspace, service_id: str) -> rules.State:
    return _state(next(ws.db["service_checks"].rows_where("service_id = ?", [service_id]), None))


def state_counts(ws: Workspace, agency_ids: list[str]) -> dict[str, int]:
    """Check state → how many of the agencies' services are in it."""
    return dict(ws.db.execute(
        "select status, count(*) from service_checks where agency_id in (%s) group by status"
        % ",".join("?" * len(agency_ids)), agency_ids).fetchall())


def write_state(ws: Workspace, agency_id: str, service: dict[str, Any], plan: rules.Plan,
                playbook: Playbook | None, match: dict[str, Any], state: rules.State,
                reopened: dict[str, Any] | None = None) -> None:
    """The service's check state (inside the caller's transaction)."""
    existing = ws.db.execute(
        "select reopened_by, reopen_reason from service_checks where service_id = ?",
        [service["id"]]).fetchone()
    by, why = (reopened or {}).get("by"), (reopened or {}).get("reason")
    if existing and state.reopened_at and not reopened:
        by, why = existing
    ws.db["service_checks"].upsert({
        "service_id": service["id"], "agency_id": agency_id, "plan": plan.check,
        "plan_reason": plan.reason, "playbook": playbook.name if playbook else None,
        "match": dumps(match), "status": state.status,
        "recognised": None if state.recognised is None else int(state.recognised),
        "first_failure_at": _iso(state.first_failure_at),
        "next_check_at": _iso(state.next_check_at), "reopened_at": _iso(state.reopened_at),
        "reopened_by": by if state.reopened_at else None,
        "reopen_reason": why if state.reopened_at else None, "updated_at": utcnow(),
    }, pk="service_id")



def insert_attempt(ws: Workspace, row: dict[str, Any]) -> None:
    """One attempt (inside the caller's transaction, with its state and evidence)."""
    ws.db["service_attempts"].insert(row)


def observe_service(ws: Workspace, agency_id: str, service_id: str, run_id: str | None) -> None:
    """Write `service/<id>` from the service's check state and attempts (inside the caller's
    transaction): what the scoring and the export read."""
    row = ws.db.execute("select plan, plan_reason, playbook, match, status, recognised, "
                        "next_check_at, reopened_at, reopened_by, reopen_reason "
                        "from service_checks where service_id = ?", [service_id]).fetchone()
    if row is None:
        return
    plan, plan_reason, playbook, match, status, recognised, next_check, reopened_at, \
        reopened_by, reopen_reason = row
    match = loads(match, {})
    attempts = []
    for a in ws.db["service_attempts"].rows_where("service_id = ?", [service_id], order_by="id"):
        refs = loads(a["evidence"], {})
        variables = loads(a["vars"], {})
        attempts.append(AttemptRecord(
            at=a["finished_at"], started_at=a["started_at"], kind=a["kind"],
            purpose=a["purpose"], playbook=a["playbook"], outcome=a["outcome"],
            failed_step=a["failed_step"], reason=a["reason"],
            dossier_code=variables.get("dossier_code"), dossier_status=variables.get("status"),
            steps=loads(a["steps"], []),
            evidence=[ref for kind in ("screenshot", "trace", "har", "video")
                      for ref in refs.get(kind, [])]))
    review = []
    if status == rules.UNMATCHED:
        review.append("name_not_in_catalogue")
    if plan == rules.REPORT and recognised:
        review.append("recognised_by_report: the reviewer's impression is needed (V.4.2.c.iii)")
    if status == rules.NEEDS_HUMAN:
        review.append("needs_human")
    reason = {
        rules.UNMATCHED: "its name matches no procedure of the approved catalogue (V.4.2.c.i)",
        rules.AWAITING_RECHECK: f"failed; re-check due at {next_check} before a verdict "
                                "(V.4.2.c.ii)",
        rules.NEEDS_HUMAN: "a step needs a person (captcha or SMS code): run "
                           "'inspector check-services --headed'",
        rules.UNCHECKED: "not checked yet",
    }.get(status)
    if status == rules.AWAITING_RECHECK and recognised:
        reason = None        # a reopened service keeps its recognition until the re-check
    put_verdict(ws, agency_id, service_id, ServiceVerdict(
        recognised=None if recognised is None else bool(recognised), status=status,
        check=plan, check_reason=plan_reason, playbook=playbook,
        catalog_code=match.get("code") if match.get("matched") else None,
        procedures=match.get("procedures", []), match=match, next_check_at=next_check,
        review=review, attempts=attempts,
        reopened={"at": reopened_at, "by": reopened_by, "reason": reopen_reason}
        if reopened_at else None, reason=reason), run_id)


def reopen_service(ws: Workspace, service_id: str, reviewer: str, reason: str,
                   now: datetime | None = None) -> None:
    """Hậu kiểm: a reviewer reopens a recognised service after feedback; the next
    check-services checks it again, and a failure confirmed by its re-check revokes it."""
    if not reason.strip():
        raise UserError("cần ghi lý do mở lại dịch vụ (phản ánh đã nhận)")
    row = next(ws.db["service_checks"].rows_where("service_id = ?", [service_id]), None)
    if row is None:
        raise UserError(f"dịch vụ {service_id!r} chưa được kiểm tra lần nào "
                        "(xem 'inspector check-services')")
    at = now or datetime.now(timezone.utc).replace(microsecond=0)
    try:
        state = rules.reopen(_state(row), at)
    except ValueError:
        raise UserError(f"dịch vụ {service_id!r} đang ở trạng thái {row['status']}, chưa được "
                        "công nhận: chỉ mở lại được dịch vụ đã công nhận") from None
    agency_id = row["agency_id"]
    with ws.transaction():
        ws.db["service_checks"].update(service_id, {
            "status": state.status, "reopened_at": at.isoformat(), "reopened_by": reviewer,
            "reopen_reason": reason, "first_failure_at": None, "next_check_at": None,
            "updated_at": utcnow()})
        ws.audit(reviewer, "service.reopened", f"{agency_id}/service/{service_id}",
                 old=row["status"], new=state.status, reason=reason)
        observe_service(ws, agency_id, service_id, None)


def service_rows(ws: Workspace, agency_ids: list[str] | None) -> list[dict[str, Any]]:
    """Every declared service of the agencies with its check state and last attempt."""
    rows = []
    for agency in registry.agencies(ws, agency_ids):
        for service in registry.services(ws, agency["id"]):
            check = next(ws.db["service_checks"].rows_where("service_id = ?", [service["id"]]),
                         {})
            last = next(ws.db["service_attempts"].rows_where(
                "service_id = ?", [service["id"]], order_by="id desc", limit=1), None)
            rows.append({
                "id": service["id"], "agency_id": agency["id"], "name": service["name"],
                "url": service["url"], "level": service["level"],
                "status": check.get("status"), "check": check.get("plan"),
                "check_reason": check.get("plan_reason"), "playbook": check.get("playbook"),
                "recognised": None if check.get("recognised") is None
                else bool(check["recognised"]),
                "match": loads(check.get("match"), None),
                "next_check_at": check.get("next_check_at"),
                "last_attempt": {k: last[k] for k in ("finished_at", "kind", "purpose",
                                                      "outcome", "failed_step", "reason")}
                if last else None})
    return rows
