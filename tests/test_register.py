"""Register and catalogue import through the CLI: faults name file, row and field, exit non-zero,
and leave the database exactly as it was; re-imports are idempotent."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from inspector.cli import cli

DATA = Path(__file__).parent / "data"
GOOD_YAML = (DATA / "register.yaml").read_text(encoding="utf-8")


def run(ws: Path, *args: str):
    result = CliRunner().invoke(cli, [*args[:2], "--workspace", str(ws), *args[2:]])
    return result


def snapshot(ws: Path) -> dict[str, list[tuple]]:
    """Every row of every register table, to prove a failed import changed nothing."""
    conn = sqlite3.connect(ws / "inspector.db")
    try:
        return {t: sorted(conn.execute(f"select * from {t}").fetchall(), key=repr)
                for t in ("province", "agencies", "services", "catalog", "audit_log",
                          "observations")}
    finally:
        conn.close()


@pytest.fixture()
def ws(tmp_path: Path) -> Path:
    """A workspace holding the sample register."""
    workspace = tmp_path / "ws"
    result = run(workspace, "registry", "import", str(DATA / "register.yaml"))
    assert result.exit_code == 0, result.output
    return workspace


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_import_counts_and_is_idempotent(tmp_path: Path):
    workspace = tmp_path / "ws"
    first = run(workspace, "registry", "import", str(DATA / "register.yaml"))
    assert first.exit_code == 0, first.output
    assert "thêm 3 cơ quan, 1 tỉnh, 2 dịch vụ" in first.output
    before = snapshot(workspace)
    second = run(workspace, "registry", "import", str(DATA / "register.yaml"))
    assert second.exit_code == 0
    assert "không đổi 3 cơ quan, 1 tỉnh, 2 dịch vụ" in second.output
    assert snapshot(workspace) == before


def test_changed_row_updates_that_row_only(ws: Path, tmp_path: Path):
    changed = GOOD_YAML.replace("tthc_total: 250", "tthc_total: 260")
    result = run(ws, "registry", "import", str(write(tmp_path, "r2.yaml", changed)))
    assert result.exit_code == 0, result.output
    assert "cập nhật 1 cơ quan" in result.output
    conn = sqlite3.connect(ws / "inspector.db")
    assert conn.execute("select tthc_total from agencies where id='huyen-cho-moi'").fetchone() \
        == (260,)
    assert conn.execute("select tthc_total from agencies where id='so-tttt'").fetchone() == (120,)


def test_service_dropped_from_its_agency_is_withdrawn_not_deleted(ws: Path, tmp_path: Path):
    start = GOOD_YAML.index("      - name: Cấp phép hoạt động in")
    end = GOOD_YAML.index("  - id: huyen-cho-moi")
    result = run(ws, "registry", "import",
                 str(write(tmp_path, "r3.yaml", GOOD_YAML[:start] + GOOD_YAML[end:])))
    assert result.exit_code == 0, result.output
    assert "rút 1 dịch vụ" in result.output
    conn = sqlite3.connect(ws / "inspector.db")
    rows = dict(conn.execute("select name, withdrawn_at is not null from services").fetchall())
    assert rows == {"Cấp giấy phép xuất bản bản tin": 0, "Cấp phép hoạt động in": 1}


# (file name, text, expected message fragments: file, place, field, problem)
YAML_FAULTS = [
    ("level", GOOD_YAML.replace("level: district", "level: huyen"),
     ["bad.yaml:dòng 25", "trường 'level'", "cấp 'huyen' không hợp lệ"]),
    ("duplicate id", GOOD_YAML.replace("id: huyen-cho-moi", "id: so-tttt"),
     ["bad.yaml:dòng 25", "trường 'id'", "mã cơ quan 'so-tttt' bị trùng"]),
    ("malformed portal", GOOD_YAML.replace("portal: http://127.0.0.1:8102/", "portal: htp:/x"),
     ["bad.yaml:dòng 25", "trường 'portal'", "không phải URL http(s) hợp lệ"]),
    ("malformed service url", GOOD_YAML.replace("url: http://127.0.0.1:8201/thu-tuc/1.004194",
                                                "url: 127.0.0.1/thu-tuc"),
     ["bad.yaml:dòng 12", "trường 'url'", "không phải URL http(s) hợp lệ"]),
    ("unknown parent", GOOD_YAML.replace("parent: huyen-cho-moi", "parent: huyen-khong-co"),
     ["bad.yaml:dòng 30", "trường 'parent'",
      "cơ quan cấp trên 'huyen-khong-co' không có trong danh mục"]),
    ("commune without parent", GOOD_YAML.replace("    parent: huyen-cho-moi\n", ""),
     ["bad.yaml:dòng 30", "trường 'parent'", "xã phải có huyện quản lý"]),
    ("negative count", GOOD_YAML.replace("tthc_total: 110", "tthc_total: -5"),
     ["bad.yaml:dòng 30", "trường 'tthc_total'", "-5 là số âm"]),
    ("non-numeric count", GOOD_YAML.replace("online_dossiers: 120", "online_dossiers: nhiều"),
     ["bad.yaml:dòng 12", "trường 'online_dossiers'", "'nhiều' không phải số nguyên"]),
    ("online above total", GOOD_YAML.replace("online_dossiers: 40", "online_dossiers: 70"),
     ["bad.yaml:dòng 19", "trường 'online_dossiers'", "70 lớn hơn total_dossiers (50)"]),
    ("service level", GOOD_YAML.replace("level: 4", "level: 5"),
     ["bad.yaml:dòng 19", "trường 'level'", "mức độ dịch vụ '5' không hợp lệ"]),
    ("unknown field", GOOD_YAML.replace("tthc_total: 250", "tthc_total: 250\n    fax: 1"),
     ["bad.yaml:dòng 25", "trường 'fax'", "không hỗ trợ trường này"]),
    ("survey not a number", GOOD_YAML.replace("tthc_total: 250", "tthc_total: 250\n    survey: {services_level12: nhiều}"),
     ["bad.yaml:dòng 25", "trường 'survey.services_level12'", "'nhiều' không phải số"]),
    ("survey bad name", GOOD_YAML.replace("tthc_total: 250", "tthc_total: 250\n    survey: {Dịch vụ: 3}"),
     ["bad.yaml:dòng 25", "trường 'survey.Dịch vụ'", "không phải tên số liệu báo cáo"]),
    ("yaml syntax", GOOD_YAML.replace("name: UBND huyện Chợ Mới", "name: [UBND huyện"),
     ["bad.yaml:dòng 27", "sai cú pháp YAML"]),
]


@pytest.mark.parametrize("label,text,fragments", YAML_FAULTS, ids=[f[0] for f in YAML_FAULTS])
def test_yaml_fault_names_place_and_changes_nothing(ws: Path, tmp_path: Path, label, text,
                                                    fragments):
    before = snapshot(ws)
    bad = write(tmp_path, "bad.yaml", text)
    result = run(ws, "registry", "import", str(bad))
    assert result.exit_code == 1
    message = result.output.strip()
    assert "\n" not in message and message.startswith("Lỗi: ")
    assert "Traceback" not in message
    for fragment in fragments:
        assert fragment in message, (fragment, message)
    assert snapshot(ws) == before


def test_yaml_syntax_error_line_is_the_broken_line(ws: Path, tmp_path: Path):
    bad = write(tmp_path, "bad.yaml", "agencies:\n  - id: a\n    name: [x\n    level: province\n")
    result = run(ws, "registry", "import", str(bad))
    assert result.exit_code == 1
    assert "sai cú pháp YAML" in result.output and "bad.yaml:dòng" in result.output


def test_a_good_file_with_a_bad_one_imports_nothing(tmp_path: Path):
    workspace = tmp_path / "ws"
    bad = write(tmp_path, "services.csv", "agency,name,level,url\nso-tttt,Dịch vụ A,3,http://x.gov.vn/a\n"
                                          "so-tttt,Dịch vụ B,3,not a url\n")
    result = run(workspace, "registry", "import", str(DATA / "register.yaml"), str(bad))
    assert result.exit_code == 1
    assert "services.csv, dòng 3: trường 'url'" in result.output
    assert all(rows == [] for rows in snapshot(workspace).values())


CSV_AGENCIES = ("id,name,level,parent,portal,tthc_total\n"
                "so-yte,Sở Y tế,province,,https://soyte.angiang.gov.vn/,150\n"
                "huyen-a,UBND huyện A,district,,http://127.0.0.1:8105/,200\n"
                "xa-b,UBND xã B,commune,huyen-a,http://127.0.0.1:8106/,90\n")


def test_csv_import_and_its_faults(tmp_path: Path):
    workspace = tmp_path / "ws"
    good = write(tmp_path, "agencies.csv", CSV_AGENCIES)
    assert run(workspace, "registry", "import", str(good)).exit_code == 0
    conn = sqlite3.connect(workspace / "inspector.db")
    try:   # each row records the file it came from, not the list of the file's rows
        assert {r[0] for r in conn.execute("select source from agencies")} == {str(good)}
    finally:
        conn.close()
    before = snapshot(workspace)
    cases = [
        (CSV_AGENCIES.replace(",tthc_total", ",so_tthc").replace("id,name,level,parent,portal",
                                                                  "id,name,cap,parent,portal"),
         "thiếu cột bắt buộc 'level'"),
        (CSV_AGENCIES.replace("district", "quận"),
         "dòng 3: trường 'level': cấp 'quận' không hợp lệ"),
        (CSV_AGENCIES.replace(",150", ",một trăm"), "dòng 2: trường 'tthc_total'"),
        (CSV_AGENCIES + "so-yte,Sở Y tế,province,,https://soyte.angiang.gov.vn/,150\n",
         "dòng 5: trường 'id': mã cơ quan 'so-yte' bị trùng"),
    ]
    for text, fragment in cases:
        result = run(workspace, "registry", "import", str(write(tmp_path, "a2.csv", text)))
        assert result.exit_code == 1, text
        assert fragment in result.output, (fragment, result.output)
        assert "a2.csv" in result.output
        assert snapshot(workspace) == before


def test_wrongly_encoded_and_unreadable_files(ws: Path, tmp_path: Path):
    before = snapshot(ws)
    latin = tmp_path / "cp1258.csv"  # "Sở Y tế" saved by an old Windows tool
    latin.write_bytes(b"id,name,level,portal\nso-yte,S\xd5 Y t\xea\xec,province,http://a.vn/\n")
    result = run(ws, "registry", "import", str(latin))
    assert result.exit_code == 1 and "cp1258.csv:dòng 2: không phải văn bản UTF-8" in result.output
    missing = run(ws, "registry", "import", str(tmp_path / "khong-co.yaml"))
    assert missing.exit_code == 1 and "khong-co.yaml: không có tệp này" in missing.output
    garbage = write(tmp_path, "broken.xlsx", "this is not a workbook")
    result = run(ws, "registry", "import", str(garbage))
    assert result.exit_code == 1
    assert "broken.xlsx: không đọc được bảng tính XLSX này" in result.output
    assert snapshot(ws) == before


def test_xlsx_register_with_sheets(tmp_path: Path):
    book = Workbook()
    sheet = book.active
    sheet.title = "agencies"
    sheet.append(["id", "name", "level", "parent", "portal", "tthc_total"])
    sheet.append(["so-gd", "Sở Giáo dục và Đào tạo", "province", None,
                  "https://sgddt.angiang.gov.vn/", 95])
    services = book.create_sheet("services")
    services.append(["agency", "name", "level", "url", "online_dossiers", "total_dossiers"])
    services.append(["so-gd", "Cấp phép dạy thêm", "toàn trình",
                     "https://dichvucong.angiang.gov.vn/1.005093", 12, 20])
    services.append(["so-gd", "Công nhận trường chuẩn", 3, "https://dichvucong.angiang.gov.vn/x",
                     -1, 20])
    path = tmp_path / "register.xlsx"
    book.save(path)
    workspace = tmp_path / "ws"
    result = run(workspace, "registry", "import", str(path))
    assert result.exit_code == 1
    assert "register.xlsx: trang tính 'services', dòng 3: trường 'online_dossiers': -1 là số âm" \
        in result.output
    services.delete_rows(3)
    book.save(path)
    result = run(workspace, "registry", "import", str(path))
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(workspace / "inspector.db")
    assert conn.execute("select name, level from services").fetchall() == \
        [("Cấp phép dạy thêm", 4)]


def test_catalog_import(tmp_path: Path):
    workspace = tmp_path / "ws"
    good = write(tmp_path, "tthc.csv", "code,name,field,level,agency\n"
                                       "1.004194,Cấp giấy phép xuất bản bản tin,Xuất bản,3,so-tttt\n"
                                       "1.003652,Cấp phép hoạt động in,Xuất bản,4,so-tttt\n")
    result = run(workspace, "catalog", "import", str(good))
    assert result.exit_code == 0 and "thêm 2 thủ tục" in result.output
    assert run(workspace, "catalog", "import", str(good)).output.count("không đổi 2 thủ tục")
    before = snapshot(workspace)
    bad = write(tmp_path, "tthc2.csv", "code,name\nABC,Thủ tục lạ\n")
    result = run(workspace, "catalog", "import", str(bad))
    assert result.exit_code == 1
    assert "tthc2.csv, dòng 2: trường 'code': 'ABC' không phải mã thủ tục" in result.output
    assert snapshot(workspace) == before


def test_workspace_that_is_a_file_is_a_clean_error(tmp_path: Path):
    blocker = write(tmp_path, "not-a-dir", "x")
    result = CliRunner().invoke(cli, ["score", "--workspace", str(blocker)])
    assert result.exit_code != 0
    assert "Traceback" not in result.output


def test_survey_figures_become_observations_the_score_reads(tmp_path: Path):
    """A register's self-reported figures (appendix 2A/3A) feed the survey.* quantities: with
    services_level12 = tthc_total, 2B/II/I/34.1 is scored 10 instead of not assessed."""
    workspace = tmp_path / "ws"
    text = GOOD_YAML.replace("tthc_total: 250", "tthc_total: 250\n    survey: {services_level12: 250}")
    path = write(tmp_path, "r.yaml", text)
    first = run(workspace, "registry", "import", str(path))
    assert first.exit_code == 0, first.output
    assert "thêm" in first.output and "số liệu khảo sát" in first.output
    conn = sqlite3.connect(workspace / "inspector.db")
    rows = conn.execute("select agency_id, key, value from observations").fetchall()
    conn.close()
    assert rows == [("huyen-cho-moi", "survey/services_level12",
                     '{"source": "%s", "value": 250}' % path)]
    again = run(workspace, "registry", "import", str(path))
    assert "số liệu khảo sát" not in again.output  # unchanged figures are not rewritten
    scored = CliRunner().invoke(cli, ["score", "--workspace", str(workspace), "--as-of", "2026-11-26"])
    assert scored.exit_code == 0, scored.output
    conn = sqlite3.connect(workspace / "inspector.db")
    points, status = conn.execute("select points, status from findings where agency_id = ? and "
                                  "criterion_id = ?", ["huyen-cho-moi", "2B/II/I/34.1"]).fetchone()
    conn.close()
    assert (points, status) == (10, "auto")
