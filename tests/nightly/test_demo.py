"""`inspector demo` from an empty folder to a ready review page (a one-agency province, free
ports), where the demo reviewer logs in and finds the agency scored."""

from __future__ import annotations

import re
import signal
import sqlite3
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import date
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_demo_ends_with_a_ready_review_page(tmp_path: Path):
    out, port = tmp_path / "demo", _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "inspector.cli", "demo", "--out", str(out), "--agencies", "1",
         "--sandbox-port", "0", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    lines = []
    try:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line and process.poll() is not None:
                break
            lines.append(line)
            if line.startswith("Trang đánh giá sẵn sàng"):
                break
        output = "".join(lines)
        assert "Trang đánh giá sẵn sàng" in output, output[-3000:]
        assert "Xong lượt chạy" in output                      # the nightly run ended
        password = re.search(r"^duyet\t(\S+)\treviewer", output, re.M).group(1)
        assert (out / "tai-khoan.txt").stat().st_mode & 0o077 == 0
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        base = f"http://127.0.0.1:{port}"
        form = opener.open(f"{base}/dang-nhap", timeout=30).read().decode()
        token = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
        home = opener.open(f"{base}/dang-nhap", data=urlencode(
            {"username": "duyet", "password": password, "csrf": token}).encode(), timeout=30)
        page = home.read().decode()
        # the landing page is the province view: the group ranked, what blocks publishing
        assert home.status == 200 and home.url == f"{base}/toan-tinh", home.url
        assert "<h1>Toàn tỉnh</h1>" in page and "so-tttt" in page
        assert f"Năm {date.today().year}: đã công bố" in page
        # the year published at once, with its report, said to be unreviewed
        published = out / "cong-bo" / str(date.today().year)
        assert f"Đã công bố năm {date.today().year}: {published}" in output
        names = {p.name for p in published.iterdir()}
        assert {f"bao-cao-danh-gia-{date.today().year}.pdf",
                f"bao-cao-danh-gia-{date.today().year}.docx",
                f"xep-hang-{date.today().year}.xlsx"} <= names
        html = (published / f"bao-cao-danh-gia-{date.today().year}.html").read_text("utf-8")
        assert "bản thử trên tỉnh mẫu" in html
        agency = opener.open(f"{base}/co-quan/so-tttt", timeout=30).read().decode()
        assert "1B/III/2" in agency and "Báo cáo để cơ quan xác nhận" in agency
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        subprocess.run([sys.executable, "-m", "inspector.cli", "sandbox", "stop", "--out",
                        str(out / "sandbox")], capture_output=True, timeout=60)


def test_a_second_nightly_on_the_same_workspace_is_refused(tmp_path: Path):
    import fcntl

    from tests.cli import invoke

    ws = tmp_path / "ws"
    invoke("registry", "import", "-w", str(ws), str(Path(__file__).parents[1] / "data" /
                                                    "register.yaml"))
    with (ws / "nightly.lock").open("a+") as held:          # a nightly job is running
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        output = invoke("nightly", "-w", str(ws), "--as-of", "2026-11-26", code=1)
    assert "một lượt 'inspector nightly' khác đang chạy" in output and output.count("\n") == 1
    conn = sqlite3.connect(ws / "inspector.db")
    assert conn.execute("select count(*) from runs").fetchone()[0] == 0      # nothing started
    conn.close()
