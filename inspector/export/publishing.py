"""Publish a year (inspector publish): check that nothing still waits, freeze the results and
rankings, and write the evaluation report (PDF, DOCX), the ranking workbook and the results."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path
from typing import Any

from ..model.errors import UserError
from ..model.labels import vn_date
from ..records import observations, registry
from ..records.review_state import PENDING, SECOND_LOOK
from ..records.workspace import Workspace, utcnow
from .evaluation import evaluation_report, province_title
from .publication import Blocker, Publication, publication_list, store, year_before
from .rankings import rankings
from .results import results_document
from .writers import to_json

FORMS = {"province": "1A", "district": "2A", "commune": "3A"}


class PublishRefused(UserError):
    """What still stands between the stored scores and a publishable year."""

    def __init__(self, year: int, blockers: list[Blocker]):
        self.blockers = blockers
        lines = [f"năm {year} chưa công bố được: còn {len(blockers)} nội dung chưa xong "
                 "(công bố khi chưa xong: --force \"lý do\")"]
        lines += [f"  - {b.message}" for b in blockers]
        super().__init__("\n".join(lines))


def blockers(ws: Workspace, document: dict[str, Any]) -> list[Blocker]:
    """Everything that keeps the year from being published, agency by agency: findings a
    reviewer has not decided, criteria not assessed (0 only through the zero rule), the
    yearly report not received, findings the agency has not confirmed or disputed."""
    reported = observations.agencies_with(ws, "survey/")
    found = []
    for agency in document["agencies"]:
        aid, name = agency["id"], agency["name"]
        waiting = sum(1 for c in agency["criteria"] if c["status"] != "not_assessed"
                      and c["review"]["status"] in (PENDING, SECOND_LOOK))
        if waiting:
            found.append(Blocker("review", aid, name, waiting,
                                 f"{waiting} kết quả chờ người đánh giá duyệt"))
        unknown = [c["id"] for c in agency["criteria"] if c["status"] == "not_assessed"]
        if unknown:
            found.append(Blocker(
                "not_assessed", aid, name, len(unknown),
                f"{len(unknown)} tiêu chí chưa đánh giá được ("
                + ", ".join(unknown[:6]) + (" …" if len(unknown) > 6 else "")
                + "); người đánh giá cho điểm, hoặc 0 điểm theo Mục V.3.1.b"))
        if aid not in reported:
            form = FORMS.get(agency["level"], "")
            found.append(Blocker("report", aid, name, 1,
                                 f"chưa nộp báo cáo theo Phụ lục {form}"))
        unanswered = agency["review"]["agency_unanswered"]
        if unanswered:
            found.append(Blocker("answers", aid, name, unanswered,
                                 f"chưa xác nhận {unanswered} kết quả (Mục VII)"))
    return found


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _province_name(ws: Workspace) -> str:
    row = registry.province(ws)
    return row["name"] if row else ""


def publish(ws: Workspace, year: int, actor: str, *, force_reason: str | None = None,
            out_dir: Path | None = None, pdf: bool = True) -> Publication:
    """Freeze ``year`` and write its files into ``out_dir`` (default WORKSPACE/cong-bo/YEAR).
    Refuses while anything waits unless ``force_reason`` says why; a year is published once.
    Nothing is stored unless every file was written."""
    if not actor or not actor.strip():
        raise UserError("cần tên người công bố (--by)")
    if force_reason is not None and not force_reason.strip():
        raise UserError("--force cần ghi lý do")
    already = next(iter(publication_list(ws, year)), None)
    if already is not None:
        raise UserError(f"năm {year} đã công bố ngày {vn_date(already.published_at)} bởi "
                        f"{already.published_by}; năm đã công bố không thay đổi")
    document = results_document(ws)
    if not document["as_of"].startswith(str(year)):
        raise UserError(f"kết quả đã lưu được chấm cho ngày {document['as_of']}, không thuộc "
                        f"năm {year}: hãy chạy 'inspector score --as-of {year}-MM-DD' trước")
    waiting = blockers(ws, document)
    if waiting and force_reason is None:
        raise PublishRefused(year, waiting)
    publication = Publication(
        year=year, as_of=document["as_of"], published_at=utcnow(), published_by=actor.strip(),
        province=_province_name(ws), document=document, rankings=rankings(document),
        forced_reason=force_reason.strip() if waiting and force_reason else None,
        blockers=waiting)
    target = (out_dir or ws.root / "cong-bo" / str(year)).resolve()
    if target.exists() and not target.is_dir():
        raise UserError(f"{target}: not a folder")
    if target.exists() and any(target.iterdir()):
        raise UserError(f"{target}: already holds files; publish into an empty folder")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".cong-bo-{year}-", dir=target.parent))
    try:
        names = write_year(publication, year_before(ws, year), staging, pdf=pdf)
        if target.exists():
            target.rmdir()
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    publication.files = [{"path": _relative(ws, target / name), "sha256": _sha256(target / name),
                          "bytes": (target / name).stat().st_size} for name in names]
    try:
        with ws.transaction():
            store(ws, publication)
            ws.audit(publication.published_by, "publish", f"year/{year}",
                     new={"as_of": publication.as_of, "files": [f["path"]
                                                                for f in publication.files],
                          "blockers": len(waiting)},
                     reason=publication.forced_reason)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    return publication


def _relative(ws: Workspace, path: Path) -> str:
    try:
        return str(path.relative_to(ws.root))
    except ValueError:
        return str(path)


def write_year(publication: Publication, before: Publication | None, folder: Path, *,
               pdf: bool = True) -> list[str]:
    """The published files of a year, written into ``folder``; returns their names."""
    import base64

    from jinja2 import Environment, PackageLoader, select_autoescape

    from .evaluation_docx import write_docx
    from .ranking_workbook import write_ranking_workbook
    from .report import print_pdfs

    year = publication.year
    report = evaluation_report(publication, before)
    stem = f"bao-cao-danh-gia-{year}"
    env = Environment(loader=PackageLoader("inspector.export", "templates"),
                      autoescape=select_autoescape(["html"]))
    images = {c.caption: "data:image/png;base64," + base64.b64encode(c.png).decode("ascii")
              for c in report.charts()}
    html = folder / f"{stem}.html"
    html.write_text(env.get_template("evaluation.html").render(
        report=report, province=province_title(publication.province), images=images), encoding="utf-8")
    names = [html.name]
    if pdf:
        print_pdfs([(html, folder / f"{stem}.pdf")])
        names.append(f"{stem}.pdf")
    write_docx(report, folder / f"{stem}.docx", province_title(publication.province))
    names.append(f"{stem}.docx")
    write_ranking_workbook(publication, folder / f"xep-hang-{year}.xlsx")
    names.append(f"xep-hang-{year}.xlsx")
    (folder / f"ket-qua-{year}.json").write_text(to_json(publication.document), encoding="utf-8")
    names.append(f"ket-qua-{year}.json")
    return names
