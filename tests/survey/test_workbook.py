"""Report workbooks: the blank form an agency fills in, and the import that refuses hostile or
mistaken files with the sheet and cell, storing nothing."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from inspector.register.importer import import_register
from inspector.survey.forms import load_form
from inspector.survey.importer import import_reports
from inspector.survey.workbook import SurveyError, sheet_name, write_template
from inspector.records.workspace import Workspace, loads

FORM = """\
schema: inspector-form/1
id: "{id}"
level: {level}
title: "BIỂU MẪU THỬ"
source: "Phụ lục {id}"
sections:
  - id: "1"
    title: "THÔNG TIN CHUNG"
    items:
      - {{id: report_year, label: "1. Năm báo cáo", type: year, required: true}}
      - {{id: staff_total, label: "8. Tổng số CBCCVC", type: count, unit: người}}
  - id: "2"
    title: "HẠ TẦNG KỸ THUẬT CNTT"
    items:
      - {{id: lan, label: "3.1. Có mạng LAN", type: yes_no}}
      - {{id: email_share, label: "1.2. Tỷ lệ thường xuyên sử dụng thư điện tử", type: percent}}
      - {{id: posts_news, label: "2. Tin tức, sự kiện", type: count,
          declares: {{topic: tin-tuc-su-kien}}}}
      - {{id: it_budget, label: "3.2. Tổng kinh phí", type: money}}
tables:
  - id: apps
    title: "BẢNG 1: DANH SÁCH CÁC ỨNG DỤNG CHUYÊN NGÀNH"
    sheet: "Bảng 1"
    columns:
      - {{id: name, label: "Tên ứng dụng", type: text, required: true}}
      - {{id: shared, label: "Kết nối, chia sẻ dữ liệu", type: yes_no}}
"""

REGISTER = """\
province: {name: Tỉnh Thử, tthc_total: 100}
agencies:
  - {id: so-a, name: Sở A, level: province, portal: "http://127.0.0.1:9/"}
  - {id: huyen-b, name: UBND huyện B, level: district, portal: "http://127.0.0.1:9/"}
  - {id: xa-c, name: UBND xã C, level: commune, parent: huyen-b, portal: "http://127.0.0.1:9/"}
  - {id: xa-d, name: UBND xã D, level: commune, parent: huyen-b, portal: "http://127.0.0.1:9/"}
"""


@pytest.fixture()
def forms(tmp_path):
    result = {}
    for fid, level in (("1A", "province"), ("2A", "district"), ("3A", "commune")):
        path = tmp_path / f"{fid}.yaml"
        path.write_text(FORM.format(id=fid, level=level), encoding="utf-8")
        result[fid] = load_form(path)
    return result


@pytest.fixture()
def ws(tmp_path):
    (tmp_path / "register.yaml").write_text(REGISTER, encoding="utf-8")
    workspace = Workspace(tmp_path / "ws")
    import_register(workspace, [tmp_path / "register.yaml"])
    yield workspace
    workspace.close()


def answers(sheet) -> dict[str, int]:
    """Row of each item id in a Mục sheet."""
    return {sheet.cell(row=r, column=1).value: r for r in range(4, sheet.max_row + 1)}


def filled(path: Path, forms, entries, fill) -> Path:
    write_template(entries, path)
    book = load_workbook(path)
    fill(book)
    book.save(path)
    return path


def department(book, prefix: str = "", year=2026, staff=120, lan="Có", share=85):
    one, two = book[sheet_name(prefix, "Mục 1")], book[sheet_name(prefix, "Mục 2")]
    one.cell(row=answers(one)["report_year"], column=3, value=year)
    one.cell(row=answers(one)["staff_total"], column=3, value=staff)
    two.cell(row=answers(two)["lan"], column=3, value=lan)
    two.cell(row=answers(two)["email_share"], column=3, value=share)
    two.cell(row=answers(two)["posts_news"], column=3, value=48)


def survey_rows(ws, agency_id):
    return {row["key"]: loads(row["value"]) for row in
            ws.db["observations"].rows_where("agency_id = ? and key like 'survey/%'",
                                             [agency_id])}


def test_template_has_a_sheet_per_section_and_table_with_validation(tmp_path, forms):
    path = tmp_path / "blank.xlsx"
    write_template([("", forms["1A"], "so-a", "Sở A")], path)
    book = load_workbook(path)
    assert book.sheetnames == ["Thông tin", "Mục 1", "Mục 2", "Bảng 1"]
    two = book["Mục 2"]
    assert two["B4"].value == "3.1. Có mạng LAN"
    rules = {str(dv.sqref): dv for dv in two.data_validations.dataValidation}
    assert rules["C4"].formula1 == '"Có,Không"'                      # yes_no
    assert (rules["C5"].type, rules["C5"].formula2) == ("decimal", "100")   # percent 0-100
    assert (rules["C6"].type, rules["C6"].formula1) == ("whole", "0")       # count
    assert book["Thông tin"]["B6"].value == "so-a"


def test_a_filled_report_is_imported_with_its_cells(tmp_path, forms, ws):
    path = filled(tmp_path / "so-a.xlsx", forms, [("", forms["1A"], "so-a", "Sở A")],
                  department)
    summary = import_reports(ws, [path], forms)
    stored = survey_rows(ws, "so-a")
    assert stored["survey/staff_total"]["value"] == 120
    assert stored["survey/lan"]["value"] == 1
    assert stored["survey/email_share"]["value"] == 85
    assert stored["survey/posts_news"]["source"] == {"file": "so-a.xlsx", "cell": "Mục 2!C6"}
    assert "survey/it_budget" not in stored      # not answered: not declared
    assert summary.answers_changed == 5
    # the same file again changes nothing
    again = import_reports(ws, [path], forms)
    assert (again.answers_changed, again.answers_unchanged) == (0, 5)
    assert [r["action"] for r in ws.db["audit_log"].rows].count("survey.import") == 2


def test_a_cell_formatted_as_percent_holds_a_fraction(tmp_path, forms, ws):
    def fill(book):
        department(book, share=0.85)
        two = book["Mục 2"]
        two.cell(row=answers(two)["email_share"], column=3).number_format = "0%"
    path = filled(tmp_path / "so-a.xlsx", forms, [("", forms["1A"], "so-a", "Sở A")], fill)
    import_reports(ws, [path], forms)
    assert survey_rows(ws, "so-a")["survey/email_share"]["value"] == pytest.approx(85)


def test_an_answer_left_empty_in_the_newer_report_is_no_longer_declared(tmp_path, forms, ws):
    entries = [("", forms["1A"], "so-a", "Sở A")]
    import_reports(ws, [filled(tmp_path / "a.xlsx", forms, entries, department)], forms)

    def without_lan(book):
        department(book)
        two = book["Mục 2"]
        two.cell(row=answers(two)["lan"], column=3).value = None
    summary = import_reports(ws, [filled(tmp_path / "b.xlsx", forms, entries, without_lan)],
                             forms)
    assert summary.answers_removed == 1 and "survey/lan" not in survey_rows(ws, "so-a")


BAD = [
    pytest.param(lambda b: b["Mục 1"].cell(row=5, column=3, value="mười hai"),
                 "Mục 1!C5", "không phải số", id="text in a number cell"),
    pytest.param(lambda b: b["Mục 1"].cell(row=5, column=3, value="=10*12"),
                 "Mục 1!C5", "công thức", id="a formula"),
    pytest.param(lambda b: b["Mục 1"].cell(row=5, column=3, value=-3),
                 "Mục 1!C5", "số âm", id="a negative count"),
    pytest.param(lambda b: b["Mục 1"].cell(row=5, column=3, value=12.5),
                 "Mục 1!C5", "không phải số nguyên", id="a fraction of a person"),
    pytest.param(lambda b: b["Mục 2"].cell(row=5, column=3, value=130),
                 "Mục 2!C5", "lớn hơn 100", id="a percentage over 100"),
    pytest.param(lambda b: b["Mục 2"].cell(row=4, column=3, value="có lẽ"),
                 "Mục 2!C4", "không phải chọn có hoặc không", id="neither Có nor Không"),
    pytest.param(lambda b: setattr(b["Mục 1"]["C4"], "value", None),
                 "Mục 1!C4", "bắt buộc", id="a required answer left empty"),
    pytest.param(lambda b: b.remove(b["Mục 2"]), "trang 'Mục 2'", "thiếu trang",
                 id="a missing sheet"),
    pytest.param(lambda b: b["Mục 1"].cell(row=9, column=1, value="made_up"),
                 "Mục 1!A9", "không có trong mẫu", id="an unknown item row"),
    pytest.param(lambda b: b["Thông tin"].cell(row=6, column=2, value="so-khong-co"),
                 "Thông tin", "không có trong sổ đăng ký", id="an agency not in the register"),
    pytest.param(lambda b: b["Bảng 1"].cell(row=4, column=2, value="Có"),
                 "Bảng 1!A4", "Tên ứng dụng", id="a table row without its required name"),
]


@pytest.mark.parametrize("spoil,where,why", BAD)
def test_a_faulty_report_is_refused_with_sheet_and_cell_and_nothing_stored(
        tmp_path, forms, ws, spoil, where, why):
    entries = [("", forms["1A"], "so-a", "Sở A")]
    import_reports(ws, [filled(tmp_path / "good.xlsx", forms, entries, department)], forms)
    before = survey_rows(ws, "so-a")

    def fill(book):
        department(book, staff=999)   # a change that must not land
        spoil(book)
    bad = filled(tmp_path / "bad.xlsx", forms, entries, fill)
    with pytest.raises(SurveyError) as caught:
        import_reports(ws, [bad], forms)
    message = str(caught.value)
    assert "bad.xlsx" in message and where in message and why in message, message
    assert survey_rows(ws, "so-a") == before


def test_several_files_are_all_or_nothing(tmp_path, forms, ws):
    good = filled(tmp_path / "so-a.xlsx", forms, [("", forms["1A"], "so-a", "Sở A")],
                  department)

    def district(book):
        department(book)
        department(book, prefix="X1")
        department(book, prefix="X2", staff="nhiều")
    entries = [("", forms["2A"], "huyen-b", "UBND huyện B"),
               ("X1", forms["3A"], "xa-c", "UBND xã C"), ("X2", forms["3A"], "xa-d", "xã D")]
    bad = filled(tmp_path / "huyen-b.xlsx", forms, entries, district)
    with pytest.raises(SurveyError) as caught:
        import_reports(ws, [good, bad], forms)
    assert "huyen-b.xlsx: X2 Mục 1!C5" in str(caught.value)
    assert survey_rows(ws, "so-a") == {} and survey_rows(ws, "xa-c") == {}


def test_a_districts_workbook_holds_its_communes(tmp_path, forms, ws):
    entries = [("", forms["2A"], "huyen-b", "UBND huyện B"),
               ("X1", forms["3A"], "xa-c", "UBND xã C"), ("X2", forms["3A"], "xa-d", "xã D")]

    def district(book):
        for prefix in ("", "X1", "X2"):
            department(book, prefix=prefix, staff={"": 50, "X1": 9, "X2": 7}[prefix])
    import_reports(ws, [filled(tmp_path / "huyen-b.xlsx", forms, entries, district)], forms)
    assert survey_rows(ws, "xa-d")["survey/staff_total"]["value"] == 7
    assert survey_rows(ws, "xa-d")["survey/staff_total"]["source"]["cell"] == "X2 Mục 1!C5"
    assert survey_rows(ws, "huyen-b")["survey/staff_total"]["value"] == 50


def test_a_commune_missing_from_its_districts_workbook_is_refused(tmp_path, forms, ws):
    entries = [("", forms["2A"], "huyen-b", "UBND huyện B"),
               ("X1", forms["3A"], "xa-c", "UBND xã C")]

    def district(book):
        department(book)
        department(book, prefix="X1")
    path = filled(tmp_path / "huyen-b.xlsx", forms, entries, district)
    with pytest.raises(SurveyError, match="thiếu báo cáo của xã 'xa-d'"):
        import_reports(ws, [path], forms)
    assert survey_rows(ws, "xa-c") == {}


def test_a_report_at_the_wrong_level_is_refused(tmp_path, forms, ws):
    path = filled(tmp_path / "x.xlsx", forms, [("", forms["1A"], "xa-c", "xã C")], department)
    with pytest.raises(SurveyError, match="là cấp commune, mẫu 1A dành cho cấp province"):
        import_reports(ws, [path], forms)


@pytest.mark.parametrize("name,why", [("bao-cao.xlsm", "macro"), ("bao-cao.xls", "Excel cũ"),
                                      ("bao-cao.csv", "không phải tệp .xlsx")])
def test_other_formats_are_refused(tmp_path, forms, ws, name, why):
    path = tmp_path / name
    path.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(SurveyError, match=why):
        import_reports(ws, [path], forms)


def test_a_workbook_carrying_a_macro_is_refused(tmp_path, forms, ws):
    path = filled(tmp_path / "so-a.xlsx", forms, [("", forms["1A"], "so-a", "Sở A")],
                  department)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("xl/vbaProject.bin", b"\x00" * 64)
    with pytest.raises(SurveyError, match="macro"):
        import_reports(ws, [path], forms)
    assert survey_rows(ws, "so-a") == {}


def test_a_damaged_file_and_a_huge_sheet_are_refused(tmp_path, forms, ws):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"this is not a zip")
    with pytest.raises(SurveyError, match="không phải tệp .xlsx hợp lệ"):
        import_reports(ws, [broken], forms)

    def huge(book):
        department(book)
        book["Bảng 1"].cell(row=6000, column=1, value="Ứng dụng ở dòng 6000")
    path = filled(tmp_path / "huge.xlsx", forms, [("", forms["1A"], "so-a", "Sở A")], huge)
    with pytest.raises(SurveyError, match="quá 5000 dòng"):
        import_reports(ws, [path], forms)


def test_the_command_writes_a_districts_form_with_its_communes(tmp_path, ws):
    from tests.cli import invoke

    root = str(ws.root)
    ws.close()
    path = tmp_path / "huyen-b.xlsx"
    out = invoke("survey", "template", "-w", root, "--agency", "huyen-b", "-o", str(path))
    assert "mẫu 2A và 2 báo cáo cấp xã" in out
    book = load_workbook(path)
    assert {"Mục I", "X1 Mục I", "X2 Mục I"} <= set(book.sheetnames)
    info = book["Thông tin"]
    assert [info.cell(row=r, column=2).value for r in (6, 7, 8)] == ["huyen-b", "xa-c", "xa-d"]
    for prefix in ("", "X1", "X2"):     # the register's names are filled in, the year is not
        first = book[sheet_name(prefix, "Mục 1")]
        rows = answers(first)
        assert first.cell(row=rows["agency_name"], column=3).value
        first.cell(row=rows["report_year"], column=3, value=2026)
    book.save(path)
    assert "Đã nhập báo cáo của 3 cơ quan" in invoke("survey", "import", "-w", root, str(path))
    blank = tmp_path / "3a.xlsx"
    invoke("survey", "template", "-w", root, "--level", "commune", "-o", str(blank))
    assert load_workbook(blank)["Thông tin"]["D6"].value == "3A"
    wrong = invoke("survey", "template", "-w", root, "--agency", "so-a", "--level", "commune",
                   "-o", str(tmp_path / "x.xlsx"), code=1)
    assert "so-a thuộc cấp province, không phải cấp commune" in wrong and not (tmp_path / "x.xlsx").exists()
