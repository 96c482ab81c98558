"""The test citizen: identity from a file outside the workspace, the password from the environment
or a file, a fresh identity per attempt, and test documents that say they are an inspection test."""

from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from PIL import Image, ImageDraw

from ..model.errors import UserError

REQUEST_TEXT = ("ĐÂY LÀ HỒ SƠ KIỂM TRA THỬ NGHIỆM của Sở Thông tin và Truyền thông, nộp để đánh "
                "giá dịch vụ công trực tuyến theo Mục V.4.2 (Quyết định 1040/QĐ-UBND). Đề nghị "
                "không giải quyết hồ sơ này.")
# Latin-1 only: Pillow's built-in bitmap font has no Vietnamese glyphs.
DOCUMENT_LINES = ("HO SO KIEM TRA THU NGHIEM - INSPECTION TEST",
                  "Tai lieu nay do cong cu kiem tra tu dong tao ra",
                  "de danh gia dich vu cong truc tuyen (Muc V.4.2).",
                  "De nghi KHONG giai quyet ho so nay.",
                  "This document is an automated inspection test. Do not process.")
CITIZEN_KEYS = {"name", "id_number", "phone", "email", "address", "password_env",
                "password_file", "mailbox", "mailbox_password_env", "mailbox_password_file"}


class CitizenError(UserError):
    """A citizen file or credential that cannot be used."""


@dataclass(frozen=True)
class Citizen:
    """The configured test citizen. ``password`` is kept out of repr() so that it never lands
    in a log or a traceback."""

    name: str
    id_number: str
    phone: str
    email: str
    address: str
    mailbox: str | None
    source: Path
    password: str = ""
    mailbox_password: str | None = None

    def __repr__(self) -> str:
        return f"Citizen(name={self.name!r}, email={self.email!r}, source={str(self.source)!r})"

    def secrets(self) -> list[str]:
        return [s for s in (self.password, self.mailbox_password) if s]

    def identity(self, serial: int) -> "Identity":
        """A fresh identity for one attempt: portals refuse a second account with the same ID
        number or e-mail, so the ID's last six digits and the e-mail's +tag come from ``serial``."""
        number = f"{self.id_number[:-6]}{serial % 1_000_000:06d}"
        local, _, domain = self.email.partition("@")
        local = local.split("+", 1)[0]
        return Identity(name=self.name, id_number=number, phone=self.phone,
                        email=f"{local}+kt{serial}@{domain}", address=self.address,
                        password=self.password)


@dataclass(frozen=True)
class Identity:
    name: str
    id_number: str
    phone: str
    email: str
    address: str
    password: str

    def __repr__(self) -> str:
        return f"Identity(id_number={self.id_number!r}, email={self.email!r})"

    def public(self) -> dict[str, str]:
        """What may be stored with an attempt (to find the test dossier on the portal)."""
        return {"name": self.name, "id_number": self.id_number, "phone": self.phone,
                "email": self.email}


def _secret(doc: dict[str, Any], path: Path, prefix: str, workspace: Path | None,
            required: bool) -> str | None:
    env_key, file_key = f"{prefix}_env", f"{prefix}_file"
    if doc.get(env_key):
        value = os.environ.get(str(doc[env_key]))
        if not value:
            raise CitizenError(f"{path}: {env_key}: biến môi trường {doc[env_key]} chưa đặt "
                               "hoặc để trống")
        return value
    if doc.get(file_key):
        secret_path = Path(str(doc[file_key])).expanduser()
        if not secret_path.is_absolute():
            secret_path = (path.parent / secret_path)
        _outside(secret_path, workspace, f"{path}: {file_key}")
        try:
            value = secret_path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise CitizenError(f"{path}: {file_key}: không đọc được {secret_path}: "
                               f"{exc.strerror}") from None
        if not value:
            raise CitizenError(f"{path}: {file_key}: tệp {secret_path} trống")
        return value
    if required:
        raise CitizenError(f"{path}: {env_key} hoặc {file_key} là bắt buộc (không bao giờ ghi mật "
                           "khẩu trong tệp công dân thử nghiệm)")
    return None


def _outside(path: Path, workspace: Path | None, where: str) -> None:
    if workspace is None:
        return
    resolved, root = path.resolve(), workspace.resolve()
    if resolved == root or root in resolved.parents:
        raise CitizenError(f"{where}: {path} nằm trong thư mục làm việc (workspace); hãy để "
                           "thông tin đăng nhập ở ngoài thư mục này")


def load_citizen(path: Path, workspace: Path | None = None) -> Citizen:
    """Read the citizen file (docs/playbooks.md); every fault is one line naming the field."""
    path = Path(path).expanduser()
    _outside(path, workspace, "tệp công dân thử nghiệm")
    try:
        # Every value a string: an unquoted 0345670123 must not become an (octal) number.
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    except OSError as exc:
        raise CitizenError(f"{path}: không đọc được tệp công dân thử nghiệm: {exc.strerror}") \
            from None
    except yaml.YAMLError:
        raise CitizenError(f"{path}: không phải YAML hợp lệ") from None
    if not isinstance(doc, dict):
        raise CitizenError(f"{path}: phải là một mapping gồm name, id_number, phone, email, "
                           "address…")
    if "password" in doc:
        raise CitizenError(f"{path}: trường 'password': không bao giờ ghi mật khẩu ở đây; hãy "
                           "dùng password_env hoặc password_file")
    unknown = set(doc) - CITIZEN_KEYS
    if unknown:
        raise CitizenError(f"{path}: trường không được hỗ trợ: {', '.join(sorted(unknown))}")
    values = {}
    for key in ("name", "id_number", "phone", "email", "address"):
        value = doc.get(key)
        if value is None or not str(value).strip():
            raise CitizenError(f"{path}: trường '{key}' là bắt buộc")
        values[key] = str(value).strip()
    if not re.fullmatch(r"\d{12}", values["id_number"]):
        raise CitizenError(f"{path}: trường 'id_number': phải gồm 12 chữ số (số CCCD / định "
                           "danh)")
    if not re.fullmatch(r"0\d{9,10}", values["phone"]):
        raise CitizenError(f"{path}: trường 'phone': phải là số điện thoại Việt Nam, ví dụ "
                           "0900000000")
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", values["email"]):
        raise CitizenError(f"{path}: trường 'email': không phải địa chỉ e-mail")
    mailbox = doc.get("mailbox")
    if mailbox is not None and not re.match(r"^(maildir:|imaps?://)", str(mailbox)):
        raise CitizenError(f"{path}: trường 'mailbox': phải có dạng maildir:/path hoặc "
                           "imaps://user@host/INBOX")
    password = _secret(doc, path, "password", workspace, required=True)
    mailbox_password = _secret(doc, path, "mailbox_password", workspace, required=False)
    return Citizen(**values, mailbox=str(mailbox) if mailbox else None, source=path,
                   password=password or "", mailbox_password=mailbox_password)


def citizen_from_environment(option: Path | None, workspace: Path | None) -> Citizen:
    path = option or (Path(os.environ["INSPECTOR_CITIZEN"]) if os.environ.get("INSPECTOR_CITIZEN")
                      else None)
    if path is None:
        raise CitizenError("chưa có công dân thử nghiệm: dùng --citizen FILE hoặc đặt "
                           "INSPECTOR_CITIZEN (định dạng: docs/playbooks.md)")
    return load_citizen(path, workspace)


def _page(label: str) -> Image.Image:
    image = Image.new("RGB", (1240, 1754), "white")          # A4 at 150 dpi
    draw = ImageDraw.Draw(image)
    draw.rectangle((60, 60, 1180, 1694), outline="black", width=4)
    y = 140
    for line in DOCUMENT_LINES + (label,):
        draw.text((120, y), line, fill="black")
        y += 40
    return image


def make_test_document(kind: str, label: str = "") -> tuple[str, bytes, str]:
    """A file to upload, made now: (file name, bytes, MIME type). Every kind says in plain
    words that it is an inspection test."""
    image = _page(label)
    out = io.BytesIO()
    if kind == "pdf":
        image.save(out, "PDF", resolution=150.0, title="Ho so kiem tra thu nghiem",
                   subject="Inspection test - do not process", author="inspector")
        return "ho-so-kiem-tra-thu-nghiem.pdf", out.getvalue(), "application/pdf"
    if kind == "png":
        image.save(out, "PNG")
        return "ho-so-kiem-tra-thu-nghiem.png", out.getvalue(), "image/png"
    if kind == "jpg":
        image.save(out, "JPEG", quality=80)
        return "ho-so-kiem-tra-thu-nghiem.jpg", out.getvalue(), "image/jpeg"
    raise ValueError(f"unknown test document kind {kind!r}")
