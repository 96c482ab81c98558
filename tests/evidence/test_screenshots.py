"""Screenshots and annotated crops of sandbox pages, stored as evidence (loopback only)."""

from __future__ import annotations

import hashlib
import io
import socket
import struct
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urljoin

import pytest
from PIL import Image

from inspector.evidence.screenshots import OUTLINE_COLOUR, CaptureError, capture
from inspector.records.workspace import Workspace

pytestmark = [pytest.mark.slow, pytest.mark.browser]

TROUBLED = {"down", "slow", "intermittent_503"}
PLATFORMS = ("liferay", "nukeviet")


@pytest.fixture(scope="module")
def browser():
    pytest.importorskip("playwright.sync_api")
    from inspector.browser import chromium

    with chromium() as running:  # Chromium at INSPECTOR_CHROMIUM or Debian's
        yield running


@pytest.fixture
def ws(tmp_path):
    workspace = Workspace(tmp_path / "ws")
    try:
        yield workspace
    finally:
        workspace.close()


def news_listing(truth, platform: str) -> tuple[str, list[str], str]:
    """The first listing page of a news section on an untroubled portal of that platform:
    (its URL, the URLs of the posts it lists, the section's name)."""
    for agency in truth["agencies"]:
        if agency["platform"] != platform or TROUBLED & set(agency["troubles"]):
            continue
        for section in agency["sections"]:
            listing = section["listing_pages"][0] if section["listing_pages"] else None
            if section["layout"] != "news" or not listing or "postback" in listing:
                continue
            urls = {post["id"]: post["url"] for post in section["posts"]}
            return listing["url"], [urls[i] for i in listing["posts"]], section["name"]
    raise AssertionError(f"the sandbox has no news listing on {platform}")


def png_chunks(data: bytes) -> list[bytes]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, offset = [], 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset:offset + 4])
        chunks.append(data[offset + 4:offset + 8])
        offset += 12 + length
    return chunks


def read_evidence(ws: Workspace, ref: dict) -> bytes:
    path = ws.root / ref["path"]
    assert Path(ref["path"]).parts[0] == "screenshots"
    assert path.name == ref["sha256"] + ".png"
    data = path.read_bytes()
    assert hashlib.sha256(data).hexdigest() == ref["sha256"]
    # only pixels: no text, time, colour-profile or EXIF chunks
    assert set(png_chunks(data)) == {b"IHDR", b"IDAT", b"IEND"}, ref
    return data


def evidence_rows(ws: Workspace) -> dict[str, dict]:
    return {row["sha256"]: row for row in ws.db["evidence"].rows}


@pytest.mark.parametrize("platform", PLATFORMS)
def test_crop_outlines_each_post_of_a_news_listing(platform, browser, sandbox, truth, ws):
    url, post_urls, section_name = news_listing(truth, platform)
    assert post_urls
    refs = capture(ws, browser, url, post_urls, label=f"Chuyên mục “{section_name}”")
    assert [ref["kind"] for ref in refs] == ["screenshot", "crop"]
    shot_ref, crop_ref = refs
    assert crop_ref["outlined"] == len(post_urls)
    assert shot_ref["url"] == crop_ref["url"] == url

    shot_data, crop_data = read_evidence(ws, shot_ref), read_evidence(ws, crop_ref)
    shot, crop = Image.open(io.BytesIO(shot_data)), Image.open(io.BytesIO(crop_data))
    assert shot.format == crop.format == "PNG"
    assert shot.width == 1280 and shot.height >= 900
    assert crop.width * crop.height < shot.width * shot.height
    assert len(crop_data) < len(shot_data)
    colours = crop.convert("RGB").getcolors(maxcolors=1 << 24)
    assert OUTLINE_COLOUR in {colour for _, colour in colours}

    rows = evidence_rows(ws)
    assert rows[shot_ref["sha256"]]["kind"] == "screenshot"
    assert rows[crop_ref["sha256"]]["kind"] == "crop"
    assert rows[shot_ref["sha256"]]["path"] == shot_ref["path"]
    assert rows[crop_ref["sha256"]]["size"] == len(crop_data)


def test_the_same_page_twice_is_stored_once(browser, sandbox, truth, ws):
    url, post_urls, _ = news_listing(truth, PLATFORMS[0])
    # no caption: it carries the capture time, so only then must both crops be identical
    first = capture(ws, browser, url, post_urls, caption=False)
    second = capture(ws, browser, url, post_urls, caption=False)
    assert [ref["sha256"] for ref in first] == [ref["sha256"] for ref in second]
    rows = evidence_rows(ws)
    assert set(rows) == {ref["sha256"] for ref in first} and len(rows) == 2
    files = [path for path in (ws.root / "screenshots").rglob("*") if path.is_file()]
    assert sorted(path.name for path in files) == sorted(f"{sha}.png" for sha in rows)


def test_nothing_to_highlight_gives_the_screenshot_alone(browser, sandbox, truth, ws):
    url, _, _ = news_listing(truth, PLATFORMS[1])
    missing = urljoin(url, "/khong-co-trang-nay-404")
    with pytest.raises(urllib.error.HTTPError) as answered:
        urllib.request.urlopen(missing, timeout=10)
    assert answered.value.code == 404
    refs = capture(ws, browser, missing, [urljoin(url, "/bai-viet-khong-co-that.html")])
    assert [ref["kind"] for ref in refs] == ["screenshot"]
    assert "outlined" not in refs[0]
    assert Image.open(io.BytesIO(read_evidence(ws, refs[0]))).width == 1280
    assert set(evidence_rows(ws)) == {refs[0]["sha256"]}


def test_an_unreachable_url_raises(browser, ws):
    with socket.socket() as probe:  # a loopback port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/tin-tuc"
    with pytest.raises(CaptureError, match="127.0.0.1") as failed:
        capture(ws, browser, url, [url], timeout_ms=5000)
    assert "ERR_CONNECTION_REFUSED" in str(failed.value)
    assert ws.db["evidence"].count == 0


def test_a_page_slower_than_the_timeout_raises(browser, truth, ws):
    slow = next((agency for agency in truth["agencies"] if "slow" in agency["troubles"]), None)
    if slow is None:
        pytest.skip("the sandbox has no slow portal")
    with pytest.raises(CaptureError, match="[Tt]imeout"):
        capture(ws, browser, slow["portal"], timeout_ms=50)
    assert ws.db["evidence"].count == 0


@pytest.fixture(scope="module")
def faulty_server():
    """Named routes for HTTP faults: /flaky answers 503 to every other request, /busy 429 with
    Retry-After once, /broken always 500; a good page is all green, an error page white."""
    from werkzeug.serving import make_server
    from werkzeug.wrappers import Request, Response

    hits: dict[str, int] = {}
    good = "<html><body style='background:#00c000;margin:0;height:800px'>Tin tức</body></html>"

    @Request.application
    def app(request):
        name = request.path.strip("/")
        hits[name] = hits.get(name, 0) + 1
        if name == "flaky" and hits[name] % 2 == 1:
            return Response("<h1>503 Service Unavailable</h1>", 503, mimetype="text/html")
        if name == "busy" and hits[name] == 1:
            return Response("chậm lại", 429, headers={"Retry-After": "1"})
        if name == "broken":
            return Response("<h1>500</h1>", 500, mimetype="text/html")
        return Response(good, mimetype="text/html")

    server = make_server("127.0.0.1", 0, app, threaded=True)
    import threading

    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", hits
    finally:
        server.shutdown()
        thread.join()


@pytest.mark.parametrize("route", ["flaky", "busy"])
def test_a_transient_error_page_is_tried_again_not_photographed(browser, ws, faulty_server, route):
    base, hits = faulty_server
    refs = capture(ws, browser, f"{base}/{route}")
    assert hits[route] == 2
    image = Image.open(io.BytesIO(read_evidence(ws, refs[0]))).convert("RGB")
    red, green, blue = image.getpixel((10, 10))
    assert green > 120 and red < 60 and blue < 60          # the green page, not the white error


def test_an_error_that_stays_is_not_stored_as_evidence(browser, ws, faulty_server):
    base, hits = faulty_server
    with pytest.raises(CaptureError, match="HTTP 500 after 3 attempts"):
        capture(ws, browser, f"{base}/broken")
    assert hits["broken"] == 3
    assert ws.db["evidence"].count == 0
