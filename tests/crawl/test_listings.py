"""Listing page objects on saved pages, on the real portal and on the whole sandbox province."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from werkzeug.test import Client

from inspector.crawl.blocks import Hints
from inspector.crawl.dates import find_date
from inspector.crawl.listings import (Listing, PostLink, canonical, detect_platform,
                                      parse_article_date, parse_listing)
from inspector.sandbox.platforms import portal_class
from inspector.sandbox.province import generate_province

HERE = Path(__file__).parent
PAGES = HERE / "pages"
REAL = HERE.parents[2] / "shared" / "fixtures" / "real" / "sotttt-hanoi-2022"
REAL_SITE = "https://sotttt.hanoi.gov.vn/"
BASE = "http://127.0.0.1:8101"

SAVED = sorted(PAGES.glob("*/*.json"))
LISTINGS = [p for p in SAVED if json.loads(p.read_text(encoding="utf-8"))["kind"] == "listing"]
ARTICLES = [p for p in SAVED if p not in LISTINGS]


def saved(path: Path) -> tuple[str, dict]:
    return (path.with_suffix(".html").read_text(encoding="utf-8"),
            json.loads(path.read_text(encoding="utf-8")))


def page_id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def _hints(expected: dict) -> Hints | None:
    """What the crawl knows of a saved page beside its markup, when its JSON says: the text
    of the link that led to it (its "section"), the portal's home."""
    if "section" not in expected:
        return None
    return Hints(expected["section"], expected["url"], expected.get("home", ""))


# -- saved pages -----------------------------------------------------------------------------------
def test_every_platform_has_saved_pages():
    platforms = {p.parent.name for p in SAVED}
    assert platforms == {"liferay", "sharepoint", "nukeviet", "drupal", "aspnet", "wordpress",
                         "generic", "wordpress-real", "patterns"}
    layouts = {p.stem.split("-")[0] for p in LISTINGS}
    assert {"news", "documents", "qa"} <= layouts
    assert any("undated" in p.stem for p in LISTINGS)
    assert any("postback" in p.stem for p in LISTINGS)


@pytest.mark.parametrize("path", LISTINGS, ids=page_id)
def test_saved_listing(path):
    html, expected = saved(path)
    assert detect_platform(html, expected["url"]) == expected["platform"]
    listing = parse_listing(html, expected["url"], hints=_hints(expected))
    assert isinstance(listing, Listing) and listing.platform == expected["platform"]
    got = [(p.url, p.published.isoformat() if p.published else None) for p in listing.posts]
    assert got == [(p["url"], p["published"]) for p in expected["posts"]]
    for post, want in zip(listing.posts, expected["posts"]):
        assert isinstance(post, PostLink)
        if want["title_shown"]:
            assert post.title == want["title"]
        if post.published is not None:       # the date was read from text the page shows
            assert post.date_text and find_date(post.date_text).value == post.published
    assert sorted(listing.page_urls) == sorted(expected["page_urls"])
    assert listing.next_url == expected["next_url"]
    assert not any(u.lower().startswith("javascript:") for u in listing.page_urls)
    assert [(p.target, p.argument) for p in listing.postbacks] == [
        (p["target"], p["argument"]) for p in expected["postbacks"]]


@pytest.mark.parametrize("path", [p for p in LISTINGS if p.parent.name == "aspnet"], ids=page_id)
def test_postback_carries_the_form(path):
    html, expected = saved(path)
    listing = parse_listing(html, expected["url"])
    assert listing.postbacks and listing.next_url is None and not listing.page_urls
    for postback in listing.postbacks:
        form = postback.formdata
        assert form["__EVENTTARGET"] == postback.target
        assert form["__EVENTARGUMENT"] == postback.argument
        assert form["__VIEWSTATE"] and form["__EVENTVALIDATION"] and form["__VIEWSTATEGENERATOR"]
        assert postback.url == expected["url"]
        # hidden fields only: the document search box would turn the post-back into a search
        assert "ctl00$ContentPlaceHolder1$txtTuKhoa" not in form


@pytest.mark.parametrize("path", ARTICLES, ids=page_id)
def test_saved_article_date(path):
    html, expected = saved(path)
    found = parse_article_date(html, expected["url"], title=expected.get("title"))
    assert found.value == date.fromisoformat(expected["published"]), found
    assert found.reason is None


@pytest.mark.parametrize("path", [p for p in SAVED if p.parent.name not in ("generic",)],
                         ids=page_id)
def test_generic_extractor_on_known_platforms(path):
    """The generic page object, told nothing of the platform, still finds dated posts and
    article dates (a listing of one undated post has no repetition to see: not asked)."""
    html, expected = saved(path)
    if expected["kind"] == "article":
        assert parse_article_date(html, expected["url"], "generic").value == date.fromisoformat(
            expected["published"])
        return
    listing = parse_listing(html, expected["url"], "generic")
    got = {p.url: p.published.isoformat() if p.published else None for p in listing.posts}
    assert got == {p["url"]: p["published"] for p in expected["posts"]}
    assert listing.next_url == expected["next_url"]


def test_pages_without_content():
    assert parse_listing("", "http://x.example/").posts == []
    assert parse_listing("<html><body><p>Trang đang bảo trì</p></body></html>",
                         "http://x.example/").posts == []
    assert detect_platform("", "http://x.example/") == "generic"
    found = parse_article_date("<html><body><h1>Tiêu đề</h1><p>Nội dung.</p></body></html>",
                               "http://x.example/a")
    assert found.value is None and found.reason


PAGER_PAGE = """<html><body><div id="content"><h1>Tin tức</h1>
<ul class="news">{items}</ul>
<div class="{pager_class}">{pager}</div></div>
<div class="sidebar"><div class="paging"><a href="/tin-moi?page=2">Trang sau</a></div></div>
</body></html>"""
ITEMS = "".join(f'<li><a href="/tin/{n}">Tin số {n} về hoạt động của xã trong tháng</a> '
                f'<span class="date">({n:02d}/11/2025)</span></li>' for n in range(1, 6))


@pytest.mark.parametrize("pager_class, pager, next_url, page_urls", [
    # "»" is the last page here: the number after the current one is the next page
    ("pagination", '<a href="?page=1">1</a> <span class="current">2</span> '
     '<a href="?page=3">3</a> <a href="?page=9">»</a>', "?page=3",
     ["?page=1", "?page=3", "?page=9"]),
    # and here it is the only way on
    ("paging", '<b>1</b> <a href="?page=2">»</a>', "?page=2", ["?page=2"]),
    # words beat arrows, a script link is no page, "Trang cuối" is not the next page
    ("phan-trang", '<a href="javascript:void(0)">In</a> <a href="?page=5">Trang cuối</a> '
     '<a href="?page=2">Trang sau</a>', "?page=2", ["?page=5", "?page=2"]),
    # no pager class at all: links to this listing with another page number still count
    ("x", '<a href="/tin-tuc?page=2">2</a> <a href="/tin-tuc?page=2">Next</a> '
     '<a href="/tin-tuc?sort=title">Sắp xếp</a>', "?page=2", ["?page=2"]),
])
def test_pager_variants(pager_class, pager, next_url, page_urls):
    base = "http://xa.example.gov.vn/tin-tuc"
    listing = parse_listing(PAGER_PAGE.format(items=ITEMS, pager_class=pager_class, pager=pager),
                            base)
    assert [p.published.day for p in listing.posts] == [1, 2, 3, 4, 5]
    assert listing.next_url == canonical(base + next_url)
    assert listing.page_urls == [canonical(base + u) for u in page_urls]


# -- the real portal -------------------------------------------------------------------------------
# Page 1 (luatthudo.html, again as luatthudo1377.html) and page 2 (luatthudo511b.html) of
# "Phổ biến, giáo dục pháp luật": the view_content id and the date of each post, read from the
# HTML by hand (41 listing rows, 21 distinct posts).
LUATTHUDO_PAGE1 = [
    ("929169", "23/03/2016 | 03:48 PM"), ("744405", "16/10/2015"), ("744261", "29/09/2015"),
    ("744252", "09/07/2015"), ("707169", "26/02/2015"), ("707178", "26/02/2015"),
    ("707187", "26/02/2015"), ("705036", "29/07/2014"), ("705027", "25/09/2013"),
    ("705018", "16/09/2013"), ("704820", "16/09/2013"), ("704793", "16/09/2013"),
    ("704802", "16/09/2013"), ("704811", "16/09/2013"), ("704829", "16/09/2013"),
    ("704838", "16/09/2013"), ("705009", "16/09/2013"), ("704712", "16/09/2013"),
    ("704703", "05/09/2013"), ("704694", "05/09/2013")]
LUATTHUDO_PAGE2 = [("704685", "26/08/2013")]


def real(name: str) -> tuple[str, str]:
    return (REAL / name).read_text(encoding="utf-8"), REAL_SITE + name


def _ids(listing: Listing) -> list[tuple[str, str]]:
    return [(p.url.rsplit("/view_content/", 1)[1].split("-", 1)[0],
             p.published.strftime("%d/%m/%Y")) for p in listing.posts]


@pytest.mark.skipif(not REAL.is_dir(), reason="real portal fixture not present")
def test_real_portal_luatthudo():
    pages = {name: parse_listing(*real(name))
             for name in ("luatthudo.html", "luatthudo1377.html", "luatthudo511b.html")}
    for name, listing in pages.items():
        assert detect_platform(*real(name)) == "liferay"
        assert listing.platform == "liferay"
    page1 = [(i, d[:10]) for i, d in LUATTHUDO_PAGE1]
    assert _ids(pages["luatthudo.html"]) == page1
    assert _ids(pages["luatthudo1377.html"]) == page1
    assert _ids(pages["luatthudo511b.html"]) == LUATTHUDO_PAGE2
    rows = [p for listing in pages.values() for p in listing.posts]
    distinct = {p.url: p for p in rows}
    assert len(rows) == 41 and len(distinct) == 21
    first = pages["luatthudo.html"].posts[0]
    assert first.moment.isoformat() == "2016-03-23T15:48:00"
    assert first.title.startswith('"Tìm kiếm giải pháp, sáng kiến')
    assert first.url == (REAL_SITE + "luatthudo/-/view_content/929169--tim-kiem-giai-phap-sang-"
                         "kien-nham-nang-cao-y-thuc-chap-hanh-phap-luat-cua-nguoi-dan-thu-do-gop-"
                         "phan-xay-dung-thu-do-trat-tu-van-minh-.html")
    # the pager: page 1 links page 2 (next) and page 1 again; page 2 links page 1, no next
    page2_url = [u for u in pages["luatthudo.html"].page_urls if "luatthudo511b.html" in u]
    assert len(page2_url) == 1 and "_101_cur=2" in page2_url[0]
    assert pages["luatthudo.html"].next_url == page2_url[0]
    assert any("luatthudo1377.html" in u for u in pages["luatthudo511b.html"].page_urls)
    assert pages["luatthudo511b.html"].next_url is None
    for listing in pages.values():
        assert all(u.startswith(REAL_SITE) for u in listing.page_urls)
        assert listing.postbacks == []


# Distinct posts per section as the fixture's README counts them (page files by HTTrack).
REAL_SECTIONS = {"pctn": 29, "shtd": 28, "dssdt": 29, "phong-chong-dich-benh-covid-19": 26,
                 "cong-khai-ngan-sach": 12, "ke-hoach": 11, "chien-luoc-quy-hoach": 10,
                 "chi-dao-dieu-hanh": 1, "pho-sach-ha-noi": 19}
REAL_FILES = {"pctn": ["pctn.html", "pctn1377.html", "pctn511b.html"],
              "shtd": ["shtd.html", "shtd1377.html", "shtd511b.html"],
              "dssdt": ["dssdt.html", "dssdt1377.html", "dssdt511b.html"],
              "phong-chong-dich-benh-covid-19": [
                  "phong-chong-dich-benh-covid-19.html", "phong-chong-dich-benh-covid-1917b6.html",
                  "phong-chong-dich-benh-covid-19574c.html"],
              "cong-khai-ngan-sach": ["cong-khai-ngan-sach.html", "cong-khai-ngan-sach3046.html",
                                      "cong-khai-ngan-sache517.html"]}


@pytest.mark.skipif(not REAL.is_dir(), reason="real portal fixture not present")
@pytest.mark.parametrize("section, count", REAL_SECTIONS.items())
def test_real_portal_sections(section, count):
    posts = {}
    for name in REAL_FILES.get(section, [f"{section}.html"]):
        for post in parse_listing(*real(name)).posts:
            assert post.published is not None and post.published.year >= 2008, post
            posts[post.url] = post
    assert len(posts) == count


# -- the whole sandbox province ------------------------------------------------------------------
@pytest.fixture(scope="module")
def province():
    return generate_province(1, as_of=date(2026, 11, 26))


@pytest.mark.slow
def test_every_listing_page_of_the_province(province):
    """parse_listing over every listing page of every section of all 17 agencies, walking
    ASP.NET grids by the post-backs it extracts itself: every post found with its date."""
    total = right = 0
    wrong: list = []
    pages_read = 0
    for agency in province.agencies:
        agency.base_url = BASE + "/"
        portal = portal_class(agency.platform)(agency, province)
        client = Client(portal)
        for section in agency.sections:
            pages = portal.listing_pages(section)
            previous: Listing | None = None
            for number, page in enumerate(pages, start=1):
                if page.postback:
                    postback = next((p for p in previous.postbacks
                                     if p.argument == f"Page${number}"), None)
                    assert postback is not None, (agency.id, section.key, number)
                    response = client.post(page.url, data=postback.formdata)
                else:
                    response = client.get(page.url)
                assert response.status_code == 200, (agency.id, page.url)
                html = response.get_data(as_text=True)
                url = BASE + page.url
                assert detect_platform(html, url) == agency.platform
                listing = parse_listing(html, url, agency.platform)
                pages_read += 1
                found = {p.url: p for p in listing.posts}
                for post in page.posts:
                    total += 1
                    got = found.get(canonical(BASE + portal.post_path(section, post)))
                    want = post.published.date() if section.listing_dates else None
                    if got is not None and got.published == want and (
                            got.moment is None or got.moment == post.published):
                        right += 1
                    else:
                        wrong.append((agency.id, section.key, number, post.id, got, want))
                extra = set(found) - {canonical(BASE + portal.post_path(section, p))
                                      for p in page.posts}
                assert not extra, (agency.id, section.key, number, extra)
                if number < len(pages) and not pages[number].postback:
                    assert listing.next_url == canonical(BASE + pages[number].url)
                elif number == len(pages):
                    assert listing.next_url is None
                previous = listing
    share = right / total
    print(f"\nprovince: {right}/{total} posts found with the right date ({share:.2%}) "
          f"on {pages_read} listing pages")
    assert total > 5000
    assert share >= 0.99, wrong[:5]


@pytest.mark.slow
def test_article_dates_of_the_province(province):
    """parse_article_date on every 5th article of every section of the province."""
    total = right = 0
    wrong = []
    for agency in province.agencies:
        portal = portal_class(agency.platform)(agency, province)
        client = Client(portal)
        for section in agency.sections:
            for post in section.posts[::5]:
                path = portal.post_path(section, post)
                html = client.get(path).get_data(as_text=True)
                found = parse_article_date(html, BASE + path, agency.platform)
                total += 1
                if found.value == post.published.date() and (
                        found.moment is None or found.moment == post.published):
                    right += 1
                else:
                    wrong.append((agency.id, section.key, post.id, found, post.published))
    print(f"\nprovince articles: {right}/{total} dated right")
    assert right == total, wrong[:5]


def test_a_sidebars_one_undated_link_is_no_listing():
    """A links box in the sidebar ("Liên kết": one link of the portal's own) on a page with no
    listing is not the page's one post; a lone dated post in the main content is."""
    from inspector.crawl.blocks import Block, choose

    link = PostLink("http://a/phan-anh-kien-nghi.aspx", "Phản ánh, kiến nghị về quy định hành chính")
    sidebar = Block("div#main>div#sidebar>div", (link,), heading="Dự án đầu tư", aside=True)
    hints = Hints("Dự án đầu tư", "http://a/du-an.aspx", "http://a/")
    assert choose([sidebar], hints).block is None
    lone = PostLink("http://a/du-an/cum-cong-nghiep-1.aspx", "Dự án cụm công nghiệp Bình Hòa",
                    date(2026, 10, 2))
    main = Block("div#content>div", (lone,), heading="Dự án đầu tư", main=True)
    assert choose([sidebar, main], hints).block is main
