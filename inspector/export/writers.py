"""Write the results document as JSON, CSV or XLSX (openpyxl)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from .cells import csv_cell, neutralise_sheet
from .results import FLAT_COLUMNS, flat_rows

# Vietnamese headings for the workbook people open; the first row keeps the machine names.
XLSX_HEADINGS = {
    "as_of": "Ngày đánh giá", "agency_id": "Mã cơ quan", "agency_name": "Cơ quan",
    "level": "Cấp", "category_id": "Hạng mục", "criterion_id": "Tiêu chí",
    "title": "Nội dung", "points": "Điểm", "max_points": "Điểm tối đa", "status": "Trạng thái",
    "reason": "Lý do", "auto_points": "Điểm tự động", "reviewer_status": "Tình trạng duyệt",
    "reviewed_by": "Người duyệt", "review_reason": "Ghi chú của người duyệt",
    "agency_answer": "Ý kiến cơ quan", "agency_comment": "Nội dung ý kiến",
    "audit_entries": "Số lần thay đổi (nhật ký)", "posts_counted": "Số tin bài", "evidence_files":
    "Số tệp minh chứng", "category_points": "Điểm hạng mục", "category_max":
    "Điểm tối đa hạng mục", "category_rating": "Xếp loại",
}


def to_json(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def to_csv(document: dict[str, Any]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=FLAT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: csv_cell(v) for k, v in row.items()} for row in flat_rows(document))
    return buffer.getvalue()


def write_xlsx(document: dict[str, Any], path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "findings"
    sheet.append(FLAT_COLUMNS)
    sheet.append([XLSX_HEADINGS[c] for c in FLAT_COLUMNS])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in flat_rows(document):
        sheet.append([row[c] for c in FLAT_COLUMNS])
    sheet.freeze_panes = "A3"
    cats = book.create_sheet("categories")
    cats.append(["as_of", "agency_id", "agency_name", "category_id", "title", "points",
                 "max_points", "rating", "complete", "missing"])
    for agency in document["agencies"]:
        for cat in agency["categories"]:
            cats.append([document["as_of"], agency["id"], agency["name"], cat["id"],
                         cat["title"], cat["points"], cat["max_points"], cat["rating"],
                         cat["complete"], ", ".join(cat.get("missing", []))])
    services = book.create_sheet("services")
    services.append(["agency_id", "name", "url", "declared_level", "catalog_code", "recognised",
                     "online_dossiers", "total_dossiers", "attempts"])
    for agency in document["agencies"]:
        for svc in agency["services"]:
            code = svc["catalog_code"]
            services.append([agency["id"], svc["name"], svc["url"], svc["declared_level"],
                             ", ".join(code) if isinstance(code, list) else code,
                             svc["recognised"], svc["online_dossiers"], svc["total_dossiers"],
                             len(svc["attempts"])])
    for each in book.worksheets:
        neutralise_sheet(each)
    book.save(path)
