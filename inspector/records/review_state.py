"""Review records (overrides, confirmations, the agencies' answers: the only code touching those
tables) and where each finding stands in review: the reviewer's status, the agency's answer and
how many audit entries it has (shown on the page, exported, and printed in the confirmation
report)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .findings import Finding, findings
from .workspace import Workspace, utcnow

# A reviewer's status of a finding.
PENDING = "pending"            # nobody has looked yet: the automatic value is not official
CONFIRMED = "confirmed"        # a reviewer agreed with the automatic value shown
OVERRIDDEN = "overridden"      # a reviewer's points stand
SECOND_LOOK = "second_look"    # the automatic value moved since the reviewer's decision
REVIEWER_STATUSES = (PENDING, CONFIRMED, OVERRIDDEN, SECOND_LOOK)


@dataclass(frozen=True)
class Override:
    """A reviewer's points for a criterion; it stands until a reviewer clears it."""

    points: float
    reason: str
    reviewer: str
    at: str
    auto_points: float | None = None  # the automatic value the reviewer saw


@dataclass(frozen=True)
class Confirmation:
    """A reviewer agreed with the automatic value shown (it holds for that value only)."""

    reviewer: str
    at: str
    auto_points: float | None
    note: str | None


@dataclass(frozen=True)
class Answer:
    """An agency's answer to one of its findings (Section VII)."""

    state: str          # confirmed or disputed
    comment: str | None
    username: str
    at: str


def overrides(ws: Workspace, agency_id: str) -> dict[str, Override]:
    """criterion id → the reviewer's points that stand."""
    return {r["criterion_id"]: Override(r["points"], r["reason"], r["reviewer"], r["at"],
                                        r["auto_points"])
            for r in ws.db["overrides"].rows_where("agency_id = ?", [agency_id])}


def put_override(ws: Workspace, agency_id: str, criterion_id: str, override: Override) -> None:
    """Inside the caller's transaction: the override stands, and supersedes an earlier
    confirmation of the automatic value."""
    ws.db.execute("delete from confirmations where agency_id = ? and criterion_id = ?",
                  [agency_id, criterion_id])
    ws.db["overrides"].upsert({"agency_id": agency_id, "criterion_id": criterion_id,
                               "points": override.points, "reason": override.reason,
                               "reviewer": override.reviewer, "at": override.at,
                               "auto_points": override.auto_points},
                              pk=("agency_id", "criterion_id"))


def drop_override(ws: Workspace, agency_id: str, criterion_id: str) -> None:
    ws.db.execute("delete from overrides where agency_id = ? and criterion_id = ?",
                  [agency_id, criterion_id])


def confirmations(ws: Workspace, agency_id: str) -> dict[str, Confirmation]:
    return {r["criterion_id"]: Confirmation(r["reviewer"], r["at"], r["auto_points"], r["note"])
            for r in ws.db["confirmations"].rows_where("agency_id = ?", [agency_id])}


def put_confirmation(ws: Workspace, agency_id: str, criterion_id: str, reviewer: str,
                     auto_points: float | None, note: str | None) -> None:
    ws.db["confirmations"].upsert({
        "agency_id": agency_id, "criterion_id": criterion_id, "reviewer": reviewer,
        "at": utcnow(), "auto_points": auto_points, "note": note},
        pk=("agency_id", "criterion_id"))


def answers(ws: Workspace, agency_id: str) -> dict[str, Answer]:
    return {r["criterion_id"]: Answer(r["state"], r["comment"], r["username"], r["at"])
            for r in ws.db["responses"].rows_where("agency_id = ?", [agency_id])}


def put_answer(ws: Workspace, agency_id: str, criterion_id: str, state: str,
               comment: str | None, username: str) -> None:
    ws.db["responses"].upsert({
        "agency_id": agency_id, "criterion_id": criterion_id, "state": state,
        "comment": comment, "username": username, "at": utcnow()},
        pk=("agency_id", "criterion_id"))


def reviewer_status(finding: Finding, confirmation: Confirmation | None) -> str:
    """From a stored finding and its confirmation, if any."""
    if finding.status == "reviewed":
        return SECOND_LOOK if "auto_changed_since_review" in finding.flags else OVERRIDDEN
    if confirmation is not None:
        same = finding.status == "auto" and confirmation.auto_points == finding.auto_points
        return CONFIRMED if same else SECOND_LOOK
    return PENDING


def finding_reviews(ws: Workspace, agency_id: str) -> dict[str, dict[str, Any]]:
    """criterion id → {status, by, at, note, agency_answer, audit_entries} for every finding of
    the agency."""
    confirmed = confirmations(ws, agency_id)
    answered = answers(ws, agency_id)
    audit = ws.audit_counts(f"{agency_id}/")
    reviews = {}
    for finding in findings(ws, agency_id):
        criterion = finding.criterion_id
        confirmation = confirmed.get(criterion)
        status = reviewer_status(finding, confirmation)
        override = finding.override
        if override:
            by, at, note = override["reviewer"], override["at"], override["reason"]
        elif confirmation:
            by, at, note = confirmation.reviewer, confirmation.at, confirmation.note
        else:
            by = at = note = None
        answer = answered.get(criterion)
        reviews[criterion] = {
            "status": status, "by": by, "at": at, "note": note,
            "agency_answer": {"state": answer.state, "comment": answer.comment,
                              "by": answer.username, "at": answer.at} if answer else None,
            "audit_entries": audit.get(criterion, 0),
        }
    return reviews


def review_summary(reviews: dict[str, dict[str, Any]]) -> dict[str, int]:
    """Counts per reviewer status and per agency answer (an agency's progress in review)."""
    summary = {status: 0 for status in REVIEWER_STATUSES}
    summary.update(agency_confirmed=0, agency_disputed=0, agency_unanswered=0)
    for review in reviews.values():
        summary[review["status"]] += 1
        answer = review["agency_answer"]
        summary[f"agency_{answer['state']}" if answer else "agency_unanswered"] += 1
    return summary
