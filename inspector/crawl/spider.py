"""The portal spider: navigation only. From each agency's home page it finds the sections and
the information pages, reads every listing page a criterion needs, opens articles whose
listing shows no date, and records what the page objects extract into an AgencyState."""

from __future__ import annotations

import re
import sys
from datetime import date, datetime, timedelta
from typing import Any, Iterator

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import FormRequest, Request, Response

from . import discovery, features, listings
from .failures import classify
from .listings import canonical
from .state import HOME_PAGE, AgencyState, SectionState
from .topics import GENERAL_TOPICS

# Which field set each information page shows (the procedure pages carry thu-tuc).
PAGE_FIELD_SETS = {"gioi-thieu": "gioi-thieu", "co-cau-to-chuc": "gioi-thieu",
                   "lanh-dao": "lanh-dao", "lien-he": "lien-he", "danh-ba": "can-bo",
                   "gop-y": "gop-y"}
PROCEDURE_CODE = re.compile(r"\d\.\d{6}")
PROCEDURE_PAGES = 5   # procedure pages read to judge the thu-tuc fields


class PortalSpider(scrapy.Spider):
    """Crawl many portals at once. `agencies`: register rows (id, level, portal, sections,
    obey_robots); `topics`: the topics each level needs; results land in `states`."""

    name = "inspector-portal"

    def __init__(self, agencies: list[dict[str, Any]], as_of: date, needed: dict[str, list[str]],
                 states: dict[str, AgencyState], window_start: date, margin_days: int = 31,
                 evidence=None, memo=None, **kwargs):
        super().__init__(**kwargs)
        self.evidence = evidence                    # url, body → evidence reference (or None)
        self.memo = memo                            # cache.ExtractionMemo, or None
        self.agencies = agencies
        self.as_of = as_of
        self.needed = needed
        self.states = states
        self.stop_before = window_start - timedelta(days=margin_days)

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.request_dropped, signal=signals.request_dropped)
        crawler.signals.connect(spider.callback_failed, signal=signals.spider_error)
        crawler.signals.connect(spider.spider_idle, signal=signals.spider_idle)
        return spider

    def callback_failed(self, failure, response, spider):
        """An exception of our own code in a callback or errback (Scrapy logs its traceback and
        goes on): the page's work stopped half way (a post undated, a listing's next page never
        asked for), so the agency's results cannot be trusted. observe.py fails them all."""
        # an errback's exception comes with a Failure that carries its request
        request = getattr(response, "request", None)
        meta = getattr(response, "meta", None)
        if meta is None:
            meta = getattr(request, "meta", None) or {}
        url = getattr(response, "url", None) or getattr(request, "url", "?")
        exc = failure.value
        line = f"{url}: {type(exc).__name__}: {exc}"
        # Scrapy's own log of it goes nowhere (no root handler): the worker's stderr, which the
        # nightly log keeps, gets the traceback
        sys.stderr.write(f"internal error of the crawler at {url}:\n{failure.getTraceback()}\n")
        state = self.states.get(meta.get("agency"))
        # an agency that cannot be told: every agency of this crawl may have lost work
        for each in [state] if state is not None else self.states.values():
            each.internal_errors.append(line)

    # -- start -----------------------------------------------------------------------------
    async def start(self):
        for request in self.start_requests():
            yield request

    def start_requests(self) -> Iterator[Request]:
        for agency in self.agencies:
            yield from self.start_agency(agency)

    def start_agency(self, agency: dict[str, Any]) -> Iterator[Request]:
        """An agency's first request (its home page), its state set from the register."""
        state = self.states[agency["id"]]
        for topic, urls in (agency.get("section_overrides") or {}).items():
            state.overrides[topic] = urls
        state.obey_robots = agency.get("obey_robots", True)
        state.stop_before = self.stop_before
        state.scope = agency.get("scope")
        state.reviewer_sections = list(agency.get("reviewer_sections") or [])
        yield self._request(state, agency["portal"], self.parse_home, "home",
                            errback=self.home_failed)

    def _request(self, state: AgencyState, url: str, callback, kind: str, errback=None,
                 **meta) -> Request:
        return Request(url, callback=callback, errback=errback or self.page_failed,
                       meta={"agency": state.agency_id, "kind": kind, "scope": state.scope,
                             "dont_obey_robotstxt": not state.obey_robots, **meta})

    def _state(self, response_or_failure) -> AgencyState:
        meta = getattr(response_or_failure, "meta", None)
        if meta is None:
            meta = response_or_failure.request.meta
        return self.states[meta["agency"]]

    # -- home, site map ----------------------------------------------------------------------
    def parse_home(self, response: Response):
        state = self._state(response)
        html = response.text
        state.platform = listings.detect_platform(html, response.url)
        state.home_url = response.url
        self._keep(state, response)
        self._note_features(state, html, response.url)
        # the home page's lists of posts: the site's frame starts here (a "Tin mới" box is on
        # every page), and their links are posts, never sections
        home = listings.parse_listing(html, response.url, state.platform, frame=state.frame,
                                      page_key=HOME_PAGE)
        state.home_posts.update(listings.listed_posts(home))
        yield from self._follow_discovery(state, response, how_override=None)
        for topic, urls in state.overrides.items():
            for url in urls:
                yield from self._open_section(state, url, f"(register: {topic})", [topic],
                                              "register", general=False)
        for url in state.reviewer_sections:
            yield from self._open_section(state, url, "", [], "reviewer", general=False)

    def parse_sitemap(self, response: Response):
        state = self._state(response)
        yield from self._follow_discovery(state, response, how_override="sitemap")

    def _follow_discovery(self, state: AgencyState, response: Response, how_override):
        html = response.text
        pages = discovery.static_pages(html, response.url)
        info_pages = {canonical(url): kind for kind, url in pages.items()}
        for link in discovery.sections_to_read(html, response.url, state.home_posts,
                                               how_override):
            if not state.in_scope(link.url):
                continue
            general = bool(set(link.topics) & set(GENERAL_TOPICS))
            yield from self._open_section(state, link.url, link.text, link.topics, link.how,
                                          general, info_page=info_pages.get(canonical(link.url)))
        for kind, url in pages.items():
            if kind in state.static_pages:
                continue
            state.static_pages[kind] = url
            callback = self.parse_sitemap if kind == "so-do" else self.parse_static
            request = self._request(state, url, callback, kind)
            # an information page may also be read as a section: fetch it for each purpose
            yield request.replace(dont_filter=True)

    def _open_section(self, state: AgencyState, url: str, name: str, topics: list[str], how: str,
                      general: bool, info_page: str | None = None):
        key = canonical(url)
        section = state.sections.get(key)
        if section is not None and how == "reviewer":
            return              # already read for what discovery found in it
        if section is not None:  # the same section linked again: it may name more topics
            section.topics = sorted(set(section.topics) | set(topics))
            section.general = section.general or general
            section.info_page = section.info_page or info_page
            if how == "register":  # the register's word stands over how discovery found it
                section.how = "register"
            return
        state.sections[key] = SectionState(url=url, name=name, topics=sorted(set(topics)),
                                           how=how, general=general, info_page=info_page,
                                           home=state.portal)
        yield self._request(state, url, self.parse_listing, "listing", section=key)

    # -- listings and articles ---------------------------------------------------------------
    def parse_listing(self, response: Response):
        state = self._state(response)
        key = response.meta["section"]
        section = state.sections[key]
        html = response.text
        page = canonical(response.url) + (f"#{response.meta['postback']}"
                                          if response.meta.get("postback") else "")
        if page in section.pages:
            return
        section.pages.append(page)
        if len(section.pages) == 1:
            self._keep(state, response)
        listing = self._listing(state, response, section.hints(state.portal), page)
        section.read_page(page, listing, response.url, response.meta.get("postback"))
        section.refresh(state.article_dates)
        self._note_features(state, html, response.url)
        if "hoi-dap" in section.topics:
            section.qa.append(features.qa_counts(html))
        if "van-ban-qppl" in section.topics and section.document_fields is None:
            section.document_fields = features.fields_present(html, "van-ban")
        yield from self._settle(state, key)

    def _listing(self, state: AgencyState, response: Response, hints, page: str):
        """The listing of a listing page: its reading (blocks, pager) from the markup, or in an
        incremental crawl remembered from the same page read before with the same hints; the
        listing chosen among its blocks with the portal's frame as it stands."""
        def read() -> dict[str, Any]:
            return listings.read_listing(response.text, response.url, state.platform,
                                         hints).to_json()

        if self.memo is None:
            reading = listings.read_listing(response.text, response.url, state.platform, hints)
        else:
            name = "\0".join(("listing", state.platform or "", hints.section_name,
                               hints.section_url, hints.home_url))
            reading = listings.ListingReading.from_json(
                self.memo.remember(name, response.url, response.text, read))
        return listings.choose_listing(reading, hints, state.frame, page)

    def _settle(self, state: AgencyState, key: str):
        """What a section still needs, given what was read: the articles of the undated posts
        of its pages, then the next pages of each page that reaches into the window (decided
        once that page's posts are all dated, or could not be)."""
        section = state.sections[key]
        dating = section.opens_articles()
        for page in list(section.pages):
            if page not in section.listings:
                continue
            pending = False
            for post in section.chosen.get(page, []):
                if post.published is not None or not dating:
                    continue
                url = canonical(post.url)
                if url in state.article_dates:
                    continue
                pending = True
                state.waiting.setdefault(url, set()).add(key)
                if url not in state.articles_asked:
                    state.articles_asked.add(url)
                    yield self._request(state, post.url, self.parse_article, "article",
                                        section=key, title=post.title)
            if pending or page in section.followed:
                continue
            if section.reaches(page, self.stop_before):
                section.followed.add(page)
                yield from self._next_pages(state, key, page)

    def _next_pages(self, state: AgencyState, key: str, page: str):
        section = state.sections[key]
        listing = section.listings[page]
        url, postback = section.page_urls[page]
        # "after": the listing page that links the next ones (a lost page is judged by its posts)
        meta = {"section": key, "after": page}
        if listing.postbacks:
            wanted = self._next_postback(postback, listing)
            if wanted is not None:
                yield FormRequest(url, formdata=wanted.formdata,
                                  callback=self.parse_listing, errback=self.page_failed,
                                  meta={"agency": state.agency_id, "kind": "listing",
                                        "postback": wanted.argument, "scope": state.scope,
                                        "dont_obey_robotstxt": not state.obey_robots, **meta},
                                  dont_filter=True)
            return
        urls = [listing.next_url] if listing.next_url else listing.page_urls
        for next_url in urls:
            if next_url and canonical(next_url) not in section.pages:
                yield self._request(state, next_url, self.parse_listing, "listing", **meta)

    @staticmethod
    def _next_postback(current: str | None, listing):
        """The post-back to the page after this one (Page$N+1, else Page$Next)."""
        current = current or "Page$1"
        match = re.match(r"Page\$(\d+)$", current)
        number = int(match.group(1)) + 1 if match else None
        by_argument = {p.argument: p for p in listing.postbacks}
        if number and f"Page${number}" in by_argument:
            return by_argument[f"Page${number}"]
        return by_argument.get("Page$Next")

    def parse_article(self, response: Response):
        state = self._state(response)
        value, reason = self._article_date(state, response)
        asked = _asked_url(response.request)
        self._article_dated(state, asked, value, reason)
        self._note_features(state, response.text, response.url, article=True)
        for key in sorted(state.waiting.pop(asked, set())):
            yield from self._settle(state, key)

    def _article_date(self, state: AgencyState, response: Response):
        """(the article's date or moment, or None; why not), read from the page, or in an
        incremental crawl remembered from the same page read before (by URL, body, platform
        and the title the listing showed, all the reading depends on)."""
        title = response.meta.get("title")

        def read() -> dict[str, Any]:
            found = listings.parse_article_date(response.text, response.url, state.platform,
                                                title=title)
            when = found.moment or found.value
            return {"when": when.isoformat() if when else None, "moment": bool(found.moment),
                    "reason": found.reason}

        if self.memo is None:
            read_now = read()
        else:
            read_now = self.memo.remember(f"article-date\0{state.platform}\0{title or ''}",
                                          response.url, response.text, read)
        when = read_now["when"]
        if when is None:
            return None, read_now["reason"]
        return (datetime.fromisoformat(when) if read_now["moment"]
                else date.fromisoformat(when)), read_now["reason"]

    def _article_dated(self, state: AgencyState, url: str, value, reason: str | None) -> None:
        state.article_dates[url] = {"value": value, "reason": None if value else reason}
        for key in state.waiting.get(url, ()):
            state.sections[key].refresh(state.article_dates)

    def spider_idle(self):
        """Before the crawl ends: every page's listing chosen again now that all the portal's
        pages are known (a block repeated across pages is the site's frame, not a listing),
        and whatever that changes read (articles to date, next pages)."""
        requests = []
        for state in self.states.values():
            if state.failure or state.frame.size == state.frame_seen:
                continue
            state.frame_seen = state.frame.size
            for key, section in state.sections.items():
                if section.choose_again(state.frame):
                    section.refresh(state.article_dates)
                requests += list(self._settle(state, key))
        if requests:
            for request in requests:
                self.crawler.engine.crawl(request)
            raise DontCloseSpider("pages chosen again: more to read")
        # all read: every section's posts once more from the final choices and article dates
        # (a guard: each change already refreshes the sections it touches)
        for state in self.states.values():
            for section in state.sections.values():
                section.refresh(state.article_dates)

    # -- information pages ----------------------------------------------------------------------
    def parse_static(self, response: Response):
        state = self._state(response)
        kind = response.meta["kind"]
        html = response.text
        self._keep(state, response)
        self._note_features(state, html, response.url)
        field_set = PAGE_FIELD_SETS.get(kind)
        if field_set:
            state.fields.setdefault(field_set, set()).update(features.fields_present(html, field_set))
            state.field_pages.setdefault(field_set, []).append(response.url)
        if kind == "du-an":
            state.projects = features.project_records(html)
        if kind == "thu-tuc":
            seen = []
            for href in response.css("a::attr(href)").getall():
                url = response.urljoin(href)
                if PROCEDURE_CODE.search(url) and url not in seen:
                    seen.append(url)
            for url in seen[:PROCEDURE_PAGES]:
                yield self._request(state, url, self.parse_procedure, "procedure")

    def parse_procedure(self, response: Response):
        state = self._state(response)
        self._keep(state, response)
        state.procedure_fields.append(set(features.fields_present(response.text, "thu-tuc")))
        state.field_pages.setdefault("thu-tuc", []).append(response.url)
        self._note_features(state, response.text, response.url)

    def _keep(self, state: AgencyState, response: Response) -> None:
        """Keep the HTML as fetched of a page behind a finding."""
        key = canonical(response.url)
        if self.evidence is not None and key not in state.evidence:
            state.evidence[key] = [self.evidence(response.url, response.body)]
            content_type = response.headers.get("Content-Type")
            if content_type:
                state.content_types[key] = content_type.decode("latin-1")

    def _note_features(self, state: AgencyState, html: str, url: str, article: bool = False):
        if self.memo is not None:   # an incremental crawl: a page seen before is not parsed again
            found = self.memo.remember("features", url, html,
                                       lambda: features.detect_features(html, url))
        else:
            found = features.detect_features(html, url)
        state.features = features.merge_features([state.features, found])

    # -- failures --------------------------------------------------------------------------------
    def request_dropped(self, request, spider=None):
        """A request the scheduler's duplicate filter dropped (no errback runs). The first page
        of a section or an article that was redirected to, or is, a page already requested for
        another purpose is read again for this one, instead of being lost without a word (the
        section would end "no listing page read"; the listing page waiting for the article's
        date would never read on). Later listing pages requested twice are dropped as before."""
        meta = request.meta
        state = self.states.get(meta.get("agency"))
        if state is None or request.dont_filter:
            return
        kind = meta.get("kind")
        if kind == "listing" and "after" not in meta and "postback" not in meta:
            section = state.sections.get(meta.get("section"))
            if section is None or section.pages or section.failed:
                return
        elif kind not in ("article", "procedure"):
            return
        self.crawler.engine.crawl(request.replace(dont_filter=True))

    def home_failed(self, failure):
        state = self._state(failure)
        state.failure = classify(failure)

    def page_failed(self, failure):
        state = self._state(failure)
        meta = failure.request.meta
        reason = classify(failure)
        if reason.startswith("page budget"):
            state.budget_hit = True
        kind = meta.get("kind")
        url = failure.request.url
        if kind == "listing":
            section = state.sections.get(meta["section"])
            if section is None:
                return None
            if not section.pages and "after" not in meta:
                section.failed = reason
                return None
            # a later page of a section already read: its posts are missing. The reviewer is
            # told; observe.py fails the topic when they may count (lost_in_window), unless
            # the crawler's own guard dropped the page (page budget, URL trap: an endless
            # listing such as a calendar is read up to the budget, budget_hit says so)
            page = url + (f"#{meta['postback']}" if meta.get("postback") else "")
            guard = reason.startswith(("page budget", "URL trap"))
            if not guard:
                section.lost_pages.append({"url": page, "reason": reason,
                                           "after": meta.get("after") or ""})
            state.notes.append(f"{page}: {reason} (listing page of section {section.name!r} "
                               f"after {meta.get('after') or 'its first page'}: its posts "
                               f"{'were not read' if guard else 'are missing'})")
        elif kind == "article":
            # the post stays undated (with this reason); the page's next page is still
            # decided on the others
            state.notes.append(f"{url}: {reason}")
            key = _asked_url(failure.request)
            self._article_dated(state, key, None, f"its article could not be read: {reason}")
            requests = []
            for section_key in sorted(state.waiting.pop(key, set())):
                requests += list(self._settle(state, section_key))
            return requests
        elif kind and kind != "home":
            # an information page, the site map or a procedure page: its field set is not
            # assessed when no page of it was read (observe.py)
            state.failed_pages.setdefault(kind, []).append((url, reason))
            state.notes.append(f"{url}: {reason}")
        return None


def _asked_url(request) -> str:
    """The canonical URL a request was first made for (before any redirect)."""
    return canonical((request.meta.get("redirect_urls") or [request.url])[0])
