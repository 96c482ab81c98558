"""The review page's server (waitress) under load an office network can bring: idle
connections hold no worker, a huge body is refused before it is read, and it does not name
its software."""

from __future__ import annotations

import socket
import threading
import time
import urllib.request

import pytest

from inspector.review.server import ReviewServer
from inspector.records.workspace import Workspace


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("server-ws")
    Workspace(root).close()
    with ReviewServer(root, port=0) as running:
        yield running


def _address(url: str) -> tuple[str, int]:
    host, port = url.split("//", 1)[1].rsplit(":", 1)
    return host, int(port)


def test_a_thousand_idle_connections_do_not_stop_a_reviewers_next_page(server):
    idle = []
    try:
        for _ in range(1000):
            idle.append(socket.create_connection(_address(server.url), timeout=10))
        idle[-1].sendall(b"GET /dang-nhap HTTP/1.1\r\nHost: x\r\n")   # and one half a request
        started = time.monotonic()
        with urllib.request.urlopen(server.url + "/dang-nhap", timeout=10) as page:
            assert page.status == 200 and "Đăng nhập" in page.read().decode()
        assert time.monotonic() - started < 5
        assert threading.active_count() < 40            # no thread per connection
    finally:
        for connection in idle:
            connection.close()


def test_a_30_mb_post_answers_413_without_being_read(server):
    with socket.create_connection(_address(server.url), timeout=10) as connection:
        connection.sendall(b"POST /dang-nhap HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                           b"Content-Type: application/x-www-form-urlencoded\r\n"
                           b"Content-Length: 31457280\r\n\r\n" + b"a" * 1024)
        answer = connection.recv(4096).decode("latin-1")
    assert answer.startswith("HTTP/1.1 413")


def test_the_server_does_not_name_its_software(server):
    with urllib.request.urlopen(server.url + "/dang-nhap", timeout=10) as page:
        assert page.headers["Server"] == "inspector"


def test_a_forged_host_header_gets_400_and_no_redirect(server):
    with socket.create_connection(_address(server.url), timeout=10) as connection:
        connection.sendall(b"GET /co-quan//x HTTP/1.1\r\nHost: evil.example\r\n"
                           b"Connection: close\r\n\r\n")
        answer = b""
        while chunk := connection.recv(4096):
            answer += chunk
    head = answer.decode("latin-1")
    assert head.startswith("HTTP/1.1 400") and "evil.example" not in head
    with socket.create_connection(_address(server.evidence_url.replace("localhost",
                                                                       "127.0.0.1")),
                                  timeout=10) as connection:
        connection.sendall(b"GET /e/x HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n")
        assert connection.recv(4096).startswith(b"HTTP/1.1 400")
