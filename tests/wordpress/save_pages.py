"""Save pages the WordPress test site renders under tests/crawl/pages/wordpress-real/, with the
expected extraction beside each (the format of tests/crawl/pages/*/NAME.json).

Run from the project root: python3 -m tests.wordpress.save_pages [--out DIR]

The site is started on a free port and its host rewritten to http://127.0.0.1:8101 in the saved
HTML. The expected posts, titles and days come from the ground truth WordPress wrote
(setup.php), never from the parsers under test; the pages a listing's pager links are read from
its `nav.pagination a.page-numbers` by hand-written XPath, as an annotator would copy them.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import lxml.html
from w3lib.url import canonicalize_url

from .site import WordPressSite

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "crawl" / "pages" / "wordpress-real"
BASE = "http://127.0.0.1:8101"


def _pager(html: str, url: str) -> tuple[list[str], str | None]:
    doc = lxml.html.document_fromstring(html)
    links = doc.xpath("//nav[contains(@class, 'pagination')]//a[contains(@class, 'page-numbers')]")
    pages: list[str] = []
    for link in links:
        href = canonicalize_url(link.get("href"))
        if href not in pages and href != canonicalize_url(url):
            pages.append(href)
    nexts = [a.get("href") for a in links if "next" in (a.get("class") or "").split()]
    return pages, canonicalize_url(nexts[0]) if nexts else None


def _row(post: dict) -> dict:
    return {"url": canonicalize_url(post["url"]), "title": post["title"], "title_shown": True,
            "published": post["published"][:10]}


def save(out: Path = OUT) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory(prefix="inspector-wp-pages-") as tmp, \
            WordPressSite(Path(tmp)) as site:
        truth = site.truth
        per_page = truth["site"]["posts_per_page"]
        news = next(c for c in truth["categories"] if c["slug"] == "tin-tuc-su-kien")
        empty = next(c for c in truth["categories"] if c["empty"])
        by_url = {p["url"]: p for p in truth["posts"]}
        sticky = [p for p in truth["posts"] if p["sticky"]]
        latest = sticky + [p for p in truth["posts"] if not p["sticky"]][:per_page]
        edge = next(p for p in news["posts"] if p["published"].startswith("2025-11-01T00:30"))
        widget = truth["recent_posts_widget"]
        pages = [
            ("home", site.home, "listing", latest,
             "the home page: latest posts, the sticky one (2025) first; footer widget "
             f"'{widget['title']}' with the five newest posts (no dates)"),
            ("category-page1", news["listing_pages"][0], "listing", news["posts"][:per_page],
             "category archive page 1 of 3: a post at 06:30 on 01/11/2026 (31/10 in UTC), "
             "dates d.m.Y with <time datetime> in +07:00, excerpts naming other dates"),
            ("category-page2", news["listing_pages"][1], "listing",
             news["posts"][per_page:2 * per_page],
             "category archive page 2 of 3, a post also filed in another category"),
            ("category-empty", empty["url"], "listing", [],
             "an empty category still in the menu: 'Nothing here', the footer widget's posts "
             "are no posts of it"),
            ("article", edge["url"], "article", [edge],
             "a post at 00:30 on 01/11/2025 (+07:00; 31/10 in UTC), other dates in its body, "
             "previous/next post links with their titles"),
        ]
        host = site.home.rstrip("/")
        for name, url, kind, posts, source in pages:
            status, html = site.get(url)
            if status != 200:
                raise SystemExit(f"{url} answered {status}")
            saved_url = canonicalize_url(url.replace(host, BASE))
            saved_html = html.replace(host, BASE).replace(
                host.replace("/", "\\/"), BASE.replace("/", "\\/"))
            assert f"127.0.0.1:{site.port}" not in saved_html, name
            expected: dict = {"source": f"Debian's WordPress {truth['site']['wordpress']}, "
                                        f"theme {truth['site']['theme']}, language "
                                        f"{truth['site']['language']} (tests/wordpress): {source}",
                              "kind": kind, "platform": "wordpress", "url": saved_url}
            if kind == "listing":
                page_urls, next_url = _pager(saved_html, saved_url)
                expected.update(reached_by="GET", posts=[
                    {**_row(p), "url": canonicalize_url(p["url"].replace(host, BASE))}
                    for p in posts], page_urls=page_urls, next_url=next_url, postbacks=[])
            else:
                expected["published"] = posts[0]["published"][:10]
            (out / f"{name}.html").write_text(saved_html, encoding="utf-8")
            (out / f"{name}.json").write_text(
                json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            written += [out / f"{name}.html", out / f"{name}.json"]
        assert all(p["url"] in by_url for p in latest)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    for path in save(parser.parse_args().out):
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


if __name__ == "__main__":
    main()
