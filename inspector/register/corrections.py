"""The reviewers' word on which section is a topic's, kept beside the register: "the section at
URL is not topic X's" or "topic X's section is at URL". Stored like a register `sections:`
entry (it stands through later crawls until withdrawn), read by the crawl and by the review's
re-derivation of the topic's observation (the only module that reads or writes
section_corrections)."""

from __future__ import annotations

from ..records import registry
from ..model.errors import UserError
from ..model.sections import IS, IS_NOT, Correction
from ..records.workspace import Workspace, utcnow

VERDICTS = (IS, IS_NOT)


def corrections(ws: Workspace, agency_id: str) -> list[Correction]:
    """An agency's corrections, oldest first."""
    return [Correction(r["topic"], r["url"], r["verdict"], r["reviewer"], r["at"],
                       r["reason"] or "")
            for r in ws.db["section_corrections"].rows_where(
                "agency_id = ?", [agency_id], order_by="at, topic, url")]


def all_corrections(ws: Workspace) -> dict[str, list[Correction]]:
    result: dict[str, list[Correction]] = {}
    for row in ws.db["section_corrections"].rows_where(order_by="agency_id, at, topic, url"):
        result.setdefault(row["agency_id"], []).append(
            Correction(row["topic"], row["url"], row["verdict"], row["reviewer"], row["at"],
                       row["reason"] or ""))
    return result


def add(ws: Workspace, agency_id: str, topic: str, url: str, verdict: str, reviewer: str,
        reason: str) -> Correction:
    """Record a correction (audit-logged in the same transaction). A topic named at a URL
    replaces what the crawl found for it, as the register's `sections:` does."""
    if verdict not in VERDICTS:
        raise UserError(f"hiệu chỉnh phải là {IS!r} hoặc {IS_NOT!r}, không phải {verdict!r}")
    if not (reviewer or "").strip():
        raise UserError("cần tên người thẩm định để hiệu chỉnh")
    if not (reason or "").strip():
        raise UserError("cần ghi lý do hiệu chỉnh")
    url = (url or "").strip()
    if not url.lower().startswith(("http://", "https://")):
        raise UserError(f"{url!r} không phải địa chỉ của một trang (http:// hoặc https://)")
    registry.agencies(ws, [agency_id])                       # an unknown agency is named as such
    at = utcnow()
    before = next(ws.db["section_corrections"].rows_where(
        "agency_id = ? and topic = ? and url = ?", [agency_id, topic, url]), None)
    with ws.transaction():
        ws.db["section_corrections"].upsert({
            "agency_id": agency_id, "topic": topic, "url": url, "verdict": verdict,
            "reviewer": reviewer.strip(), "at": at, "reason": reason.strip()},
            pk=("agency_id", "topic", "url"))
        ws.audit(reviewer.strip(), f"section.{verdict}", f"{agency_id}/{topic}",
                 old={"url": url, "verdict": before["verdict"]} if before else None,
                 new={"url": url, "verdict": verdict}, reason=reason.strip())
    return Correction(topic, url, verdict, reviewer.strip(), at, reason.strip())


def withdraw(ws: Workspace, agency_id: str, topic: str, url: str, reviewer: str,
             reason: str) -> None:
    """Take a correction back (audit-logged): the crawl's own finding stands again."""
    before = next(ws.db["section_corrections"].rows_where(
        "agency_id = ? and topic = ? and url = ?", [agency_id, topic, url]), None)
    if before is None:
        raise UserError(f"{agency_id}: không có hiệu chỉnh nào của chủ đề {topic!r} tại {url}")
    if not (reason or "").strip():
        raise UserError("cần ghi lý do rút hiệu chỉnh")
    with ws.transaction():
        ws.db.execute("delete from section_corrections where agency_id = ? and topic = ? "
                      "and url = ?", [agency_id, topic, url])
        ws.audit((reviewer or "").strip(), "section.withdrawn", f"{agency_id}/{topic}",
                 old={"url": url, "verdict": before["verdict"]}, reason=reason.strip())
