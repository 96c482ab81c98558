"""The test citizen (docs/playbooks.md): the file is checked field by field, the password comes
from the environment or a file outside the workspace and never shows in a repr, each attempt gets
a fresh identity, and the test documents say they are an inspection test."""

from __future__ import annotations

from pathlib import Path

import pytest

from inspector.model.errors import UserError
from inspector.journeys.citizen import (Citizen, CitizenError, Identity, load_citizen,
                                        make_test_document)

PASSWORD = 'Kt#a1b2&9 /"ü'
ENV = "INSPECTOR_TEST_CITIZEN_PASSWORD"

GOOD = {
    "name": "Nguyễn Văn Kiểm Thử",
    "id_number": '"079200000000"',
    "phone": '"0900000000"',
    "email": "kiemtra@example.gov.vn",
    "address": "Số 1, đường Thử Nghiệm, phường Kiểm Tra",
    "password_env": ENV,
    "mailbox": "maildir:/tmp/khong-co/Maildir",
}


def write_citizen(folder: Path, drop=(), **values) -> Path:
    fields = {k: v for k, v in GOOD.items() if k not in drop}
    fields.update(values)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "citizen.yaml"
    path.write_text("".join(f"{k}: {v}\n" for k, v in fields.items()), encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def password_env(monkeypatch):
    monkeypatch.setenv(ENV, PASSWORD)


def load_error(path: Path, **kwargs) -> str:
    with pytest.raises(CitizenError) as info:
        load_citizen(path, **kwargs)
    assert isinstance(info.value, UserError)
    message = str(info.value)
    assert "\n" not in message
    assert PASSWORD not in message
    return message


@pytest.mark.parametrize("field", ["name", "id_number", "phone", "email", "address"])
def test_missing_field(tmp_path, field):
    message = load_error(write_citizen(tmp_path, drop=(field,)))
    assert f"'{field}'" in message


@pytest.mark.parametrize("value", ['"07920000000"', '"0792000000001"', '"07920000000a"',
                                   '"0792 0000000"'])
def test_id_number_must_be_12_digits(tmp_path, value):
    assert "id_number" in load_error(write_citizen(tmp_path, id_number=value))


@pytest.mark.parametrize("value", ['"900000000"', '"09000"', '"+84900000000x"', '"09000000ab"',
                                   '"1900000000"'])
def test_bad_phone(tmp_path, value):
    assert "phone" in load_error(write_citizen(tmp_path, phone=value))


@pytest.mark.parametrize("value", ["kiemtra.example.gov.vn", "kiemtra@", "@example.gov.vn",
                                   "kiem tra@example.gov.vn", "kiemtra@example"])
def test_bad_email(tmp_path, value):
    assert "email" in load_error(write_citizen(tmp_path, email=f'"{value}"'))


def test_password_key_in_the_file_is_refused(tmp_path):
    message = load_error(write_citizen(tmp_path, password='"hunter2"'))
    assert "password" in message and "hunter2" not in message


def test_password_env_not_set(tmp_path, monkeypatch):
    monkeypatch.delenv("INSPECTOR_NOT_SET_ANYWHERE", raising=False)
    message = load_error(write_citizen(tmp_path, password_env="INSPECTOR_NOT_SET_ANYWHERE"))
    assert "password_env" in message and "INSPECTOR_NOT_SET_ANYWHERE" in message


def test_no_password_source(tmp_path):
    assert "password_env" in load_error(write_citizen(tmp_path, drop=("password_env",)))


def test_password_file_inside_workspace(tmp_path):
    workspace = tmp_path / "ws"
    (workspace / "secrets").mkdir(parents=True)
    secret = workspace / "secrets" / "pw.txt"
    secret.write_text(PASSWORD, encoding="utf-8")
    path = write_citizen(tmp_path / "outside", drop=("password_env",), password_file=str(secret))
    message = load_error(path, workspace=workspace)
    assert "password_file" in message and "nằm trong thư mục làm việc" in message


def test_relative_password_file_resolving_inside_workspace(tmp_path):
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "pw.txt").write_text(PASSWORD, encoding="utf-8")
    path = write_citizen(tmp_path, drop=("password_env",), password_file="ws/pw.txt")
    assert "password_file" in load_error(path, workspace=workspace)


def test_citizen_file_inside_workspace(tmp_path):
    workspace = tmp_path / "ws"
    path = write_citizen(workspace / "conf")
    message = load_error(path, workspace=workspace)
    assert "tệp công dân thử nghiệm" in message and "nằm trong thư mục làm việc" in message


def test_unknown_key(tmp_path):
    message = load_error(write_citizen(tmp_path, ngay_sinh='"01/01/1990"'))
    assert "ngay_sinh" in message


def test_bad_mailbox(tmp_path):
    assert "mailbox" in load_error(write_citizen(tmp_path, mailbox="pop3://x@host"))


def test_password_from_env(tmp_path):
    citizen = load_citizen(write_citizen(tmp_path))
    assert citizen.password == PASSWORD
    assert citizen.id_number == "079200000000" and citizen.phone == "0900000000"
    assert citizen.email == "kiemtra@example.gov.vn"
    assert citizen.mailbox == "maildir:/tmp/khong-co/Maildir"
    assert citizen.secrets() == [PASSWORD]


def test_password_from_file_outside_workspace(tmp_path):
    workspace = tmp_path / "ws"
    workspace.mkdir()
    secret = tmp_path / "keys" / "pw.txt"
    secret.parent.mkdir()
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    path = write_citizen(tmp_path / "conf", drop=("password_env",), password_file=str(secret))
    citizen = load_citizen(path, workspace=workspace)
    assert citizen.password == PASSWORD


def test_password_file_relative_to_citizen_file(tmp_path):
    (tmp_path / "pw.txt").write_text(PASSWORD, encoding="utf-8")
    path = write_citizen(tmp_path, drop=("password_env",), password_file="pw.txt")
    assert load_citizen(path).password == PASSWORD


def test_empty_password_file(tmp_path):
    (tmp_path / "pw.txt").write_text("\n", encoding="utf-8")
    path = write_citizen(tmp_path, drop=("password_env",), password_file="pw.txt")
    assert "password_file" in load_error(path)


@pytest.mark.parametrize("field,value", [("phone", "0345670123"), ("id_number", "012345670123")])
def test_unquoted_numbers_keep_their_leading_zero(tmp_path, field, value):
    citizen = load_citizen(write_citizen(tmp_path, **{field: value}))
    assert getattr(citizen, field) == value


def test_repr_never_shows_the_password(tmp_path, monkeypatch):
    monkeypatch.setenv("INSPECTOR_TEST_MAILBOX_PASSWORD", "MailS3cret!")
    path = write_citizen(tmp_path, mailbox_password_env="INSPECTOR_TEST_MAILBOX_PASSWORD")
    citizen = load_citizen(path)
    assert citizen.mailbox_password == "MailS3cret!"
    for text in (repr(citizen), str(citizen), f"{citizen}", repr([citizen])):
        assert PASSWORD not in text and "MailS3cret!" not in text
    identity = citizen.identity(7)
    assert identity.password == PASSWORD
    for text in (repr(identity), str(identity), repr({"who": identity})):
        assert PASSWORD not in text
    assert PASSWORD not in repr(identity.public()) and "password" not in identity.public()


def test_identity_per_serial(tmp_path):
    citizen = load_citizen(write_citizen(tmp_path, email="kiemtra+cu@example.gov.vn"))
    identities = [citizen.identity(serial) for serial in range(1000)]
    numbers = {i.id_number for i in identities}
    emails = {i.email for i in identities}
    assert len(numbers) == 1000 and len(emails) == 1000
    for serial, identity in enumerate(identities):
        assert isinstance(identity, Identity)
        assert len(identity.id_number) == 12 and identity.id_number.isdigit()
        assert identity.id_number[:6] == "079200"
        assert identity.email == f"kiemtra+kt{serial}@example.gov.vn"
        assert identity.name == citizen.name and identity.phone == citizen.phone
    assert identities[1].id_number[-6:] != identities[2].id_number[-6:]


def test_identity_of_a_citizen_made_directly():
    citizen = Citizen(name="A", id_number="001099123456", phone="0900000000",
                      email="a.b@x.vn", address="B", mailbox=None, source=Path("c.yaml"),
                      password="pw")
    assert citizen.identity(42).id_number == "001099000042"
    assert citizen.identity(42).email == "a.b+kt42@x.vn"


@pytest.mark.parametrize("kind,magic,ext,mime", [
    ("pdf", b"%PDF-", ".pdf", "application/pdf"),
    ("png", b"\x89PNG\r\n\x1a\n", ".png", "image/png"),
    ("jpg", b"\xff\xd8\xff", ".jpg", "image/jpeg"),
])
def test_test_documents(kind, magic, ext, mime):
    name, data, content_type = make_test_document(kind, label="lan kiem tra 1")
    assert data.startswith(magic)
    assert name.endswith(ext) and "/" not in name and name.strip()
    assert content_type == mime
    assert len(data) > 1000


def pdf_has_text(data: bytes, text: str) -> bool:
    # Pillow writes the document information (Title, Subject) as PDF text strings: plain or
    # UTF-16BE with a byte order mark; a PDF reader shows either as the same words.
    return text.encode("latin-1") in data or text.encode("utf-16-be") in data


def test_pdf_says_it_is_an_inspection_test():
    _, data, _ = make_test_document("pdf")
    assert b"/Subject" in data and b"/Title" in data
    assert pdf_has_text(data, "Inspection test")
    assert pdf_has_text(data, "do not process")
    assert pdf_has_text(data, "kiem tra thu nghiem")
    assert not pdf_has_text(data, "Inspection test" + "x")


def test_unknown_document_kind():
    with pytest.raises(ValueError):
        make_test_document("doc")
