"""Discovery on the sandbox province and the real portal: every section is found from the home
page and the site map with its topics and placement, the information pages are found, and the
main content block is the page's own content on every platform."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from inspector.crawl.discovery import (href_topics, main_content, parse, section_links,
                                       section_topics, short_text, static_pages, text_of)
from inspector.sandbox.portal import FIELD_LABELS
from tests.crawl.conftest import BASE, fetch

REAL = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "real" / "sotttt-hanoi-2022"
REAL_URL = "https://sotttt.hanoi.gov.vn/"
# where a section of each placement must be reported
EXPECTED_HOW = {"menu": "menu", "submenu": "submenu", "sidebar_image": "sidebar_image",
                "footer": "footer", "sitemap_only": "sitemap"}






def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def discovered(portal, client) -> tuple[dict, dict]:
    """path → SectionLink found on the home page, and on the site map."""
    found = []
    for path in (portal.home_path(), portal.page_path("so-do")):
        links = section_links(fetch(client, path), BASE + path)
        found.append({path_of(link.url): link for link in links})
    return found[0], found[1]


def real(name: str) -> str:
    if not REAL.is_dir():
        pytest.skip(f"the real portal fixture is not here (no ../shared beside the "
                    f"checkout): {REAL}")
    return (REAL / name).read_text(encoding="utf-8")


# -- the sandbox province -------------------------------------------------------------------------
@pytest.mark.slow
def test_every_section_is_found_with_its_topics_and_placement(sites):
    counts, several, several_exact, exact = Counter(), 0, 0, 0
    for agency, portal, client in sites:
        home, sitemap = discovered(portal, client)
        for section in agency.sections:
            path = portal.listing_pages(section)[0].url
            if section.placement == "sitemap_only":
                assert path not in home, (agency.id, section.key)
                link = sitemap.get(path)
            else:
                link = home.get(path)
            assert link is not None, (agency.id, section.key, section.placement)
            assert link.how == EXPECTED_HOW[section.placement], (agency.id, section.key, link)
            assert set(section.topics) <= set(link.topics), (agency.id, section.name, link.topics)
            counts[section.placement] += 1
            exact += set(section.topics) == set(link.topics)
            if len(section.topics) > 1:
                several += 1
                several_exact += set(section.topics) == set(link.topics)
    total = sum(counts.values())
    print(f"\nsections found: {total}/{total} {dict(counts)}; topics exactly the truth's: "
          f"{exact}/{total}; names mapping to several topics: {several_exact}/{several} exact, "
          f"{several}/{several} covered")
    assert counts["sidebar_image"] and counts["sitemap_only"]


def test_image_only_sidebar_links_are_judged_by_their_href(sites):
    seen = 0
    for agency, portal, client in sites:
        home, _ = discovered(portal, client)
        for section in portal.sections_at("sidebar_image"):
            link = home[portal.listing_pages(section)[0].url]
            assert link.text == "" and link.how == "sidebar_image"
            assert set(section.topics) <= set(link.topics), (agency.id, section.key)
            seen += 1
    assert seen >= 5


def test_articles_and_the_home_page_are_not_offered_as_sections(sites):
    for agency, portal, client in sites:
        home, _ = discovered(portal, client)
        posts = {portal.post_path(s, p) for s in agency.sections for p in s.posts}
        assert not posts & set(home), agency.id
        assert portal.home_path() not in home and "/" not in home, agency.id


def test_information_pages_are_found(sites):
    for agency, portal, client in sites:
        found = {}
        for path in (portal.home_path(), portal.page_path("so-do")):
            for kind, url in static_pages(fetch(client, path), BASE + path).items():
                found.setdefault(kind, path_of(url))
        expected = {kind: portal.page_path(kind) for kind in portal.available_pages()}
        assert found == expected, agency.id
        # a link offered as a section that is an information page says so ("Dự án đầu tư")
        home, _ = discovered(portal, client)
        by_path = {path: kind for kind, path in expected.items()}
        for path, link in home.items():
            if path in by_path and link.topics:
                assert link.page == by_path[path], (agency.id, link)


def test_main_content_holds_the_page_and_not_its_surroundings(sites):
    seen_platforms = set()
    for agency, portal, client in sites:
        seen_platforms.add(agency.platform)
        html = fetch(client, portal.page_path("lien-he"))
        main = main_content(html)
        shown = text_of(main)
        for name in agency.fields.get("lien-he", []):
            assert FIELD_LABELS["lien-he"][name] in shown, (agency.platform, name)
        # neither the menu, nor the footer's copyright, nor a sidebar banner
        assert "Bản quyền" not in shown, agency.platform
        menu_sections = [s for s in agency.sections if s.placement == "menu"]
        assert not any(s.name in shown for s in menu_sections), agency.platform
        hrefs = {a.get("href") for a in main.iter("a")}
        banners = {portal.listing_pages(s)[0].url for s in portal.sections_at("sidebar_image")}
        assert not hrefs & banners, agency.platform
    assert seen_platforms == {"liferay", "sharepoint", "nukeviet", "drupal", "aspnet"}


# -- names, abbreviations, slugs -------------------------------------------------------------------
@pytest.mark.parametrize("name, topic", [
    ("Tuyên truyền PBGDPL", "pbgdpl"), ("Phổ biến, giáo dục pháp luật", "pbgdpl"),
    ("CĐĐH", "chi-dao-dieu-hanh"), ("Chỉ đạo - Điều hành", "chi-dao-dieu-hanh"),
    ("Văn bản QPPL", "van-ban-qppl"), ("VBQPPL", "van-ban-qppl"), ("ATTP", "an-toan-thuc-pham"),
    ("Báo cáo KT-XH", "bao-cao-ktxh"), ("Hỏi - Đáp", "hoi-dap"), ("hỏi đáp", "hoi-dap"),
    ("quy hoạch - kế hoạch", "chien-luoc-quy-hoach"), ("KH&CN", "nckh"),
])
def test_section_names_and_their_abbreviations(name, topic):
    assert topic in section_topics(name)


@pytest.mark.parametrize("urls, topic", [
    (["/vn/chuyen-muc/1104/tuyen-truyen-pbgdpl.aspx"], "pbgdpl"),
    (["/vi/news/Chi-dao-dieu-hanh/"], "chi-dao-dieu-hanh"),
    (["/Pages/ChiDaoDieuHanh.aspx"], "chi-dao-dieu-hanh"),
    (["/hoi-ap.html"], "hoi-dap"),                                     # 'đ' dropped by the CMS
    (["/luatthudo.html", "/documents/1/ttpbgdpl.png/ttpbgdpl03f5.png"], "pbgdpl"),
    (["/x.html", "/documents/10197/0/congkhaingansach.jpg/congkhaingansachceba.jpg"], "ngan-sach"),
    (["/van-ban-phap-quy.html"], "van-ban-qppl"),
    (["/cddh"], "chi-dao-dieu-hanh"),
])
def test_slugs_and_image_names_name_topics(urls, topic):
    assert topic in href_topics(*urls)


def test_links_to_other_sites_files_scripts_and_mail_are_left_out():
    html = """<html><body><nav><ul>
      <li><a href="/tin-tuc">Tin tức</a></li>
      <li><a href="https://pbgdpl.example.gov.vn/">Phổ biến pháp luật</a></li>
      <li><a href="javascript:void(0)">Chỉ đạo điều hành</a></li>
      <li><a href="mailto:a@b.vn">Hỏi đáp</a></li>
      <li><a href="/files/bao-cao.pdf">Báo cáo</a></li>
      <li><a href="#top">Thống kê</a></li>
      <li><a href="http://www.example.gov.vn/lich-cong-tac">Lịch công tác</a></li>
    </ul></nav><div id="content"><p>Nội dung</p></div></body></html>"""
    links = section_links(html, "http://example.gov.vn/index.html")
    assert [(path_of(link.url), link.how) for link in links] == \
        [("/tin-tuc", "menu"), ("/lich-cong-tac", "menu")]
    assert links[0].topics[0] == "tin-tuc-su-kien"


def test_information_pages_by_name_then_by_href():
    html = """<html><body><nav><ul>
      <li><a href="/gioi-thieu-san-pham">Giới thiệu sản phẩm</a></li>
      <li><a href="/ve-chung-toi">Giới thiệu chung</a></li>
      <li><a href="/chuyen-muc/du-an">Dự án đầu tư</a></li>
    </ul></nav><div id="content"><ul>
      <li><a href="/thong-tin-du-an">Dự án đầu tư</a></li>
      <li><a href="/hotline"><img src="/b/hotline.png" alt=""></a></li>
      <li><a href="/tin/bai-viet/12">Liên hệ với đường dây nóng của Sở</a></li>
    </ul></div></body></html>"""
    pages = static_pages(html, "http://example.gov.vn/")
    assert {k: path_of(v) for k, v in pages.items()} == {
        "gioi-thieu": "/ve-chung-toi", "du-an": "/thong-tin-du-an", "duong-day-nong": "/hotline"}


def test_main_content_without_markers_is_the_largest_text_block():
    html = """<html><body>
      <div class="header"><a href="/">Cổng thông tin</a></div>
      <div class="topmenu"><a href="/a">Giới thiệu</a> <a href="/b">Tin tức</a></div>
      <div class="wrap">
        <div class="left-col sidebar"><p>Liên kết website</p><p>Thống kê truy cập: 12345</p></div>
        <div class="box"><h2>Liên hệ</h2><p>Địa chỉ: Số 1 Lê Lợi</p><p>Điện thoại: 0296 3852</p>
          <p>Thư điện tử: so@example.gov.vn, mọi ý kiến xin gửi về địa chỉ trên.</p></div>
      </div>
      <div class="footer">Bản quyền thuộc về Sở</div></body></html>"""
    shown = text_of(main_content(html))
    assert "Địa chỉ" in shown and "Thư điện tử" in shown
    assert "Liên kết website" not in shown and "Bản quyền" not in shown and "Giới thiệu" not in shown


# -- the real portal (read in place) -----------------------------------------------------------------
def test_real_home_finds_the_legal_dissemination_section_by_its_image():
    links = {link.url: link for link in section_links(real("index.html"), REAL_URL + "index.html")}
    pbgdpl = links[REAL_URL + "luatthudo.html"]
    assert pbgdpl.how == "sidebar_image" and pbgdpl.text == ""
    assert "pbgdpl" in pbgdpl.topics
    # other image-only sidebar links, judged by their href or image name
    assert "van-ban-qppl" in links[REAL_URL + "van-ban-phap-quy.html"].topics
    assert "ngan-sach" in links[REAL_URL + "cong-khai-ngan-sach.html"].topics
    assert links[REAL_URL + "duong-day-nong.html"].how == "sidebar_image"
    # a section named with a number is no post ("covid-19")
    assert "canh-bao-y-te" in links[REAL_URL + "phong-chong-dich-benh-covid-19.html"].topics
    # the menu's news link is a link like any other: discovery does not fetch it (it is dead)
    news = links[REAL_URL + "tin-tuc-su-kien.html"]
    assert news.how == "menu" and "tin-tuc-su-kien" in news.topics
    assert links[REAL_URL + "hoi-ap.html"].topics == ["hoi-dap"]
    # the external legal-dissemination portal is another site
    assert not any("pbgdpl.hanoi.gov.vn" in url for url in links)


def test_real_home_finds_the_information_pages():
    pages = static_pages(real("index.html"), REAL_URL + "index.html")
    assert pages["duong-day-nong"] == REAL_URL + "duong-day-nong.html"   # an image link
    assert pages["lien-he"] == REAL_URL + "lien-he.html"
    assert pages["lanh-dao"] == REAL_URL + "lanh-ao-so.html"
    assert pages["co-cau-to-chuc"] == REAL_URL + "co-cau-to-chuc.html"
    assert pages["so-do"] == REAL_URL + "so-do-website.html"
    assert pages["gop-y"] == REAL_URL + "lay-y-kien-van-ban-du-thao.html"


def test_real_site_map_links_are_reported_from_the_site_map():
    links = section_links(real("so-do-website.html"), REAL_URL + "so-do-website.html")
    how = {path_of(link.url): link.how for link in links}
    assert how["/thanh-tra.html"] in ("submenu", "sitemap")
    assert how["/van-phong-so.html"] == "sitemap"       # in the site map only


def test_real_main_content_is_the_left_column():
    shown = text_of(main_content(real("lien-he.html")))
    assert "Địa chỉ: 185 Giảng Võ" in shown and "Fax" in shown
    assert "Liên kết website" not in shown and "Tin tức sự kiện" not in shown


# -- patterns of real portals, on pages written by hand --------------------------------------------
DISCOVERY_PAGES = sorted((Path(__file__).parent / "home_pages").glob("*.json"))


@pytest.mark.parametrize("path", DISCOVERY_PAGES, ids=lambda p: p.stem)
def test_sections_to_read_on_saved_home_pages(path):
    """Menus in capitals inside table cells and image-only links are sections; the posts the
    page lists, whatever words their titles carry, and other sites are not; a section's name
    feeds the topic it names most specifically."""
    import json

    from inspector.crawl.discovery import sections_to_read
    from inspector.crawl.listings import listed_posts, parse_listing
    from inspector.crawl.topics import assign

    expected = json.loads(path.read_text(encoding="utf-8"))
    html = path.with_suffix(".html").read_text(encoding="utf-8")
    url = expected["url"]
    found = {link.url: link for link in sections_to_read(
        html, url, listed_posts(parse_listing(html, url)))}
    for section in expected["sections"]:
        assert section["url"] in found, (section, sorted(found))
        assert sorted(found[section["url"]].topics) == sorted(section["topics"])
    for url_ in expected["not_sections"]:
        assert url_ not in found, url_
    for url_, topics in expected["assigned"].items():
        assert list(assign(found[url_].text).topics) == topics


def test_an_articles_category_link_does_not_make_its_category_an_article():
    """A site map names articles whose titles carry a topic's words ("Tuyên truyền pháp luật
    về …") beside the category; the article names its category by its date (a breadcrumb,
    WordPress's "Chuyên mục"), which reads as the article's one post, while the category lists
    the article: the category, which lists more, stays the section; the articles do not."""
    from datetime import date

    from inspector.crawl.listings import canonical
    from inspector.crawl.observe import section_records
    from inspector.crawl.state import AgencyState, SectionState

    state = AgencyState("huyen", "district", "http://a/")
    category = "http://a/chuyen-muc/pho-bien-giao-duc-phap-luat/"
    article = "http://a/2026/06/tuyen-truyen-phap-luat-ve-khu-du-lich-nui-sap-82/"
    other = "http://a/2026/05/pho-bien-luat-dat-dai-69/"      # listed, lists nothing back
    lists = {category: [article, other, "http://a/2026/04/a-70/", "http://a/2026/03/b-71/"],
             article: [category], other: []}
    for url, posts in lists.items():
        section = SectionState(url, "Phổ biến, giáo dục pháp luật" if url == category
                               else "Tuyên truyền pháp luật", ["pbgdpl"], "sitemap")
        section.pages = [url]
        section.posts = {canonical(p): {"title": "…", "published": date(2026, 6, 20)}
                         for p in posts}
        state.sections[canonical(url)] = section
    records = {r.url: r for r in section_records(state)}
    assert not records[category].article and records[category].is_section()
    assert records[article].article and records[other].article


@pytest.mark.parametrize("html, words, expected", [
    # a control's label: read whole, as text_of reads it
    ("<a href='/'> Cỡ   chữ <b>lớn</b></a>", 8, "Cỡ chữ lớn"),
    ("<span>Đọc bài<script>var x = 'a b c d e f g h i';</script></span>", 2, "Đọc bài"),
    # exactly at the limit, and one word over it
    ("<li>một hai ba</li>", 3, "một hai ba"),
    ("<li>một hai ba bốn</li>", 3, None),
    # a wrapper holding the page: not a control
    ("<div><p>Tin tức sự kiện</p><p>Thông báo mới nhất của Sở</p></div>", 8, None),
    ("<div> </div>", 8, ""),
])
def test_short_text_is_the_text_of_a_short_element_and_nothing_of_a_long_one(html, words,
                                                                              expected):
    element = parse(f"<html><body>{html}</body></html>").find(".//body")[0]
    assert short_text(element, words) == expected
    if expected is not None:
        assert short_text(element, words) == text_of(element)
