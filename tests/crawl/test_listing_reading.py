"""An incremental crawl remembers a listing page's reading (its blocks, pager and post-backs)
by URL and body: the remembered reading, once through JSON, must choose the same listing as
the page read afresh, on every saved page (the platforms' and the real portals') and on the
real NukeViet 4.5 and Liferay captures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from inspector.crawl import listings
from inspector.crawl.blocks import FrameRegistry, Hints

PAGES = Path(__file__).parent / "pages"
REAL = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "real"
HOME = "http://127.0.0.1:8101/"


def saved_pages() -> list[Path]:
    pages = sorted(PAGES.rglob("*.html"))
    for portal in ("nukeviet-4.5-commune", "sotttt-hanoi-2022"):
        # a listing of each section of the real captures (their first pages)
        pages += sorted((REAL / portal).glob("*/index.html"))[:12]
        pages += sorted((REAL / portal).glob("*.html"))[:12]
    return pages


@pytest.mark.parametrize("path", saved_pages(), ids=lambda p: str(p).split("/fixtures/")[-1]
                         if "/fixtures/" in str(p) else str(p.relative_to(PAGES)))
def test_a_remembered_reading_chooses_the_same_listing(path):
    html = path.read_text(encoding="utf-8", errors="replace")
    url = HOME + path.stem
    hints = Hints(section_name="Tin tức", section_url=url, home_url=HOME)
    fresh = listings.read_listing(html, url, None, hints)
    stored = json.loads(json.dumps(fresh.to_json(), ensure_ascii=False))
    remembered = listings.ListingReading.from_json(stored)
    assert remembered == fresh

    # the same listing chosen, with the portal's frame as it stands (another page seen before)
    other = next(p for p in saved_pages() if p.parent == path.parent and p != path) \
        if len([p for p in saved_pages() if p.parent == path.parent]) > 1 else None
    chosen = []
    for reading in (fresh, remembered):
        frame = FrameRegistry()
        if other is not None:
            listings.parse_listing(other.read_text(encoding="utf-8", errors="replace"),
                                   HOME + other.stem, None, frame=frame, page_key="other")
        chosen.append(listings.choose_listing(reading, hints, frame, url))
    assert chosen[0] == chosen[1]


def test_a_page_with_no_document_reads_as_no_listing():
    reading = listings.read_listing("", HOME + "trong", "generic")
    assert not reading.readable
    again = listings.ListingReading.from_json(json.loads(json.dumps(reading.to_json())))
    assert listings.choose_listing(again) == listings.Listing("generic")
