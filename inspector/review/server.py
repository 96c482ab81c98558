"""Serve the reviewers' page and, on another port (another origin), the evidence it shows."""

from __future__ import annotations

import logging
import secrets
import threading
from pathlib import Path

from werkzeug.serving import make_server

from .app import ReviewApp
from .evidence import EvidenceApp, EvidenceSigner


class ReviewServer:
    """Both servers in threads; ``port`` 0 picks free ports (tests). The evidence origin must be
    another port: captured pages then cannot read or script the reviewers' page."""

    def __init__(self, root: Path, host: str = "127.0.0.1", port: int = 8000,
                 evidence_port: int | None = None, evidence_host: str | None = None,
                 reviewer_home: str = "/"):
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
        self._servers: list = []
        self._threads: list[threading.Thread] = []
        self.url = self.evidence_url = ""

    def start(self) -> "ReviewServer":
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        signer = EvidenceSigner(secrets.token_bytes(32))   # new each start: old links expire
        # The evidence server binds first, so that the page knows its origin.
        placeholder = EvidenceApp(self.root, signer, frame_ancestor="'none'")
        evidence = make_server(self.host, self.evidence_port, placeholder, threaded=True)
        self.evidence_url = f"http://{self.evidence_host}:{evidence.server_port}"
        page = ReviewApp(self.root, signer, self.evidence_url, reviewer_home=self.reviewer_home)
        review = make_server(self.host, self.port, page, threaded=True)
        self.url = f"http://{self.host}:{review.server_port}"
        evidence.app = EvidenceApp(self.root, signer, frame_ancestor=self.url,
                                   session_alive=self._session_alive)
        for server in (evidence, review):
            thread = threading.Thread(target=server.serve_forever, daemon=True,
                                      name=f"review:{server.server_port}")
            thread.start()
            self._servers.append(server)
            self._threads.append(thread)
        return self

    def _session_alive(self, username: str, link_id: str) -> bool:
        from ..workspace import Workspace
        from .accounts import link_session_alive

        ws = Workspace(self.root, create=False)
        try:
            return link_session_alive(ws, username, link_id)
        finally:
            ws.close()

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._servers, self._threads = [], []

    def __enter__(self) -> "ReviewServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
