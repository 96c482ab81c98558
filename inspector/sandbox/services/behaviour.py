"""Per-service behaviours of the DVCTT portals, the state both platforms share, and verdicts."""

from __future__ import annotations

import hashlib
import io
import random
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from werkzeug.wrappers import Request

from ...model.textnorm import fold
from ..model import SERVICE_BEHAVIOURS, Procedure, Province, Service
from .clock import SandboxClock
from .mail import send_mail

# A failing service is re-checked later (method V.4.2.c.ii); a flaky one works again from here.
RECHECK_AFTER = timedelta(hours=4)
# A dossier shows "Đã tiếp nhận" when submitted and "Đang xử lý" this long afterwards.
PROCESSING_AFTER = timedelta(hours=2)
OTP_VALIDITY = timedelta(minutes=10)
OTP_ATTEMPTS = 5
MAX_UPLOAD = 10 * 1024 * 1024

# The steps of a check, in the order a citizen takes them.
STEPS = ("open", "register", "confirm", "login", "choose", "fill", "upload", "submit", "track")
VERDICTS = ("recognised", "not_recognised", "needs_human")

# Where each platform shows a behaviour whose form differs between platforms.
FLAKY_STEP = {"ssr": "submit", "spa": "open"}
REGISTRATION_FAILURE = {"ssr": "error_page", "spa": "no_mail"}

CAPTCHA_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"     # no 0/O, 1/I/L

STATUS_RECEIVED = "Đã tiếp nhận"
STATUS_PROCESSING = "Đang xử lý"

LEVEL_TEXT = {4: "Toàn trình (mức độ 4)", 3: "Một phần (mức độ 3)"}


def expected_verdict(service: Service) -> dict:
    """What a perfect check of ``service`` finds (the ground truth for the service checker).

    ``failed_step`` is the step where the (first) attempt fails; with ``recheck`` true the first
    attempt fails there but a re-check at least 4 sandbox hours later succeeds, and ``verdict`` is
    the final one. A service linked to no approved procedure is not checked at all."""
    if service.behaviour not in SERVICE_BEHAVIOURS:
        raise ValueError(f"unknown service behaviour {service.behaviour!r}")
    if not service.procedures:
        return _verdict("not_recognised", None, "not linked to a procedure of the approved "
                        "catalogue; not checked")
    portal = service.portal
    table = {
        "works": ("recognised", None, "registers, submits and tracks a dossier"),
        "registration_broken": (
            "not_recognised", "register",
            "registration answers an error page" if REGISTRATION_FAILURE.get(portal) == "error_page"
            else "registration sends no OTP e-mail"),
        "submission_fails": ("not_recognised", "submit", "the final submit answers an error and "
                             "gives no dossier code"),
        "no_status_lookup": ("not_recognised", "track", "the dossier lookup answers 404"),
        "dead_link": ("not_recognised", "open", "the declared link answers 404"),
        "flaky": ("recognised", FLAKY_STEP.get(portal, "submit"),
                  ("the submit" if FLAKY_STEP.get(portal, "submit") == "submit" else
                   "the service page") + " answers 503 at first; works at the re-check"),
        "captcha": ("needs_human", "submit", "an image captcha guards the submit"),
        "slow": ("recognised", None, "every step is slow but works"),
    }
    verdict, step, reason = table[service.behaviour]
    return _verdict(verdict, step, reason, recheck=service.behaviour == "flaky")


def _verdict(verdict: str, failed_step: str | None, reason: str, recheck: bool = False) -> dict:
    return {"verdict": verdict, "failed_step": failed_step, "reason": reason, "recheck": recheck}


@dataclass(frozen=True)
class Fault:
    """A behaviour refusing a step: the HTTP status and the Vietnamese message to show."""

    status: int
    message: str
    step: str


@dataclass
class Account:
    id_no: str                   # số CCCD / số định danh cá nhân (the user name)
    name: str
    phone: str
    email: str
    password_hash: str
    active: bool = False
    service_id: str | None = None   # the service whose journey created it


@dataclass
class Challenge:
    """An OTP waiting to be typed: confirming a registration or a single sign-on login."""

    id: str
    purpose: str                 # "register" | "login"
    account: str                 # id_no
    otp: str
    expires: datetime
    service_id: str | None = None
    attempts: int = 0


@dataclass
class Dossier:
    code: str
    service_id: str
    procedure: str | None        # catalogue code
    owner: str                   # id_no of the account
    applicant: dict[str, str]
    details: dict[str, str]
    files: list[tuple[str, int, str]]   # (name, size, content type)
    submitted: datetime


@dataclass
class Session:
    token: str
    user: str | None = None      # id_no when logged in
    flash: list[str] = field(default_factory=list)
    data: dict = field(default_factory=dict)     # platform-specific (drafts...)


class MailError(RuntimeError):
    """The portal could not hand a message to the SMTP sink."""


class PortalCore:
    """What both platforms share: accounts, OTP challenges, sessions, dossiers, captchas, and the
    per-service behaviours (``fault_*``, ``pace``, ``needs_captcha``)."""

    def __init__(self, platform: str, province: Province, services: list[Service],
                 clock: SandboxClock, smtp: tuple[str, int] | None, slow_seconds: float,
                 sender: str):
        self.platform = platform
        self.province = province
        self.services = list(services)
        self.clock = clock
        self.smtp = smtp
        self.slow_seconds = slow_seconds
        self.sender = sender
        self.lock = threading.RLock()
        # Separate streams, so that OTPs and captchas do not depend on how many visitors came.
        self.rng = random.Random(f"{province.seed}:{platform}:tokens")
        self.otp_rng = random.Random(f"{province.seed}:{platform}:otp")
        self.captcha_rng = random.Random(f"{province.seed}:{platform}:captcha")
        self.by_id: dict[str, Service] = {}
        self.by_path: dict[str, Service] = {}
        for service in self.services:
            if service.portal != platform:
                raise ValueError(f"service {service.id} is hosted on {service.portal!r}, "
                                 f"not {platform!r}")
            if service.behaviour not in SERVICE_BEHAVIOURS:
                raise ValueError(f"service {service.id}: unknown behaviour {service.behaviour!r}")
            path = normalise_path(service.path)
            if not path.startswith("/") or path in self.by_path or service.id in self.by_id:
                raise ValueError(f"service {service.id}: bad or duplicate id/path {service.path!r}")
            self.by_id[service.id] = service
            self.by_path[path] = service
        self._procedures: dict[str, Procedure] = {}
        for agency in province.agencies:
            for procedure in agency.procedures:
                self._procedures.setdefault(procedure.code, procedure)
        for procedure in province.catalogue:
            self._procedures[procedure.code] = procedure
        agency_ids = [a.id for a in province.agencies]
        agency_ids += sorted({s.agency_id for s in self.services} - set(agency_ids))
        self._agency_no = {agency_id: i + 1 for i, agency_id in enumerate(agency_ids)}
        self.accounts: dict[str, Account] = {}
        self.challenges: dict[str, Challenge] = {}
        self.sessions: dict[str, Session] = {}
        self.dossiers: dict[str, Dossier] = {}
        self.captchas: dict[object, str] = {}
        self.outbox: list[tuple[str, str, str]] = []   # (to, subject, body) of every mail sent
        self._seq = 0

    # -- catalogue ---------------------------------------------------------------------------
    def procedure(self, code: str, service: Service | None = None) -> Procedure:
        found = self._procedures.get(code)
        if found is not None:
            return found
        return Procedure(code, service.name if service else code, "Khác",
                         service.level if service else 3, "province")

    def procedures_of(self, service: Service) -> list[Procedure]:
        return [self.procedure(code, service) for code in service.procedures]

    def agency_name(self, service: Service) -> str:
        try:
            return self.province.agency(service.agency_id).name
        except KeyError:
            return service.agency_id

    def service_at(self, path: str) -> Service | None:
        return self.by_path.get(normalise_path(path))

    def catalogue(self, query: str = "") -> list[tuple[str, list[tuple[Procedure, Service]]]]:
        """The hosted services' procedures grouped by field (lĩnh vực), filtered by a code or a
        name fragment; services linked to no procedure are listed under "Khác" by their name."""
        needle = fold(query)
        groups: dict[str, list[tuple[Procedure, Service]]] = {}
        for service in self.services:
            procedures = self.procedures_of(service) or [
                Procedure("", service.name, "Khác", service.level, "province")]
            for procedure in procedures:
                if needle and needle not in fold(procedure.code) and needle not in fold(
                        procedure.name) and needle not in fold(service.name):
                    continue
                groups.setdefault(procedure.field, []).append((procedure, service))
        ordered = sorted(groups.items(), key=lambda kv: (kv[0] == "Khác", fold(kv[0])))
        return [(name, sorted(rows, key=lambda r: (r[0].code, r[1].id))) for name, rows in ordered]

    # -- behaviours --------------------------------------------------------------------------
    def flaky_down(self) -> bool:
        return self.clock.now() < self.clock.start + RECHECK_AFTER

    def pace(self, service: Service | None) -> None:
        """A slow service takes ``slow_seconds`` (real time) on every step."""
        if service is not None and service.behaviour == "slow" and self.slow_seconds > 0:
            time.sleep(self.slow_seconds)

    def fault_open(self, service: Service) -> Fault | None:
        if service.behaviour == "dead_link":
            return Fault(404, "Không tìm thấy trang yêu cầu.", "open")
        if (service.behaviour == "flaky" and FLAKY_STEP[self.platform] == "open"
                and self.flaky_down()):
            return Fault(503, "Dịch vụ tạm thời gián đoạn. Vui lòng quay lại sau.", "open")
        return None

    def fault_register(self, service: Service | None) -> Fault | None:
        if (service is not None and service.behaviour == "registration_broken"
                and REGISTRATION_FAILURE[self.platform] == "error_page"):
            return Fault(500, "Lỗi hệ thống: không thể tạo tài khoản lúc này. "
                              "Vui lòng thử lại sau.", "register")
        return None

    def registration_mail_lost(self, service: Service | None) -> bool:
        return (service is not None and service.behaviour == "registration_broken"
                and REGISTRATION_FAILURE[self.platform] == "no_mail")

    def fault_submit(self, service: Service) -> Fault | None:
        if service.behaviour == "submission_fails":
            return Fault(500, "Đã xảy ra lỗi trong quá trình nộp hồ sơ. Vui lòng thử lại sau.",
                         "submit")
        if (service.behaviour == "flaky" and FLAKY_STEP[self.platform] == "submit"
                and self.flaky_down()):
            return Fault(503, "Hệ thống đang quá tải, không thể nộp hồ sơ lúc này. "
                              "Vui lòng thử lại sau.", "submit")
        return None

    def fault_track(self, service: Service) -> Fault | None:
        if service.behaviour == "no_status_lookup":
            return Fault(404, "Không tìm thấy hồ sơ.", "track")
        return None

    @staticmethod
    def needs_captcha(service: Service) -> bool:
        return service.behaviour == "captcha"

    # -- sessions ----------------------------------------------------------------------------
    def token(self) -> str:
        with self.lock:
            return f"{self.rng.getrandbits(128):032x}"

    def session(self, token: str | None) -> Session:
        with self.lock:
            if token and token in self.sessions:
                return self.sessions[token]
            session = Session(self.token())
            self.sessions[session.token] = session
            return session

    def user(self, session: Session) -> Account | None:
        return self.accounts.get(session.user) if session.user else None

    # -- accounts and OTPs -------------------------------------------------------------------
    @staticmethod
    def validate_registration(name: str, id_no: str, phone: str, email: str, password: str,
                              again: str) -> dict[str, str]:
        """Field → error message (empty when the registration form is valid)."""
        errors = {}
        if len(name.strip()) < 2:
            errors["ho_ten"] = "Vui lòng nhập họ và tên."
        if not (id_no.isdigit() and len(id_no) == 12):
            errors["so_cccd"] = "Số CCCD/định danh cá nhân gồm 12 chữ số."
        if not (phone.isdigit() and len(phone) == 10 and phone.startswith("0")):
            errors["dien_thoai"] = "Số điện thoại gồm 10 chữ số, bắt đầu bằng 0."
        local, _, domain = email.partition("@")
        if not local or "." not in domain or " " in email:
            errors["email"] = "Địa chỉ thư điện tử không hợp lệ."
        if len(password) < 8:
            errors["mat_khau"] = "Mật khẩu phải có ít nhất 8 ký tự."
        elif password != again:
            errors["nhap_lai_mat_khau"] = "Mật khẩu nhập lại không khớp."
        return errors

    def create_account(self, name: str, id_no: str, phone: str, email: str, password: str,
                       service: Service | None) -> tuple[Account | None, str | None]:
        """A new inactive account (replacing an unconfirmed one), or an error message."""
        with self.lock:
            existing = self.accounts.get(id_no)
            if existing is not None and existing.active:
                return None, "Số CCCD/định danh này đã được đăng ký."
            if any(a.active and a.email.lower() == email.lower() for a in self.accounts.values()):
                return None, "Địa chỉ thư điện tử này đã được đăng ký."
            account = Account(id_no, name.strip(), phone, email.strip(), _hash(id_no, password),
                              service_id=service.id if service else None)
            self.accounts[id_no] = account
            return account, None

    def authenticate(self, username: str, password: str) -> Account | None:
        username = username.strip()
        with self.lock:
            account = self.accounts.get(username) or next(
                (a for a in self.accounts.values() if a.email.lower() == username.lower()), None)
        if account is None or account.password_hash != _hash(account.id_no, password):
            return None
        return account

    def challenge(self, purpose: str, account: Account, service: Service | None) -> Challenge:
        with self.lock:
            otp = f"{self.otp_rng.randrange(1_000_000):06d}"
            found = Challenge(self.token()[:16], purpose, account.id_no, otp,
                              self.clock.now() + OTP_VALIDITY,
                              service.id if service else None)
            self.challenges[found.id] = found
            return found

    def verify(self, challenge_id: str, otp: str, purpose: str) -> tuple[Challenge | None, str]:
        """The challenge when ``otp`` is right (it is then used up), else (None, message)."""
        with self.lock:
            found = self.challenges.get(challenge_id)
            if found is None or found.purpose != purpose:
                return None, "Phiên xác thực không tồn tại hoặc đã kết thúc."
            if self.clock.now() > found.expires:
                del self.challenges[challenge_id]
                return None, "Mã OTP đã hết hạn. Vui lòng thực hiện lại."
            found.attempts += 1
            if otp.strip() != found.otp:
                if found.attempts >= OTP_ATTEMPTS:
                    del self.challenges[challenge_id]
                    return None, "Nhập sai mã OTP quá số lần cho phép. Vui lòng thực hiện lại."
                return None, "Mã OTP không đúng."
            del self.challenges[challenge_id]
            return found, ""

    def mail(self, to: str, subject: str, body: str) -> None:
        """Send through the SMTP sink (or only record it when the portal has no sink)."""
        with self.lock:
            self.outbox.append((to, subject, body))
        if self.smtp is None:
            return
        try:
            send_mail(self.smtp[0], self.smtp[1], self.sender, to, subject, body)
        except (OSError, ValueError) as error:
            raise MailError(str(error)) from error

    # -- dossiers ----------------------------------------------------------------------------
    def new_dossier(self, service: Service, procedure: str | None, owner: str,
                    applicant: dict[str, str], details: dict[str, str],
                    files: list[tuple[str, int, str]]) -> Dossier:
        with self.lock:
            self._seq += 1
            now = self.clock.now()
            code = self.dossier_code(service, now, self._seq)
            dossier = Dossier(code, service.id, procedure, owner, dict(applicant), dict(details),
                              list(files), now)
            self.dossiers[code] = dossier
            return dossier

    def dossier_code(self, service: Service, moment: datetime, seq: int) -> str:
        province = 10 + self.province.seed % 90
        agency = self._agency_no.get(service.agency_id, 99) % 100
        if self.platform == "ssr":              # mã hồ sơ, e.g. H48.12-261126-0001
            return f"H{province:02d}.{agency:02d}-{moment:%y%m%d}-{seq:04d}"
        # số biên nhận, e.g. 000.00.12.H48-261126-0001
        return f"000.00.{agency:02d}.H{province:02d}-{moment:%y%m%d}-{seq:04d}"

    def find_dossier(self, code: str) -> Dossier | None:
        return self.dossiers.get(code.strip())

    def status(self, dossier: Dossier) -> str:
        if self.clock.now() >= dossier.submitted + PROCESSING_AFTER:
            return STATUS_PROCESSING
        return STATUS_RECEIVED

    # -- captcha -----------------------------------------------------------------------------
    def new_captcha(self, key: object) -> bytes:
        """A fresh captcha for ``key`` (its text lives only in the PNG returned)."""
        with self.lock:
            text = "".join(self.captcha_rng.choice(CAPTCHA_ALPHABET) for _ in range(5))
            self.captchas[key] = text
            seed = self.captcha_rng.getrandbits(32)
        return captcha_png(text, seed)

    def check_captcha(self, key: object, answer: str) -> bool:
        """True when ``answer`` is the text of the last captcha shown for ``key`` (one try)."""
        with self.lock:
            text = self.captchas.pop(key, None)
        return text is not None and answer.strip().upper() == text


class UploadRequest(Request):
    """A request that may carry a dossier's files (up to MAX_UPLOAD each)."""

    max_content_length = MAX_UPLOAD + 1024 * 1024
    max_form_memory_size = 1024 * 1024


def normalise_path(path: str) -> str:
    path = path.split("?", 1)[0].split("#", 1)[0]
    return path.rstrip("/") or "/"



def _hash(id_no: str, password: str) -> str:
    return hashlib.sha256(f"{id_no}:{password}".encode()).hexdigest()


def check_upload(filename: str, data: bytes) -> str | None:
    """The Vietnamese error for an unacceptable attachment, or None (PDF, JPEG or PNG only)."""
    if not filename:
        return "Vui lòng chọn tệp đính kèm."
    if not data:
        return "Tệp đính kèm rỗng. Vui lòng chọn tệp khác."
    if len(data) > MAX_UPLOAD:
        return "Tệp đính kèm vượt quá dung lượng cho phép (10 MB)."
    suffix = Path(filename).suffix.lower()
    magic = {".pdf": (b"%PDF",), ".png": (b"\x89PNG",), ".jpg": (b"\xff\xd8",),
             ".jpeg": (b"\xff\xd8",)}
    if suffix not in magic:
        return "Chỉ chấp nhận tệp PDF hoặc ảnh (JPG, PNG)."
    if not data.startswith(magic[suffix]):
        return "Nội dung tệp không đúng định dạng PDF hoặc ảnh."
    return None


_FONT_CACHE: dict[int, object] = {}


def _font(size: int):
    from PIL import ImageFont

    if size not in _FONT_CACHE:
        font = None
        for name in ("DejaVuSans-Bold.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
                     "LiberationSans-Bold.ttf"):
            try:
                font = ImageFont.truetype(name, size)
                break
            except OSError:
                continue
        _FONT_CACHE[size] = font or ImageFont.load_default(size=size)
    return _FONT_CACHE[size]


def captcha_png(text: str, seed: int) -> bytes:
    """Render ``text`` as a noisy, distorted PNG (deterministic for the same text and seed)."""
    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(seed)
    width, height = 170, 56
    image = Image.new("RGB", (width, height), (236, 240, 232))
    draw = ImageDraw.Draw(image)
    for _ in range(260):
        draw.point((rng.randrange(width), rng.randrange(height)),
                   fill=(rng.randrange(90, 200),) * 3)
    font = _font(30)
    x = 10
    for char in text:
        glyph = Image.new("RGBA", (40, 48), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((6, 4), char, font=font,
                                   fill=(rng.randrange(20, 90), rng.randrange(20, 90),
                                         rng.randrange(60, 140), 255))
        glyph = glyph.rotate(rng.uniform(-28, 28), resample=Image.BICUBIC, expand=False)
        image.paste(glyph, (x, rng.randrange(0, 10)), glyph)
        x += 30
    for _ in range(5):
        draw.line([(rng.randrange(width), rng.randrange(height)) for _ in range(2)],
                  fill=(rng.randrange(40, 160),) * 3, width=2)
    image = image.filter(ImageFilter.SMOOTH)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
