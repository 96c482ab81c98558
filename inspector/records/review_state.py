"""Where each finding stands in review: the reviewer's status, the agency's answer and how many
audit entries it has (shown on the page, exported, and printed in the confirmation report)."""

from __future__ import annotations

from typing import Any

from .workspace import Workspace, loads

# A reviewer's status of a finding.
PENDING = "pending"            # nobody has looked yet: the automatic value is not official
CONFIRMED = "confirmed"        # a reviewer agreed with the automatic value shown
OVERRIDDEN = "overridden"      # a reviewer's points stand
SECOND_LOOK = "second_look"    # the automatic value moved since the reviewer's decision
REVIEWER_STATUSES = (PENDING, CONFIRMED, OVERRIDDEN, SECOND_LOOK)


def reviewer_status(finding: dict[str, Any], confirmation: dict[str, Any] | None) -> str:
    """From a stored finding row (findings table) and its confirmation row, if any."""
    if finding["status"] == "reviewed":
        flags = loads(finding["flags"], []) if isinstance(finding.get("flags"), str) \
            else finding.get("flags") or []
        return SECOND_LOOK if "auto_changed_since_review" in flags else OVERRIDDEN
    if confirmation is not None:
        same = finding["status"] == "auto" and confirmation["auto_points"] == finding["auto_points"]
        return CONFIRMED if same else SECOND_LOOK
    return PENDING


def finding_reviews(ws: Workspace, agency_id: str) -> dict[str, dict[str, Any]]:
    """criterion id → {status, by, at, note, agency_answer, audit_entries} for every finding of
    the agency."""
    confirmations = {r["criterion_id"]: r for r in ws.db["confirmations"].rows_where(
        "agency_id = ?", [agency_id])}
    answers = {r["criterion_id"]: r for r in ws.db["responses"].rows_where(
        "agency_id = ?", [agency_id])}
    prefix = f"{agency_id}/"
    audit = {subject[len(prefix):]: n for subject, n in ws.db.execute(
        "select subject, count(*) from audit_log where subject like ? escape '\\' "
        "group by subject", [like_prefix(prefix)]).fetchall()}
    reviews = {}
    for finding in ws.db["findings"].rows_where("agency_id = ?", [agency_id], order_by="rowid"):
        criterion = finding["criterion_id"]
        confirmation = confirmations.get(criterion)
        status = reviewer_status(finding, confirmation)
        override = loads(finding["override"], None)
        if override:
            by, at, note = override["reviewer"], override["at"], override["reason"]
        elif confirmation:
            by, at, note = confirmation["reviewer"], confirmation["at"], confirmation["note"]
        else:
            by = at = note = None
        answer = answers.get(criterion)
        reviews[criterion] = {
            "status": status, "by": by, "at": at, "note": note,
            "agency_answer": {"state": answer["state"], "comment": answer["comment"],
                              "by": answer["username"], "at": answer["at"]} if answer else None,
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


def like_prefix(text: str) -> str:
    """A LIKE pattern matching what starts with ``text`` (agency ids may hold _)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
