"""The portal spider fed from a Redis list of agency ids (scrapy-redis), so that several crawl
processes, on one machine or more, share one province's agencies."""

from __future__ import annotations

from typing import Any

from scrapy_redis.spiders import RedisMixin

from .spider import PortalSpider
from .state import AgencyState

# A process whose queue stays empty this long, with nothing left to crawl, ends.
IDLE_BEFORE_CLOSE_S = 6


def queue_settings(redis_url: str, key: str, batch: int = 2) -> dict[str, Any]:
    """Scrapy settings of a queued crawl. Only the start of each agency is shared (its id):
    every request of an agency stays in the process that took it, with Scrapy's own scheduler
    and duplicate filter, because the agency's state (sections, posts being dated) lives in that
    process."""
    return {"REDIS_URL": redis_url, "REDIS_START_URLS_KEY": key,
            # agencies taken at a time, and again when this process has nothing left to do
            # (scrapy-redis would otherwise take CONCURRENT_REQUESTS of them: all, here)
            "INSPECTOR_QUEUE_BATCH": batch,
            "MAX_IDLE_TIME_BEFORE_CLOSE": IDLE_BEFORE_CLOSE_S}


def push_agencies(redis_url: str, key: str, agency_ids: list[str]) -> None:
    """Put the agencies to crawl in the shared list (replacing what a killed run left)."""
    import redis

    from ..model.errors import UserError

    try:
        server = redis.Redis.from_url(redis_url, socket_connect_timeout=10)
        with server.pipeline() as pipe:
            pipe.delete(key)
            if agency_ids:
                pipe.rpush(key, *agency_ids)
            pipe.execute()
    except (redis.RedisError, ValueError) as exc:
        raise UserError(f"không dùng được hàng đợi Redis ở {redis_url}: {exc}") from None


class QueuedPortalSpider(RedisMixin, PortalSpider):
    """PortalSpider whose agencies arrive one by one from Redis (LPOP: each id goes to exactly
    one process); `entries` holds what the register says of every agency."""

    name = "inspector-portal-queued"

    def __init__(self, *args, entries: dict[str, dict[str, Any]], **kwargs):
        super().__init__(*args, **kwargs)
        self.entries = entries

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.redis_batch_size = crawler.settings.getint("INSPECTOR_QUEUE_BATCH", 2)
        spider.setup_redis(crawler)
        return spider

    def make_request_from_data(self, data: bytes):
        agency_id = data.decode("utf-8") if isinstance(data, bytes) else str(data)
        entry = self.entries.get(agency_id)
        if entry is None or agency_id in self.states:
            self.logger.warning("queue entry %r: not an agency with a portal here, or taken "
                                "twice; skipped", agency_id)
            return []
        self.states[agency_id] = AgencyState(agency_id, entry["level"], entry["portal"])
        self.agencies.append(entry)
        return list(self.start_agency(entry))
