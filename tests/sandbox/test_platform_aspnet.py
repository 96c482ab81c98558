"""The ASP.NET sandbox portal: post-back paging as a browser does it, placements, field sets,
features on and off, error pages and byte-identical renders."""

from __future__ import annotations

import re
from collections import deque
from datetime import date
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from werkzeug.test import Client

from inspector.sandbox.platforms import portal_class
from inspector.sandbox.portal import FEATURE_TEXT, FIELD_LABELS, LEGAL_FACETS, STATIC_PAGES

from .factory import make_province

GRID_ID = "ctl00_ContentPlaceHolder1_gvNews"
POSTBACK = re.compile(r"^javascript:__doPostBack\('([^']*)','([^']*)'\)$")
DATE_PATTERNS = (re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})"),
                 re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.I))
CONTENT_ID = "ctl00_ContentPlaceHolder1_pnlNoiDung"


# -- helpers ---------------------------------------------------------------------------------
def build(all_features: bool = True, mutate=None):
    province = make_province("aspnet", all_features=all_features)
    agency = province.agencies[0]
    if mutate:
        mutate(agency)
    portal = portal_class("aspnet")(agency, province)
    return portal, Client(portal)


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def get(client, path: str, status: int = 200) -> BeautifulSoup:
    response = client.get(path)
    assert response.status_code == status, (path, response.status_code)
    return soup_of(response)


def first_date(text: str) -> date | None:
    found = [m for pattern in DATE_PATTERNS for m in [pattern.search(text)] if m]
    if not found:
        return None
    match = min(found, key=lambda m: m.start())
    day, month, year = (int(g) for g in match.groups())
    return date(year, month, day)


def form_data(soup: BeautifulSoup) -> tuple[str, dict[str, str]]:
    """What a browser's form.submit() sends: hidden and text inputs and textareas (no buttons)."""
    forms = soup.find_all("form")
    assert len(forms) == 1 and forms[0].get("id") == "aspnetForm"
    form = forms[0]
    assert form["method"] == "post"
    data = {}
    for field in form.find_all("input"):
        if field.get("name") and field.get("type", "text") in ("hidden", "text"):
            data[field["name"]] = field.get("value", "")
    for area in form.find_all("textarea"):
        data[area["name"]] = area.get_text()
    return form["action"], data


def pager_links(soup: BeautifulSoup) -> dict[str, tuple[str, str]]:
    """__EVENTARGUMENT → (target, argument) of every post-back link of the grid's pager."""
    grid = soup.find("table", id=GRID_ID)
    links = {}
    for row in grid.find_all("tr", class_="pgr"):
        for anchor in row.find_all("a"):
            match = POSTBACK.match(anchor["href"])
            assert match, anchor["href"]
            links[match[2]] = (match[1], match[2])
    return links


def current_page(soup: BeautifulSoup) -> int:
    pager = soup.find("table", id=GRID_ID).find("tr", class_="pgr")
    return int(pager.find("span").get_text()) if pager else 1


def postback(client, soup: BeautifulSoup, target: str, argument: str, **changes):
    action, data = form_data(soup)
    data["__EVENTTARGET"], data["__EVENTARGUMENT"] = target, argument
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return client.post(action, data=data)


def grid_rows(soup: BeautifulSoup) -> list[tuple[str, str, date | None]]:
    """(article path, title, date shown in the row or None) for every data row of the grid."""
    grid = soup.find("table", id=GRID_ID)
    assert grid is not None
    rows = []
    for row in grid.find_all("tr", recursive=False):
        if set(row.get("class", [])) & {"hdr", "pgr"}:
            continue
        link = next((a for a in row.find_all("a")
                     if a["href"].startswith("/vn/tin-tuc/") and a.get_text(strip=True)), None)
        if link is None:
            continue
        rows.append((link["href"], link.get_text(strip=True), first_date(row.get_text(" "))))
    return rows


def walk(client, path: str) -> list[tuple[tuple[str, str] | None, BeautifulSoup]]:
    """Every page of a listing as a browser reaches it: GET, then the pager's next page."""
    pages = [(None, get(client, path))]
    while True:
        soup = pages[-1][1]
        link = pager_links(soup).get(f"Page${current_page(soup) + 1}")
        if link is None:
            return pages
        response = postback(client, soup, *link)
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        pages.append((link, soup_of(response)))
        assert len(pages) < 50


def article_date(client, path: str) -> date | None:
    return first_date(get(client, path).find(class_="ngay-dang").get_text(" "))


def content(soup: BeautifulSoup) -> str:
    return soup.find(id=CONTENT_ID).get_text(" ")


def anchors(soup: BeautifulSoup):
    return soup.find_all("a", href=True)


@pytest.fixture(scope="module")
def site():
    return build()


@pytest.fixture(scope="module")
def bare():
    return build(all_features=False)


def all_pages(portal, client) -> list[str]:
    """Every GET page of the portal a crawler can name (no post-backs)."""
    agency = portal.agency
    paths = [portal.home_path()]
    paths += [portal.page_path(k) for k in STATIC_PAGES
              if client.get(portal.page_path(k)).status_code == 200]
    for section in agency.sections:
        paths.append(portal.listing_pages(section)[0].url)
        paths += [portal.post_path(section, p) for p in section.posts[:2]]
    paths += [portal.procedure_path(p.code) for p in agency.procedures]
    return paths


# -- listings by post-back ------------------------------------------------------------------
SECTION_KEYS = [s.key for s in make_province("aspnet").agencies[0].sections]


@pytest.mark.parametrize("key", SECTION_KEYS)
def test_walking_a_section_by_postback_finds_exactly_its_posts(site, key):
    portal, client = site
    section = portal.agency.section(key)
    path = portal.listing_pages(section)[0].url
    pages = walk(client, path)

    found = []
    for _, soup in pages:
        for href, title, shown in grid_rows(soup):
            if section.listing_dates:
                assert shown is not None, (href, title)
            else:
                assert shown is None, (href, title)
            published = article_date(client, href)
            assert shown is None or shown == published
            found.append((href, title, published))
    assert len(found) == len(set(found))
    assert set(found) == {(portal.post_path(section, p), p.title, p.published.date())
                          for p in section.posts}

    listing = portal.listing_pages(section)
    assert len(pages) == len(listing) == max(1, -(-len(section.posts) // section.page_size))
    for (used, soup), expected in zip(pages, listing):
        assert expected.url == path
        assert expected.postback == used
        assert [row[0] for row in grid_rows(soup)] == [portal.post_path(section, p)
                                                       for p in expected.posts]
    for _, soup in pages[1:]:
        assert form_data(soup)[0] == path          # every page posts back to the same path


def test_pager_next_last_prev_first(site):
    portal, client = site
    section = portal.agency.section("tin-tuc-su-kien")
    listing = portal.listing_pages(section)
    assert len(listing) == 3

    def ids(soup):
        return [row[0] for row in grid_rows(soup)]

    def expect(page):
        return [portal.post_path(section, p) for p in listing[page - 1].posts]

    first = get(client, listing[0].url)
    assert ids(first) == expect(1)
    assert set(pager_links(first)) == {"Page$2", "Page$3", "Page$Next", "Page$Last"}
    last = soup_of(postback(client, first, *pager_links(first)["Page$Last"]))
    assert ids(last) == expect(3) and current_page(last) == 3
    assert "Page$Next" not in pager_links(last)
    middle = soup_of(postback(client, last, *pager_links(last)["Page$Prev"]))
    assert ids(middle) == expect(2)
    second = soup_of(postback(client, first, *pager_links(first)["Page$Next"]))
    assert ids(second) == expect(2)
    again = soup_of(postback(client, middle, *pager_links(middle)["Page$First"]))
    assert ids(again) == expect(1)
    # A post-back without an event re-renders the page the view state holds.
    action, data = form_data(middle)
    response = client.post(action, data=data)
    assert response.status_code == 200 and ids(soup_of(response)) == expect(2)


def test_query_page_is_ignored(site):
    portal, client = site
    section = portal.agency.section("tin-tuc-su-kien")
    listing = portal.listing_pages(section)
    for query in ("?page=2", "?Page=3", "?p=2"):
        rows = grid_rows(get(client, listing[0].url + query))
        assert [r[0] for r in rows] == [portal.post_path(section, p) for p in listing[0].posts]


def _tamper(value: str) -> str:
    middle = len(value) // 2
    return value[:middle] + ("A" if value[middle] != "A" else "B") + value[middle + 1:]


def test_bad_postbacks_fail_visibly(site):
    portal, client = site
    section = portal.agency.section("tin-tuc-su-kien")
    path = portal.listing_pages(section)[0].url
    first = get(client, path)
    target, argument = pager_links(first)["Page$2"]
    vs = form_data(first)[1]["__VIEWSTATE"]
    other = get(client, portal.listing_pages(portal.agency.section("van-ban"))[0].url)
    cases = {
        "no view state": (dict(__VIEWSTATE=None), "The state information is invalid"),
        "empty view state": (dict(__VIEWSTATE=""), "The state information is invalid"),
        "tampered": (dict(__VIEWSTATE=_tamper(vs)), "Validation of viewstate MAC failed"),
        "truncated": (dict(__VIEWSTATE=vs[:-8]), "Validation of viewstate MAC failed"),
        "not base64": (dict(__VIEWSTATE="%%%"), "Validation of viewstate MAC failed"),
        "another page's": (dict(__VIEWSTATE=form_data(other)[1]["__VIEWSTATE"]),
                           "Validation of viewstate MAC failed"),
        "no event validation": (dict(__EVENTVALIDATION=None), "Invalid postback or callback"),
        "tampered event validation": (
            dict(__EVENTVALIDATION=_tamper(form_data(first)[1]["__EVENTVALIDATION"])),
            "Invalid postback or callback"),
        "page not offered": (dict(__EVENTARGUMENT="Page$99"), "Invalid postback or callback"),
        "unknown argument": (dict(__EVENTARGUMENT="Sort$Title"), "Invalid postback or callback"),
    }
    for name, (changes, message) in cases.items():
        response = postback(client, first, target, argument, **changes)
        assert response.status_code == 500, name
        text = response.get_data(as_text=True)
        assert "Server Error in '/' Application." in text, name
        assert message in text, name
    assert client.post(path, data={}).status_code == 500
    assert client.post(path).status_code == 500
    # The same post-back, untouched, works.
    assert postback(client, first, target, argument).status_code == 200


def test_view_state_is_opaque_and_per_page(site):
    portal, client = site
    section = portal.agency.section("tin-tuc-su-kien")
    first = get(client, portal.listing_pages(section)[0].url)
    fields = form_data(first)[1]
    assert fields["__VIEWSTATE"].startswith("/wE")
    assert section.key not in fields["__VIEWSTATE"]
    assert re.fullmatch(r"[0-9A-F]{8}", fields["__VIEWSTATEGENERATOR"])
    second = soup_of(postback(client, first, *pager_links(first)["Page$2"]))
    assert form_data(second)[1]["__VIEWSTATE"] != fields["__VIEWSTATE"]


def test_document_facets_and_search(site):
    portal, client = site
    section = portal.agency.section("van-ban")
    path = portal.listing_pages(section)[0].url
    first = get(client, path)
    facet_links = first.find("div", class_="facets").find_all("a")
    assert facet_links and all(a["href"].startswith(path + "?") for a in facet_links)
    for anchor in facet_links:
        shown = []
        for _, soup in walk(client, anchor["href"]):
            shown += [r[0] for r in grid_rows(soup)]
        # every document of the factory has the same field, year, issuer and type
        assert sorted(shown) == sorted(portal.post_path(section, p) for p in section.posts)

    response = postback(client, first, "", "", **{
        "ctl00$ContentPlaceHolder1$txtTuKhoa": "quy chế số 12",
        "ctl00$ContentPlaceHolder1$btnTimKiem": "Tìm kiếm"})
    assert response.status_code == 200
    rows = grid_rows(soup_of(response))
    assert [r[1] for r in rows] == ["Quyết định ban hành quy chế số 12"]


# -- dates ---------------------------------------------------------------------------------------
def test_date_formats(site):
    portal, client = site
    agency = portal.agency
    grid_texts, article_texts = [], []
    for section in agency.sections:
        soup = get(client, portal.listing_pages(section)[0].url)
        grid_texts.append(soup.find("table", id=GRID_ID).get_text(" "))
        for post in section.posts[:3]:
            shown = get(client, portal.post_path(section, post)).find(class_="ngay-dang")
            article_texts.append((post, shown.get_text(" ").strip()))
    grids = " ".join(grid_texts)
    assert re.search(r"\(\d{2}/\d{2}/\d{4}\)", grids)
    assert re.search(r"Ngày \d{2} tháng \d{2} năm \d{4}", grids)
    assert re.search(r"Ngày \d{2} tháng 0\d năm \d{4}", grids)     # the zero-padded trap
    styles = set()
    for post, text in article_texts:
        moment = post.published
        twelve = re.fullmatch(r"(\d{2})/(\d{2})/(\d{4}) (\d{1,2}):(\d{2}) (SA|CH)", text)
        if twelve:
            styles.add("12h")
            hour = int(twelve[4]) % 12 + (12 if twelve[6] == "CH" else 0)
            assert (hour, int(twelve[5])) == (moment.hour, moment.minute)
        else:
            assert re.fullmatch(rf".+, ngày {moment.day} tháng {moment.month} năm {moment.year}",
                                text), text
            styles.add("long")
    assert styles == {"12h", "long"}


# -- placements ------------------------------------------------------------------------------
def test_placements(site):
    portal, client = site
    agency = portal.agency
    home = get(client, portal.home_path())
    menu = home.find(id="menu").find("ul")
    top = [li.find("a", recursive=False) for li in menu.find_all("li", recursive=False)]
    top_hrefs = {a["href"] for a in top}
    nested = {a["href"] for ul in menu.find_all("ul", class_="sub") for a in ul.find_all("a")}
    footer = {a["href"] for a in home.find(id="footer").find_all("a")}
    for section in agency.sections:
        path = portal.listing_pages(section)[0].url
        if section.placement == "menu":
            assert path in top_hrefs
        if section.placement == "submenu":
            assert path in nested and path not in top_hrefs
            parent = next(li for li in menu.find_all("li", recursive=False)
                          if li.find("ul", class_="sub") and path in str(li))
            assert parent.find("a").get_text() == "Tin tức"
        if section.placement == "footer":
            assert path in footer


def test_sidebar_image_sections_are_linked_only_by_an_empty_alt_image(site):
    portal, client = site
    hidden = [s for s in portal.agency.sections if s.placement == "sidebar_image"]
    assert hidden
    sitemap = portal.page_path("so-do")
    for path in all_pages(portal, client):
        soup = get(client, path)
        if path == sitemap:                        # named there, in the page's content
            for section in hidden:
                target = portal.listing_pages(section)[0].url
                listed = soup.find(id=CONTENT_ID).find_all("a", href=target)
                assert [a.get_text(strip=True) for a in listed] == [section.name]
            soup.find(id=CONTENT_ID).decompose()
        for section in hidden:
            target = portal.listing_pages(section)[0].url
            links = [a for a in anchors(soup) if a["href"] == target or section.key in a["href"]]
            assert links, path                     # the banner is in the sidebar of every page
            for anchor in links:
                assert anchor.get_text(strip=True) == ""
                images = anchor.find_all("img")
                assert len(images) == 1 and images[0]["alt"] == ""
                assert section.key in anchor["href"]
            assert section.name not in [a.get_text(strip=True) for a in anchors(soup)]


def test_sitemap_only_sections_appear_only_on_the_site_map(site):
    portal, client = site
    hidden = [s for s in portal.agency.sections if s.placement == "sitemap_only"]
    assert hidden
    sitemap = portal.page_path("so-do")
    for path in all_pages(portal, client):
        soup = get(client, path)
        hrefs = [a["href"] for a in anchors(soup)]
        for section in hidden:
            target = portal.listing_pages(section)[0].url
            if path == sitemap:
                assert target in hrefs
            else:
                assert not any(section.key in href for href in hrefs), path


def test_site_map_lists_every_section_and_page(site):
    portal, client = site
    soup = get(client, portal.page_path("so-do"))
    links = {(a["href"], a.get_text(strip=True)) for a in anchors(soup.find(id=CONTENT_ID))}
    for section in portal.agency.sections:
        assert (portal.listing_pages(section)[0].url, section.name) in links
    for kind, title in STATIC_PAGES.items():
        if kind != "so-do":
            assert (portal.page_path(kind), title) in links


def test_home_links_static_pages_and_newest_general_posts(site):
    portal, client = site
    home = get(client, portal.home_path())
    hrefs = {a["href"] for a in anchors(home)}
    for kind in STATIC_PAGES:
        assert portal.page_path(kind) in hrefs, kind
    general = next(s for s in portal.agency.sections if s.general)
    for post in general.posts[:5]:
        assert portal.post_path(general, post) in hrefs
    assert client.get("/").status_code == 302
    assert client.get("/").headers["Location"] == portal.home_path()


def test_every_internal_link_resolves_and_is_root_relative(site):
    portal, client = site
    seen, queue = set(), deque([portal.home_path()])
    while queue:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        assert response.status_code == 200, path
        if not response.content_type.startswith("text/html"):
            continue
        text = response.get_data(as_text=True)
        assert "127.0.0.1" not in text and ":8101" not in text
        soup = BeautifulSoup(text, "html.parser")
        refs = [a["href"] for a in anchors(soup)] + [t["src"] for t in soup.find_all(src=True)]
        for ref in refs:
            if ref.startswith(("javascript:", "#")):
                continue
            if ref.startswith("https://"):
                assert urlsplit(ref).hostname in ("vbpl.vn", "dichvucong.gov.vn"), ref
                continue
            assert ref.startswith("/") and not ref.startswith("//"), (path, ref)
            queue.append(ref.split("#")[0])
    assert len(seen) > 60


# -- field sets --------------------------------------------------------------------------------
def sparse(agency):
    agency.fields.update({"gioi-thieu": ["dieu_kien_tu_nhien", "ban_do"],
                          "lanh-dao": ["ho_ten", "nguoi_phat_ngon"],
                          "lien-he": ["fax"], "can-bo": ["don_vi", "email"],
                          "gop-y": ["xem_gop_y", "dia_chi_tiep_nhan"],
                          "van-ban": ["so_ky_hieu", "hinh_thuc", "ngay_hieu_luc"]})
    agency.projects[0].fields = {"linh_vuc": "Công nghệ thông tin", "nha_tai_tro": "Ngân sách"}


@pytest.mark.parametrize("variant", ["factory", "sparse"])
def test_static_pages_show_exactly_the_present_field_labels(variant):
    portal, client = build(mutate=sparse if variant == "sparse" else None)
    agency = portal.agency

    def check(text: str, field_set: str, present) -> None:
        for name, label in FIELD_LABELS[field_set].items():
            assert (label in text) == (name in present), (field_set, label)

    pages = {"gioi-thieu": "gioi-thieu", "lanh-dao": "lanh-dao", "lien-he": "lien-he",
             "danh-ba": "can-bo", "gop-y": "gop-y"}
    for kind, field_set in pages.items():
        check(content(get(client, portal.page_path(kind))), field_set,
              agency.fields.get(field_set, []))
    structure = "co_cau_to_chuc" in agency.fields["gioi-thieu"]
    home = get(client, portal.home_path())
    assert (portal.page_path("co-cau-to-chuc") in {a["href"] for a in anchors(home)}) == structure
    if structure:
        check(content(get(client, portal.page_path("co-cau-to-chuc"))), "gioi-thieu",
              ["co_cau_to_chuc"])
    else:
        get(client, portal.page_path("co-cau-to-chuc"), status=404)
    projects = {name for project in agency.projects for name in project.fields}
    check(content(get(client, portal.page_path("du-an"))), "du-an", projects)
    for procedure in agency.procedures:
        check(content(get(client, portal.procedure_path(procedure.code))), "thu-tuc",
              procedure.details)
    listing = get(client, portal.page_path("thu-tuc"))
    check(content(listing), "thu-tuc", [])
    # Legal documents: the grid's headings are the present van-ban fields.
    section = agency.section("van-ban")
    grid = get(client, portal.listing_pages(section)[0].url).find("table", id=GRID_ID)
    headings = [th.get_text(strip=True) for th in grid.find_all("th")]
    present = agency.fields["van-ban"]
    expected = [label for name, label in FIELD_LABELS["van-ban"].items() if name in present]
    assert [h for h in headings if h not in ("STT", "Văn bản", "Ngày đăng")] == expected
    assert ("Ngày đăng" in headings) == ("ngay_ban_hanh" not in present)   # the date stays
    article = content(get(client, portal.post_path(section, section.posts[0])))
    check(article, "van-ban", present)


def test_contact_and_hotline_values(site):
    portal, client = site
    contact = portal.agency.contact
    text = content(get(client, portal.page_path("lien-he")))
    assert contact["address"] in text and contact["email"] in text
    assert contact["hotline"] not in text
    assert contact["hotline"] in content(get(client, portal.page_path("duong-day-nong")))
    leaders = content(get(client, portal.page_path("lanh-dao")))
    assert all(p.name in leaders and p.phone in leaders for p in portal.agency.leaders)


def test_feedback_form_posts_back(site):
    portal, client = site
    soup = get(client, portal.page_path("lien-he"))
    response = postback(client, soup, "", "", **{
        "ctl00$ContentPlaceHolder1$txtHoTen": "Nguyễn Văn Dân",
        "ctl00$ContentPlaceHolder1$txtNoiDung": "Đề nghị cập nhật thông tin.",
        "ctl00$ContentPlaceHolder1$btnGui": FEATURE_TEXT["feedback_form"]})
    assert response.status_code == 200
    assert "Cảm ơn" in content(soup_of(response))


# -- features --------------------------------------------------------------------------------------
def _documents(portal, client):
    return get(client, portal.listing_pages(portal.agency.section("van-ban"))[0].url)


def _article(portal, client):
    section = portal.agency.section("tin-tuc-su-kien")
    return get(client, portal.post_path(section, section.posts[0]))


def _home(portal, client):
    return get(client, portal.home_path())


def _linked_page(portal, client, href: str, text: str) -> bool:
    links = [a for a in anchors(_home(portal, client)) if a["href"] == href]
    served = client.get(href).status_code == 200
    assert bool(links) == served
    return served and all(a.get_text(strip=True) == text for a in links)


def _non_banner_alts(soups) -> bool:
    images = [img for soup in soups for img in soup.find_all("img")
              if "banner" not in img.get("class", [])]
    assert images
    return all(img.get("alt") for img in images)


def _facet(title: str):
    def check(portal, client) -> bool:
        facets = _documents(portal, client).find("div", class_="facets")
        return bool(facets) and title in [h.get_text() for h in facets.find_all("h3")]
    return check


def _download(portal, client) -> bool:
    files = [a["href"] for a in _documents(portal, client).find("table", id=GRID_ID).find_all("a")
             if a["href"].endswith((".pdf", ".doc", ".docx"))]
    assert all(client.get(href).status_code == 200 for href in files)
    return bool(files)


def _pakn(feature: str, page):
    def check(portal, client) -> bool:
        links = [a for a in anchors(page(portal, client))
                 if a.get_text(strip=True) == FEATURE_TEXT[feature]]
        return bool(links) and all(client.get(a["href"]).status_code == 200 for a in links)
    return check


def _feeds(portal, client) -> bool:
    """Home and every listing announce their section's feed; each feed lists its newest posts."""
    general = next(s for s in portal.agency.sections if s.general)
    announced = [_home(portal, client).find("link", rel="alternate")]
    for section in portal.agency.sections:
        feed = portal.rss_path(section)
        link = get(client, portal.listing_pages(section)[0].url).find("link", rel="alternate")
        assert (feed is None) == (link is None)
        if feed is None:
            continue
        assert link["href"] == feed and link["type"] == "application/rss+xml"
        response = client.get(feed)
        assert response.status_code == 200 and "rss+xml" in response.content_type
        channel = ElementTree.fromstring(response.get_data()).find("channel")
        assert [item.findtext("title") for item in channel.iter("item")] == [
            p.title for p in section.posts[:20]]
        if section is general:
            assert announced[0]["href"] == feed
    if announced[0] is None:
        assert all(portal.rss_path(s) is None for s in portal.agency.sections)
        return False
    return True


def _tthc(portal, client):
    return get(client, portal.page_path("thu-tuc"))


FEATURE_CHECKS = {
    "font_size": lambda p, c: bool(_home(p, c).find("a", title="Tăng cỡ chữ", string="A+")
                                   and _home(p, c).find("a", title="Giảm cỡ chữ", string="A-")),
    "text_to_speech": lambda p, c: "Đọc bài viết" in _article(p, c).get_text(),
    "contrast": lambda p, c: "Tương phản cao" in _home(p, c).get_text(),
    "access_keys": lambda p, c: bool(_home(p, c).find(id="menu").find_all("a", accesskey=True)),
    "alt_text": lambda p, c: _non_banner_alts([_home(p, c), _article(p, c)]),
    "help_text_alternatives": lambda p, c: _linked_page(p, c, p.page_path("tro-giup"), "Trợ giúp"),
    "multimedia": lambda p, c: (bool(_home(p, c).find("video"))
                                and "Video" in _home(p, c).get_text()),
    "mobile": lambda p, c: bool(_home(p, c).find("meta", attrs={"name": "viewport"})),
    "legal_download": _download,
    **{feature: _facet(title) for feature, title in LEGAL_FACETS.items()},
    "legal_db_link": lambda p, c: bool(_documents(p, c).find(
        "a", href=re.compile(r"^https://vbpl\.vn"), string=FEATURE_TEXT["legal_db_link"])),
    "document_search": lambda p, c: FEATURE_TEXT["document_search"] in _documents(p, c).get_text()
    and bool(_documents(p, c).find("input", attrs={"name": "ctl00$ContentPlaceHolder1$txtTuKhoa"})),
    "feedback_form": lambda p, c: bool(get(c, p.page_path("lien-he")).find(
        "input", attrs={"type": "submit", "value": FEATURE_TEXT["feedback_form"]})),
    "administrative_feedback": _pakn("administrative_feedback", _home),
    "hotline": lambda p, c: _linked_page(p, c, p.page_path("duong-day-nong"), "Đường dây nóng"),
    "tthc_announcement_download": lambda p, c: any(
        a.get_text(strip=True) == FEATURE_TEXT["tthc_announcement_download"]
        and a["href"].endswith(".pdf") and c.get(a["href"]).status_code == 200
        for a in anchors(_tthc(p, c))),
    "tthc_by_field": lambda p, c: "Lĩnh vực:" in content(_tthc(p, c)),
    "tthc_feedback": _pakn("tthc_feedback", _tthc),
    "rss": lambda p, c: _feeds(p, c),
    "project_classification": lambda p, c: bool(
        get(c, p.page_path("du-an")).find("h2", class_="giai-doan")),
}


@pytest.mark.parametrize("feature", sorted(FEATURE_CHECKS))
def test_feature_present_exactly_when_on(site, bare, feature):
    assert site[0].agency.features[feature] and not bare[0].agency.features[feature]
    assert FEATURE_CHECKS[feature](*site) is True
    assert FEATURE_CHECKS[feature](*bare) is False


def test_features_off_are_visible_as_absent(bare):
    portal, client = bare
    home = _home(portal, client)
    assert "min-width:1100px" in str(home) and not home.find("meta", attrs={"name": "viewport"})
    article = _article(portal, client)
    illustration = article.find("div", class_="anh").find("img")
    assert illustration["alt"] == ""


def test_mobile_layout_is_fluid(site):
    portal, client = site
    home = str(_home(portal, client))
    assert "min-width:1100px" not in home and "width:100%" in home


# -- errors and determinism ------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/vn/khong-co.aspx", "/vn/chuyen-muc/9999/tin-tuc.aspx",
                                  "/vn/chuyen-muc/1100/sai-ten.aspx",
                                  "/vn/chuyen-muc/1101/tin-tuc-su-kien.aspx",
                                  "/vn/tin-tuc/1/sai-slug.aspx", "/vn/tin-tuc/99999/bai-1.aspx",
                                  "/vn/thu-tuc/9.999999.aspx", "/abc", "/Uploads/VanBan/x.pdf"])
def test_unknown_paths_are_404(site, path):
    _, client = site
    response = client.get(path)
    assert response.status_code == 404
    assert "The resource cannot be found." in response.get_data(as_text=True)
    assert response.headers["Server"].startswith("Microsoft-IIS")


def test_features_off_pages_are_404(bare):
    portal, client = bare
    for kind in ("duong-day-nong", "tro-giup"):
        assert client.get(portal.page_path(kind)).status_code == 404
    assert client.get("/Uploads/TTHC/Quyet-dinh-cong-bo-TTHC.pdf").status_code == 404


def test_renders_are_byte_identical():
    bodies = []
    for _ in range(2):
        portal, client = build()
        section = portal.agency.section("tin-tuc-su-kien")
        paths = all_pages(portal, client)
        out = [client.get(path).get_data() for path in paths]
        first = get(client, portal.listing_pages(section)[0].url)
        out.append(postback(client, first, *pager_links(first)["Page$3"]).get_data())
        out.append(client.get("/vn/khong-co.aspx").get_data())
        bodies.append(out)
    assert bodies[0] == bodies[1]
