"""The site's frame (crawl/blocks.py FrameRegistry): a block is frame when other pages, copies
of one another counted once, repeat it. The registry knows each page's copies as pages are
added instead of comparing every pair again for every page: the frames it tells must be those
of the rule compared pair by pair, on portals of many pages, some of them copies, some pages
read again."""

from __future__ import annotations

import random

import pytest

from inspector.crawl.blocks import (DUPLICATE_SIMILARITY, FRAME_SIMILARITY, Block,
                                    FrameRegistry)
from inspector.crawl.listings import PostLink

BASE = "http://127.0.0.1:8101"


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def frame_pair_by_pair(pages: dict[str, list[Block]], page: str, blocks: list[Block],
                       required: int = 2) -> set[int]:
    """The rule as written before the registry kept copies: every pair compared each time."""
    links = {key: {u for b in page_blocks for u in b.urls} for key, page_blocks in pages.items()}
    own = links.get(page, {u for b in blocks for u in b.urls})
    others = [key for key in pages if key != page and _jaccard(links[key], own) < DUPLICATE_SIMILARITY]
    distinct: list[str] = []
    for other in others:
        if all(_jaccard(links[other], links[d]) < DUPLICATE_SIMILARITY for d in distinct):
            distinct.append(other)
    need = max(1, min(required, len(distinct)))
    found = set()
    for index, block in enumerate(blocks):
        if not block.urls:
            continue
        seen = sum(1 for other in distinct if any(
            theirs.signature == block.signature and
            _jaccard(set(block.urls), set(theirs.urls)) >= FRAME_SIMILARITY
            for theirs in pages[other]))
        if distinct and seen >= need:
            found.add(index)
    return found


def _block(signature: str, urls: list[str]) -> Block:
    return Block(signature, tuple(PostLink(url, f"Bài {url.rsplit('/', 1)[-1]}") for url in urls))


def random_portal(seed: int, pages: int) -> list[tuple[str, list[Block]]]:
    """A portal's listing pages in reading order: a "Tin mới" box and a menu on most pages
    (sometimes a post or two changed), each page's own listing, some pages copies of others
    (the same listing under another URL), some pages read twice with other blocks."""
    rng = random.Random(seed)
    news = [f"{BASE}/tin/{n}" for n in range(8)]
    menu = [f"{BASE}/chuyen-muc/{n}" for n in range(6)]
    read: list[tuple[str, list[Block]]] = []
    for number in range(pages):
        blocks = []
        if rng.random() < 0.8:
            box = news[:]
            for _ in range(rng.randrange(3)):
                box[rng.randrange(len(box))] = f"{BASE}/tin/{rng.randrange(8, 40)}"
            blocks.append(_block("div.box-tin-moi>ul>li", box))
        if rng.random() < 0.7:
            blocks.append(_block("nav>ul>li", menu[:rng.randrange(3, 7)]))
        if read and rng.random() < 0.2:        # a copy of a page read before
            blocks += [b for b in rng.choice(read)[1] if b.signature == "div.list>div.item"]
        else:
            own = [f"{BASE}/bai/{number}-{n}" for n in range(rng.randrange(0, 12))]
            blocks.append(_block("div.list>div.item", own))
        rng.shuffle(blocks)
        key = f"{BASE}/trang/{number}"
        if read and rng.random() < 0.1:         # a page read again (another section's hints)
            key = rng.choice(read)[0]
        read.append((key, blocks))
    return read


@pytest.mark.parametrize("seed", range(12))
def test_the_frame_is_the_rule_compared_pair_by_pair(seed):
    registry, pages, framed = FrameRegistry(), {}, 0
    for key, blocks in random_portal(seed, pages=25 + seed * 3):
        registry.add(key, blocks)
        pages[key] = blocks
        # as a page is read, and for every page once all are known (the crawl's end)
        assert registry.frame(key, blocks) == frame_pair_by_pair(pages, key, blocks), key
    for key, blocks in pages.items():
        expected = frame_pair_by_pair(pages, key, blocks)
        assert registry.frame(key, blocks) == expected, key
        framed += len(expected)
        assert registry.frame(key, blocks, required=1) == \
            frame_pair_by_pair(pages, key, blocks, required=1), key
    # blocks are told frame, and others not (each page's own listing)
    assert 0 < framed < sum(len(blocks) for blocks in pages.values())
    # a page not registered is judged against them all
    stranger = pages[next(iter(pages))]
    assert registry.frame("unregistered", stranger) == \
        frame_pair_by_pair(pages, "unregistered", stranger)


def test_the_tin_moi_box_repeated_on_every_page_is_frame_the_listing_is_not():
    registry = FrameRegistry()
    box = _block("div.box-tin-moi>ul>li", [f"{BASE}/tin/{n}" for n in range(5)])
    for page in range(4):
        registry.add(f"{BASE}/trang/{page}",
                     [box, _block("div.list>div.item", [f"{BASE}/bai/{page}-{n}" for n in range(10)])])
    blocks = [box, _block("div.list>div.item", [f"{BASE}/bai/9-{n}" for n in range(10)])]
    registry.add(f"{BASE}/trang/9", blocks)
    assert registry.frame(f"{BASE}/trang/9", blocks) == {0}
    # three more copies of one page (one listing under three URLs) count as one other page
    copies = FrameRegistry()
    listing = _block("div.list>div.item", [f"{BASE}/bai/1-{n}" for n in range(10)])
    for url in ("/trang/1", "/trang/1?page=1", "/trang/1?sort=new"):
        copies.add(BASE + url, [box, listing])
    mine = [box, _block("div.list>div.item", [f"{BASE}/bai/2-{n}" for n in range(10)])]
    copies.add(f"{BASE}/trang/2", mine)
    assert copies.frame(f"{BASE}/trang/2", mine) == {0}     # one other page: one is enough
    assert copies.frame(f"{BASE}/trang/1", [box, listing]) == {0}
