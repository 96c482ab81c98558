"""The report workbook's layout: write a blank form an agency fills in, and read a filled one.

One workbook holds one agency's report, or a district's with its communes' (Section VII:
communes report through their district). Its first sheet, "Thông tin", lists the reports it
holds, each with a sheet prefix; every report has one sheet per Mục of its form (answers in
column C, the item's id in column A) and one per table (column ids in row 2, rows from row 4).
Reading refuses what a file from outside may carry: macros, formulas, external links, huge or
compressed-bomb sheets, wrong types. Every fault names the file, the sheet and the cell.
"""

from __future__ import annotations

import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from ..model.errors import UserError
from ..model.textnorm import fold
from .forms import Form, Item, Table

INFO_SHEET = "Thông tin"
INFO_HEADER = ("Tiền tố trang tính", "Mã cơ quan", "Tên cơ quan", "Mẫu báo cáo")
INFO_FIRST_ROW = 6          # the first report row under the header (row 5)
ANSWER_FIRST_ROW = 4        # Mục sheets: title, note, header, then items
TABLE_IDS_ROW, TABLE_FIRST_ROW = 2, 4

MAX_FILE_BYTES = 20_000_000
MAX_UNPACKED_BYTES = 200_000_000
MAX_ROWS = 5_000
MAX_COLUMNS = 60
MAX_TEXT = 5_000

TYPE_HINTS = {
    "count": "Số nguyên ≥ 0", "number": "Số ≥ 0", "money": "Số tiền (đồng) ≥ 0",
    "percent": "Tỷ lệ % từ 0 đến 100", "yes_no": "Chọn Có hoặc Không",
    "tick": "Đánh dấu x nếu có", "year": "Năm, ví dụ 2026", "text": "Văn bản",
}


def sheet_name(prefix: str, name: str) -> str:
    """A report's sheet in a workbook: "Mục 2" for the owner, "X1 Mục 2" for a commune."""
    return f"{prefix} {name}" if prefix else name


class SurveyError(UserError):
    """A report file that cannot be taken: every fault found, each naming file, sheet, cell."""

    def __init__(self, faults: list[str]):
        self.faults = faults
        shown = faults[:30]
        more = f"\n… và {len(faults) - 30} lỗi khác" if len(faults) > 30 else ""
        super().__init__(f"{len(faults)} lỗi, không lưu gì:\n" + "\n".join(shown) + more)


@dataclass
class Report:
    """One agency's answers read from a workbook."""

    agency_id: str
    form_id: str
    answers: dict[str, Any] = field(default_factory=dict)        # item id -> value
    cells: dict[str, str] = field(default_factory=dict)          # item id -> "Mục 2!C7"
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    file: str = ""


# --- writing ----------------------------------------------------------------------------

def write_template(forms: list[tuple[str, Form, str, str]], path: Path,
                   answers: list[dict[str, Any]] | None = None) -> None:
    """A blank workbook for the given reports: (prefix, form, agency id, agency name) each;
    the first is the workbook's owner (a district), the others its communes. With
    ``answers`` (one mapping of item id to value per report), a filled one."""
    from openpyxl import Workbook

    book = Workbook()
    _info_sheet(book.active, forms)
    for index, (prefix, form, _, _) in enumerate(forms):
        given = answers[index] if answers else {}
        for section in form.sections:
            _section_sheet(book.create_sheet(sheet_name(prefix, section.sheet)), section, given)
        for table in form.tables:
            _table_sheet(book.create_sheet(sheet_name(prefix, table.sheet)), table)
    book.save(path)


def _styles() -> dict[str, Any]:
    from openpyxl.styles import Alignment, Font, PatternFill

    return {"bold": Font(bold=True), "grey": PatternFill("solid", fgColor="DDDDDD"),
            "wrap": Alignment(wrap_text=True, vertical="top"),
            "answer": PatternFill("solid", fgColor="FFF7D6"), "id": Font(color="888888")}


def _info_sheet(info, forms: list[tuple[str, Form, str, str]]) -> None:
    """Which agency each report is of (its register id and name), and how to fill them."""
    style = _styles()
    info.title = INFO_SHEET
    owner = forms[0][1]
    info["A1"] = f"{owner.source.upper()}: {owner.title}"
    info["A1"].font = style["bold"]
    info["A2"] = ("Điền mã cơ quan như trong sổ đăng ký của Sở Thông tin và Truyền thông. "
                  "Không đổi tên các trang tính, không xóa cột A (mã câu hỏi).")
    info["A3"] = ("Báo cáo của UBND cấp xã gửi kèm trong bảng tính của UBND cấp huyện: mỗi xã "
                  "một tiền tố trang tính.") if len(forms) > 1 else None
    for col, title in enumerate(INFO_HEADER, start=1):
        cell = info.cell(row=INFO_FIRST_ROW - 1, column=col, value=title)
        cell.font, cell.fill = style["bold"], style["grey"]
    for row, (prefix, form, agency_id, name) in enumerate(forms, start=INFO_FIRST_ROW):
        info.cell(row=row, column=1, value=prefix or "")
        info.cell(row=row, column=2, value=agency_id or None).fill = style["answer"]
        info.cell(row=row, column=3, value=name or None).fill = style["answer"]
        info.cell(row=row, column=4, value=form.id)
    for col, width in zip("ABCD", (20, 28, 50, 14)):
        info.column_dimensions[col].width = width


def _section_sheet(sheet, section, given: dict[str, Any]) -> None:
    """One section of a form: an item a row, the answer in column C (unlocked, validated)."""
    from openpyxl.styles import Protection
    from openpyxl.worksheet.datavalidation import DataValidation

    style = _styles()
    sheet["A1"] = f"MỤC {section.id}. {section.title}"
    sheet["A1"].font = style["bold"]
    sheet["A2"] = section.note
    for col, title in enumerate(("Mã", "Nội dung", "Trả lời", "Đơn vị", "Hướng dẫn"), start=1):
        cell = sheet.cell(row=3, column=col, value=title)
        cell.font, cell.fill = style["bold"], style["grey"]
    validations: dict[str, DataValidation] = {}
    for row, item in enumerate(section.items, start=ANSWER_FIRST_ROW):
        sheet.cell(row=row, column=1, value=item.id).font = style["id"]
        sheet.cell(row=row, column=2, value=item.label).alignment = style["wrap"]
        answer = sheet.cell(row=row, column=3)
        if item.id in given:
            answer.value = _shown(item.type, given[item.id])
        answer.fill = style["answer"]
        answer.protection = Protection(locked=False)
        if item.type == "percent":
            answer.number_format = "0.##"
        sheet.cell(row=row, column=4, value=item.unit)
        hint = TYPE_HINTS[item.type] + (" (bắt buộc)" if item.required else "")
        sheet.cell(row=row, column=5, value=hint + (f". {item.note}" if item.note else ""))
        rule = validations.get(item.type) or _validation(item.type)
        if rule is not None:
            validations[item.type] = rule
            rule.add(answer.coordinate)
    for rule in validations.values():
        sheet.add_data_validation(rule)
    for col, width in zip("ABCDE", (24, 70, 18, 10, 30)):
        sheet.column_dimensions[col].width = width


def _table_sheet(sheet, table) -> None:
    """A form's table: column ids in a grey row, labels under them, rows to fill below."""
    style = _styles()
    sheet["A1"] = table.title
    sheet["A1"].font = style["bold"]
    for col, column in enumerate(table.columns, start=1):
        sheet.cell(row=TABLE_IDS_ROW, column=col, value=column.id).font = style["id"]
        cell = sheet.cell(row=TABLE_IDS_ROW + 1, column=col, value=column.label)
        cell.font, cell.fill, cell.alignment = style["bold"], style["grey"], style["wrap"]
        rule = _validation(column.type)
        if rule is not None:
            letter = cell.column_letter
            rule.add(f"{letter}{TABLE_FIRST_ROW}:{letter}{TABLE_FIRST_ROW + 500}")
            sheet.add_data_validation(rule)
        sheet.column_dimensions[cell.column_letter].width = 22


def _shown(kind: str, value: Any) -> Any:
    """An answer as an agency types it in the cell."""
    if kind == "yes_no":
        return "Có" if value else "Không"
    if kind == "tick":
        return "x" if value else None
    return value


def _validation(kind: str):
    from openpyxl.worksheet.datavalidation import DataValidation

    error = {"errorTitle": "Giá trị không hợp lệ", "error": TYPE_HINTS[kind],
             "showErrorMessage": True}
    if kind == "yes_no":
        return DataValidation(type="list", formula1='"Có,Không"', allow_blank=True, **error)
    if kind == "tick":
        return DataValidation(type="list", formula1='"x"', allow_blank=True, **error)
    if kind == "count":
        return DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0",
                              allow_blank=True, **error)
    if kind in ("number", "money"):
        return DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0",
                              allow_blank=True, **error)
    if kind == "percent":
        return DataValidation(type="decimal", operator="between", formula1="0", formula2="100",
                              allow_blank=True, **error)
    if kind == "year":
        return DataValidation(type="whole", operator="between", formula1="2000",
                              formula2="2100", allow_blank=True, **error)
    return None


# --- reading ----------------------------------------------------------------------------

class _Faults:
    def __init__(self, file: str):
        self.file = file
        self.items: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{self.file}: {where}: {message}")


def check_container(path: Path) -> None:
    """Refuse, before any parsing, what is not a plain .xlsx: other formats, macros, external
    links, files or unpacked contents too large (a compression bomb)."""
    name = path.name
    suffix = path.suffix.lower()
    if suffix == ".xlsm" or suffix == ".xltm":
        raise SurveyError([f"{name}: tệp có macro (.xlsm): hãy lưu thành .xlsx"])
    if suffix == ".xls":
        raise SurveyError([f"{name}: định dạng Excel cũ (.xls): hãy lưu thành .xlsx"])
    if suffix != ".xlsx":
        raise SurveyError([f"{name}: không phải tệp .xlsx"])
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SurveyError([f"{name}: không đọc được tệp: {exc.strerror}"]) from None
    if size > MAX_FILE_BYTES:
        raise SurveyError([f"{name}: tệp quá lớn ({size:,} byte; tối đa {MAX_FILE_BYTES:,})"])
    if not zipfile.is_zipfile(path):
        raise SurveyError([f"{name}: không phải tệp .xlsx hợp lệ (tệp hỏng hoặc sai định dạng)"])
    with zipfile.ZipFile(path) as archive:
        entries = archive.infolist()
        unpacked = sum(e.file_size for e in entries)
        if unpacked > MAX_UNPACKED_BYTES:
            raise SurveyError([f"{name}: nội dung giải nén quá lớn ({unpacked:,} byte)"])
        names = [e.filename.lower() for e in entries]
        if any(n.endswith("vbaproject.bin") for n in names):
            raise SurveyError([f"{name}: tệp chứa macro (vbaProject.bin): hãy lưu thành .xlsx "
                               "không có macro"])
        if any("externallink" in n for n in names):
            raise SurveyError([f"{name}: tệp liên kết tới bảng tính khác (external links): "
                               "hãy dán giá trị thay cho liên kết"])


def _rows(sheet, faults: _Faults, title: str) -> Iterator[tuple[int, tuple]]:
    """(row number, cells) of a sheet, refusing sheets larger than a report can be."""
    for count, row in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), start=1):
        if count > MAX_ROWS:
            faults.add(f"trang '{title}'", f"quá {MAX_ROWS} dòng: không phải mẫu báo cáo")
            return
        yield count, row


def _text(value: Any) -> str:
    return unicodedata.normalize("NFC", str(value)).strip() if value is not None else ""


def parse_value(kind: str, cell) -> tuple[Any, str | None]:
    """The value of an answer cell for an item type, or (None, why not) — None, None when the
    cell is empty (not answered)."""
    value = cell.value
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if cell.data_type == "f" or (isinstance(value, str) and value.lstrip().startswith("=")):
        return None, f"là công thức ({_text(value)[:40]}): hãy nhập giá trị"
    if kind == "text":
        text = _text(value)
        return (text, None) if len(text) <= MAX_TEXT else (None, f"dài quá {MAX_TEXT} ký tự")
    if kind in ("yes_no", "tick"):
        if isinstance(value, bool):
            return int(value), None
        if isinstance(value, (int, float)) and value in (0, 1):
            return int(value), None
        word = fold(_text(value)).lower()
        yes = {"co", "yes", "x", "1", "da trien khai", "da tich hop"}
        no = {"khong", "no", "0", "chua trien khai", "chua tich hop"}
        if kind == "tick" and word in ("x", "v", "✓"):
            return 1, None
        if word in yes:
            return 1, None
        if word in no:
            return 0, None
        return None, f"'{_text(value)[:40]}' không phải {TYPE_HINTS[kind].lower()}"
    number = _number(value)
    if number is None:
        return None, f"'{_text(value)[:40]}' không phải số ({TYPE_HINTS[kind].lower()})"
    if number < 0:
        return None, f"{number:g} là số âm"
    if kind == "percent":
        if "%" in (cell.number_format or "") and number <= 1:
            number *= 100  # a cell formatted as a percentage holds 0.85 for 85 %
        if number > 100:
            return None, f"{number:g} % lớn hơn 100 %"
    if kind in ("count", "year"):
        if number != int(number):
            return None, f"{number:g} không phải số nguyên"
        number = int(number)
        if kind == "year" and not 2000 <= number <= 2100:
            return None, f"{number} không phải năm hợp lệ"
    return number, None


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value) if value == value and abs(value) != float("inf") else None
    text = _text(value).replace(" ", "")
    # A number typed as text ("120", "12,5"): accepted when unambiguous (no thousands dots).
    if text.isdigit():
        return float(text)
    if text.count(",") == 1 and text.replace(",", "").isdigit() and "." not in text:
        return float(text.replace(",", "."))
    return None


def read_workbook(path: Path, forms_by_id: dict[str, Form]) -> tuple[list[Report], list[str]]:
    """The reports a workbook holds and the faults found (empty when it can be taken)."""
    from openpyxl import load_workbook

    path = Path(path)
    check_container(path)
    faults = _Faults(path.name)
    try:
        book = load_workbook(path, read_only=True, data_only=False, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise SurveyError([f"{path.name}: không mở được bảng tính: {type(exc).__name__}: "
                           f"{str(exc)[:120]}"]) from None
    try:
        sheets = {name: book[name] for name in book.sheetnames}
        if INFO_SHEET not in sheets:
            faults.add(f"trang '{INFO_SHEET}'", "thiếu trang này (danh sách báo cáo trong tệp)")
            return [], faults.items
        entries = _info(sheets[INFO_SHEET], faults, forms_by_id)
        reports = []
        for prefix, agency_id, form, row in entries:
            report = Report(agency_id, form.id, file=path.name)
            for section in form.sections:
                title = sheet_name(prefix, section.sheet)
                if title not in sheets:
                    faults.add(f"trang '{title}'", f"thiếu trang của {agency_id} "
                                                   f"({INFO_SHEET}!A{row})")
                    continue
                _answers(sheets[title], title, section.items, report, faults)
            for table in form.tables:
                title = sheet_name(prefix, table.sheet)
                if title in sheets:
                    report.tables[table.id] = _table(sheets[title], title, table, faults)
            reports.append(report)
        return reports, faults.items
    finally:
        book.close()


def _info(sheet, faults: _Faults, forms_by_id: dict[str, Form]) -> list[tuple[str, str, Form,
                                                                                 int]]:
    entries, prefixes = [], set()
    header_seen = False
    for number, row in _rows(sheet, faults, INFO_SHEET):
        values = [c.value for c in row[:4]] + [None] * (4 - len(row[:4]))
        if not header_seen:
            header_seen = _text(values[1]) == INFO_HEADER[1]
            continue
        prefix, agency_id, _, form_id = (_text(v) if v is not None else "" for v in values)
        if not (agency_id or form_id):
            continue
        where = f"{INFO_SHEET}!B{number}"
        for cell in row[:4]:
            if getattr(cell, "data_type", None) == "f":
                faults.add(f"{INFO_SHEET}!{cell.coordinate}", "là công thức: hãy nhập giá trị")
        if not agency_id:
            faults.add(where, "thiếu mã cơ quan")
            continue
        if form_id not in forms_by_id:
            faults.add(f"{INFO_SHEET}!D{number}", f"mẫu báo cáo '{form_id}' không có "
                                                   f"(có: {', '.join(sorted(forms_by_id))})")
            continue
        if prefix in prefixes:
            faults.add(f"{INFO_SHEET}!A{number}", f"tiền tố '{prefix}' dùng hai lần")
            continue
        prefixes.add(prefix)
        entries.append((prefix, agency_id, forms_by_id[form_id], number))
    if not header_seen:
        faults.add(INFO_SHEET, f"không thấy dòng tiêu đề '{INFO_HEADER[1]}'")
    elif not entries and not faults.items:
        faults.add(INFO_SHEET, "không có báo cáo nào (thiếu mã cơ quan)")
    return entries


def _answers(sheet, title: str, items: tuple[Item, ...], report: Report,
             faults: _Faults) -> None:
    by_id = {item.id: item for item in items}
    seen: set[str] = set()
    for number, row in _rows(sheet, faults, title):
        if number < ANSWER_FIRST_ROW or not row:
            continue
        key = _text(row[0].value) if row[0].value is not None else ""
        if not key:
            continue
        if key not in by_id:
            faults.add(f"{title}!A{number}", f"mã câu hỏi '{key[:40]}' không có trong mẫu")
            continue
        if key in seen:
            faults.add(f"{title}!A{number}", f"câu hỏi '{key}' xuất hiện hai lần")
            continue
        seen.add(key)
        item = by_id[key]
        cell = row[2] if len(row) > 2 else None
        if cell is None:
            value, why = None, None
        else:
            value, why = parse_value(item.type, cell)
        where = f"{title}!C{number}"
        if why:
            faults.add(where, f"{item.label[:60]}: {why}")
            continue
        if value is None:
            if item.required:
                faults.add(where, f"{item.label[:60]}: bắt buộc, chưa trả lời")
            continue
        if item.max is not None and isinstance(value, (int, float)) and value > item.max:
            faults.add(where, f"{item.label[:60]}: {value:g} lớn hơn {item.max:g}")
            continue
        report.answers[key] = value
        report.cells[key] = where
    for item in items:
        if item.id not in seen and item.required:
            faults.add(f"trang '{title}'", f"thiếu dòng câu hỏi bắt buộc '{item.id}'")


def _table(sheet, title: str, table: Table, faults: _Faults) -> list[dict[str, Any]]:
    columns: dict[int, Any] = {}
    rows: list[dict[str, Any]] = []
    by_id = {c.id: c for c in table.columns}
    for number, row in _rows(sheet, faults, title):
        if number == TABLE_IDS_ROW:
            for index, cell in enumerate(row):
                key = _text(cell.value)
                if key in by_id:
                    columns[index] = by_id[key]
            missing = [c.id for c in table.columns if c not in columns.values()]
            if missing:
                faults.add(f"{title}!A{TABLE_IDS_ROW}", f"thiếu cột {', '.join(missing)}")
            continue
        if number < TABLE_FIRST_ROW:
            continue
        record: dict[str, Any] = {}
        for index, column in columns.items():
            if index >= len(row):
                continue
            value, why = parse_value(column.type, row[index])
            if why:
                faults.add(f"{title}!{row[index].coordinate}", f"{column.label[:40]}: {why}")
            elif value is not None:
                record[column.id] = value
        if not record:
            continue
        for column in table.columns:
            if column.required and column.id not in record:
                faults.add(f"{title}!A{number}", f"dòng thiếu '{column.label[:40]}'")
        if len(rows) >= table.max_rows:
            faults.add(title, f"quá {table.max_rows} dòng")
            break
        rows.append(record)
    return rows
