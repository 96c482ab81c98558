"""A proxy that refuses and records every request a crawl process makes to a host other than
127.0.0.1: the crawl runs with http(s)_proxy pointing at it and no_proxy=127.0.0.1, so a request
to any other host (a share button, a CDN, the internet, Chromium's own calls) reaches it
instead of leaving the machine."""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parents[1]


class _Refusing(BaseHTTPRequestHandler):
    seen: list[str] = []

    def _refuse(self):
        self.seen.append(f"{self.command} {self.path} (Host: {self.headers.get('Host')}, "
                         f"User-Agent: {self.headers.get('User-Agent')})")
        self.send_response(403, "the tests touch nothing but 127.0.0.1")
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = do_OPTIONS = do_CONNECT = _refuse

    def log_message(self, *args):
        pass


@contextmanager
def refusing_proxy() -> Iterator[tuple[str, list[str]]]:
    """(proxy URL, the requests it refused so far)."""
    handler = type("Refusing", (_Refusing,), {"seen": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler.seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def guarded_env(proxy: str) -> dict[str, str]:
    """The environment of a crawl subprocess whose requests to other hosts reach ``proxy``."""
    env = {k: v for k, v in os.environ.items() if k.lower() not in
           ("http_proxy", "https_proxy", "all_proxy", "no_proxy")}
    return {**env, "http_proxy": proxy, "https_proxy": proxy, "HTTP_PROXY": proxy,
            "HTTPS_PROXY": proxy, "no_proxy": "127.0.0.1", "NO_PROXY": "127.0.0.1",
            "PYTHONPATH": os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(
                os.pathsep)}
