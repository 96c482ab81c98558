"""The simulated SharePoint portal: listings reachable by its pager, placements, field pages, features."""

from __future__ import annotations

import re
from collections import deque
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import lxml.etree
import lxml.html
import pytest
from werkzeug.test import Client

from inspector.sandbox.model import Post, Section
from inspector.sandbox.platforms import portal_class
from inspector.sandbox.portal import FIELD_LABELS, STATIC_PAGES, WEEKDAYS_VI
from tests.sandbox.factory import make_province

PLATFORM = "sharepoint"
WEEKDAY_DATE = re.compile(r"(Thứ \w+|Chủ Nhật), (\d{2}/\d{2}/\d{4}) (\d{2}:\d{2})")
SA_CH_DATE = re.compile(r"(\d{2}/\d{2}/\d{4}) (\d{1,2}):(\d{2}) (SA|CH)")
UPDATED = re.compile(r"Cập nhật lúc (\d{2}:\d{2}) ngày (\d{2}/\d{2}/\d{4})")
DAY = re.compile(r"\b(\d{2}/\d{2}/\d{4})\b")
EXTERNAL = ("https://vbpl.vn/", "https://pakn.dichvucong.gov.vn/", "https://dichvucong.gov.vn/")


def build(**kwargs):
    province = make_province(PLATFORM, **kwargs)
    agency = province.agencies[0]
    return agency, portal_class(PLATFORM)(agency, province)


@pytest.fixture(scope="module")
def site():
    agency, portal = build()
    return agency, portal, Client(portal)


def fetch(client: Client, url: str, status: int = 200) -> lxml.html.HtmlElement:
    response = client.get(url)
    assert response.status_code == status, url
    return lxml.html.document_fromstring(response.get_data(as_text=True))


def text(element) -> str:
    return " ".join(element.text_content().split())


def path_of(href: str) -> str:
    return urlsplit(href).path


def hrefs(doc) -> list[str]:
    return [a.get("href") for a in doc.iter("a") if a.get("href")]


# -- reading a listing with the platform's markup ------------------------------------------------
def listing_rows(doc, layout: str) -> list[tuple[str, str, str]]:
    """(article url, title, date text or '') of each row of a listing page."""
    rows = []
    if layout == "news":
        for item in doc.cssselect("ul.dfwp-list li.dfwp-item div.item"):
            link = item.cssselect("div.link-item > a")[0]
            dates = item.cssselect("div.date-line")
            rows.append((link.get("href"), text(link), text(dates[0]) if dates else ""))
    elif layout == "qa":
        for item in doc.cssselect("div.hoidap-item"):
            link = item.cssselect("div.cau-hoi a")[0]
            dates = item.cssselect("span.ngay-gui")
            rows.append((link.get("href"), text(link), text(dates[0]) if dates else ""))
    else:
        table = doc.cssselect("table.ms-listviewtable")[0]
        header = [text(th) for th in table.cssselect("th")]
        for tr in table.cssselect("tr.ms-itmhover"):
            cells = tr.cssselect("td")
            link = [a for a in tr.cssselect("a") if "file-dinh-kem" not in (a.get("class") or "")][0]
            day = cells[header.index("Ngày ban hành")] if "Ngày ban hành" in header else None
            rows.append((link.get("href"), text(link), text(day) if day is not None else ""))
    return rows


def parse_listing_date(value: str, layout: str):
    if layout == "documents":
        found = DAY.search(value)
        return datetime.strptime(found.group(1), "%d/%m/%Y").date() if found else None
    found = WEEKDAY_DATE.search(value)
    if found:
        moment = datetime.strptime(f"{found.group(2)} {found.group(3)}", "%d/%m/%Y %H:%M")
        assert WEEKDAYS_VI[moment.weekday()] == found.group(1)
        return moment
    found = SA_CH_DATE.search(value)
    if found:
        day, hour, minute, half = found.groups()
        hour = int(hour) % 12 + (12 if half == "CH" else 0)
        return datetime.strptime(day, "%d/%m/%Y").replace(hour=hour, minute=int(minute))
    return None


def article_date(doc) -> datetime:
    found = UPDATED.search(text(doc.cssselect("div.article-date")[0]))
    return datetime.strptime(f"{found.group(2)} {found.group(1)}", "%d/%m/%Y %H:%M")


def pager_links(doc) -> list[str]:
    return [a.get("href") for a in doc.cssselect("div.paging a")]


def is_section_link(portal, section, href: str) -> bool:
    return path_of(href).lower() == portal.section_path(section).lower()


def entry_url(client, portal, section) -> str:
    for url in (portal.home_path(), portal.page_path("so-do")):
        for href in hrefs(fetch(client, url)):
            if is_section_link(portal, section, href):
                return href
    raise AssertionError(f"no link to {section.key}")


def walk(client, portal, section):
    start = entry_url(client, portal, section)
    seen: dict[str, list] = {}
    queue = deque([start])
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        doc = fetch(client, url)
        seen[url] = listing_rows(doc, section.layout)
        for href in pager_links(doc):
            assert is_section_link(portal, section, href)
            queue.append(href)
    return start, seen


@pytest.mark.parametrize("key", ["tin-tuc-su-kien", "chi-dao-dieu-hanh", "tuyen-truyen-pbgdpl",
                                 "chien-luoc-quy-hoach", "van-ban", "hoi-dap", "khen-thuong"])
def test_listing_walk_finds_exactly_the_posts(site, key):
    agency, portal, client = site
    section = agency.section(key)
    start, pages = walk(client, portal, section)
    found = set()
    for rows in pages.values():
        for href, title, when in rows:
            if section.listing_dates:
                moment = parse_listing_date(when, section.layout)
                assert moment is not None, (href, when)
            else:
                assert not DAY.search(when), "listing must show no date"
                moment = article_date(fetch(client, href))
                if section.layout == "documents":
                    moment = moment.date()
            found.add((href, title, moment))
    expected = {(portal.post_path(section, p), p.title,
                 p.published.date() if section.layout == "documents" else p.published)
                for p in section.posts}
    assert found == expected

    # the pager reaches exactly the pages listing_pages() declares, with their posts
    listed = portal.listing_pages(section)
    assert listed[0].url == start
    assert set(pages) == {page.url for page in listed}
    for page in listed:
        assert [r[0] for r in pages[page.url]] == [portal.post_path(section, p) for p in page.posts]


def test_listing_urls(site):
    agency, portal, _ = site
    section = agency.section("tin-tuc-su-kien")
    pages = portal.listing_pages(section)
    assert [len(p.posts) for p in pages] == [10, 10, 3]
    query = parse_qs(urlsplit(pages[2].url).query)
    assert path_of(pages[2].url) == "/Pages/tin-tuc-su-kien.aspx"
    assert query["Page"] == ["3"] and query["ChuyenMucID"] == [str(portal.ids[section.key])]
    assert "Page=" not in pages[0].url
    post = section.posts[0]
    assert portal.post_path(section, post) == f"/Pages/chi-tiet.aspx?ItemID={post.id}"


def test_pager_has_numbers_and_next_labels(site):
    agency, portal, client = site
    section = agency.section("tin-tuc-su-kien")
    pager = fetch(client, portal.listing_pages(section)[1].url).cssselect("div.paging")[0]
    labels = [text(a) for a in pager.cssselect("a")]
    assert {"«", "Trang trước", "1", "3", "Trang sau", "»"} <= set(labels)
    assert text(pager.cssselect("span.current")[0]) == "2"


def test_two_listing_date_formats(site):
    agency, portal, client = site
    samples = []
    for section in agency.sections:
        if section.layout in ("news", "qa") and section.listing_dates and section.posts:
            samples += [r[2] for r in listing_rows(fetch(client, portal.page_url(section)), section.layout)]
    assert any(WEEKDAY_DATE.search(s) for s in samples)
    assert any(SA_CH_DATE.search(s) for s in samples)


# -- placements ----------------------------------------------------------------------------------
def all_pages(portal, agency) -> list[str]:
    urls = [portal.home_path()] + [portal.page_path(k) for k in portal.available_pages()]
    for section in agency.sections:
        urls.append(portal.page_url(section))
        urls += [portal.post_path(section, p) for p in section.posts[:1]]
    return urls


def test_menu_submenu_and_footer(site):
    agency, portal, client = site
    home = fetch(client, portal.home_path())
    top = [a.get("href") for a in home.cssselect("#zz2_RootAspMenu > li > a")]
    nested = [a.get("href") for a in home.cssselect("#zz2_RootAspMenu ul.dynamic a")]
    footer = [a.get("href") for a in home.cssselect("#footer a")]
    for section in agency.sections:
        assert any(is_section_link(portal, section, h) for h in top) == (section.placement == "menu")
        assert any(is_section_link(portal, section, h) for h in nested) == (section.placement == "submenu")
        assert any(is_section_link(portal, section, h) for h in footer) == (section.placement == "footer")
    assert portal.page_path("so-do") in footer


def test_sidebar_sections_are_linked_only_by_images_without_alt(site):
    agency, portal, client = site
    for section in portal.sections_at("sidebar_image"):
        count = 0
        for url in all_pages(portal, agency):
            if url == portal.page_url(section):
                continue                          # its own pager links it by numbers
            for a in fetch(client, url).iter("a"):
                if not is_section_link(portal, section, a.get("href", "")):
                    continue
                images = a.findall(".//img")
                assert len(images) == 1 and images[0].get("alt") == "" and not text(a), url
                assert section.key in a.get("href")
                count += 1
        assert count >= 2


def test_sitemap_only_sections_appear_only_on_the_site_map(site):
    agency, portal, client = site
    sitemap = portal.page_path("so-do")
    sitemap_links = hrefs(fetch(client, sitemap))
    for section in agency.sections:
        assert any(is_section_link(portal, section, h) for h in sitemap_links), section.key
    for section in portal.sections_at("sitemap_only"):
        for url in all_pages(portal, agency):
            if url == sitemap or url == portal.page_url(section):
                continue
            assert not any(is_section_link(portal, section, h) for h in hrefs(fetch(client, url))), url


def test_home_links_every_static_page(site):
    agency, portal, client = site
    links = set(hrefs(fetch(client, portal.home_path())))
    for kind in STATIC_PAGES:
        assert portal.page_path(kind) in links, kind


def test_urls_are_case_insensitive_and_root_redirects(site):
    agency, portal, client = site
    assert client.get("/pages/DEFAULT.aspx").status_code == 200
    assert client.get("/Pages/chi-tiet.aspx?itemid=1").status_code == 200
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith(portal.home_path())


# -- field pages ---------------------------------------------------------------------------------
def assert_labels(body: str, field_set: str, present) -> None:
    for name, label in FIELD_LABELS[field_set].items():
        assert (label in body) == (name in present), (field_set, name)


@pytest.mark.parametrize("kind, field_set", [("gioi-thieu", "gioi-thieu"), ("lanh-dao", "lanh-dao"),
                                             ("lien-he", "lien-he"), ("danh-ba", "can-bo"),
                                             ("gop-y", "gop-y")])
def test_field_pages_show_exactly_the_present_fields(kind, field_set):
    for fields in (None, ["dien_thoai"], ["email", "ho_ten", "nguoi_phat_ngon"]):
        agency, portal = build()
        if fields is not None:
            agency.fields[field_set] = [f for f in fields if f in FIELD_LABELS[field_set]]
        body = text(fetch(Client(portal), portal.page_path(kind)))
        assert_labels(body, field_set, agency.fields[field_set])


def test_procedure_and_project_pages(site):
    agency, portal, client = site
    for procedure in agency.procedures:
        body = text(fetch(client, portal.procedure_path(procedure.code)))
        assert_labels(body, "thu-tuc", procedure.details)
        assert procedure.code in body
    body = text(fetch(client, portal.page_path("du-an")))
    for project in agency.projects:
        assert_labels(body, "du-an", project.fields)
    links = set(hrefs(fetch(client, portal.page_path("thu-tuc"))))
    assert links >= {portal.procedure_path(p.code) for p in agency.procedures}


def test_document_table_columns_follow_the_field_set(site):
    agency, portal, client = site
    doc = fetch(client, portal.page_url(agency.section("van-ban")))
    header = [text(th) for th in doc.cssselect("table.ms-listviewtable th")]
    assert header == [FIELD_LABELS["van-ban"][n] for n in FIELD_LABELS["van-ban"]
                      if n in agency.fields["van-ban"]]


def test_static_page_contents(site):
    agency, portal, client = site
    assert agency.contact["hotline"] in text(fetch(client, portal.page_path("duong-day-nong")))
    assert agency.intro["co_cau_to_chuc"] in text(fetch(client, portal.page_path("co-cau-to-chuc")))
    assert agency.directory[0].unit in text(fetch(client, portal.page_path("danh-ba")))
    agency2, portal2 = build()
    agency2.fields["gioi-thieu"] = ["lich_su"]
    client2 = Client(portal2)
    assert client2.get(portal2.page_path("co-cau-to-chuc")).status_code == 404
    assert "Cơ cấu tổ chức" not in text(fetch(client2, portal2.page_path("gioi-thieu")))


# -- features ------------------------------------------------------------------------------------
def _html(client, url) -> str:
    return client.get(url).get_data(as_text=True)


def _article(agency, portal):
    section = agency.section("tin-tuc-su-kien")
    return portal.post_path(section, section.posts[0])


def _documents(agency, portal):
    return portal.page_url(agency.section("van-ban"))


FEATURE_CHECKS = {
    "font_size": lambda a, p, c: 'title="Tăng cỡ chữ"' in _html(c, p.home_path())
    and 'title="Giảm cỡ chữ"' in _html(c, p.home_path()),
    "text_to_speech": lambda a, p, c: "Đọc bài viết" in _html(c, _article(a, p)),
    "contrast": lambda a, p, c: "Tương phản cao" in _html(c, p.home_path()),
    "access_keys": lambda a, p, c: bool(fetch(c, p.home_path())
                                        .cssselect("#zz2_RootAspMenu > li > a[accesskey]")),
    "alt_text": lambda a, p, c: all(img.get("alt") for img in
                                    fetch(c, p.page_url(a.section("tin-tuc-su-kien"))).iter("img")
                                    if "/Banner/" not in img.get("src")),
    "help_text_alternatives": lambda a, p, c: c.get(p.page_path("tro-giup")).status_code == 200
    and p.page_path("tro-giup") in _html(c, p.home_path()),
    "multimedia": lambda a, p, c: bool(fetch(c, p.home_path()).cssselect("video source")),
    "mobile": lambda a, p, c: '<meta name="viewport" content="width=device-width, initial-scale=1">'
    in _html(c, p.home_path()),
    "legal_download": lambda a, p, c: bool(fetch(c, _documents(a, p)).cssselect("td a.file-dinh-kem")),
    "legal_by_field": lambda a, p, c: "Lĩnh vực" in text(fetch(c, _documents(a, p))),
    "legal_by_date": lambda a, p, c: "Năm ban hành" in text(fetch(c, _documents(a, p))),
    "legal_by_type": lambda a, p, c: "Loại văn bản" in text(fetch(c, _documents(a, p))),
    "legal_db_link": lambda a, p, c: "https://vbpl.vn/" in _html(c, _documents(a, p)),
    "document_search": lambda a, p, c: "Tìm kiếm văn bản" in _html(c, _documents(a, p)),
    "feedback_form": lambda a, p, c: bool(fetch(c, p.page_path("lien-he")).cssselect("form textarea")),
    "administrative_feedback": lambda a, p, c: "Phản ánh, kiến nghị về quy định hành chính"
    in _html(c, p.home_path()),
    "hotline": lambda a, p, c: c.get(p.page_path("duong-day-nong")).status_code == 200,
    "tthc_announcement_download": lambda a, p, c: "Quyết định công bố bộ TTHC"
    in _html(c, p.page_path("thu-tuc")),
    "tthc_by_field": lambda a, p, c: "Lĩnh vực: " in _html(c, p.page_path("thu-tuc")),
    "tthc_feedback": lambda a, p, c: "Phản ánh, kiến nghị về thủ tục hành chính"
    in _html(c, p.page_path("thu-tuc")),
    "project_classification": lambda a, p, c: bool(fetch(c, p.page_path("du-an")).cssselect("h2.giai-doan")),
    "rss": lambda a, p, c: 'type="application/rss+xml"' in _html(c, p.home_path()),
}


@pytest.mark.parametrize("feature", sorted(FEATURE_CHECKS))
def test_feature_present_and_absent(feature):
    for on in (True, False):
        agency, portal = build(all_features=on)
        assert FEATURE_CHECKS[feature](agency, portal, Client(portal)) is on, (feature, on)


def test_fixed_layout_without_mobile_feature():
    _, portal = build(all_features=False)
    html = _html(Client(portal), portal.home_path())
    assert "body{min-width:1100px}" in html and 'name="viewport"' not in html
    _, portal = build()
    assert "min-width:1100px" not in _html(Client(portal), portal.home_path())


def test_illustrations_have_empty_alt_without_alt_text():
    agency, portal = build(all_features=False)
    doc = fetch(Client(portal), portal.page_url(agency.section("tin-tuc-su-kien")))
    images = doc.cssselect("div.image-area-left img")
    assert images and all(img.get("alt") == "" for img in images)


def test_facet_and_search_filter_documents(site):
    agency, portal, client = site
    section = agency.section("van-ban")
    doc = fetch(client, portal.page_url(section))
    year = [a for a in doc.cssselect(".vb-phan-loai a") if text(a) == "2026"][0]
    rows = listing_rows(fetch(client, year.get("href")), "documents")
    assert len(rows) == sum(p.published.year == 2026 for p in section.posts) > section.page_size
    form = doc.cssselect(".vb-tim-kiem form")[0]
    rows = listing_rows(fetch(client, f"{form.get('action')}?ChuyenMucID={portal.ids[section.key]}"
                                      f"&TuKhoa=113/QĐ"), "documents")
    assert [r[1] for r in rows] == [p.title for p in section.posts if p.extra["number"].startswith("113/")]


def test_rss_feed_lists_the_section(site):
    agency, portal, client = site
    section = agency.section("hoi-dap")
    response = client.get(portal.rss_path(section))
    assert response.status_code == 200 and "rss" in response.content_type
    feed = lxml.etree.fromstring(response.data)
    assert [i.findtext("link") for i in feed.iter("item")] == [portal.post_path(section, p)
                                                              for p in section.posts]
    _, plain = build(all_features=False)
    assert plain.rss_path(section) is None
    assert Client(plain).get(portal.rss_path(section)).status_code == 404


def test_files_are_served(site):
    agency, portal, client = site
    doc = fetch(client, portal.page_url(agency.section("van-ban")))
    links = {a.get("href") for a in doc.cssselect("a.file-dinh-kem")}
    assert links
    for href in links:
        response = client.get(href)
        assert response.status_code == 200 and response.data.startswith(b"%PDF")
    for img in fetch(client, portal.home_path()).iter("img"):
        assert client.get(img.get("src")).content_type == "image/png"


# -- errors and determinism ----------------------------------------------------------------------
def test_unknown_urls_get_a_sharepoint_404(site):
    agency, portal, client = site
    section = agency.section("tin-tuc-su-kien")
    for url in ("/Pages/khong-co.aspx", "/nope", "/Pages/chi-tiet.aspx?ItemID=99999",
                f"/Pages/tin-tuc-su-kien.aspx?ChuyenMucID={portal.ids['hoi-dap']}",
                portal.section_path(section)):
        doc = fetch(client, url, status=404)
        assert "Không tìm thấy tệp" in text(doc)


def test_renders_are_byte_identical_and_root_relative():
    _, first = build()
    agency, second = build()
    c1, c2 = Client(first), Client(second)
    urls = all_pages(second, agency) + [page.url for s in agency.sections
                                        for page in second.listing_pages(s)]
    for url in urls:
        one, two = c1.get(url).data, c2.get(url).data
        assert one == two, url
        assert b"127.0.0.1" not in one, url
        doc = lxml.html.document_fromstring(one.decode("utf-8"))
        for element in doc.iter("a", "img", "source", "link", "form"):
            target = element.get("href") or element.get("src") or element.get("action")
            if target is None:
                continue                         # a named anchor
            assert target.startswith(("/", "#", "javascript:")) or target.startswith(EXTERNAL), (url, target)


def test_sparse_agency_renders_everywhere():
    """No general section, empty and date-less sections, a key taking a static page's name, no data."""
    province = make_province(PLATFORM, all_features=False)
    agency = province.agencies[0]
    for section in agency.sections:
        section.general = False
    agency.section("van-ban").listing_dates = False
    agency.sections.append(Section("lien-he", "Liên hệ công tác", ["x"], [
        Post(900, "bai-900", "Bài 900", datetime(2026, 1, 2, 0, 5), "Tóm tắt", ["Nội dung"])],
        placement="footer"))
    agency.sections.append(Section("rong", "Chuyên mục rỗng", ["y"], [], placement="sitemap_only",
                                   layout="qa"))
    agency.fields = {"van-ban": ["so_ky_hieu"]}
    agency.leaders, agency.directory, agency.procedures, agency.projects = [], [], [], []
    agency.contact, agency.intro = {}, {}
    portal = portal_class(PLATFORM)(agency, province)
    client = Client(portal)
    urls = [portal.home_path()] + [portal.page_path(k) for k in portal.available_pages()]
    for section in agency.sections:
        urls += [page.url for page in portal.listing_pages(section)]
        urls += [portal.post_path(section, post) for post in section.posts]
    assert len(set(urls)) == len(urls)
    for url in urls:
        assert client.get(url).status_code == 200, url
    doc = fetch(client, portal.listing_pages(agency.section("van-ban"))[0].url)
    assert not DAY.search(text(doc.cssselect("table")[0]))
    assert listing_rows(doc, "documents")[0][0] == portal.post_path(
        agency.section("van-ban"), agency.section("van-ban").posts[0])
