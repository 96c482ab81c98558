"""Screenshots of sandbox pages stored as evidence, and the annotated crops drawn from them
(loopback only)."""

from __future__ import annotations

import asyncio
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

from inspector.browser import PortalTab, async_chromium
from inspector.evidence import crops
from inspector.evidence.crops import OUTLINE_COLOUR, OUTLINE_GAP
from inspector.evidence.screenshots import VIEWPORT, CaptureError, capture
from inspector.records.workspace import Workspace

pytestmark = [pytest.mark.slow, pytest.mark.browser]

TROUBLED = {"down", "slow", "intermittent_503"}
PLATFORMS = ("liferay", "nukeviet")


@pytest.fixture(scope="module")
def browser():
    """Whether Chromium runs here (INSPECTOR_CHROMIUM or Debian's): each test launches its own
    through Playwright's async API, as the crawl does."""
    pytest.importorskip("playwright.async_api")
    from inspector.browser import chromium_path

    return chromium_path()


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


def shoot(ws: Workspace, browser, url: str, highlight=None, timeout_ms: int = 30000,
          **options) -> list[dict]:
    """capture() in a tab of its own, as the crawl opens one per portal."""
    async def run():
        async with async_chromium() as running:
            tab = await PortalTab.open(running, VIEWPORT, timeout_ms)
            try:
                return await capture(ws, tab, url, highlight, **options)
            finally:
                await tab.close()
    return asyncio.run(run())


def webp_chunks(data: bytes) -> list[bytes]:
    """The FourCCs of a WebP file's chunks (RIFF container)."""
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    chunks, offset = [], 12
    while offset + 8 <= len(data):
        (length,) = struct.unpack("<I", data[offset + 4:offset + 8])
        chunks.append(data[offset:offset + 4])
        offset += 8 + length + (length & 1)
    return chunks


def read_evidence(ws: Workspace, ref: dict) -> bytes:
    path = ws.root / ref["path"]
    assert Path(ref["path"]).parts[0] == "screenshots"
    assert path.name == ref["sha256"] + ".webp"
    data = path.read_bytes()
    assert hashlib.sha256(data).hexdigest() == ref["sha256"]
    # only pixels: no EXIF, XMP or colour-profile chunks
    assert set(webp_chunks(data)) <= {b"VP8 ", b"VP8L"}, ref
    return data


def evidence_rows(ws: Workspace) -> dict[str, dict]:
    return {row["sha256"]: row for row in ws.db["evidence"].rows}


@pytest.mark.parametrize("platform", PLATFORMS)
def test_crop_outlines_each_post_of_a_news_listing(platform, browser, sandbox, truth, ws):
    url, post_urls, section_name = news_listing(truth, platform)
    assert post_urls
    refs = shoot(ws, browser, url, post_urls, label=f"Chuyên mục “{section_name}”")
    assert [ref["kind"] for ref in refs] == ["screenshot", "crop"]
    shot_ref, crop_ref = refs
    assert crop_ref["outlined"] == len(post_urls) == len(crop_ref["boxes"])
    assert shot_ref["url"] == crop_ref["url"] == url
    # the crop is drawn from the screenshot: its pixels are stored once
    assert crop_ref["path"] == shot_ref["path"] and crop_ref["sha256"] == shot_ref["sha256"]
    assert crop_ref["caption"][0] == f"Chuyên mục “{section_name}”"

    shot = Image.open(io.BytesIO(read_evidence(ws, shot_ref)))
    assert shot.format == "WEBP"
    assert shot.width == 1280 and shot.height >= 900
    crop = crops.render_ref(ws.root, crop_ref)
    assert crop.width * crop.height < shot.width * shot.height
    colours = crop.getcolors(maxcolors=1 << 24)
    assert OUTLINE_COLOUR in {colour for _, colour in colours}

    rows = evidence_rows(ws)
    assert set(rows) == {shot_ref["sha256"]}
    assert rows[shot_ref["sha256"]]["kind"] == "screenshot"
    assert rows[shot_ref["sha256"]]["path"] == shot_ref["path"]


def test_a_crop_drawn_on_demand_outlines_the_boxes_stored(browser, sandbox, truth, ws):
    """Each stored box is the post link's box on the page, and the crop drawn later outlines
    exactly those boxes over the screenshot's own pixels."""
    url, post_urls, _ = news_listing(truth, PLATFORMS[0])

    async def run():
        async with async_chromium() as running:
            tab = await PortalTab.open(running, VIEWPORT)
            try:
                refs = await capture(ws, tab, url, post_urls, caption=False)
                # the page as it stands: each post's first text link, in page coordinates
                boxes = await tab.page.evaluate("""urls => urls.map(u => {
                    const a = Array.from(document.querySelectorAll('a[href]')).find(
                        a => a.href === u && a.innerText.trim());
                    const r = a.getBoundingClientRect();
                    return [Math.trunc(r.left + scrollX), Math.trunc(r.top + scrollY),
                            Math.round(r.right + scrollX), Math.round(r.bottom + scrollY)];
                })""", post_urls)
            finally:
                await tab.close()
        return refs, boxes

    (shot_ref, crop_ref), live = asyncio.run(run())
    boxes = [tuple(box) for box in crop_ref["boxes"]]
    assert sorted(boxes, key=lambda b: (b[1], b[0])) == boxes
    assert sorted(boxes) == sorted(tuple(box) for box in live)

    shot = Image.open(ws.root / shot_ref["path"]).convert("RGB")
    crop = crops.render_ref(ws.root, crop_ref)
    left, top, _, _ = crops._crop_region(boxes, shot.size)
    for box_left, box_top, box_right, box_bottom in boxes:
        # the outline runs just outside the box: its edges are the outline colour
        outline = (box_left - left - OUTLINE_GAP, box_top - top - OUTLINE_GAP,
                   box_right - left + OUTLINE_GAP, box_bottom - top + OUTLINE_GAP)
        middle_x = (outline[0] + outline[2]) // 2
        assert crop.getpixel((middle_x, outline[1])) == OUTLINE_COLOUR
        assert crop.getpixel((middle_x, outline[3])) == OUTLINE_COLOUR
        assert crop.getpixel((outline[2], (outline[1] + outline[3]) // 2)) == OUTLINE_COLOUR
        # inside the box, the screenshot's pixels as they are
        inside = (box_left + 1, box_top + 1)
        assert crop.getpixel((inside[0] - left, inside[1] - top)) == shot.getpixel(inside)


def test_the_page_is_shown_from_the_bytes_given_without_a_second_visit(browser, ws,
                                                                       faulty_server):
    base, hits = faulty_server
    crawled = ("<html><head><meta charset='windows-1258'></head><body style='margin:0;"
               "background:#c00000;height:900px'><a href='/tin-1'>Tin 1</a></body></html>")
    refs = shoot(ws, browser, f"{base}/changed", [f"{base}/tin-1"],
                 body=crawled.encode("cp1258"), content_type="text/html; charset=windows-1258")
    assert hits.get("changed", 0) == 0         # the portal was not asked for the page again
    image = Image.open(io.BytesIO(read_evidence(ws, refs[0]))).convert("RGB")
    red, green, blue = image.getpixel((600, 600))
    assert red > 150 and green < 60 and blue < 60         # the page as crawled, not as served
    assert refs[1]["outlined"] == 1


@pytest.mark.parametrize("height", [300, 2500])
def test_the_whole_page_is_photographed_whether_it_fits_the_screen_or_not(browser, ws,
                                                                          faulty_server, height):
    # a page that fits the screen is taken as shown, a taller one laid out at its full height:
    # either way the picture holds the page down to its bottom, with the post outlined there
    base, _ = faulty_server
    page = (f"<html><body style='margin:0;height:{height}px;position:relative'>"
            f"<div style='position:absolute;top:{height - 60}px;left:0;width:400px;"
            "height:60px;background:#0000c0'><a href='/tin-cuoi' style='color:#fff'>Tin cuối"
            "</a></div></body></html>")
    refs = shoot(ws, browser, f"{base}/trang", [f"{base}/tin-cuoi"], body=page.encode(),
                 content_type="text/html; charset=utf-8")
    image = Image.open(io.BytesIO(read_evidence(ws, refs[0]))).convert("RGB")
    assert image.size == (VIEWPORT["width"], max(height, VIEWPORT["height"]))
    red, green, blue = image.getpixel((300, height - 20))      # the block at the page's bottom
    assert blue > 150 and red < 60 and green < 60
    left, top, right, bottom = refs[1]["boxes"][0]
    assert height - 60 <= top < bottom <= height and left == 0


SMALL_TEXT = ("Ủy ban nhân dân xã Vĩnh Hòa: công văn số 10/UBND ngày 13/10/2026 về tăng cường "
              "quản lý trật tự xây dựng")
# (background, ink, font size): body text, a footer's white on blue, a link on a tinted box,
# grey small print
SMALL_TEXT_LINES = [("#ffffff", "#333333", 11), ("#1a5fa8", "#ffffff", 12),
                    ("#eef3fb", "#0645ad", 11), ("#f2f2f2", "#777777", 12)]


def _ink(image, line: int, background: str, ink: str) -> list[bool]:
    """Which pixels of a line of text are nearer its ink than its background."""
    colours = [tuple(int(hex_[i:i + 2], 16) for i in (1, 3, 5)) for hex_ in (background, ink)]
    strip = image.crop((0, line * 30, 760, line * 30 + 30))
    pixels = (strip.getpixel((x, y)) for y in range(strip.height) for x in range(strip.width))
    return [sum((p - k) ** 2 for p, k in zip(pixel, colours[1])) <
            sum((p - b) ** 2 for p, b in zip(pixel, colours[0])) for pixel in pixels]


def test_small_text_stays_legible_as_stored(browser, ws, faulty_server):
    # the stored screenshot (Chromium's JPEG, then WebP at WEBP_QUALITY) against the same page
    # taken losslessly: nearly every pixel of 11-12 px Vietnamese text, diacritics included,
    # is still ink or background as it was. Measured on this page: at most 8 % of the ink
    # pixels change side at quality 75 and 60 alike, 15 % at 30, 28 % at 10.
    base, _ = faulty_server
    page = "<html><body style='margin:0;font-family:sans-serif'>" + "".join(
        f"<div style='position:absolute;left:0;top:{line * 30}px;width:1280px;height:30px;"
        f"background:{background};color:{ink};font-size:{size}px;line-height:30px;"
        f"padding-left:8px'>{SMALL_TEXT}</div>"
        for line, (background, ink, size) in enumerate(SMALL_TEXT_LINES)) + "</body></html>"
    refs = shoot(ws, browser, f"{base}/chu-nho", body=page.encode(),
                 content_type="text/html; charset=utf-8")
    stored = Image.open(io.BytesIO(read_evidence(ws, refs[0]))).convert("RGB")

    async def lossless() -> bytes:
        async with async_chromium() as running:
            tab = await PortalTab.open(running, VIEWPORT, 30000)
            try:
                await tab.visit(f"{base}/chu-nho", page.encode(), "text/html; charset=utf-8")
                return await tab.page.screenshot(type="png")
            finally:
                await tab.close()
    reference = Image.open(io.BytesIO(asyncio.run(lossless()))).convert("RGB")
    for line, (background, ink, _) in enumerate(SMALL_TEXT_LINES):
        expected, got = _ink(reference, line, background, ink), _ink(stored, line, background, ink)
        assert sum(expected) > 500, line                    # the line was drawn
        changed = sum(a != b for a, b in zip(expected, got)) / sum(expected)
        assert changed <= 0.12, (line, changed)


def test_a_portal_s_assets_are_fetched_once_for_all_its_pages(browser, ws, faulty_server):
    # pages shown from the crawl's bytes load their stylesheet from the portal, and from the
    # browser's cache on the next page, as any visitor's browser would: twenty section pages
    # photographed must not cost the portal twenty downloads of each asset
    base, hits = faulty_server
    before = hits.get("blue.css", 0)
    page = ("<html><head><link rel='stylesheet' href='/blue.css'></head>"
            "<body style='margin:0;height:800px'>Trang {n}</body></html>")
    refs = []

    async def run():
        async with async_chromium() as running:
            tab = await PortalTab.open(running, VIEWPORT)
            try:
                for n in range(3):
                    refs.append(await capture(ws, tab, f"{base}/trang-{n}",
                                              body=page.format(n=n).encode(),
                                              content_type="text/html; charset=utf-8"))
            finally:
                await tab.close()
    asyncio.run(run())
    assert hits.get("blue.css", 0) - before == 1
    assert not any(hits.get(f"trang-{n}") for n in range(3))    # the pages: from their bytes
    for photo in refs:          # each page drawn with the portal's style
        image = Image.open(io.BytesIO(read_evidence(ws, photo[0]))).convert("RGB")
        red, green, blue = image.getpixel((600, 600))
        assert blue > 150 and red < 60 and green < 60


def renderer_processes() -> set[int]:
    """The Chromium renderer processes alive now (their command line says --type=renderer)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if b"--type=renderer" in (entry / "cmdline").read_bytes():
                    found.add(int(entry.name))
            except OSError:         # gone meanwhile
                continue
    return found


def test_two_portals_at_once_keep_their_renderers_from_page_to_page(browser, sandbox, truth,
                                                                    ws):
    # the crawl photographs two portals at once, a tab each: each tab's pages are drawn by the
    # same renderer, not one started anew for nearly every page (with site isolation on, 18
    # renderers came and went for these 16 pages)
    portals = [agency for agency in truth["agencies"]
               if not TROUBLED & set(agency["troubles"]) and agency["platform"] in PLATFORMS]
    pages = {}
    for agency in portals:
        urls = [section["listing_pages"][0]["url"] for section in agency["sections"]
                if section["listing_pages"] and "postback" not in
                section["listing_pages"][0]["url"]]
        if len(urls) >= 8:
            pages[agency["id"]] = urls[:8]
        if len(pages) == 2:
            break
    assert len(pages) == 2
    before = renderer_processes()
    seen: set[int] = set()

    async def run():
        async with async_chromium() as running:
            async def one(urls):
                tab = await PortalTab.open(running, VIEWPORT)
                try:
                    for url in urls:
                        await capture(ws, tab, url)
                        seen.update(renderer_processes() - before)
                finally:
                    await tab.close()
            await asyncio.gather(*(one(urls) for urls in pages.values()))
    asyncio.run(run())
    assert len(evidence_rows(ws)) == 16             # every page photographed
    assert len(seen) <= 6, f"{len(seen)} renderer processes for 16 pages in two tabs"


def test_the_same_page_twice_is_stored_once(browser, sandbox, truth, ws):
    url, post_urls, _ = news_listing(truth, PLATFORMS[0])
    # no caption: it carries the capture time, so only then must both crops be identical
    first = shoot(ws, browser, url, post_urls, caption=False)
    second = shoot(ws, browser, url, post_urls, caption=False)
    assert first == second
    rows = evidence_rows(ws)
    assert set(rows) == {ref["sha256"] for ref in first} and len(rows) == 1
    files = [path for path in (ws.root / "screenshots").rglob("*") if path.is_file()]
    assert sorted(path.name for path in files) == sorted(f"{sha}.webp" for sha in rows)


def test_nothing_to_highlight_gives_the_screenshot_alone(browser, sandbox, truth, ws):
    url, _, _ = news_listing(truth, PLATFORMS[1])
    missing = urljoin(url, "/khong-co-trang-nay-404")
    with pytest.raises(urllib.error.HTTPError) as answered:
        urllib.request.urlopen(missing, timeout=10)
    assert answered.value.code == 404
    refs = shoot(ws, browser, missing, [urljoin(url, "/bai-viet-khong-co-that.html")])
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
        shoot(ws, browser, url, [url], timeout_ms=5000)
    assert "ERR_CONNECTION_REFUSED" in str(failed.value)
    assert ws.db["evidence"].count == 0


def test_a_page_slower_than_the_timeout_raises(browser, truth, ws):
    slow = next((agency for agency in truth["agencies"] if "slow" in agency["troubles"]), None)
    if slow is None:
        pytest.skip("the sandbox has no slow portal")
    with pytest.raises(CaptureError, match="[Tt]imeout"):
        shoot(ws, browser, slow["portal"], timeout_ms=50)
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
        if name == "blue.css":         # a portal's stylesheet, cacheable as most are
            return Response("body { background: #0000c0 }", mimetype="text/css",
                            headers={"Cache-Control": "max-age=3600"})
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
    refs = shoot(ws, browser, f"{base}/{route}")
    assert hits[route] == 2
    image = Image.open(io.BytesIO(read_evidence(ws, refs[0]))).convert("RGB")
    red, green, blue = image.getpixel((10, 10))
    assert green > 120 and red < 60 and blue < 60          # the green page, not the white error


def test_an_error_that_stays_is_not_stored_as_evidence(browser, ws, faulty_server):
    base, hits = faulty_server
    with pytest.raises(CaptureError, match="HTTP 500 after 3 attempts"):
        shoot(ws, browser, f"{base}/broken")
    assert hits["broken"] == 3
    assert ws.db["evidence"].count == 0
