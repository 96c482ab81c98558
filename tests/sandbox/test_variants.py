"""The generality corpus (inspector/sandbox/variants/): drawn themes are deterministic and
varied, every listing page shows exactly the ground truth's posts, sub-sites keep their prefix,
shared-word sections keep their true topic, every page is well-formed. No crawling."""

from __future__ import annotations

import json
import re
from pathlib import Path
import urllib.request
from collections import Counter
from datetime import date, datetime
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest
import yaml
from lxml import etree
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.test import Client

from inspector.register.importer import import_register
from inspector.sandbox.files import ground_truth
from inspector.sandbox.generator import topics, topics_named_by
from inspector.sandbox.platforms import portal_class
from inspector.sandbox.server import Sandbox
from inspector.sandbox.variants import dates as D
from inspector.sandbox.variants import generate_variant_province, parse_seeds
from inspector.sandbox.variants.articles import AFTER, BEFORE
from inspector.sandbox.variants.province import EMPTY_SHARED, SHARED_WORD_SECTIONS
from inspector.sandbox.variants.theme import DIMENSIONS, draw_theme
from inspector.model.textnorm import Matcher
from inspector.records.workspace import Workspace

pytestmark = pytest.mark.slow

AS_OF = date(2026, 11, 26)
SEEDS = (1, 2, 3, 4, 5, 6)            # walked page by page (seed 1 has a sub-site)
SERVICE_URLS = {"ssr": "http://127.0.0.1:9", "spa": "http://127.0.0.1:10"}
# headings of the blocks that link posts of other pages or sections
FOREIGN_BLOCKS = {"Bài viết mới", "Tin mới nhất", "Tin xem nhiều", "Tin nổi bật", "Các tin khác",
                  "Tin liên quan", "Những tin mới hơn", "Những tin cũ hơn",
                  "Các tin cùng chuyên mục", "Tin các xã"}
XML = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def placed(seeds, base_port: int = 18100):
    """A variant province with its portals' base URLs set as the server sets them."""
    province = generate_variant_province(seeds, AS_OF)
    Sandbox(province, "/nonexistent", base_port=base_port)._assign_urls()
    return province


class Site:
    """Every portal of a province behind its host, as the server mounts them: GET by URL."""

    def __init__(self, province):
        self.province = province
        self.portals = {a.id: portal_class(a.platform)(a, province) for a in province.agencies}
        apps, subsites = {}, {}
        for agency_id, (host, prefix) in province.mounts.items():
            subsites.setdefault(host, {})[prefix] = self.portals[agency_id]
        for agency in province.agencies:
            if agency.id in province.mounts:
                continue
            app = self.portals[agency.id]
            if agency.id in subsites:
                app = DispatcherMiddleware(app, subsites[agency.id])
            apps[urlsplit(agency.base_url).netloc] = Client(app)
        self.clients = apps

    def get(self, url: str):
        parts = urlsplit(url)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        return self.clients[parts.netloc].get(target)

    def page(self, url: str):
        response = self.get(url)
        assert response.status_code == 200, (url, response.status_code)
        body = response.get_data(as_text=True)
        etree.fromstring(body.encode("utf-8"), XML)      # well-formed
        return lxml.html.document_fromstring(body)


@pytest.fixture(scope="module")
def site():
    return Site(placed(SEEDS))


@pytest.fixture(scope="module")
def truth(site):
    return ground_truth(site.province, site.portals, SERVICE_URLS)


def words(text: str) -> str:
    return " ".join(text.split())


def in_foreign_block(element) -> bool:
    """Whether a link sits in a block whose first child is the heading of a block of other
    pages' posts (sidebars, "Các tin khác", related posts)."""
    for ancestor in element.iterancestors():
        first = next(iter(ancestor.iterchildren(tag=etree.Element)), None)
        if first is not None and first is not element and words(first.text_content()) in FOREIGN_BLOCKS:
            return True
    return False


def listed_posts(doc, base: str, post_urls: set[str]) -> list[str]:
    """The posts a listing page lists in its own rows, in order (each once)."""
    found = []
    for anchor in doc.iter("a"):
        url = urljoin(base, anchor.get("href") or "")
        if url in post_urls and url not in found and not in_foreign_block(anchor):
            found.append(url)
    return found


# -- determinism and variety --------------------------------------------------------------------
def test_same_seed_gives_byte_identical_pages_and_truth():
    def build():
        province = placed((7, 8))
        site = Site(province)
        urls = []
        for agency in province.agencies:
            portal = site.portals[agency.id]
            base = agency.base_url.rstrip("/")
            urls += [base + "/"] + [base + portal.page_path(k) for k in portal.available_pages()]
            for section in agency.sections:
                urls += [base + p.url for p in portal.listing_pages(section)[:2]]
                urls += [base + portal.post_path(section, p) for p in section.posts[:1]]
        pages = [site.get(u).get_data() for u in urls]
        return json.dumps(ground_truth(province, site.portals, SERVICE_URLS), default=str), pages
    first, again = build(), build()
    assert first[0] == again[0]
    assert first[1] == again[1]


def test_theme_depends_only_on_seed_and_agency():
    assert draw_theme(3, "v3-so-y-te") == draw_theme(3, "v3-so-y-te")
    assert draw_theme(3, "v3-so-y-te") != draw_theme(4, "v3-so-y-te")


def test_different_seeds_give_different_markup():
    province = placed(range(1, 21))
    site = Site(province)
    summaries = [province.themes[a.id].summary() for a in province.agencies]
    for summary in summaries:       # every recorded choice is one of its dimension's options
        assert all(value in DIMENSIONS[name] for name, value in summary.items()), summary
    for dimension in ("layout", "classes", "listing", "url_scheme", "pager_url", "pager_style",
                      "listing_date", "article_date", "menu", "article_date_pos"):
        seen = Counter(s[dimension] for s in summaries)
        assert len(seen) >= 3, (dimension, seen)
        assert set(seen) <= set(DIMENSIONS[dimension])
    vocabularies = set()
    for agency in province.agencies:
        doc = site.page(agency.base_url)
        vocabularies.add(frozenset(c for e in doc.iter() if isinstance(e.tag, str)
                                   for c in (e.get("class") or "").split()))
    assert len(vocabularies) >= 15          # no two class schemes alike but those with none


def test_parse_seeds():
    assert parse_seeds("1-3,7,2,101-102") == [1, 2, 3, 7, 101, 102]


# -- what the pages show is the ground truth -------------------------------------------------------
def test_every_listing_page_shows_exactly_the_truths_posts(site, truth):
    checked = 0
    for agency in truth["agencies"]:
        theme = site.province.themes[agency["id"]]
        post_urls = {p["url"] for s in agency["sections"] for p in s["posts"]}
        for section in agency["sections"]:
            posts = {p["id"]: p for p in section["posts"]}
            pages = section["listing_pages"]
            form = agency["theme"]["sections"][section["key"]]
            for n, listing in enumerate(pages):
                doc = site.page(listing["url"])
                want = [posts[i]["url"] for i in listing["posts"]]
                assert listed_posts(doc, listing["url"], post_urls) == want, (listing["url"], form)
                if n + 1 < len(pages):  # the next page is linked (a pager link, or <head> only)
                    links = {urljoin(listing["url"], h) for h in doc.xpath("//a/@href|//link/@href")}
                    assert pages[n + 1]["url"] in links, (listing["url"], theme.pager_style)
                text = words(doc.text_content())
                for i in listing["posts"]:
                    published = datetime.fromisoformat(posts[i]["published"])
                    if not section["listing_dates"] or form == "table_undated":
                        continue
                    if section["layout"] == "documents":
                        shown = f"{published:%d/%m/%Y}"
                    elif form in ("short_year_heading", "short_year_url"):
                        shown = D.fmt("short", published)
                        if form == "short_year_heading":
                            assert f"Năm {published.year}" in text
                        else:
                            assert f"/{published.year}/" in posts[i]["url"]
                    else:
                        shown = D.text(theme.listing_date, published)
                    assert words(shown) in text, (listing["url"], shown)
                checked += 1
    assert checked > 300


def test_listings_without_dates_show_none_of_their_posts_days(site, truth):
    for agency in truth["agencies"]:
        for section in agency["sections"]:
            form = agency["theme"]["sections"][section["key"]]
            if section["layout"] != "news" or (section["listing_dates"] and form != "table_undated"):
                continue
            for listing in section["listing_pages"][:2]:
                doc = site.page(listing["url"])
                main = [a for a in doc.iter("a") if not in_foreign_block(a)]
                rows = " ".join(words(a.getparent().text_content()) for a in main)
                for post in section["posts"]:
                    if post["id"] in listing["posts"]:
                        day = datetime.fromisoformat(post["published"])
                        assert f"{day:%d/%m/%Y}" not in rows, listing["url"]


def test_every_article_shows_its_own_date(site, truth):
    for agency in truth["agencies"]:
        theme = site.province.themes[agency["id"]]
        for section in agency["sections"]:
            for post in section["posts"][:2]:
                doc = site.page(post["url"])
                published = datetime.fromisoformat(post["published"])
                text = words(doc.text_content())
                if theme.article_date_pos == "sentence_bottom":
                    assert D.sentence(theme.date_sentence, published) in text
                else:
                    assert words(D.text(theme.article_date, published)) in text
                assert doc.xpath("//title")[0].text.startswith(post["title"])


def test_every_page_of_a_portal_is_served_and_well_formed(site):
    for agency in site.province.agencies:
        portal = site.portals[agency.id]
        base = agency.base_url.rstrip("/")
        paths = ["/"] + [portal.page_path(k) for k in portal.available_pages()]
        paths += [portal.procedure_path(p) for p in agency.procedures]
        for path in paths:
            doc = site.page(base + path)
            assert doc.xpath("//title")
        for section in agency.sections:
            if portal.rss_path(section):
                response = site.get(base + portal.rss_path(section))
                assert response.status_code == 200
                etree.fromstring(response.get_data(), XML)
        links = {urljoin(agency.base_url, h) for h in site.page(agency.base_url).xpath("//a/@href")}
        for url in links:
            if urlsplit(url).netloc in site.clients and url.startswith(agency.base_url):
                assert site.get(url).status_code in (200, 301), url


def test_field_labels_stay_in_the_main_content(site):
    """The contact page's labels appear once, in the page's main column; the frame holds none."""
    from inspector.sandbox.portal import FIELD_LABELS
    for agency in site.province.agencies:
        portal = site.portals[agency.id]
        doc = site.page(agency.base_url.rstrip("/") + "/")
        text = words(doc.text_content())
        for label in ("Địa chỉ", "Fax", "Trình tự thực hiện", "Thành phần hồ sơ"):
            assert label not in text, (agency.id, label)
        contact = site.page(agency.base_url.rstrip("/") + portal.page_path("lien-he"))
        labels = [FIELD_LABELS["lien-he"][f] for f in agency.fields.get("lien-he", [])]
        assert all(label in words(contact.text_content()) for label in labels)


# -- sub-sites -----------------------------------------------------------------------------------
def test_subsite_links_carry_the_prefix(site, truth):
    province = site.province
    assert province.mounts, "seed 1 publishes its commune under its district's host"
    for agency_id, (host, prefix) in province.mounts.items():
        agency, district = province.agency(agency_id), province.agency(host)
        assert agency.base_url == district.base_url.rstrip("/") + prefix + "/"
        portal = site.portals[agency_id]
        netloc = urlsplit(agency.base_url).netloc
        paths = ["/"] + [portal.page_path(k) for k in portal.available_pages()]
        for section in agency.sections:
            paths += [p.url for p in portal.listing_pages(section)[:1]]
            paths += [portal.post_path(section, q) for q in section.posts[:1]]
        for path in paths:
            url = agency.base_url.rstrip("/") + path
            doc = site.page(url)
            for ref in doc.xpath("//a/@href|//img/@src|//link/@href|//form/@action"):
                target = urlsplit(urljoin(url, ref))
                if target.scheme in ("http", "https") and target.netloc == netloc:
                    # their own pages, or the district's home (the link back to it)
                    assert target.path.startswith(prefix + "/") or target.path == "/", (url, ref)
        entry = next(a for a in truth["agencies"] if a["id"] == agency_id)
        assert entry["theme"]["dimensions"]["subsite"] == "yes"
        for section in entry["sections"]:
            assert all(p["url"].startswith(agency.base_url) for p in section["posts"])
            assert all(p["url"].startswith(agency.base_url) for p in section["listing_pages"])
        # the district's home page links its commune's sub-site and some of its posts
        home = site.page(district.base_url)
        links = {urljoin(district.base_url, h) for h in home.xpath("//a/@href")}
        assert agency.base_url in links
        commune_posts = {p["url"] for s in entry["sections"] for p in s["posts"]}
        if commune_posts:
            assert links & commune_posts


# -- sections named with other topics' words --------------------------------------------------------
def test_shared_word_sections_keep_their_true_topic():
    province = generate_variant_province(range(1, 51), AS_OF)
    names = {name: topic for topic, options in SHARED_WORD_SECTIONS.items() for name in options}
    seen = Counter()
    for agency in province.agencies:
        for section in agency.sections:
            topic = names.get(section.name)
            if topic is None:
                continue
            seen[section.name] += 1
            assert section.topics == [topic], (agency.id, section.name)
            keywords = topics().topics[topic]["section_keywords"]
            assert Matcher(section.name).find(keywords)      # its name names its topic
            if topic in EMPTY_SHARED:   # the generator names some full sections so too
                if not section.posts and section.placement in ("menu", "submenu"):
                    seen["empty"] += 1
            else:
                assert all(p.topic == topic for p in section.posts)
    assert set(seen) == set(names) | {"empty"}, seen


def test_shared_word_names_carry_other_topics_words():
    """Each name shares a keyword with another topic of some level: a crawler that counts by
    keywords alone counts posts that do not belong."""
    for topic, options in SHARED_WORD_SECTIONS.items():
        for name in options:
            if topic in EMPTY_SHARED:     # "Khuyến nông" is there to be empty
                continue
            others = {t for level in ("province", "district", "commune")
                      for t in topics_named_by(name, level) if t != topic}
            assert others, name


def test_truth_counts_a_shared_word_sections_posts_for_its_true_topic_only(site, truth):
    names = {name for options in SHARED_WORD_SECTIONS.values() for name in options}
    found = 0
    for agency in truth["agencies"]:
        for section in agency["sections"]:
            if section["name"] not in names:
                continue
            urls = {p["url"] for p in section["posts"]}
            [topic] = section["topics"]
            for key, observation in agency["observations"].items():
                counted = {p["url"] for p in observation.get("posts", [])}
                if key == f"posts/{topic}":
                    assert urls <= counted
                    assert section["name"] in observation["section"]["names"]
                elif key.startswith("posts/"):
                    assert not urls & counted, (agency["id"], section["name"], key)
            found += 1
    assert found


def test_body_sentences_with_other_days_name_no_topic():
    for template in BEFORE + AFTER:
        text = template.format(d="12/11/2026")
        hits = [t for t, spec in topics().topics.items()
                if Matcher(text).find(spec.get("topic_keywords") or [])]
        assert hits == [], (text, hits)


def test_every_seed_of_both_ranges_builds():
    """Several hundred portals: the development and held-out ranges generate and route every
    page without two pages at one URL (VariantPortal refuses to build otherwise)."""
    province = placed(parse_seeds("1-50,101-150"), base_port=20000)
    assert len(province.agencies) == 300
    assert 20 <= len(province.mounts) <= 80
    assert len({a.base_url for a in province.agencies}) == 300
    for agency in province.agencies:
        portal = portal_class("variant")(agency, province)
        assert portal.listing_pages(agency.sections[0])


# -- served by the Sandbox --------------------------------------------------------------------------
def test_sandbox_serves_a_variant_province_with_its_register_and_truth(tmp_path):
    province = generate_variant_province([1], AS_OF)
    with Sandbox(province, tmp_path / "sandbox", base_port=0) as running:
        truth = json.loads((running.out_dir / "ground_truth.json").read_text(encoding="utf-8"))
        assert truth["seeds"] == [1]
        [commune] = [a for a in truth["agencies"] if a["id"] in province.mounts]
        host = next(a for a in truth["agencies"] if a["id"] == province.mounts[commune["id"]][0])
        assert commune["portal"].startswith(host["portal"]) and commune["portal"] != host["portal"]
        for agency in truth["agencies"]:
            assert agency["platform"] == "variant" and agency["theme"]["dimensions"]
            section = next(s for s in agency["sections"] if s["posts"])
            for url in (agency["portal"], section["listing_pages"][0]["url"], section["posts"][0]["url"]):
                with urllib.request.urlopen(url, timeout=10) as response:
                    assert response.status == 200
                    body = response.read().decode("utf-8")
            if agency is commune:
                prefix = province.mounts[commune["id"]][1]
                assert re.search(rf'href="{re.escape(prefix)}/', body) or commune["portal"] in body
        ws = Workspace(tmp_path / "ws")
        try:
            import_register(ws, [running.out_dir / "register.yaml"])
            portals = {row["id"]: row["portal"] for row in ws.db["agencies"].rows}
            assert portals[commune["id"]].rstrip("/") == commune["portal"].rstrip("/")
        finally:
            ws.close()


# -- the measure ------------------------------------------------------------------------------------
def test_measure_counts_posts_that_do_not_belong(tmp_path, site, truth):
    """A crawl that stored the truth's observations, plus one topic's section read as another's
    (a shared-word section counted for the topic its name also carries): the extra in-window
    posts are counted as not belonging, URLs compared canonicalised."""
    from inspector.sandbox.accuracy import measure
    from inspector.model.periods import Window
    from inspector.records.workspace import dumps

    window = Window.ending(AS_OF)
    agency = next(a for a in truth["agencies"]
                  if any(s["name"] == "Kế hoạch - Lịch công tác tháng" and s["posts"]
                         for s in a["sections"]) or
                  any(s["name"] == "Lịch công tác và kế hoạch tuần" and s["posts"]
                      for s in a["sections"]))
    ws = Workspace(tmp_path / "ws")
    try:
        import_register(ws, [_register(tmp_path, truth)])
        for entry in truth["agencies"]:
            for key, value in entry["observations"].items():
                ws.db["observations"].upsert({"agency_id": entry["id"], "key": key,
                                              "status": value["status"], "reason": value.get("reason"),
                                              "value": dumps(value)}, pk=("agency_id", "key"))
        key = "posts/chien-luoc-quy-hoach"
        section = next(s for s in agency["sections"] if s["topics"] == ["lich-cong-tac"])
        extra = [dict(url=p["url"].replace("http://", "HTTP://"), title=p["title"],
                      published=p["published"]) for p in section["posts"]]
        value = dict(agency["observations"][key])
        value["posts"] = value["posts"] + extra
        ws.db["observations"].upsert({"agency_id": agency["id"], "key": key, "status": "ok",
                                      "reason": None, "value": dumps(value)}, pk=("agency_id", "key"))
        result = measure(truth, ws, AS_OF)
    finally:
        ws.close()
    in_window = [p for p in extra if window.start.isoformat() <= p["published"][:10] <= window.end.isoformat()]
    wrong, listed = result["foreign"]
    assert in_window and wrong == len(in_window)
    assert result["posts"][0] == result["posts"][1]
    assert {p["url"] for p in result["foreign_posts"]} == {p["url"] for p in in_window}
    assert all(p["lives"] == f"post of {section['key']}" for p in result["foreign_posts"])
    assert listed >= wrong


def _register(tmp_path, truth) -> Path:
    """A register of the truth's agencies (no services), for the workspace's foreign keys."""
    doc = {"province": {"name": truth["province"]["name"], "tthc_total": truth["province"]["tthc_total"]},
           "agencies": [{"id": a["id"], "name": a["name"], "level": a["level"], "parent": a["parent"],
                         "portal": a["portal"]} for a in truth["agencies"]]}
    path = Path(tmp_path) / "register.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path
