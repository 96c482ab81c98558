"""Run the portal crawl for the agencies of a workspace and store its observations."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from scrapy.crawler import CrawlerProcess

from ..records import registry
from ..model.errors import UserError
from ..evidence.screenshots import CaptureError, capture
from ..records.evidence import store
from ..register.corrections import all_corrections
from ..model.sections import IS, Correction
from ..model.checklist import Topics, load_all, load_topics, posts_topics, topics_of_criteria
from ..model.periods import Window, read_for
from ..records.observations import put as put_observation
from ..records.runs import OK, Run, mark_agencies, put_run
from ..records.workspace import Workspace, dumps, loads, utcnow
from ..browser import chromium, mobile_layout
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


def crawl(ws: Workspace, as_of: date, agency_ids: list[str] | None = None,
          settings: dict[str, Any] | None = None, screenshots: bool = True,
          nightly_run: str | None = None, incremental: bool = False,
          queue: tuple[str, str, int] | None = None) -> CrawlReport:
    """Crawl the portals (one Scrapy process; call once per Python process, as Twisted's
    reactor cannot restart), then write each agency's observations in one transaction; for a
    nightly run, the same transaction records those agencies as crawled in that run.
    Incremental: unchanged pages come from the workspace's HTTP cache (crawl/cache.py) and the
    screenshots of pages whose HTML has not changed are reused. With ``queue`` (Redis URL,
    list key, agencies taken at a time) the agencies are not given: this process takes them
    from a Redis list shared with other crawl processes (crawl/queued.py, scrapy-redis) until
    the list stays empty."""
    checklists = load_all()
    topics = load_topics()
    by_criterion = topics_of_criteria(checklists)
    rows = [r for r in registry.agencies(ws, agency_ids) if r["portal"]]  # no portal: nothing to crawl
    portals = [r["portal"] for r in registry.agencies(ws) if r["portal"]]
    started = utcnow()
    run_id = f"crawl-{started}-{os.getpid()}"    # parallel workers start in the same second
    reviewed = all_corrections(ws)
    entries = [_agency_entry(row, by_criterion, portals, reviewed.get(row["id"], []))
               for row in rows]
    needed = {level: posts_topics(checklists, level)
              for level in ("province", "district", "commune")}
    memo = ExtractionMemo(ws.root) if incremental else None
    try:
        states, stats = _run_spider(ws, as_of, entries, needed, settings or {}, memo, queue)
    finally:
        if memo is not None:
            memo.close()
    mobile = _browser_checks(ws, states, screenshots, reuse=incremental)
    report = CrawlReport(run_id)
    with ws.transaction():
        for agency_id, state in states.items():
            report.agencies[agency_id] = _store_agency(
                ws, state, needed[state.level], topics, reviewed.get(agency_id, []),
                mobile.get(agency_id), stats, run_id, read_for(as_of))
        if nightly_run:
            mark_agencies(ws.db, nightly_run, "crawl", report.agencies, utcnow())
        counts: dict[str, Any] = {"agencies": report.agencies}
        if nightly_run:
            counts["nightly_run"] = nightly_run      # the nightly run this crawl worked for
        if memo is not None:
            counts["cache"] = {**cache_summary(stats), "memo_hit": memo.hits,
                               "memo_miss": memo.misses}
        put_run(ws.db, Run(id=run_id, command="crawl", as_of=as_of.isoformat(),
                           started_at=started, finished_at=utcnow(), status=OK, counts=counts))
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


def _browser_checks(ws: Workspace, states: dict[str, AgencyState],
                    screenshots: bool, reuse: bool = False) -> dict[str, dict[str, Any]]:
    """In Chromium: feature/mobile for each portal whose home page was read, and (unless turned
    off) a screenshot of each section's first listing page with the counted posts outlined,
    added to that page's evidence."""
    todo = {aid: s for aid, s in states.items() if not s.failure}
    results: dict[str, dict[str, Any]] = {}
    if not todo:
        return results
    try:
        with chromium(only_hosts=_hosts(todo.values())) as browser:
            for agency_id, state in todo.items():
                results[agency_id] = _mobile(ws, browser, state, reuse)
                if screenshots:
                    _section_screenshots(ws, browser, state, reuse)
    except RuntimeError as exc:  # no Chromium on this machine: not assessed, with the reason
        return {aid: {"status": "failed", "reason": str(exc)} for aid in todo}
    return results


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


def _mobile(ws: Workspace, browser, state: AgencyState, reuse: bool = False) -> dict[str, Any]:
    # the home page's HTML as read, under the URL it was read at (a portal's root redirects)
    key = _html_key(state, state.home_url or state.portal)
    if reuse and (earlier := _reused(ws, state.portal, "mobile", key)):
        return earlier                      # the home page has not changed since
    try:
        seen = mobile_layout(browser, state.portal)
    except Exception as exc:  # one portal's browser failure is that portal's finding
        return {"status": "failed", "reason": f"Chromium could not open the home page: {exc}"}
    shot = store(ws, seen.pop("png"), "screenshot", state.portal)
    result = {"status": "ok", "present": seen["present"], "where": state.portal,
              "viewport_meta": seen["viewport_meta"], "scroll_width": seen["scroll_width"],
              "width": seen["width"], "evidence": [shot]}
    _remember(ws, state.portal, "mobile", key, result)
    return dict(result)


def _section_screenshots(ws: Workspace, browser, state: AgencyState, reuse: bool = False
                         ) -> None:
    for section in state.sections.values():
        if not section.alive() or "#" in section.pages[0]:
            continue
        page = section.pages[0]
        key = _html_key(state, page)
        refs = _reused(ws, page, "section", key) if reuse else None
        if refs is None:
            try:
                refs = capture(ws, browser, page, list(section.posts), label=section.name)
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
