"""The evaluation report of a published year (Section VII, "hoàn thiện báo cáo đánh giá"), as
one document model that the PDF and the DOCX both print: summary, charts, one ranking table per
group, one table per agency, the online services recognised or not, the readings in an annex."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..model.labels import vn_date, vn_points
from ..model.checklist import load_all
from .charts import points_lost_chart, rating_chart, year_chart
from .publication import Publication
from .rankings import GROUPS, Ranking

GROUP_SHORT = {"province": "sở, ngành", "district": "huyện", "commune": "xã"}
SERVICE_VERDICTS = {True: "Được công nhận", False: "Không công nhận (thu hồi)",
                    None: "Chưa kết luận"}


@dataclass
class Table:
    caption: str
    header: list[str]
    rows: list[list[str]]          # cells as printed; "\n" breaks a line inside a cell
    widths: list[float] | None = None   # relative column widths


@dataclass
class Chart:
    caption: str
    png: bytes


@dataclass
class Section:
    title: str
    level: int = 1                  # 1: a chapter; 2: a part of one
    blocks: list[Any] = field(default_factory=list)


@dataclass
class EvaluationReport:
    title: str
    heading: list[str]              # who reports, to whom, when
    sections: list[Section]

    def tables(self) -> list[Table]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Table)]

    def charts(self) -> list[Chart]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Chart)]


@dataclass
class YearChange:
    """An agency's overall result this year beside the year before."""
    agency_id: str
    name: str
    group: str
    points_now: float | None
    points_before: float | None
    rank_now: int | None
    rank_before: int | None
    rating_now: str | None
    rating_before: str | None

    @property
    def difference(self) -> float | None:
        if self.points_now is None or self.points_before is None:
            return None
        return round(self.points_now - self.points_before, 4)


def province_title(name: str) -> str:
    """ "An Giang" or "Tỉnh An Giang" → "tỉnh An Giang" (a register may write either)."""
    bare = name.strip()
    if bare.lower().startswith("tỉnh "):
        bare = bare[len("tỉnh "):]
    return f"tỉnh {bare}" if bare else "tỉnh"


def _places(ranking: Ranking | None) -> dict[str, Any]:
    if ranking is None:
        return {}
    return {p.agency_id: p for p in ranking.places + ranking.not_ranked}


def compare_years(now: Publication, before: Publication) -> list[YearChange]:
    """Every agency published this year, with its overall result the year before (None where
    it was not there)."""
    changes = []
    for group, _ in GROUPS:
        this, that = _places(now.ranking(group)), _places(before.ranking(group))
        for agency_id in sorted(this):
            place, old = this[agency_id], that.get(agency_id)
            changes.append(YearChange(
                agency_id, place.name, group, place.points, old.points if old else None,
                place.rank, old.rank if old else None, place.rating,
                old.rating if old else None))
    return changes


def _rank(place) -> str:
    if place is None or place.rank is None:
        return "—"
    return f"{place.rank}" + (" (đồng hạng)" if place.tied else "")


def _overall_rating(group: str, place) -> str:
    if place.rank is None:
        return place.why_not or "—"
    return place.rating or "—"


def _ranking_table(publication: Publication, group: str, title: str,
                   before: Publication | None) -> Table | None:
    overall = publication.ranking(group)
    if overall is None:
        return None
    categories = sorted((r for r in publication.rankings
                         if r.group == group and r.category_id != "overall"),
                        key=lambda r: r.category_id)
    per_category = {r.category_id: _places(r) for r in categories}
    old = _places(before.ranking(group)) if before else {}
    header = ["Hạng", "Cơ quan"] + [f"{r.category_id}\n(tối đa {vn_points(r.max_points)})"
                                    for r in categories]
    header += [f"Tổng điểm\n(tối đa {vn_points(overall.max_points)})",
               "Mức" if group != "province" else "Ghi chú"]
    if before:
        header.append(f"Năm {before.year}\n(hạng, tổng điểm)")
    rows = []
    for place in overall.places + overall.not_ranked:
        row = [_rank(place), place.name]
        for ranking in categories:
            cell = per_category[ranking.category_id].get(place.agency_id)
            if cell is None or cell.points is None or cell.rank is None:
                row.append("chưa đủ\ndữ liệu")
            else:
                rating = (cell.rating or "").replace(" (không xếp hạng)", "")
                row.append(f"{vn_points(cell.points)}\n{rating}".strip())
        row.append(vn_points(place.points))
        row.append(_overall_rating(group, place) if group != "province"
                   else (place.why_not or ("đồng hạng" if place.tied else "")))
        if before:
            previous = old.get(place.agency_id)
            row.append(f"{_rank(previous)}, {vn_points(previous.points)}" if previous
                       else "chưa đánh giá")
        rows.append(row)
    widths = [1.1, 4] + [1.6] * len(categories) + [1.8, 2] + ([2] if before else [])
    return Table(f"Bảng xếp hạng {title.lower()} năm {publication.year}", header, rows, widths)


def _summary(publication: Publication, before: Publication | None) -> Section:
    section = Section("I. Tổng quan")
    document = publication.document
    counts = {g: sum(1 for a in document["agencies"] if a["level"] == g) for g, _ in GROUPS}
    section.blocks.append(
        f"Đánh giá mức độ ứng dụng công nghệ thông tin năm {publication.year} của "
        f"{province_title(publication.province)}, số liệu tính đến ngày {vn_date(publication.as_of)}: "
        f"{counts['province']} sở, ngành; {counts['district']} huyện, thị xã, thành phố; "
        f"{counts['commune']} xã, phường, thị trấn. Các cơ quan gửi báo cáo theo Phụ lục 1A, "
        "2A, 3A; cổng thông tin điện tử và dịch vụ công trực tuyến được kiểm tra tự động, kết "
        "quả được người đánh giá duyệt và gửi từng cơ quan xác nhận (Mục VII).")
    for group, title in GROUPS:
        overall = publication.ranking(group)
        if overall is None:
            continue
        tally: dict[str, int] = {}
        for place in overall.places:
            if group != "province":
                tally[place.rating] = tally.get(place.rating, 0) + 1
        for place in overall.not_ranked:
            tally[place.why_not or "—"] = tally.get(place.why_not or "—", 0) + 1
        spread = "; ".join(f"{k}: {v}" for k, v in tally.items())
        best = overall.places[0] if overall.places else None
        section.blocks.append(
            f"{title}: {len(overall.places)} cơ quan được xếp hạng"
            + (f", đứng đầu là {best.name} ({vn_points(best.points)} điểm)" if best else "")
            + (f"; {spread}" if spread else "") + ".")
    if before:
        changes = [c for c in compare_years(publication, before) if c.difference is not None]
        up = sum(1 for c in changes if c.difference > 0)
        down = sum(1 for c in changes if c.difference < 0)
        section.blocks.append(
            f"So với năm {before.year}: {up} cơ quan tăng điểm, {down} cơ quan giảm điểm, "
            f"{len(changes) - up - down} cơ quan không đổi.")
    if publication.forced_reason:
        section.blocks.append(
            f"Kết quả được công bố khi còn chưa hoàn tất, lý do: {publication.forced_reason}. "
            "Các nội dung còn thiếu khi công bố:")
        section.blocks.append(Table(
            "Nội dung còn thiếu khi công bố", ["Cơ quan", "Còn thiếu"],
            [[b.name, b.detail] for b in publication.blockers], [3, 6]))
    section.blocks.append(
        f"Công bố ngày {vn_date(publication.published_at)} bởi {publication.published_by}.")
    return section


def _rankings(publication: Publication, before: Publication | None) -> Section:
    section = Section("II. Kết quả xếp hạng theo nhóm (Mục VI)")
    section.blocks.append(
        "Mỗi nhóm xếp từ cao xuống thấp theo từng hạng mục và tổng hợp; đơn vị bằng điểm đồng "
        "hạng; huyện, xã đạt dưới Mức IV không xếp hạng; cơ quan chưa đủ dữ liệu ở một hạng "
        "mục được liệt kê riêng, không tính 0 điểm.")
    sections = [section]
    for group, title in GROUPS:
        table = _ranking_table(publication, group, title, before)
        if table is None:
            continue
        part = Section(f"{title}", level=2)
        part.blocks.append(Chart(f"Xếp loại của {title.lower()} theo hạng mục",
                                 rating_chart(publication.rankings, group)))
        part.blocks.append(Chart(f"Tỷ lệ điểm bị mất theo hạng mục, {title.lower()}",
                                 points_lost_chart(publication.document, group)))
        if before and before.ranking(group):
            part.blocks.append(Chart(
                f"Tỷ lệ điểm đạt được năm {publication.year} so với năm {before.year}, "
                f"{title.lower()}", year_chart(publication.document, before.document, group,
                                               publication.year, before.year)))
        part.blocks.append(table)
        sections.append(part)
    return sections


def _agencies(publication: Publication, before: Publication | None) -> list[Section]:
    sections = [Section("III. Kết quả của từng cơ quan")]
    rankings = {(r.group, r.category_id): _places(r) for r in publication.rankings}
    old = {a["id"]: a for a in before.document["agencies"]} if before else {}
    for agency in publication.document["agencies"]:
        part = Section(agency["name"], level=2)
        header = ["Hạng mục", "Điểm", "Tối đa", "Xếp loại", "Hạng trong nhóm"]
        if before:
            header.append(f"Điểm năm {before.year}")
        previous = {c["id"]: c for c in old.get(agency["id"], {}).get("categories", [])}
        rows = []
        for category in agency["categories"]:
            place = rankings.get((agency["level"], category["id"]), {}).get(agency["id"])
            row = [f"{category['id']} {category['title']}",
                   vn_points(category["points"]) if category["complete"] else "chưa đủ dữ liệu",
                   vn_points(category["max_points"]), category["rating"] or "—", _rank(place)]
            if before:
                was = previous.get(category["id"])
                row.append(vn_points(was["points"]) if was and was["complete"] else "—")
            rows.append(row)
        total = (agency.get("overall") or {}).get("total") or {}
        place = rankings.get((agency["level"], "overall"), {}).get(agency["id"])
        row = ["Tổng hợp", vn_points(total.get("points")), vn_points(total.get("max_points")),
               (agency.get("overall") or {}).get("level") or "—", _rank(place)]
        if before:
            was = ((old.get(agency["id"]) or {}).get("overall") or {}).get("total") or {}
            row.append(vn_points(was.get("points")))
        rows.append(row)
        part.blocks.append(Table(f"Kết quả của {agency['name']}", header, rows,
                                 [5, 1.5, 1.5, 2, 1.6] + ([1.6] if before else [])))
        zero = [c for c in agency["criteria"] if (c.get("override") or {}).get("reason", "")
                .startswith("Mục V.3.1.b")]
        for criterion in zero:
            part.blocks.append(f"Tiêu chí {criterion['id']} tính 0 điểm: "
                               f"{criterion['override']['reason']} (người duyệt "
                               f"{criterion['override']['reviewer']}).")
        unknown = [c["id"] for c in agency["criteria"] if c["status"] == "not_assessed"]
        if unknown:
            part.blocks.append(f"Chưa đánh giá được {len(unknown)} tiêu chí (không tính điểm, "
                               f"không tính 0): {', '.join(unknown[:12])}"
                               + (" …" if len(unknown) > 12 else "") + ".")
        sections.append(part)
    return sections


def _service_reason(service: dict[str, Any]) -> str:
    """Why a service stands as it does, in the words the check left: its reason, a catalogue
    name that did not match, or the step where the last failed journey stopped."""
    if service.get("reason"):
        return service["reason"]
    match = service.get("match") or {}
    if match and match.get("matched") is False:
        return (f"không khớp danh mục TTHC (điểm khớp {vn_points(match.get('score'))}, ngưỡng "
                f"{vn_points(match.get('threshold'))})")
    failed = [a for a in service.get("attempts", []) if a.get("ok") is False]
    if failed:
        last = failed[-1]
        return "; ".join(str(x) for x in (last.get("failed_step"), last.get("reason")) if x)
    return ""


def _services(publication: Publication) -> Section:
    section = Section("IV. Dịch vụ công trực tuyến được công nhận, không công nhận")
    rows, tally = [], {True: 0, False: 0, None: 0}
    for agency in publication.document["agencies"]:
        for service in agency["services"]:
            verdict = service.get("recognised")
            verdict = verdict if verdict in (True, False) else None
            tally[verdict] += 1
            rows.append([agency["name"], service["name"],
                         f"Mức {service['declared_level']}" if service["declared_level"] else "—",
                         SERVICE_VERDICTS[verdict], _service_reason(service)])
    section.blocks.append(
        f"Các cơ quan khai báo {len(rows)} dịch vụ công trực tuyến; mỗi dịch vụ được kiểm tra "
        "bằng cách đăng ký, nộp và tra cứu hồ sơ như người dân. Được công nhận: "
        f"{tally[True]}; không công nhận (thu hồi): {tally[False]}; chưa kết luận: "
        f"{tally[None]}.")
    if rows:
        section.blocks.append(Table("Danh sách dịch vụ công trực tuyến",
                                    ["Cơ quan", "Dịch vụ", "Mức khai báo", "Kết quả", "Lý do"],
                                    rows, [3, 4, 1.4, 2, 3.5]))
    return section


def _readings() -> Section:
    section = Section("Phụ lục. Cách hiểu phương pháp đánh giá")
    section.blocks.append(
        "Nơi lời văn của phương pháp có thể hiểu nhiều cách hoặc tự mâu thuẫn, công cụ đánh giá "
        "áp dụng cách hiểu ghi dưới đây (ghi chú của nhóm phát triển, bằng tiếng Anh), bên "
        "cạnh lời văn của phương pháp.")
    rows = []
    for checklist in load_all():
        if checklist.reading:
            rows.append([checklist.id, checklist.title, checklist.reading])
        for group in checklist.groups:
            if group.reading:
                rows.append([group.id, group.title, group.reading])
        for criterion in checklist.criteria:
            if criterion.reading:
                rows.append([criterion.id, f"{criterion.title}\n«{criterion.seed}»",
                             criterion.reading])
    section.blocks.append(Table("Cách hiểu phương pháp", ["Mục", "Lời văn của phương pháp",
                                                          "Cách hiểu áp dụng"], rows,
                                [1.4, 4.5, 5]))
    return section


def evaluation_report(publication: Publication, before: Publication | None) -> EvaluationReport:
    return EvaluationReport(
        title=(f"BÁO CÁO KẾT QUẢ ĐÁNH GIÁ MỨC ĐỘ ỨNG DỤNG CÔNG NGHỆ THÔNG TIN TRONG CƠ QUAN "
               f"NHÀ NƯỚC {province_title(publication.province).upper()} NĂM "
               f"{publication.year}"),
        heading=["Sở Thông tin và Truyền thông", "Kính gửi: Ủy ban nhân dân "
                 f"{province_title(publication.province)}",
                 f"Ngày {vn_date(publication.published_at)}"],
        sections=[_summary(publication, before), *_rankings(publication, before),
                  *_agencies(publication, before), _services(publication), _readings()])
