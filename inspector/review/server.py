"""Serve the reviewers' page and, on another port (another origin), the evidence it shows, with
waitress: a bounded pool of worker threads behind an event loop, so that idle or slow
connections hold no thread, a cap on request bodies and a timeout on idle connections."""

from __future__ import annotations

import logging
import secrets
import threading
from pathlib import Path
from urllib.parse import urlsplit

from ..records import registry
from ..model.errors import UserError
from .app import ReviewApp
from .evidence import EvidenceApp, EvidenceSigner
from .limits import MAX_REQUEST_BYTES


# waitress's settings (docs: "Arguments to waitress.serve"): worker threads run the app only;
# connections wait in the event loop, idle ones are closed after CHANNEL_TIMEOUT.
THREADS = 8
CHANNEL_TIMEOUT = 30              # seconds a connection may stay idle
CONNECTION_LIMIT = 4000           # open connections before new ones wait
MAX_BODY = MAX_REQUEST_BYTES      # larger bodies answer 413 before they are read
MAX_HEADERS = 64 * 1024


class _Later:
    """An app set once the server is bound (an origin needs the bound port); waitress's own
    middleware (the proxy's headers) stays around it. Nothing is served before it is set."""

    app = None

    def __call__(self, environ, start_response):
        if self.app is None:
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"starting\n"]
        return self.app(environ, start_response)


def _origin(url: str, option: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/") \
            or parts.query or parts.fragment:
        raise UserError(f"{option} phải là một origin như https://danhgia.example.gov.vn "
                        f"(nhận được {url!r})")
    return f"{parts.scheme}://{parts.netloc.lower()}"


def _hostname(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _netloc(url: str) -> str:
    """The Host header a browser sends for an origin (no default port)."""
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}[parts.scheme]
    return parts.hostname + (f":{parts.port}" if parts.port and parts.port != default else "")


def _serve(app, host: str, port: int, behind_proxy: bool = False):
    from waitress.server import create_server

    # Behind the reverse proxy (on this machine), the client's address is the one it passes in
    # X-Forwarded-For: the login throttle then counts each client, not the proxy.
    proxy = {"trusted_proxy": "127.0.0.1", "trusted_proxy_count": 1,
             "trusted_proxy_headers": {"x-forwarded-for"},
             "clear_untrusted_proxy_headers": True} if behind_proxy else {}
    return create_server(app, host=host, port=port, threads=THREADS, **proxy,
                         channel_timeout=CHANNEL_TIMEOUT, connection_limit=CONNECTION_LIMIT,
                         max_request_body_size=MAX_BODY, max_request_header_size=MAX_HEADERS,
                         asyncore_use_poll=True,       # select() stops at 1,024 sockets
                         ident="inspector", expose_tracebacks=False)


class ReviewServer:
    """Both servers in threads; ``port`` 0 picks free ports (tests). The evidence origin must be
    another port: captured pages then cannot read or script the reviewers' page."""

    def __init__(self, root: Path, host: str = "127.0.0.1", port: int = 8000,
                 evidence_port: int | None = None, evidence_host: str | None = None,
                 reviewer_home: str = "/", public_url: str | None = None,
                 evidence_url: str | None = None):
        self.root = Path(root)
        self.reviewer_home = reviewer_home
        self.host = host
        # Another host name, not only another port: cookies are not kept apart by port, and two
        # ports of one host are one "site", so the session cookie would travel with every
        # request for evidence. 127.0.0.1 and localhost are the same machine, two sites.
        self.evidence_host = evidence_host or {"127.0.0.1": "localhost",
                                               "localhost": "127.0.0.1"}.get(host, host)
        self.port = port
        self.evidence_port = port + 1 if evidence_port is None and port else evidence_port or 0
        # Behind a TLS reverse proxy: the addresses people use (https sets Secure cookies).
        self.public_url = _origin(public_url, "--public-url") if public_url else None
        self.public_evidence_url = _origin(evidence_url, "--evidence-url") if evidence_url \
            else None
        if bool(self.public_url) != bool(self.public_evidence_url):
            raise UserError("--public-url và --evidence-url phải dùng cùng nhau")
        if self.public_url and _hostname(self.public_url) == _hostname(
                self.public_evidence_url):
            raise UserError("--public-url và --evidence-url cần hai tên máy khác nhau (cookie "
                            "không tách riêng theo cổng)")
        if not self.public_url and self.evidence_host == self.host:
            raise UserError(f"nghe trên {host} thì nơi phục vụ bằng chứng sẽ chung tên máy với "
                            "trang đánh giá: hãy dùng --public-url và --evidence-url (hai tên "
                            "máy sau reverse proxy), hoặc nghe trên 127.0.0.1")
        self._servers: list = []
        self._threads: list[threading.Thread] = []
        self.url = self.evidence_url = ""

    def start(self) -> "ReviewServer":
        logging.getLogger("waitress").setLevel(logging.ERROR)
        signer = EvidenceSigner(secrets.token_bytes(32))   # new each start: old links expire
        # The evidence server binds first, so that the page knows its origin; its app is set
        # once the page's origin is known (frame-ancestors), before anything is served.
        evidence_app, page_app = _Later(), _Later()
        evidence = _serve(evidence_app, self.host, self.evidence_port, bool(self.public_url))
        bound_evidence = f"{self.evidence_host}:{evidence.effective_port}"
        self.evidence_url = self.public_evidence_url or f"http://{bound_evidence}"
        review = _serve(page_app, self.host, self.port, bool(self.public_url))
        bound_page = f"{self.host}:{review.effective_port}"
        self.url = self.public_url or f"http://{bound_page}"
        # The Host header must name this server (never reflected into a redirect); behind a
        # proxy only the public names are answered.
        page_app.app = ReviewApp(
            self.root, signer, self.evidence_url, reviewer_home=self.reviewer_home,
            secure_cookies=self.url.startswith("https://"),
            allowed_hosts={_netloc(self.url)} if self.public_url else {bound_page})
        evidence_app.app = EvidenceApp(
            self.root, signer, frame_ancestor=self.url, session_alive=self._session_alive,
            allowed_hosts={_netloc(self.evidence_url)} if self.public_url else {bound_evidence})
        self.page_app, self.evidence_app = page_app.app, evidence_app.app
        for server in (evidence, review):
            thread = threading.Thread(target=server.run, daemon=True,
                                      name=f"review:{server.effective_port}")
            thread.start()
            self._servers.append(server)
            self._threads.append(thread)
        return self

    def shared_host_names(self) -> list[str]:
        """The register's portals and service addresses on the page's or the evidence origin's
        host name: a reviewer's browser would send them the page's cookies (another port is
        no separation), so serve them elsewhere (the sandbox: --host 127.0.0.2)."""
        from ..records.workspace import Workspace, loads

        ours = {_hostname(self.url), _hostname(self.evidence_url)}
        found = []
        ws = Workspace(self.root, create=False)
        try:
            for agency in registry.all_agencies(ws):
                for url in [agency["portal"], *(loads(agency.get("aliases"), None) or [])]:
                    if url and _hostname(url) in ours:
                        found.append(f"{agency['id']}: {url}")
            for service in registry.services(ws):
                if service["url"] and _hostname(service["url"]) in ours:
                    found.append(f"{service['agency_id']}: {service['url']}")
        finally:
            ws.close()
        return found

    def _session_alive(self, username: str, link_id: str) -> bool:
        from ..records.workspace import Workspace
        from .accounts import link_session_alive

        ws = Workspace(self.root, create=False)
        try:
            return link_session_alive(ws, username, link_id)
        finally:
            ws.close()

    def stop(self) -> None:
        for server in self._servers:
            # running requests finish first; then every connection, the listening socket and
            # the loop's trigger close, and the loop (its map empty) returns
            server.task_dispatcher.shutdown(cancel_pending=True, timeout=5)
            for channel in list(server._map.values()):
                if channel is not server:
                    channel.close()
            server.close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._servers, self._threads = [], []

    def __enter__(self) -> "ReviewServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
