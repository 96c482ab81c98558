"""Secrets are removed from what a journey records (traces, HAR files, text) in every encoding a
page or Playwright may have written them in, and nothing else is touched."""

from __future__ import annotations

import base64
import json
import zipfile
from io import BytesIO
from urllib.parse import quote, quote_plus

import pytest

from inspector.journeys.redact import MASK, scrub_bytes, scrub_file, scrub_text, scrub_zip

PASSWORD = 'Kt#a1b2&9 /"ü'
MAILBOX_PASSWORD = "Hộp-thư#2026"

FORMS = {
    "raw": PASSWORD,
    "quote_plus": quote_plus(PASSWORD),
    "quote_safe_none": quote(PASSWORD, safe=""),
    "quote_default": quote(PASSWORD),
    "json_ascii": json.dumps(PASSWORD)[1:-1],
    "json_unicode": json.dumps(PASSWORD, ensure_ascii=False)[1:-1],
    "base64": base64.b64encode(PASSWORD.encode("utf-8")).decode("ascii"),
}

BEFORE = "Đăng nhập lúc 08:00 — tên: kiemtra@example.gov.vn; mat_khau="
AFTER = "&submit=Đăng+nhập {\"ok\": true}"


def masked(form: str) -> str:
    """What a scrubbed form leaves: the mask, plus, for base64, the last group, which mixes the
    password's last bytes with what follows it and so is left (it holds at most two bytes)."""
    if form == FORMS["base64"]:
        whole = (len(PASSWORD.encode("utf-8")) // 3) * 4
        return MASK + form[whole:]
    return MASK


def leaks(data: bytes) -> list[str]:
    return [name for name, form in FORMS.items() if form.encode("utf-8") in data]


def test_the_forms_are_really_different():
    assert len(set(FORMS.values())) == len(FORMS)


@pytest.mark.parametrize("form", sorted(FORMS))
def test_scrub_bytes_each_form(form):
    data = (BEFORE + FORMS[form] + AFTER).encode("utf-8")
    out = scrub_bytes(data, [PASSWORD])
    assert leaks(out) == []
    assert out == (BEFORE + masked(FORMS[form]) + AFTER).encode("utf-8")


@pytest.mark.parametrize("form", sorted(FORMS))
def test_scrub_text_each_form(form):
    out = scrub_text(BEFORE + FORMS[form] + AFTER, [PASSWORD])
    assert out == BEFORE + masked(FORMS[form]) + AFTER


def test_all_forms_at_once_and_several_secrets():
    text = "\n".join(f"{name}: {form}" for name, form in FORMS.items())
    text += f"\nmailbox: {MAILBOX_PASSWORD} / {quote_plus(MAILBOX_PASSWORD)}\nend"
    out = scrub_text(text, [PASSWORD, MAILBOX_PASSWORD])
    assert leaks(out.encode()) == []
    assert MAILBOX_PASSWORD not in out and quote_plus(MAILBOX_PASSWORD) not in out
    assert out.splitlines() == [f"{name}: {masked(form)}" for name, form in FORMS.items()] + [
        f"mailbox: {MASK} / {MASK}", "end"]


def test_form_body_and_json_document():
    form = f"ho_ten=Nguy%E1%BB%85n&mat_khau={quote_plus(PASSWORD)}&luu=1"
    assert scrub_text(form, [PASSWORD]) == f"ho_ten=Nguy%E1%BB%85n&mat_khau={MASK}&luu=1"
    for ascii_only in (True, False):
        doc = json.dumps({"user": "kiemtra", "password": PASSWORD, "n": 1},
                         ensure_ascii=ascii_only)
        out = scrub_text(doc, [PASSWORD])
        assert json.loads(out) == {"user": "kiemtra", "password": MASK, "n": 1}


@pytest.mark.parametrize("ascii_only", [True, False])
def test_json_body_inside_a_har_entry(ascii_only):
    body = json.dumps({"username": "kiemtra", "password": PASSWORD}, ensure_ascii=ascii_only)
    har = json.dumps({"log": {"entries": [{"request": {"postData": {
        "mimeType": "application/json", "text": body}}}]}}, ensure_ascii=ascii_only)
    out = scrub_text(har, [PASSWORD])
    inner = json.loads(json.loads(out)["log"]["entries"][0]["request"]["postData"]["text"])
    assert inner["password"] != PASSWORD
    assert PASSWORD not in out


def test_basic_auth_header():
    token = base64.b64encode(f"kiemtra:{PASSWORD}".encode("utf-8")).decode("ascii")
    out = scrub_text(f"Authorization: Basic {token}\r\n", [PASSWORD])
    assert token not in out


def test_empty_secrets_change_nothing():
    data = ("\n".join(FORMS.values()) + BEFORE + AFTER).encode("utf-8") + b"\x00\xff\xfe"
    assert scrub_bytes(data, []) == data
    assert scrub_bytes(data, [""]) == data
    text = "\n".join(FORMS.values())
    assert scrub_text(text, []) == text


def make_zip() -> tuple[bytes, dict[str, bytes]]:
    members = {
        "trace.trace": ("\n".join(json.dumps({"type": "action", "method": "fill",
                                              "params": {"selector": "#mk", "value": PASSWORD}},
                                             ensure_ascii=a) for a in (True, False))
                        + "\n" + json.dumps({"type": "log", "text": "điền họ tên"}) + "\n"
                        ).encode("utf-8"),
        "trace.network": json.dumps({"postData": f"mat_khau={quote_plus(PASSWORD)}&x=1",
                                     "url": f"http://127.0.0.1:8101/dang-nhap?p={quote(PASSWORD)}"}
                                    ).encode("utf-8"),
        "resources/abc.txt": f"Authorization: Basic "
                             f"{base64.b64encode(PASSWORD.encode()).decode()}\n".encode(),
        "resources/echo.html": f"<input name=mk value='{PASSWORD}'>".encode("utf-8"),
        "resources/logo.png": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
        "resources/keep.txt": "Hồ sơ kiểm tra thử nghiệm — không có bí mật.".encode("utf-8"),
    }
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in members.items():
            method = zipfile.ZIP_DEFLATED if name == "trace.trace" else zipfile.ZIP_STORED
            zf.writestr(zipfile.ZipInfo(name, (2026, 11, 26, 8, 0, 0)), data,
                        compress_type=method)
    return out.getvalue(), members


def read_members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(BytesIO(data)) as zf:
        assert zf.testzip() is None
        return {info.filename: zf.read(info) for info in zf.infolist()}


def test_zip_fixture_holds_the_secret_in_many_forms():
    data, members = make_zip()
    found = set()
    for content in members.values():
        found.update(leaks(content))
    assert found >= {"raw", "json_ascii", "json_unicode", "quote_plus", "quote_default", "base64"}
    # the compressed member does not show the secret in the zip's raw bytes
    with zipfile.ZipFile(BytesIO(data)) as zf:
        assert zf.getinfo("trace.trace").compress_type == zipfile.ZIP_DEFLATED


def test_scrub_zip_every_member():
    data, members = make_zip()
    out = scrub_zip(data, [PASSWORD])
    scrubbed = read_members(out)
    assert list(scrubbed) == list(members)
    for name, content in scrubbed.items():
        assert leaks(content) == [], name
        assert PASSWORD.encode() not in content
    assert scrubbed["resources/logo.png"] == members["resources/logo.png"]
    assert scrubbed["resources/keep.txt"] == members["resources/keep.txt"]
    trace = [json.loads(line) for line in scrubbed["trace.trace"].decode().splitlines()]
    assert [t["params"]["value"] for t in trace[:2]] == [MASK, MASK]
    assert trace[2] == {"type": "log", "text": "điền họ tên"}
    network = json.loads(scrubbed["trace.network"])
    assert network["postData"] == f"mat_khau={MASK}&x=1"
    assert network["url"] == f"http://127.0.0.1:8101/dang-nhap?p={MASK}"
    assert leaks(out) == []


def test_scrub_zip_without_secrets_keeps_every_member():
    data, members = make_zip()
    assert read_members(scrub_zip(data, [])) == members


def test_scrub_file_zip_and_plain(tmp_path):
    data, members = make_zip()
    trace = tmp_path / "trace.zip"
    trace.write_bytes(data)
    scrubbed = read_members(scrub_file(trace, [PASSWORD]))
    assert set(scrubbed) == set(members)
    assert all(leaks(c) == [] for c in scrubbed.values())
    assert trace.read_bytes() == data           # the file itself is left for the caller

    har = tmp_path / "run.har"
    har.write_text(json.dumps({"log": {"entries": [{"request": {
        "url": f"http://127.0.0.1:8101/dang-nhap?mk={quote_plus(PASSWORD)}",
        "postData": {"params": [{"name": "mat_khau", "value": PASSWORD}]}}}]}}),
        encoding="utf-8")
    out = scrub_file(har, [PASSWORD])
    doc = json.loads(out)
    request = doc["log"]["entries"][0]["request"]
    assert request["url"] == f"http://127.0.0.1:8101/dang-nhap?mk={MASK}"
    assert request["postData"]["params"] == [{"name": "mat_khau", "value": MASK}]
    assert scrub_file(har, []) == har.read_bytes()
