"""A reviewer's decision on a finding (confirm the automatic value, or override its points) and
an agency's answer to it: validated, audit-logged, and the agency re-scored after an override."""

from __future__ import annotations


from ..records import registry
from ..model.errors import UserError
from ..scoring.quantities import NOT_IN_REPORT
from ..scoring.store import rescore
from ..records import review_state
from ..records.findings import Finding, findings
from ..records.findings import finding as stored_finding
from ..records.review_state import Override
from ..records.workspace import Workspace, utcnow
from ..model.labels import vn_number
from .limits import check_text

CONFIRMED, DISPUTED = "confirmed", "disputed"


def _finding(ws: Workspace, agency_id: str, criterion_id: str) -> Finding:
    found = stored_finding(ws, agency_id, criterion_id)
    if found is None:
        registry.agencies(ws, [agency_id])          # an unknown agency is named as such
        raise UserError(f"{agency_id}: không có kết quả tiêu chí {criterion_id!r} (hãy chấm "
                        "điểm cơ quan trước; mã tiêu chí: 'inspector checklist list')")
    return found


def _override(ws: Workspace, agency_id: str, criterion_id: str) -> Override | None:
    return review_state.overrides(ws, agency_id).get(criterion_id)


def set_override(ws: Workspace, agency_id: str, criterion_id: str, points: float, reason: str,
                 reviewer: str, *, action: str = "override.set") -> Finding:
    """The reviewer's points stand (status `reviewed`) through later crawls and re-scoring until
    cleared; the automatic value is kept beside them, and a later change of it flags the finding
    for a second look. Returns the finding as re-scored."""
    check_text(reason, "lý do")
    finding = _finding(ws, agency_id, criterion_id)
    if not reason or not reason.strip():
        raise UserError("cần ghi lý do điều chỉnh điểm")
    if not reviewer or not reviewer.strip():
        raise UserError("cần tên người thẩm định để điều chỉnh điểm")
    if not 0 <= points <= finding.max_points:
        raise UserError(f"{agency_id} {criterion_id}: điểm phải từ 0 đến "
                        f"{vn_number(finding.max_points)} (nhận được {vn_number(points)})")
    before = _override(ws, agency_id, criterion_id)
    with ws.transaction():
        # An override supersedes an earlier confirmation of the automatic value.
        review_state.put_override(ws, agency_id, criterion_id, Override(
            float(points), reason.strip(), reviewer.strip(), utcnow(), finding.auto_points))
        ws.audit(reviewer.strip(), action, f"{agency_id}/{criterion_id}",
                 old={"points": finding.points, "status": finding.status,
                      **({"override": before.points} if before else {})},
                 new={"points": float(points), "status": "reviewed"}, reason=reason.strip())
    rescore(ws, [agency_id])
    return _finding(ws, agency_id, criterion_id)


ZERO_RULE = "Mục V.3.1.b: số liệu khai báo không đúng với thực tế (0 điểm)"
ZERO_RULE_NOT_DECLARED = ("Mục V.3.1.b: không khai báo đủ thông tin, số liệu theo quy định "
                          "(0 điểm)")


def zero_rule_case(finding: Finding) -> str | None:
    """Which case of V.3.1.b a stored finding may take, if any: a declared figure found
    different from what was observed, or a figure the agency's report does not hold. A finding
    not assessed for another reason (a portal down, posts undated) never takes it."""
    if "declared_vs_observed" in finding.flags:
        return ZERO_RULE
    if finding.status == "not_assessed" and NOT_IN_REPORT in (finding.reason or ""):
        return ZERO_RULE_NOT_DECLARED
    return None


def apply_zero_rule(ws: Workspace, agency_id: str, criterion_id: str, reviewer: str,
                    note: str | None = None) -> Finding:
    """A reviewer confirms one of the cases of Section V.3.1.b, and the criterion gets 0
    points: the agency's declared figure is not what the inspection saw (a finding flagged
    declared-vs-observed), or the agency's report lacks a figure the criterion needs. The
    reason shown is the seed's words and the difference found, or the figure missing."""
    check_text(note, "ghi chú")
    finding = _finding(ws, agency_id, criterion_id)
    case = zero_rule_case(finding)
    if case is None:
        raise UserError(f"{agency_id} {criterion_id}: không có số liệu khai báo nào khác thực "
                        "tế quá mức cho phép, và báo cáo của cơ quan không thiếu số liệu nào; "
                        "hãy đặt điểm bằng điều chỉnh")
    if case == ZERO_RULE:
        found = "; ".join(f"{d['label']}: {d['message']}"
                          for d in finding.metrics.get("declared", []) if d.get("message"))
    else:
        found = finding.reason
    note = (note or "").strip()
    reason = f"{case} — {found}" + (f". {note}" if note else "")
    return set_override(ws, agency_id, criterion_id, 0, reason, reviewer,
                        action="override.zero_rule")


def clear_override(ws: Workspace, agency_id: str, criterion_id: str, reason: str,
                   reviewer: str) -> Finding:
    """Back to the automatic value; logged like the override itself."""
    check_text(reason, "lý do")
    finding = _finding(ws, agency_id, criterion_id)
    before = _override(ws, agency_id, criterion_id)
    if before is None:
        raise UserError(f"{agency_id} {criterion_id}: không có điều chỉnh nào để bỏ")
    if not reason or not reason.strip():
        raise UserError("cần ghi lý do bỏ điều chỉnh")
    with ws.transaction():
        review_state.drop_override(ws, agency_id, criterion_id)
        ws.audit(reviewer.strip(), "override.clear", f"{agency_id}/{criterion_id}",
                 old={"points": before.points, "status": finding.status},
                 new={"points": finding.auto_points, "status": "auto"}, reason=reason.strip())
    rescore(ws, [agency_id])
    return _finding(ws, agency_id, criterion_id)


def confirm_finding(ws: Workspace, agency_id: str, criterion_id: str, reviewer: str,
                    note: str | None = None) -> Finding:
    """The reviewer has looked at the evidence and agrees with the automatic value. The
    confirmation holds for that value: if a later crawl moves it, the finding asks for a second
    look. A finding that could not be assessed has no value to confirm (set points instead)."""
    check_text(note, "ghi chú")
    finding = _finding(ws, agency_id, criterion_id)
    if not reviewer or not reviewer.strip():
        raise UserError("cần tên người thẩm định để xác nhận")
    if finding.status == "not_assessed":
        raise UserError(f"{agency_id} {criterion_id}: chưa đánh giá được nên không có điểm tự "
                        "động để xác nhận; hãy đặt điểm bằng điều chỉnh")
    if _override(ws, agency_id, criterion_id) is not None:
        raise UserError(f"{agency_id} {criterion_id}: đang có điều chỉnh; hãy bỏ điều chỉnh "
                        "trước để trở lại điểm tự động")
    note = (note or "").strip() or None
    with ws.transaction():
        review_state.put_confirmation(ws, agency_id, criterion_id, reviewer.strip(),
                                      finding.auto_points, note)
        ws.audit(reviewer.strip(), "finding.reviewer_confirmed", f"{agency_id}/{criterion_id}",
                 new={"points": finding.points, "auto_points": finding.auto_points},
                 reason=note)
    return finding


def confirm_category(ws: Workspace, agency_id: str, category_id: str, reviewer: str,
                     note: str | None = None) -> list[str]:
    """Confirm at once every automatic finding of a category that waits for a reviewer (each
    confirmation audit-logged on its own, as if confirmed one by one). Findings not assessed,
    overridden, flagged declared-vs-observed, or already confirmed at their value are left for
    the reviewer. Returns the criteria confirmed."""
    from ..records.review_state import PENDING, SECOND_LOOK, finding_reviews

    if not reviewer or not reviewer.strip():
        raise UserError("cần tên người thẩm định để xác nhận")
    rows = findings(ws, agency_id, category_id)
    if not rows:
        registry.agencies(ws, [agency_id])
        raise UserError(f"{agency_id}: không có kết quả nào trong hạng mục {category_id!r}")
    reviews = finding_reviews(ws, agency_id)
    done = []
    for row in rows:
        if row.status != "auto" or "declared_vs_observed" in row.flags or \
                reviews[row.criterion_id]["status"] not in (PENDING, SECOND_LOOK):
            continue
        confirm_finding(ws, agency_id, row.criterion_id, reviewer, note)
        done.append(row.criterion_id)
    return done


def respond(ws: Workspace, agency_id: str, criterion_id: str, state: str, comment: str | None,
            username: str) -> None:
    """An agency's answer to one of its findings (Section VII): confirmed, or disputed with a
    comment. The latest answer stands; every answer is in the audit log."""
    check_text(comment, "ý kiến")
    if state not in (CONFIRMED, DISPUTED):
        raise UserError(f"ý kiến phải là {CONFIRMED} hoặc {DISPUTED}, không phải {state!r}")
    if state == DISPUTED and not (comment or "").strip():
        raise UserError("không đồng ý thì cần ghi rõ điểm nào chưa đúng")
    finding = _finding(ws, agency_id, criterion_id)
    before = review_state.answers(ws, agency_id).get(criterion_id)
    with ws.transaction():
        review_state.put_answer(ws, agency_id, criterion_id, state,
                                (comment or "").strip() or None, username)
        ws.audit(username, f"finding.{state}", f"{agency_id}/{criterion_id}",
                 old={"answer": before.state} if before else None,
                 new={"answer": state, "points": finding.points},
                 reason=(comment or "").strip() or None)


def respond_all(ws: Workspace, agency_id: str, username: str) -> list[str]:
    """The agency confirms at once every finding it has not answered yet (Section VII), each
    answer audit-logged on its own; answers already given, disputes included, are left as
    they are. Returns the criteria confirmed."""
    rows = findings(ws, agency_id)
    if not rows:
        registry.agencies(ws, [agency_id])
        raise UserError(f"{agency_id}: chưa có kết quả nào để trả lời")
    answered = review_state.answers(ws, agency_id)
    done = []
    for row in rows:
        if row.criterion_id in answered:
            continue
        respond(ws, agency_id, row.criterion_id, CONFIRMED, None, username)
        done.append(row.criterion_id)
    return done
