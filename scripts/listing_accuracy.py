"""How well the page objects alone read the generality corpus, in-process (no crawl, seconds a
seed): every listing page of every section is parsed with the portal's other pages telling its
frame, as the crawl does, and compared with the ground truth: window posts found with the right
date (an article opened for a post its listing leaves undated), posts taken that are not the
section's, and pagers that link the next page. A quick check while developing; the crawl's own
figures are scripts/crawl_accuracy.py --variants.

Run: python3 scripts/listing_accuracy.py --seeds 1-50 [--dimension listing] [--show 20]
"""

from __future__ import annotations

import argparse
from collections import Counter
from datetime import date

from werkzeug.test import Client

from inspector.crawl.blocks import FrameRegistry, Hints, choose
from inspector.crawl.listings import canonical, parse_article_date, parse_listing
from inspector.sandbox.variants.portal import VariantPortal
from inspector.sandbox.variants.province import generate_variant_province, parse_seeds
from inspector.model.periods import Window

HOST = "http://127.0.0.1:8101"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="1-50")
    parser.add_argument("--as-of", default="2026-11-26")
    parser.add_argument("--dimension", default="listing",
                        help="the theme dimension to break the figures down by")
    parser.add_argument("--show", type=int, default=20, help="misses to print")
    args = parser.parse_args()
    as_of = date.fromisoformat(args.as_of)
    window = Window.ending(as_of)
    province = generate_variant_province(parse_seeds(args.seeds), as_of)
    total, wrong, foreign, pagers, pager_misses = Counter(), Counter(), Counter(), 0, 0
    misses: list[str] = []
    for agency in province.agencies:
        base = HOST + VariantPortal(agency, province).prefix
        agency.base_url = base + "/"
        portal = VariantPortal(agency, province)
        client = Client(portal)
        theme = province.themes[agency.id].summary()
        frame = FrameRegistry()
        home = client.get("/", follow_redirects=True).get_data(as_text=True)
        parse_listing(home, base + "/", "generic", frame=frame, page_key="home")
        read = []
        for section in agency.sections:
            hints = Hints(section.name, base + portal.section_path(section), base + "/")
            pages = portal.listing_pages(section)
            for number, page in enumerate(pages):
                html = client.get(page.url, follow_redirects=True).get_data(as_text=True)
                key = canonical(base + page.url)
                listing = parse_listing(html, base + page.url, "generic", hints=hints,
                                        frame=frame, page_key=key)
                read.append((section, hints, key, page, listing))
                if number + 1 < len(pages) and not pages[number + 1].postback:
                    pagers += 1
                    following = canonical(base + pages[number + 1].url)
                    if following != listing.next_url and following not in listing.page_urls:
                        pager_misses += 1
                        misses.append(f"pager {agency.id} {section.name!r} page {number + 1}: "
                                      f"next {listing.next_url}")
        dimension = args.dimension
        for section, hints, key, page, listing in read:
            choice = choose(listing.blocks, hints, frame.frame(key, listing.blocks),
                            listing.empty)
            got = {p.url: p for p in (choice.block.posts if choice.block else [])}
            option = (theme.get(dimension) if dimension != "listing"
                      else province.themes[agency.id].form_of(section))
            for post in page.posts:
                if post.published.date() not in window:
                    continue
                url = canonical(base + portal.post_path(section, post))
                total[option] += 1
                found = got.get(url)
                day = found.published if found else None
                if found is not None and day is None:
                    article = client.get(url[len(base):], follow_redirects=True)
                    day = parse_article_date(article.get_data(as_text=True), url, "generic",
                                             title=found.title).value
                if found is None or day != post.published.date():
                    wrong[option] += 1
                    misses.append(f"{agency.id} {section.name!r} {option} {post.title[:40]!r}: "
                                  f"want {post.published.date()} got "
                                  f"{'nothing' if found is None else day} ({choice.why[:80]})")
            own = {canonical(base + portal.post_path(section, p)) for p in section.posts}
            foreign[option] += len(set(got) - own)
    right = sum(total.values()) - sum(wrong.values())
    print(f"Page objects on the corpus, seeds {args.seeds}: window posts right "
          f"{right}/{sum(total.values())}; posts that are not the section's "
          f"{sum(foreign.values())}; pagers linking the next page {pagers - pager_misses}/{pagers}")
    for option in sorted(total):
        print(f"  {dimension}={option}: {total[option] - wrong[option]}/{total[option]}"
              f"{f', +{foreign[option]} not the section' if foreign[option] else ''}")
    for line in misses[:args.show]:
        print("  " + line)


if __name__ == "__main__":
    main()
