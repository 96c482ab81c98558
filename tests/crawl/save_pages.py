"""Save sandbox pages under tests/crawl/pages/<platform>/, expected JSON from the sandbox truth."""

# Run from the project root: python3 tests/crawl/save_pages.py. The expected values come from the
# portal objects (listing_pages: the posts of each page; post.published: the dates; the
# platform's own URL functions and pager: the pages it links), never from the parsers under test.
# WordPress and generic pages are written by hand (their JSON too) and are left alone here.

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import lxml.html
from w3lib.url import canonicalize_url
from werkzeug.test import Client

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from inspector.sandbox.platforms import portal_class  # noqa: E402
from inspector.sandbox.province import generate_province  # noqa: E402
from tests.sandbox.factory import make_province  # noqa: E402

PAGES = ROOT / "tests" / "crawl" / "pages"
BASE = "http://127.0.0.1:8101"
SEED, AS_OF = 1, date(2026, 11, 26)

# (platform, file name, where: "province" agency id or "factory", section key, page number,
#  what the page shows); article pages name the post by its index in the section instead.
LISTINGS = [
    ("liferay", "news-page1", "so-tttt", "tin-hoat-dong", 1,
     "dates '03/04/2020 | 10:36 PM', Vietnamese pager"),
    ("liferay", "news-page2", "so-tttt", "tin-hoat-dong", 2,
     "English pager once paged, page 1 again as _cur=1"),
    ("liferay", "news-ngay-dang", "so-tttt", "lich-cong-tac", 1, "'Ngày đăng …' and a view count"),
    ("liferay", "news-publish-date", "so-tttt", "tra-loi-phan-anh", 1, "'Publish date …'"),
    ("liferay", "news-undated", "so-tttt", "chi-dao-dieu-hanh", 1, "no date on the listing"),
    ("liferay", "documents", "factory", "van-ban", 1, "legal documents table, facets, search"),
    ("liferay", "qa", "huyen-cho-moi", "hoi-dap", 1, "questions with their answers' dates"),
    ("sharepoint", "news-weekday", "so-tu-phap", "tin-hoat-dong", 1, "'Thứ Hai, 12/03/2018 08:30'"),
    ("sharepoint", "news-page2", "so-tu-phap", "tin-hoat-dong", 2, "?Page=2"),
    ("sharepoint", "news-sa-ch", "so-tu-phap", "khen-thuong-xu-phat", 1, "'12/03/2018 8:30 CH'"),
    ("sharepoint", "news-undated", "so-tu-phap", "tra-loi-phan-anh", 1, "no date on the listing"),
    ("sharepoint", "documents", "so-tu-phap", "he-thong-van-ban", 1, "list-view table"),
    ("sharepoint", "documents-undated", "so-tai-chinh", "he-thong-van-ban", 1,
     "table without dates"),
    ("sharepoint", "qa", "so-tu-phap", "hoi-dap", 1, "questions, answers dated apart"),
    ("nukeviet", "news-page1", "so-y-te", "tin-tuc", 1, "'Thursday, 18/07/2024'"),
    ("nukeviet", "news-page2", "so-y-te", "tin-tuc", 2, "/page-2"),
    ("nukeviet", "news-undated", "xa-hoa-lac", "tai-nguyen-khoang-san", 1,
     "no date on the listing"),
    ("nukeviet", "documents", "so-y-te", "he-thong-van-ban", 1, "laws table"),
    ("nukeviet", "qa", "xa-hoa-lac", "hoi-dap", 1, "FAQ"),
    ("drupal", "news-full-pager", "so-nong-nghiep", "tin-hoat-dong", 1, "Drupal 8, full pager"),
    ("drupal", "news-page2", "so-nong-nghiep", "tin-hoat-dong", 2, "?page=1 (from 0)"),
    ("drupal", "news-mini-pager", "so-nong-nghiep", "khen-thuong-xu-phat", 2, "mini pager ‹‹ ››"),
    ("drupal", "news-drupal7", "xa-an-cu", "tin-tuc", 1, "Drupal 7 markup"),
    ("drupal", "news-undated", "xa-kien-an", "tuyen-truyen-pbgdpl", 1, "no date on the listing"),
    ("drupal", "documents", "factory", "van-ban", 1, "views table with dates"),
    ("drupal", "documents-undated", "so-nong-nghiep", "he-thong-van-ban", 1,
     "views table, no dates"),
    ("drupal", "qa", "xa-kien-an", "hoi-dap-truc-tuyen", 1, "FAQ view"),
    ("aspnet", "news-page1", "huyen-an-phu", "tin-tuc", 1, "'(26/11/2025)', GridView pager"),
    ("aspnet", "news-page2-postback", "huyen-an-phu", "tin-tuc", 2,
     "reached by __doPostBack Page$2"),
    ("aspnet", "news-ngay-thang", "huyen-an-phu", "lich-lam-viec-cua-lanh-dao", 1,
     "'Ngày 21 tháng 09 năm 2025'"),
    ("aspnet", "news-page11-postback", "huyen-an-phu", "lich-lam-viec-cua-lanh-dao", 11,
     "second block of page buttons"),
    ("aspnet", "news-undated", "huyen-an-phu", "khen-thuong-xu-phat", 1, "no date on the listing"),
    ("aspnet", "documents", "factory", "van-ban", 1, "documents grid"),
    ("aspnet", "qa", "huyen-an-phu", "hoi-dap", 1, "questions grid"),
]
ARTICLES = [
    ("liferay", "article", "so-tttt", "tin-hoat-dong", 0, "'Ngày đăng: … | 10:36 PM'"),
    ("liferay", "article-qa", "huyen-cho-moi", "hoi-dap", 1, "question with a dated answer"),
    ("sharepoint", "article", "so-tu-phap", "tin-hoat-dong", 0, "'Cập nhật lúc 08:30 ngày …'"),
    ("nukeviet", "article", "so-y-te", "tin-tuc", 0, "'18/11/2026 10:36 CH'"),
    ("nukeviet", "article-qa", "xa-hoa-lac", "hoi-dap", 0, "answer dated in its heading"),
    ("drupal", "article-time", "so-nong-nghiep", "cddh", 0, "<time datetime>"),
    ("drupal", "article-paren", "so-nong-nghiep", "tin-hoat-dong", 0, "'(26/11/2025)'"),
    ("aspnet", "article-long", "huyen-an-phu", "tin-tuc", 0, "'…, ngày 24 tháng 6 năm 2022'"),
    ("aspnet", "article-12h", "huyen-an-phu", "cddh", 0, "'12/03/2018 8:30 CH'"),
    ("aspnet", "article-document", "factory", "van-ban", 0, "document with issue and effect dates"),
]


def canonical(path: str) -> str:
    return canonicalize_url(BASE + path)


def portals():
    province = generate_province(SEED, as_of=AS_OF)
    cache = {}

    def get(platform: str, where: str):
        key = (platform, where)
        if key not in cache:
            if where == "factory":
                factory = make_province(platform)
                agency, source = factory.agencies[0], "tests/sandbox/factory.py"
                prov = factory
            else:
                agency, prov = province.agency(where), province
                source = f"generate_province({SEED})"
            assert agency.platform == platform, (where, agency.platform)
            agency.base_url = BASE + "/"
            cache[key] = (agency, portal_class(platform)(agency, prov), source)
        return cache[key]
    return get


def hidden_fields(html: str) -> dict[str, str]:
    doc = lxml.html.document_fromstring(html)
    return {i.get("name"): i.get("value") or "" for i in doc.xpath("//form//input[@type='hidden']")}


# Where each platform's templates draw the pager (inspector/sandbox/platforms/templates).
PAGERS = {"liferay": "taglib-page-iterator", "sharepoint": "paging", "nukeviet": "pagination",
          "drupal": "pager", "aspnet": "pgr"}


def linked(html: str, platform: str) -> set[str]:
    """The URLs the page's pager links (menus link page 1 too, but that is no pager)."""
    doc = lxml.html.document_fromstring(html.lstrip("\ufeff"))
    pager = f"contains(concat(' ', normalize-space(@class), ' '), ' {PAGERS[platform]} ')"
    return {canonicalize_url(BASE + href) if href.startswith("/") else href
            for href in doc.xpath(f"//*[{pager}]//a/@href")}


def fetch_listing(portal, section, number: int) -> str:
    """The listing page as a browser reaches it: GET, or the post-backs from page 1 on."""
    client = Client(portal)
    pages = portal.listing_pages(section)
    html = client.get(pages[0].url).get_data(as_text=True)
    for index in range(1, number):
        page = pages[index]
        if page.postback:
            form = {**hidden_fields(html), "__EVENTTARGET": page.postback[0],
                    "__EVENTARGUMENT": f"Page${index + 1}"}
            # a page button may sit in a later block of ten: go through "..." first
            response = client.post(page.url, data=form)
            html = response.get_data(as_text=True)
            assert response.status_code == 200, (page.url, response.status_code)
        else:
            html = client.get(page.url).get_data(as_text=True)
    return html


def expected_listing(agency, portal, section, number: int, html: str) -> dict:
    pages = portal.listing_pages(section)
    page = pages[number - 1]
    current = canonical(page.url)
    links = linked(html, agency.platform)
    # every URL a page of this section has (Liferay also links page 1 as _cur=1)
    section_pages = [canonical(p.url) for p in pages if not p.postback]
    if agency.platform == "liferay":
        section_pages += [canonical(portal.page_url(section, n)) for n in range(1, len(pages) + 1)]
    this_page = {current}
    if agency.platform == "liferay":
        this_page.add(canonical(portal.page_url(section, number)))
    page_urls = [u for u in dict.fromkeys(section_pages) if u in links and u not in this_page]
    following = pages[number] if number < len(pages) else None
    postbacks = []
    if agency.platform == "aspnet":
        postbacks = [{"target": "ctl00$ContentPlaceHolder1$gvNews", "argument": item["arg"]}
                     for item in portal._pager(number, len(pages)) if item["arg"]]
    return {
        "kind": "listing", "platform": agency.platform, "url": BASE + page.url,
        "reached_by": ({"postback": list(page.postback)} if page.postback else "GET"),
        "posts": [{"url": canonical(portal.post_path(section, post)), "title": post.title,
                   "title_shown": _shown(post.title, html),
                   "published": (post.published.date().isoformat() if section.listing_dates
                                 else None)}
                  for post in page.posts],
        "page_urls": page_urls,
        "next_url": canonical(following.url) if following and not following.postback else None,
        "postbacks": postbacks,
    }


def _shown(title: str, html: str) -> bool:
    doc = lxml.html.document_fromstring(html.lstrip("\ufeff"))
    return any(" ".join(a.text_content().split()) == title or a.get("title") == title
               for a in doc.iter("a"))


def main() -> None:
    get = portals()
    for platform, name, where, key, number, note in LISTINGS:
        agency, portal, source = get(platform, where)
        section = agency.section(key)
        html = fetch_listing(portal, section, number)
        expected = expected_listing(agency, portal, section, number, html)
        expected = {"source": f"{source}, agency {agency.id}, section {key}, page {number}: {note}",
                    **expected}
        write(platform, name, html, expected)
    for platform, name, where, key, index, note in ARTICLES:
        agency, portal, source = get(platform, where)
        section = agency.section(key)
        post = section.posts[index]
        path = portal.post_path(section, post)
        html = Client(portal).get(path).get_data(as_text=True)
        where_from = f"{source}, agency {agency.id}, section {key}, post {post.id}: {note}"
        expected = {"source": where_from,
                    "kind": "article", "platform": platform, "url": BASE + path,
                    "published": post.published.date().isoformat()}
        write(platform, name, html, expected)


def write(platform: str, name: str, html: str, expected: dict) -> None:
    folder = PAGES / platform
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.html").write_text(html, encoding="utf-8")
    (folder / f"{name}.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1) + "\n",
                                         encoding="utf-8")
    print(f"{platform}/{name}: {len(expected.get('posts', []))} posts")


if __name__ == "__main__":
    main()
