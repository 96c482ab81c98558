"""A new platform needs a new playbook file, no new code: a playbook written here (YAML only) for
a DVCTT platform the inspector has never seen (tests/journeys/newportal.py) drives a full journey
through `inspector check-services`."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from werkzeug.test import Client

from inspector.browser import chromium_path
from inspector.register.importer import service_id
from inspector.sandbox.services.mail import message_text
from inspector.model.textnorm import fold
from tests.journeys.newportal import ACTIVATION_SUBJECT, PROCEDURE, STATUS_NEW, serve_portal

pytestmark = [pytest.mark.slow, pytest.mark.browser]

AGENCY = "cong-an-xa-thu-nghiem"
SERVICE_NAME = PROCEDURE.name     # the engine matches the name against the catalogue
PASSWORD_ENV = "INSPECTOR_TEST_MOTCUA_PASSWORD"
PASSWORD = "Kt#2026-mot-cua!"
CITIZEN = {"name": "Nguyễn Văn Kiểm Thử", "id_number": "079200000000", "phone": "0900000000",
           "email": "kiemtra@example.gov.vn",
           "address": "Số 1, đường Thử Nghiệm, phường Kiểm Tra"}

# The playbook of the new platform, in the format of docs/playbooks.md and nothing more.
PLAYBOOK = r"""
schema: inspector-playbook/1
name: mot-cua-moi
title: Hệ thống một cửa điện tử, own accounts with an e-mailed 8-digit activation code
match: ['^https?://[^/]+/mot-cua/thu-tuc/[^/?#]+$']
scope: '#noi-dung'
fail_on:
  - {selector: .thong-bao-loi}
human_on:
  - {selector: 'img.ma-bao-ve', reason: image captcha}
phases:
  open:
    - goto: '{service.url}'
    - expect: {role: heading, level: 2}
    - expect: {role: link, name: Lập hồ sơ}
  register:
    - click: {role: link, name: Tạo tài khoản, exact: true, scope: page}
    - expect: {role: heading, name: Tạo tài khoản công dân}
    - fill: {label: Họ tên đầy đủ, value: '{citizen.name}'}
    - fill: {label: Mã số định danh, value: '{citizen.id_number}'}
    - fill: {label: Điện thoại di động, value: '{citizen.phone}'}
    - fill: {label: Địa chỉ email, value: '{citizen.email}'}
    - fill: {label: Mật khẩu đăng nhập, value: '{citizen.password}'}
    - fill: {label: Xác nhận mật khẩu, value: '{citizen.password}'}
    - click: {role: button, name: Tạo tài khoản}
  confirm:
    - otp: {subject: Kích hoạt tài khoản một cửa, pattern: '\b(\d{8})\b',
            into: {label: Mã kích hoạt}}
    - click: {role: button, name: Kích hoạt}
  login:
    - fill: {label: Tài khoản, exact: true, value: '{citizen.email}'}
    - fill: {label: Mật khẩu đăng nhập, value: '{citizen.password}'}
    - click: {role: button, name: Vào hệ thống}
  choose:
    - goto: '{service.url}'
    - click: {role: link, name: Lập hồ sơ}
    - expect: {label: Nơi cư trú}
  fill:
    - fill: {label: Nơi cư trú, value: '{citizen.address}'}
    - fill: {label: Yêu cầu cụ thể, value: '{text.request}'}
    - check: {label: Trực tuyến}
  upload:
    - upload: {label: Giấy tờ kèm theo, file: pdf}
  submit:
    - click: {role: button, name: __SUBMIT__}
    - read: {selector: .so-bien-nhan, into: dossier_code, pattern: '\d{4}-MC-\d{6}'}
  track:
    - click: {role: link, name: Kiểm tra tình trạng hồ sơ}
    - fill: {placeholder: Nhập số hồ sơ, value: '{vars.dossier_code}'}
    - click: {role: button, name: Kiểm tra, exact: true}
    - read: {selector: .tinh-trang, into: status, pattern: 'Tình trạng:\s*(.+)'}
    - expect: {text: Mới tiếp nhận}
"""


@pytest.fixture(scope="module")
def chromium_binary():
    # as tests/sandbox/test_browser.py: Debian's Chromium (or INSPECTOR_CHROMIUM) is required
    return chromium_path()


@pytest.fixture
def portal(tmp_path):
    with serve_portal(tmp_path / "mot-cua") as running:
        yield running


def _write_inputs(tmp_path: Path, portal, submit_button: str) -> dict[str, Path]:
    """The playbook, register, catalogue and citizen files (the citizen outside the workspace)."""
    playbooks = tmp_path / "playbooks"
    playbooks.mkdir()
    (playbooks / "mot-cua-moi.yaml").write_text(PLAYBOOK.replace("__SUBMIT__", submit_button),
                                                encoding="utf-8")
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    register = inputs / "register.yaml"
    register.write_text(f"""
province: {{name: Tỉnh Thử Nghiệm, tthc_total: 300}}
agencies:
  - id: {AGENCY}
    name: Công an xã Thử Nghiệm
    level: province
    portal: http://127.0.0.1:9/
    tthc_total: 40
    services:
      - name: {SERVICE_NAME}
        group: {PROCEDURE.field}
        level: 4
        url: {portal.service_url()}
        procedures: ["{PROCEDURE.code}"]
        online_dossiers: 12
        total_dossiers: 30
        playbook: mot-cua-moi
""", encoding="utf-8")
    catalog = inputs / "catalog.csv"
    with catalog.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows([["code", "name", "field", "level"],
                                   [PROCEDURE.code, PROCEDURE.name, PROCEDURE.field, PROCEDURE.level]])
    citizen = tmp_path / "secrets" / "citizen.yaml"
    citizen.parent.mkdir()
    citizen.write_text("".join(f'{k}: "{v}"\n' for k, v in CITIZEN.items())
                       + f"password_env: {PASSWORD_ENV}\nmailbox: maildir:{portal.maildir}\n",
                       encoding="utf-8")
    return {"playbooks": playbooks, "register": register, "catalog": catalog, "citizen": citizen}


def _run_check(tmp_path: Path, portal, submit_button: str, step_timeout: int) -> tuple[Path, subprocess.CompletedProcess]:
    files = _write_inputs(tmp_path, portal, submit_button)
    ws = tmp_path / "ws"
    env = dict(os.environ, **{PASSWORD_ENV: PASSWORD})
    env.pop("INSPECTOR_PLAYBOOKS", None)
    env.pop("INSPECTOR_CITIZEN", None)
    cli = [sys.executable, "-m", "inspector.cli"]
    for args in (["registry", "import", "-w", str(ws), str(files["register"])],
                 ["catalog", "import", "-w", str(ws), str(files["catalog"])]):
        run = subprocess.run(cli + args, capture_output=True, text=True, timeout=120, env=env)
        assert run.returncode == 0, (args[:2], run.stdout[-2000:], run.stderr[-4000:])
    run = subprocess.run(cli + ["check-services", "-w", str(ws), "--citizen", str(files["citizen"]),
                                "--playbooks", str(files["playbooks"]),
                                "--step-timeout", str(step_timeout)],
                         capture_output=True, text=True, timeout=600, env=env)
    return ws, run


def _observation(ws: Path) -> tuple[str, dict]:
    conn = sqlite3.connect(ws / "inspector.db")
    try:
        row = conn.execute("select status, value from observations where agency_id = ? and key = ?",
                           [AGENCY, "service/" + service_id(AGENCY, SERVICE_NAME)]).fetchone()
    finally:
        conn.close()
    assert row is not None, "no observation service/<id> was stored"
    return row[0], json.loads(row[1])


def _evidence_paths(ws: Path, attempt: dict) -> list[Path]:
    paths = []
    for item in attempt.get("evidence") or []:
        path = item.get("path") if isinstance(item, dict) else item
        paths.append((ws / path) if not Path(path).is_absolute() else Path(path))
    return paths


def file_is_document(data: bytes) -> bool:
    return bool(data) and data.startswith((b"%PDF-", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff"))


def _says_inspection_test(data: bytes) -> bool:
    """Whether a PDF/PNG/JPEG carries, somewhere a machine can read (text, metadata, a text
    chunk, a compressed stream), that it is an inspection test."""
    chunks = [data]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):   # PDF streams
        try:
            chunks.append(zlib.decompress(match.group(1)))
        except zlib.error:
            pass
    if data.startswith(b"\x89PNG"):                                                # zTXt/iTXt
        for match in re.finditer(rb"(zTXt|iTXt)(.{0,200}?)\x00\x00(x\x9c)", data, re.S):
            try:
                chunks.append(zlib.decompressobj().decompress(data[match.start(3):]))
            except zlib.error:
                pass
    texts = []
    for chunk in chunks:
        texts.append(chunk.decode("utf-8", "ignore"))
        texts.append(chunk.decode("latin-1"))
        for hexa in re.findall(rb"<FEFF([0-9A-Fa-f]+)>", chunk):                  # UTF-16 hex
            try:
                texts.append(bytes.fromhex(hexa.decode()).decode("utf-16-be", "ignore"))
            except ValueError:
                pass
        for raw in re.findall(rb"\(\xfe\xff((?:[^\\)]|\\.)*)\)", chunk, re.S):      # UTF-16 literal
            texts.append(raw.decode("utf-16-be", "ignore"))
    folded = " ".join(fold(t) for t in texts)
    return any(words in folded for words in ("kiem tra", "inspection test", "kiemtra"))


def test_server_checks_inputs(portal):
    """The new platform refuses a wrong journey: bad ID, mismatched password, wrong code, an
    unactivated login, an empty or non-PDF file, no choice of delivery; and accepts a right one."""
    client = Client(portal.app)
    base = {"ho_ten": "Trần Thị Thử", "ma_dinh_danh": "079200123456", "dien_thoai": "0911222333",
            "email": "thu+1@example.gov.vn", "mat_khau": "matkhau-dai-1",
            "xac_nhan_mat_khau": "matkhau-dai-1"}
    page = client.get(portal.app.service_path())
    assert page.status_code == 200 and "Lập hồ sơ" in page.get_data(as_text=True)
    assert client.get("/mot-cua/thu-tuc/9.999999").status_code == 404
    for change in ({"ma_dinh_danh": "07920012345"}, {"ma_dinh_danh": "07920012345x"},
                   {"xac_nhan_mat_khau": "khac-mat-khau"}, {"email": "khong-phai-email"}):
        refused = client.post("/mot-cua/tao-tai-khoan", data=base | change)
        assert refused.status_code == 400 and "thong-bao-loi" in refused.get_data(as_text=True)
    assert portal.app.mails_sent == 0 and not portal.app.accounts

    created = client.post("/mot-cua/tao-tai-khoan", data=base)
    assert created.status_code == 303 and "/mot-cua/kich-hoat" in created.headers["Location"]
    mails = portal.sink.messages(to=base["email"])
    assert len(mails) == 1 and mails[0]["Subject"] == ACTIVATION_SUBJECT
    code = re.search(r"\b(\d{8})\b", message_text(mails[0])).group(1)
    assert client.post("/mot-cua/tao-tai-khoan", data=base).status_code == 400  # taken

    login = {"tai_khoan": base["email"], "mat_khau": base["mat_khau"]}
    assert client.post("/mot-cua/vao-he-thong", data=login).status_code == 400   # not active
    wrong = "00000000" if code != "00000000" else "11111111"
    assert client.post("/mot-cua/kich-hoat",
                       data={"email": base["email"], "ma_kich_hoat": wrong}).status_code == 400
    assert client.post("/mot-cua/kich-hoat", data={"email": base["email"], "ma_kich_hoat": code}
                       ).status_code == 303
    assert client.post("/mot-cua/vao-he-thong",
                       data=login | {"mat_khau": "sai-mat-khau"}).status_code == 400
    assert client.post("/mot-cua/vao-he-thong", data=login).status_code == 303

    form_url = f"/mot-cua/lap-ho-so/{PROCEDURE.code}"
    form_page = client.get(form_url).get_data(as_text=True)
    token = re.search(r'name="ma_phieu" value="([^"]+)"', form_page).group(1)
    fields = {"ma_phieu": token, "noi_cu_tru": "Số 2, đường Thử", "nhan_ket_qua": "truc-tuyen",
              "yeu_cau": "Hồ sơ kiểm tra thử nghiệm, không xử lý."}
    pdf = b"%PDF-1.4\n% kiem tra\n%%EOF\n"
    def post(data, file):
        files = {} if file is None else {"giay_to": (io.BytesIO(file[1]), file[0])}
        return client.post(form_url, data=data | files, content_type="multipart/form-data")

    for data, file in ((fields, None), (fields, ("rong.pdf", b"")),
                       (fields, ("gia.pdf", b"<html>not a pdf</html>")),
                       ({k: v for k, v in fields.items() if k != "nhan_ket_qua"}, ("a.pdf", pdf)),
                       (fields | {"yeu_cau": ""}, ("a.pdf", pdf)),
                       (fields | {"ma_phieu": "gia-mao"}, ("a.pdf", pdf))):
        refused = post(data, file)
        assert refused.status_code == 400 and "thong-bao-loi" in refused.get_data(as_text=True)
    assert portal.app.dossiers == []

    sent = post(fields, ("giay-to.pdf", pdf))
    assert sent.status_code == 303
    receipt = client.get(sent.headers["Location"]).get_data(as_text=True)
    number = re.search(r"Số hồ sơ: (\d{4}-MC-\d{6})", receipt).group(1)
    [dossier] = portal.app.dossiers
    assert dossier.code == number and dossier.file_bytes == pdf and dossier.file_type == "PDF"
    assert dossier.fields["nhan_ket_qua"] == "Trực tuyến"
    assert dossier.applicant["id_number"] == base["ma_dinh_danh"]
    assert post(fields, ("giay-to.pdf", pdf)).status_code == 400       # the form token was used
    tracked = Client(portal.app).get(f"/mot-cua/tra-cuu?so={number}").get_data(as_text=True)
    assert f"Tình trạng: {STATUS_NEW}" in tracked
    assert Client(portal.app).get("/mot-cua/tra-cuu?so=2026-MC-999999").status_code == 404
    # a citizen who is not logged in is sent to the login page
    assert "/mot-cua/vao-he-thong" in Client(portal.app).get(form_url).headers["Location"]


def test_a_yaml_playbook_drives_a_full_journey_on_a_new_platform(chromium_binary, portal,
                                                                 tmp_path):
    ws, run = _run_check(tmp_path, portal, "Gửi hồ sơ", step_timeout=15)
    assert run.returncode == 0, (run.stdout[-3000:], run.stderr[-5000:])

    [dossier] = portal.app.dossiers
    assert file_is_document(dossier.file_bytes), dossier.file_bytes[:16]
    assert _says_inspection_test(dossier.file_bytes), \
        "the generated test document must say (machine-readably) that it is an inspection test"
    assert dossier.fields["noi_cu_tru"] == CITIZEN["address"]
    assert dossier.fields["nhan_ket_qua"] == "Trực tuyến"
    assert any(w in fold(dossier.fields["yeu_cau"]) for w in ("kiem tra", "inspection")), \
        dossier.fields["yeu_cau"]
    assert dossier.applicant["name"] == CITIZEN["name"]
    assert dossier.applicant["id_number"][:6] == CITIZEN["id_number"][:6]
    local, _, domain = dossier.applicant["email"].partition("@")
    assert domain == "example.gov.vn" and local.split("+")[0] == "kiemtra"

    status, value = _observation(ws)
    assert value["recognised"] is True, value
    last = value["attempts"][-1]
    assert last["ok"] is True and last.get("failed_step") is None, last
    assert dossier.code in json.dumps(value, ensure_ascii=False), \
        "the dossier code the journey read is not the one the server issued"
    evidence = _evidence_paths(ws, last)
    assert any(p.suffix == ".png" for p in evidence), last
    for path in evidence:
        assert path.is_file(), path
        assert path.resolve().is_relative_to(ws.resolve()), path

    # the password is typed into the page, never stored (docs/playbooks.md)
    for path in ws.rglob("*"):
        if path.is_file():
            assert PASSWORD.encode() not in path.read_bytes(), path


def test_a_wrong_label_fails_the_journey_at_its_phase(chromium_binary, portal, tmp_path):
    ws, run = _run_check(tmp_path, portal, "Nộp hồ sơ", step_timeout=5)
    # a failed journey is a finding, not a failure of the command
    assert run.returncode == 0, (run.stdout[-3000:], run.stderr[-5000:])
    assert portal.app.dossiers == []
    assert len(portal.app.accounts) == 1 and next(iter(portal.app.accounts.values())).active

    status, value = _observation(ws)
    last = value["attempts"][-1]
    assert last["ok"] is False and last["failed_step"] == "submit", last
    assert value["recognised"] is None, value      # awaiting the re-check, not yet a verdict
