"""The evidence origin: stored captures served on another port, by signed expiring URLs only."""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import stat
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Iterable
from urllib.parse import urlencode

from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response
from werkzeug.wsgi import wrap_file

from ..evidence.crops import from_token, png_bytes, render
from ..records.evidence import resolve_evidence

PREFIX = "/e/"

_EXP = re.compile(r"[0-9]{1,12}")
_SIG = re.compile(r"[0-9a-f]{64}")
_SESSION = re.compile(r"[0-9a-f]{32}")
# What may follow frame-ancestors: one origin (scheme://host[:port]) or a CSP keyword.
_ORIGIN = re.compile(r"https?://[A-Za-z0-9.\-\[\]:]+|'none'|'self'")
_SAFE_NAME = re.compile(r"[A-Za-z0-9._-]{1,200}")

# suffix -> (Content-Type, download rather than display)
TYPES = {
    ".html": ("text/html; charset=utf-8", False),
    ".png": ("image/png", False),
    ".jpg": ("image/jpeg", False),
    ".webp": ("image/webp", False),
    ".webm": ("video/webm", False),
    ".zip": ("application/zip", True),
    ".har": ("application/json", True),
}
OCTET = ("application/octet-stream", True)

# Fetches that would run the answer as code (a service worker, a worker, a script) are refused
# outright: the evidence origin serves documents, images and videos, never code.
_CODE_DESTINATIONS = {"serviceworker", "sharedworker", "worker", "script"}


def _timestamp(now: datetime | None) -> float:
    """Seconds since the epoch; a naive datetime is taken as UTC."""
    if now is None:
        now = datetime.now(timezone.utc)
    elif now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    return now.timestamp()


class EvidenceSigner:
    """HMAC-SHA256 over ``path|username|exp``: a link opens one file, for one user, until exp.

    Usernames cannot hold ``|`` (nor do exp's digits), so the message splits one way only."""

    def __init__(self, secret: bytes):
        if not isinstance(secret, (bytes, bytearray)) or len(secret) < 16:
            raise ValueError("the evidence signing secret must be at least 16 bytes")
        self._secret = bytes(secret)

    def _digest(self, path: str, username: str, exp: str, session: str = "",
                crop: str = "") -> str:
        message = f"{path}|{username}|{exp}" + (f"|{session}" if session else "") \
            + (f"|crop:{crop}" if crop else "")
        message = message.encode("utf-8", "surrogatepass")
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()

    @staticmethod
    def _valid_username(username: Any) -> bool:
        return (isinstance(username, str) and 0 < len(username) <= 200
                and "|" not in username and username.isprintable())

    def sign(self, path: str, username: str, lifetime: timedelta = timedelta(minutes=30),
             now: datetime | None = None, session: str | None = None,
             crop: str | None = None) -> str:
        """The query string ``u=<username>&exp=<unix seconds>[&s=<session>][&crop=<token>]
        &sig=<hex>`` for ``path``; with a session's link key the link works only while that
        session lasts; with a crop token (evidence/crops.py) it opens that crop of the
        screenshot, drawn on demand, and nothing else."""
        if not self._valid_username(username):
            raise ValueError(f"cannot sign evidence for username {username!r}")
        if lifetime <= timedelta(0):
            raise ValueError("an evidence link needs a positive lifetime")
        if session is not None and not _SESSION.fullmatch(session):
            raise ValueError("a session's link key is 32 hex digits")
        exp = str(int(_timestamp(now) + lifetime.total_seconds()))
        query = {"u": username, "exp": exp}
        if session:
            query["s"] = session
        if crop:
            query["crop"] = crop
        query["sig"] = self._digest(path, username, exp, session or "", crop or "")
        return urlencode(query)

    def verify(self, path: str, username: str, exp: str, sig: str,
               now: datetime | None = None, session: str = "", crop: str = "") -> bool:
        """True only for this signer's signature of these values, before exp."""
        if not all(isinstance(v, str) for v in (path, exp, sig, session, crop)):
            return False
        if not self._valid_username(username) or not _EXP.fullmatch(exp) \
                or not _SIG.fullmatch(sig) or (session and not _SESSION.fullmatch(session)):
            return False
        expected = self._digest(path, username, exp, session, crop)
        if not hmac.compare_digest(expected.encode("ascii"), sig.encode("ascii")):
            return False
        return _timestamp(now) < int(exp)


class EvidenceApp:
    """WSGI app of the evidence origin: ``GET /e/<path>?u=&exp=&sig=``.

    403 without a valid, unexpired signature (checked first: nothing about the files shows
    without one), 404 when the path is refused or missing, 405 for methods other than GET and
    HEAD. Every answer carries a sandboxing CSP and sets no cookie."""

    def __init__(self, root: Path, signer: EvidenceSigner, frame_ancestor: str,
                 session_alive: Callable[[str, str], bool] | None = None,
                 allowed_hosts: set[str] | None = None):
        frame_ancestor = frame_ancestor.rstrip("/")
        if not _ORIGIN.fullmatch(frame_ancestor):
            raise ValueError(f"frame_ancestor must be an origin or 'none': {frame_ancestor!r}")
        self.root = Path(root)
        self.signer = signer
        self.frame_ancestor = frame_ancestor
        # (username, session link key) → still open? With it, every link must name a session
        # and works only while that session lasts (a leaked link dies at logout).
        self.session_alive = session_alive
        self.allowed_hosts = {h.lower() for h in allowed_hosts} if allowed_hosts else None
        self.csp = ("sandbox; default-src 'none'; img-src 'self' data:; "
                    "style-src 'unsafe-inline'; font-src data:; form-action 'none'; "
                    f"base-uri 'none'; frame-ancestors {frame_ancestor}")

    def __call__(self, environ: dict[str, Any],
                 start_response: Callable[..., Any]) -> Iterable[bytes]:
        request = Request(environ)
        try:
            response = self.dispatch(request)
        except HTTPException as exc:
            response = exc.get_response(environ)
        except Exception:  # noqa: BLE001 - never a traceback or a debugger from this origin
            response = self.error(500, "Lỗi máy chủ")
        self.harden(response)
        return response(environ, start_response)

    def harden(self, response: Response) -> None:
        headers = response.headers
        for name in ("Set-Cookie", "Service-Worker-Allowed"):
            headers.pop(name, None)
        headers["Content-Security-Policy"] = self.csp
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "no-referrer"
        headers["Cache-Control"] = "private, no-store"
        headers["Cross-Origin-Resource-Policy"] = "cross-origin"

    @staticmethod
    def error(status: int, text: str) -> Response:
        return Response(text + "\n", status=status, mimetype="text/plain")

    def dispatch(self, request: Request) -> Response:
        if self.allowed_hosts is not None and \
                request.environ.get("HTTP_HOST", "").lower() not in self.allowed_hosts:
            return self.error(400, "Tên máy không hợp lệ")
        if request.method not in ("GET", "HEAD"):
            response = self.error(405, "Phương thức không được phép")
            response.headers["Allow"] = "GET, HEAD"
            return response
        if "Service-Worker" in request.headers \
                or request.headers.get("Sec-Fetch-Dest", "").lower() in _CODE_DESTINATIONS:
            return self.error(403, "Không phục vụ mã chạy được")
        if not request.path.startswith(PREFIX):
            return self.error(404, "Không tìm thấy")
        relative = request.path[len(PREFIX):]
        values = [request.args.getlist(name) for name in ("u", "exp", "sig")]
        sessions = request.args.getlist("s")
        crops = request.args.getlist("crop")
        if any(len(v) != 1 for v in values) or len(sessions) > 1 or len(crops) > 1 \
                or not self.signer.verify(relative, values[0][0], values[1][0], values[2][0],
                                          session=sessions[0] if sessions else "",
                                          crop=crops[0] if crops else ""):
            return self.error(403, "Liên kết không hợp lệ hoặc đã hết hạn")
        if self.session_alive is not None and not (
                sessions and self.session_alive(values[0][0], sessions[0])):
            return self.error(403, "Liên kết không hợp lệ hoặc đã hết hạn")
        path = resolve_evidence(self.root, relative)
        if path is None:
            return self.error(404, "Không tìm thấy")
        if crops:
            return self.send_crop(request, path, crops[0])
        return self.send(request, path)

    def send_crop(self, request: Request, path: Path, token: str) -> Response:
        """The annotated crop a signed token describes, drawn from the screenshot file."""
        spec = from_token(token)
        image = render(path, *spec) if spec else None
        if image is None:
            return self.error(404, "Không tìm thấy")
        body = png_bytes(image)
        response = Response(b"" if request.method == "HEAD" else body, content_type="image/png")
        response.content_length = len(body)
        return response

    def send(self, request: Request, path: Path) -> Response:
        content_type, attachment = TYPES.get(path.suffix.lower(), OCTET)
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
        try:
            fd = os.open(path, flags)   # the final name cannot have become a symlink meanwhile
        except OSError:
            return self.error(404, "Không tìm thấy")
        handle = os.fdopen(fd, "rb")
        try:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                handle.close()
                return self.error(404, "Không tìm thấy")
        except OSError:
            handle.close()
            return self.error(404, "Không tìm thấy")
        if request.method == "HEAD":
            handle.close()
            response = Response(b"", content_type=content_type)
        else:
            response = Response(wrap_file(request.environ, handle), content_type=content_type,
                                direct_passthrough=True)
        response.content_length = info.st_size
        if attachment:
            name = path.name if _SAFE_NAME.fullmatch(path.name) else "evidence"
            response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
        if request.method == "GET":
            # Byte ranges, so that a <video> can seek; a bad range is answered 416.
            try:
                response.make_conditional(request.environ, accept_ranges=True,
                                          complete_length=info.st_size)
            except HTTPException:       # 416 for a range beyond the file
                response.close()
                raise
        return response
