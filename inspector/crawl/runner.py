"""Run the portal crawl for the agencies of a workspace and store its observations."""

from __future__ import annotations

import asyncio
import contextlib
import os
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from scrapy.crawler import CrawlerProcess

from ..records import registry
from ..model.errors import UserError
from ..evidence.screenshots import VIEWPORT, CaptureError, capture, stored_image
from ..records.evidence import resolve_evidence, store
from ..register.corrections import all_corrections
from ..model.sections import IS, Correction
from ..model.checklist import Topics, load_all, load_topics, posts_topics, topics_of_criteria
from ..model.periods import Window, read_for
from ..records.observations import put as put_observation
from ..records.runs import OK, Run, mark_agencies, put_run
from ..records.workspace import Workspace, dumps, loads, utcnow
from ..browser import PortalTab, async_chromium, mobile_layout
from .cache import ExtractionMemo, cache_settings, cache_summary
from .observe import observations
from .scope import Scope
from .settings import SETTINGS
from .spider import PortalSpider
from .state import AgencyState


class CrawlError(UserError):
    """The crawl itself could not run (nothing is stored)."""


@dataclass
class CrawlReport:
    run_id: str
    agencies: dict[str, dict[str, Any]] = field(default_factory=dict)  # id → summary


def _agency_entry(row: dict[str, Any], by_criterion: dict[str, str],
                  portals: list[str], corrections: list[Correction] = ()) -> dict[str, Any]:
    """What the spider needs of a register row: portal, level, the register's section URLs by
    topic (and the sections reviewers named, which stand like them), whether to obey
    robots.txt, and where its crawl may go (``portals``: every portal of the register, so that
    a district's crawl leaves its communes' sub-sites alone)."""
    overrides: dict[str, list[str]] = {}
    for criterion_id, urls in (loads(row["sections"], {}) or {}).items():
        topic = by_criterion.get(criterion_id)
        if topic:
            overrides.setdefault(topic, []).extend(urls)
    # a section a reviewer named is read whatever discovery finds (observe.py applies the
    # correction; its own topics stay what its name says, should the correction be withdrawn)
    named = sorted({c.url for c in corrections if c.verdict == IS})
    aliases = list(loads(row.get("aliases"), []) or [])
    # a section the register names is the portal's, wherever it is
    aliases += [url for urls in overrides.values() for url in urls] + named
    others = [p for p in portals if p != row["portal"]]
    return {"id": row["id"], "portal": row["portal"], "level": row["level"],
            "section_overrides": overrides, "reviewer_sections": named,
            "obey_robots": row.get("obey_robots") in (None, 1, True),
            "scope": Scope.of(row["portal"], aliases, others)}


@dataclass
class CrawledBatch:
    """What the Scrapy crawl read of some agencies, before Chromium's photographs and the write
    (`inspector nightly` photographs and writes a batch in its own process while its workers
    crawl the next ones): each agency's state as read, the crawl's stats, its run record's
    id and start."""

    run_id: str
    started: str
    as_of: date
    states: dict[str, AgencyState]
    stats: dict[str, Any]
    screenshots: bool = True
    incremental: bool = False
    nightly_run: str | None = None
    memo: tuple[int, int] | None = None     # extraction memo hits, misses (incremental)


def crawl(ws: Workspace, as_of: date, agency_ids: list[str] | None = None,
          settings: dict[str, Any] | None = None, screenshots: bool = True,
          nightly_run: str | None = None, incremental: bool = False,
          queue: tuple[str, str, int] | None = None) -> CrawlReport:
    """Crawl the portals (one Scrapy process; call once per Python process, as Twisted's
    reactor cannot restart), photograph them (`photograph`), then write each agency's
    observations in one transaction; for a nightly run, the same transaction records those
    agencies as crawled in that run. Incremental: unchanged pages come from the workspace's
    HTTP cache (crawl/cache.py) and the screenshots of pages whose HTML has not changed are
    reused. With ``queue`` (Redis URL, list key, agencies taken at a time) the agencies are
    not given: this process takes them from a Redis list shared with other crawl processes
    (crawl/queued.py, scrapy-redis) until the list stays empty."""
    batch = read_portals(ws, as_of, agency_ids, settings, screenshots, nightly_run,
                         incremental, queue)
    mobile = asyncio.run(photograph(ws, batch))
    return store_batch(ws, batch, mobile)


def read_portals(ws: Workspace, as_of: date, agency_ids: list[str] | None = None,
                 settings: dict[str, Any] | None = None, screenshots: bool = True,
                 nightly_run: str | None = None, incremental: bool = False,
                 queue: tuple[str, str, int] | None = None) -> CrawledBatch:
    """The Scrapy crawl of `crawl`, nothing stored but the pages' HTML evidence."""
    checklists = load_all()
    by_criterion = topics_of_criteria(checklists)
    rows = [r for r in registry.agencies(ws, agency_ids) if r["portal"]]  # no portal: nothing to crawl
    portals = [r["portal"] for r in registry.agencies(ws) if r["portal"]]
    started = utcnow()
    run_id = f"crawl-{started}-{os.getpid()}"    # parallel workers start in the same second
    reviewed = all_corrections(ws)
    entries = [_agency_entry(row, by_criterion, portals, reviewed.get(row["id"], []))
               for row in rows]
    memo = ExtractionMemo(ws.root) if incremental else None
    try:
        states, stats = _run_spider(ws, as_of, entries, _needed(checklists), settings or {},
                                    memo, queue)
    finally:
        if memo is not None:
            memo.close()
    return CrawledBatch(run_id, started, as_of, states, stats, screenshots, incremental,
                        nightly_run, (memo.hits, memo.misses) if memo is not None else None)


def _needed(checklists) -> dict[str, Any]:
    return {level: posts_topics(checklists, level)
            for level in ("province", "district", "commune")}


def store_batch(ws: Workspace, batch: CrawledBatch,
                mobile: dict[str, dict[str, Any]]) -> CrawlReport:
    """Write each agency's observations (``mobile``: its feature/mobile, from `photograph`),
    the agencies' marks in the nightly run and the crawl's run record, in one transaction."""
    checklists = load_all()
    needed = _needed(checklists)
    topics = load_topics()
    reviewed = all_corrections(ws)
    report = CrawlReport(batch.run_id)
    with ws.transaction():
        for agency_id, state in batch.states.items():
            report.agencies[agency_id] = _store_agency(
                ws, state, needed[state.level], topics, reviewed.get(agency_id, []),
                mobile.get(agency_id), batch.stats, batch.run_id, read_for(batch.as_of))
        if batch.nightly_run:
            mark_agencies(ws.db, batch.nightly_run, "crawl", report.agencies, utcnow())
        counts: dict[str, Any] = {"agencies": report.agencies}
        if batch.nightly_run:
            counts["nightly_run"] = batch.nightly_run  # the nightly run this crawl worked for
        if batch.memo is not None:
            counts["cache"] = {**cache_summary(batch.stats), "memo_hit": batch.memo[0],
                               "memo_miss": batch.memo[1]}
        put_run(ws.db, Run(id=batch.run_id, command="crawl", as_of=batch.as_of.isoformat(),
                           started_at=batch.started, finished_at=utcnow(), status=OK,
                           counts=counts))
    return report


def _run_spider(ws: Workspace, as_of: date, entries: list[dict[str, Any]],
                needed: dict[str, Any], settings: dict[str, Any], memo: ExtractionMemo | None,
                queue: tuple[str, str, int] | None
                ) -> tuple[dict[str, AgencyState], dict[str, Any]]:
    """The Scrapy crawl itself: each agency's state as read, and the crawl's stats."""
    states: dict[str, AgencyState] = {}
    cache = cache_settings(ws.root) if memo is not None else {}
    spider_args: dict[str, Any] = {"memo": memo}
    if queue:
        from .queued import QueuedPortalSpider, queue_settings

        spider_class, agencies = QueuedPortalSpider, []
        spider_args["entries"] = {entry["id"]: entry for entry in entries}
        cache = {**cache, **queue_settings(*queue)}
    else:
        spider_class, agencies = PortalSpider, entries
        for entry in entries:
            states[entry["id"]] = AgencyState(entry["id"], entry["level"], entry["portal"])
    process = CrawlerProcess({**SETTINGS, "LOG_INSTALL_ROOT_HANDLER": False, **cache,
                              **settings})
    crawler = process.create_crawler(spider_class)
    started_crawl = process.crawl(crawler, agencies=agencies, as_of=as_of, needed=needed,
                                  states=states, window_start=Window.ending(as_of).start,
                                  evidence=_EvidenceSink(ws), **spider_args)
    # Scrapy only logs an error raised while the crawl starts (a middleware that cannot be
    # built, a cache that cannot be opened) and returns as if the crawl had run: keep it, and
    # store nothing rather than an empty crawl over the last good one.
    broken: list[Any] = []
    started_crawl.addErrback(broken.append)
    process.start()
    if broken:
        failure = broken[0]
        raise CrawlError(f"không khởi động được lượt thu thập: {type(failure.value).__name__}: "
                         f"{failure.value}")
    return states, crawler.stats.get_stats() if crawler.stats else {}


def _store_agency(ws: Workspace, state: AgencyState, needed: Any, topics: Topics,
                  corrections: list[Correction], mobile: dict[str, Any] | None,
                  stats: dict[str, Any], run_id: str, window: dict[str, str]
                  ) -> dict[str, Any]:
    """Write one agency's observations (inside the caller's transaction); its summary. Each
    posts observation says which window it was read for (scoring another one refuses it)."""
    obs = observations(state, needed, topics, corrections)
    for key, value in obs.items():
        if key.startswith("posts/") and value.get("status") == "ok":
            value["read_for"] = window
    obs["feature/mobile"] = mobile or {
        "status": "failed", "reason": state.failure or "the home page was not read"}
    pages = stats.get(f"inspector/pages/{urlsplit(state.portal).netloc}", 0)
    # what a reviewer should know of this crawl: pages that failed, budget, platform
    obs["crawl/notes"] = {"status": "ok", "platform": state.platform,
                          "budget_hit": state.budget_hit, "notes": state.notes,
                          "pages": pages}
    failed = sum(1 for v in obs.values() if v.get("status") == "failed")
    for key, value in obs.items():
        status = value.pop("status")
        reason = value.pop("reason", None)
        put_observation(ws, state.agency_id, key, value, status=status, reason=reason,
                        run_id=run_id)
    return {"platform": state.platform, "failure": state.failure,
            "sections": sum(1 for s in state.sections.values() if s.alive()),
            "posts": sum(len(s.posts) for s in state.sections.values()),
            "failed_observations": failed, "budget_hit": state.budget_hit,
            "internal_errors": state.internal_errors, "pages": pages}


# Tabs at work at once: Chromium renders each in a process of its own, so a second tab keeps
# both cores busy while the first one's page loads; more only queue for the same cores.
TABS = 2


async def photograph(ws: Workspace, batch: CrawledBatch,
                     tabs: int = TABS) -> dict[str, dict[str, Any]]:
    """In Chromium, one tab per portal, ``tabs`` portals at once: feature/mobile for each
    portal whose home page was read, and (unless the batch says no) a screenshot of each
    section's first listing page with the boxes of the counted posts, added to that page's
    evidence. Pages are shown from the HTML the crawl fetched (only their own assets come from
    the portal); with an incremental batch, a page whose HTML has not changed keeps its
    photograph, and Chromium starts only if some portal has a changed page to show. Returns
    feature/mobile by agency."""
    todo = {aid: s for aid, s in batch.states.items() if not s.failure}
    results: dict[str, dict[str, Any]] = {}
    if not todo:
        return results
    from playwright.async_api import Error as PlaywrightError

    reuse = batch.incremental
    # an incremental night's unchanged portals keep their photographs without a browser
    unchanged = {aid for aid, state in todo.items()
                 if reuse and not _needs_browser(ws, state, batch.screenshots)}
    for agency_id in unchanged:
        results[agency_id] = await _mobile(ws, None, todo[agency_id], reuse)
        if batch.screenshots:
            await _section_screenshots(ws, None, todo[agency_id], reuse)
    todo = {aid: state for aid, state in todo.items() if aid not in unchanged}
    if not todo:
        return results
    try:
        async with async_chromium(only_hosts=_hosts(todo.values())) as browser:
            room = asyncio.Semaphore(max(1, tabs))

            async def one(agency_id: str, state: AgencyState) -> None:
                async with room:
                    try:
                        tab = await PortalTab.open(browser, VIEWPORT)
                    except PlaywrightError as exc:  # that portal's finding: not assessed
                        results[agency_id] = {"status": "failed", "reason": "Chromium could "
                                              f"not open a tab: {str(exc).splitlines()[0]}"}
                        return
                    try:
                        results[agency_id] = await _mobile(ws, tab, state, reuse)
                        if batch.screenshots:
                            await _section_screenshots(ws, tab, state, reuse)
                    finally:
                        with contextlib.suppress(PlaywrightError):  # a crashed browser
                            await tab.close()

            await asyncio.gather(*(one(aid, state) for aid, state in todo.items()))
    except (RuntimeError, PlaywrightError) as exc:
        # no Chromium here, or it would not start or died: what it did not see is not
        # assessed, with the reason; the crawl's own observations stand
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        for agency_id in todo:
            results.setdefault(agency_id, {"status": "failed", "reason": f"Chromium: {reason}"})
    return results


def _needs_browser(ws: Workspace, state: AgencyState, screenshots: bool) -> bool:
    """Whether an incremental batch must show one of this portal's pages in Chromium: its home
    page (the mobile check) or a section's first listing page changed since photographed."""
    if _reused(ws, state.portal, "mobile", _html_key(state, state.home_url or state.portal)) \
            is None:
        return True
    return screenshots and any(
        _reused(ws, section.pages[0], "section", _html_key(state, section.pages[0])) is None
        for section in _photographed_sections(state))


def _photographed_sections(state: AgencyState) -> list[Any]:
    """The sections whose first page is photographed: each living one with a page of its own."""
    return [section for section in state.sections.values()
            if section.alive() and "#" not in section.pages[0]]


def _fetched(ws: Workspace, state: AgencyState, url: str) -> tuple[bytes | None, str | None]:
    """The page's HTML as the crawl fetched it (from the evidence store) and its Content-Type;
    (None, None) when the crawl kept none (the tab then visits the portal)."""
    for ref in state.evidence.get(url, []):
        if ref.get("kind") == "html" and (file := resolve_evidence(ws.root, ref["path"])):
            return file.read_bytes(), state.content_types.get(url)
    return None, None


def _hosts(states) -> list[str]:
    """The hosts Chromium may reach: the portals' own (and their www. twins, where the
    crawl may have been redirected), nothing else."""
    hosts: set[str] = set()
    for state in states:
        urls = [state.portal, state.home_url or state.portal]
        urls += [page.split("#")[0] for s in state.sections.values() for page in s.pages[:1]]
        for url in urls:
            netloc = urlsplit(url).netloc.lower()
            if netloc:
                bare = netloc[4:] if netloc.startswith("www.") else netloc
                hosts.update({bare, f"www.{bare}"} if not bare[:1].isdigit() else {bare})
    return sorted(hosts)


def _html_key(state: AgencyState, url: str) -> str | None:
    """The page's HTML as read in this crawl (its SHA-256s), which a reused capture must match."""
    shas = sorted({r["sha256"] for r in state.evidence.get(url, []) if r.get("kind") == "html"})
    return ",".join(shas) or None


def _reused(ws: Workspace, url: str, kind: str, key: str | None) -> Any:
    if key is None:
        return None
    row = ws.db.execute("select refs from captures where url = ? and kind = ? and "
                        "html_sha256 = ?", [url, kind, key]).fetchone()
    return loads(row[0]) if row else None


def _remember(ws: Workspace, url: str, kind: str, key: str | None, value: Any) -> None:
    if key is not None:
        ws.db["captures"].upsert({"url": url, "kind": kind, "html_sha256": key,
                                  "refs": dumps(value), "captured_at": utcnow()},
                                 pk=("url", "kind", "html_sha256"))


async def _mobile(ws: Workspace, tab: PortalTab | None, state: AgencyState, reuse: bool = False
                  ) -> dict[str, Any]:
    # the home page's HTML as read, under the URL it was read at (a portal's root redirects)
    home = state.home_url or state.portal
    key = _html_key(state, home)
    if reuse and (earlier := _reused(ws, state.portal, "mobile", key)):
        return earlier                      # the home page has not changed since
    try:
        # the root as the register names it, showing the home page as read (after redirects)
        body, content_type = _fetched(ws, state, home)
        seen = await mobile_layout(tab, home if body is not None else state.portal, body,
                                   content_type)
    except Exception as exc:  # one portal's browser failure is that portal's finding
        return {"status": "failed", "reason": f"Chromium could not open the home page: {exc}"}
    shot = store(ws, stored_image(seen.pop("image")), "screenshot", state.portal)
    result = {"status": "ok", "present": seen["present"], "where": state.portal,
              "viewport_meta": seen["viewport_meta"], "scroll_width": seen["scroll_width"],
              "width": seen["width"], "evidence": [shot]}
    _remember(ws, state.portal, "mobile", key, result)
    return dict(result)


async def _section_screenshots(ws: Workspace, tab: PortalTab | None, state: AgencyState,
                               reuse: bool = False) -> None:
    """Each photographed section's first page, with its counted posts outlined, added to that
    page's evidence (``tab`` None: every one is known unchanged, its photograph reused)."""
    for section in _photographed_sections(state):
        page = section.pages[0]
        key = _html_key(state, page)
        refs = _reused(ws, page, "section", key) if reuse else None
        if refs is None:
            body, content_type = _fetched(ws, state, page)
            try:
                refs = await capture(ws, tab, page, list(section.posts), label=section.name,
                                     body=body, content_type=content_type)
            except CaptureError as exc:  # the HTML stays the evidence; the note says why
                state.notes.append(str(exc))
                continue
            _remember(ws, page, "section", key, refs)
        state.evidence.setdefault(page, []).extend(refs)


class _EvidenceSink:
    """Stores a page's HTML as fetched, once per content, and remembers its reference."""

    def __init__(self, ws: Workspace):
        self.ws = ws

    def __call__(self, url: str, body: bytes) -> dict[str, Any]:
        return store(self.ws, body, "html", url)
