"""The ranking workbook of a published year (openpyxl): one sheet per group, in the shape a
province publishes its ranking: place, agency, each category's points and rating, the total
and the Mức, ties and agencies not ranked said in words."""

from __future__ import annotations

from pathlib import Path

from .cells import neutralise_sheet
from .evaluation import province_title
from .publication import Publication
from .rankings import GROUPS

SHEET_NAMES = {"province": "Sở, ngành", "district": "Huyện, thị xã, TP",
               "commune": "Xã, phường, thị trấn"}
POINTS_FORMAT = "#,##0.00"


def write_ranking_workbook(publication: Publication, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    thin = Side(style="thin", color="999999")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    for group, title in GROUPS:
        overall = publication.ranking(group)
        if overall is None:
            continue
        categories = sorted((r for r in publication.rankings
                             if r.group == group and r.category_id != "overall"),
                            key=lambda r: r.category_id)
        places = {r.category_id: {p.agency_id: p for p in r.places + r.not_ranked}
                  for r in categories}
        sheet = book.create_sheet(SHEET_NAMES[group])
        width = 2 + 2 * len(categories) + 3
        sheet.append([f"KẾT QUẢ XẾP HẠNG {title.upper()} NĂM {publication.year}"])
        where = province_title(publication.province)
        sheet.append([f"{where[:1].upper()}{where[1:]}; số liệu tính đến ngày "
                      f"{publication.as_of[8:10]}/{publication.as_of[5:7]}/{publication.as_of[:4]}"])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
        sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
        sheet["A1"].font = Font(bold=True, size=13)
        sheet["A1"].alignment = sheet["A2"].alignment = Alignment(horizontal="center")
        first = ["Hạng", "Cơ quan"]
        second = ["", ""]
        for ranking in categories:
            first += [f"{ranking.category_id} {ranking.title} (tối đa {ranking.max_points:g})", ""]
            second += ["Điểm", "Xếp loại"]
        first += [f"Tổng điểm (tối đa {overall.max_points:g})" if overall.max_points
                  else "Tổng điểm", "Mức" if group != "province" else "", "Ghi chú"]
        second += ["", "", ""]
        sheet.append(first)
        sheet.append(second)
        for index in range(len(categories)):
            column = 3 + 2 * index
            sheet.merge_cells(start_row=3, start_column=column, end_row=3, end_column=column + 1)
        for column in (1, 2, width - 2, width - 1, width):
            sheet.merge_cells(start_row=3, start_column=column, end_row=4, end_column=column)
        for row in sheet.iter_rows(min_row=3, max_row=4):
            for cell in row:
                cell.font = Font(bold=True)
                cell.fill = PatternFill("solid", fgColor="E9EEF4")
                cell.alignment = Alignment(horizontal="center", vertical="center",
                                           wrap_text=True)
                cell.border = box
        for place in overall.places + overall.not_ranked:
            row = [place.rank, place.name]
            for ranking in categories:
                cell = places[ranking.category_id].get(place.agency_id)
                if cell is None or cell.rank is None:    # incomplete: no partial points
                    row += [None, "Chưa đủ dữ liệu"]
                else:
                    row += [cell.points, cell.rating]
            note = place.why_not or ("Đồng hạng" if place.tied else None)
            row += [place.points, place.rating if group != "province" and place.rank else None,
                    note]
            sheet.append(row)
        for row in sheet.iter_rows(min_row=5, max_row=sheet.max_row):
            for cell in row:
                cell.border = box
                if isinstance(cell.value, float):
                    cell.number_format = POINTS_FORMAT
        sheet.column_dimensions["A"].width = 7
        sheet.column_dimensions["B"].width = 38
        for column in range(3, width + 1):
            sheet.column_dimensions[get_column_letter(column)].width = 12
        sheet.column_dimensions[get_column_letter(width)].width = 30
        sheet.freeze_panes = "C5"
        neutralise_sheet(sheet)         # agency names come from a register anyone may write
    book.save(path)
