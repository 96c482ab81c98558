"""Portals on one address, told apart by their port (crawl/middleware/host_slot.py): each is
its own download slot, and its own queue in the scheduler, so that a portal not yet started is
served before the next pages of portals already under way."""

from __future__ import annotations

from types import SimpleNamespace

from scrapy import Request
from scrapy.core.downloader import Slot
from scrapy.squeues import FifoMemoryQueue, LifoMemoryQueue
from scrapy.utils.test import get_crawler

from inspector.crawl.middleware.host_slot import HostSlotMiddleware, HostSlotPriorityQueue
from inspector.crawl.settings import SETTINGS

BUSY, WAITING = "http://127.0.0.1:8001", "http://127.0.0.1:8002"


def _scheduler_queue(active: dict[str, int]) -> HostSlotPriorityQueue:
    """The crawl's scheduler queue (Scrapy's own queue classes inside), beside a downloader
    whose slots have these downloads under way."""
    slots = {}
    for slot, count in active.items():
        slots[slot] = Slot(2, 0.5)
        slots[slot].active.update(Request(f"http://{slot}/busy-{n}") for n in range(count))
    crawler = get_crawler()
    crawler.engine = SimpleNamespace(downloader=SimpleNamespace(slots=slots))
    return HostSlotPriorityQueue.from_crawler(crawler, LifoMemoryQueue, key="",
                                              start_queue_cls=FifoMemoryQueue)


def test_a_portal_not_started_is_served_before_the_next_pages_of_one_under_way():
    queue = _scheduler_queue({"127.0.0.1:8001": 2})
    queue.push(Request(WAITING + "/", meta={"is_start_request": True}))
    for page in range(5):
        queue.push(Request(f"{BUSY}/tin-tuc?page={page}"))
    served = [queue.pop().url for _ in range(6)]
    # one queue keyed by the host name (Scrapy's) served the waiting portal's home page last,
    # after every page of the busy one: on a loopback province, portals started after 107 s
    assert served[0] == WAITING + "/"
    assert served[1:] == [f"{BUSY}/tin-tuc?page={page}" for page in (4, 3, 2, 1, 0)]
    assert queue.pop() is None and len(queue) == 0


def test_the_queue_follows_a_request_s_own_slot_after_a_redirect():
    # a redirect keeps the slot of the request it came from (Scrapy copies meta): politeness
    # and the queue stay with the portal that sent it
    queue = _scheduler_queue({"127.0.0.1:8001": 1})
    queue.push(Request("http://127.0.0.1:9000/moved", meta={"download_slot": "127.0.0.1:8001"}))
    queue.push(Request(WAITING + "/gioi-thieu"))
    assert [queue.pop().url for _ in range(2)] == [WAITING + "/gioi-thieu",
                                                   "http://127.0.0.1:9000/moved"]


def test_the_downloader_slot_is_the_host_and_port():
    middleware = HostSlotMiddleware()
    for url, slot in ((BUSY + "/a", "127.0.0.1:8001"), (WAITING + "/b", "127.0.0.1:8002"),
                      ("https://cong.example.gov.vn/c", "cong.example.gov.vn")):
        request = Request(url)
        middleware.process_request(request)
        assert request.meta["download_slot"] == slot


def test_the_crawl_uses_this_queue():
    assert SETTINGS["SCHEDULER_PRIORITY_QUEUE"] == \
        "inspector.crawl.middleware.host_slot.HostSlotPriorityQueue"
    assert "inspector.crawl.middleware.host_slot.HostSlotMiddleware" in \
        SETTINGS["DOWNLOADER_MIDDLEWARES"]
