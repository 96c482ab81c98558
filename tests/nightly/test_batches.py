"""How a nightly run splits the agencies into crawl batches (nightly/run.py: _crawl_jobs)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from inspector.crawl.worker import CrawlOptions
from inspector.nightly.run import (INCREMENTAL_BATCH_FACTOR, NightlySettings, RunRecord,
                                  _crawl_jobs)
from inspector.records import observations
from inspector.records.workspace import Workspace
from inspector.register.importer import import_register

AGENCIES = [f"xa-{n:02d}" for n in range(1, 21)]
CRAWLED_BEFORE = AGENCIES[:14]


@pytest.fixture
def ws(tmp_path: Path):
    register = tmp_path / "register.yaml"
    register.write_text(yaml.safe_dump({
        "province": {"name": "An Giang", "tthc_total": 1850},
        "agencies": [{"id": aid, "name": f"UBND xã {n}", "level": "commune",
                      "portal": f"http://127.0.0.1:{9000 + n}/", "tthc_total": 100}
                     for n, aid in enumerate(AGENCIES)]}, allow_unicode=True), encoding="utf-8")
    workspace = Workspace(tmp_path / "ws")
    import_register(workspace, [register])
    for agency in CRAWLED_BEFORE:          # what an earlier night's crawl leaves
        observations.put(workspace, agency, "crawl/notes", {"notes": []})
    try:
        yield workspace
    finally:
        workspace.close()


def _batches(ws: Workspace, incremental: bool, batch: int = 4) -> list[tuple[str, ...]]:
    settings = NightlySettings(as_of=date(2026, 11, 30), batch=batch,
                               crawl=CrawlOptions(incremental=incremental))
    jobs = _crawl_jobs(ws, RunRecord("nightly-test", resumed=False), settings, AGENCIES,
                       ws.root / "nightly.log")
    assert all(job.crawl_only for job in jobs)
    return [job.agency_ids for job in jobs]


def test_an_incremental_night_crawls_portals_seen_before_in_larger_batches(ws):
    batches = _batches(ws, incremental=True)
    new = [b for b in batches if set(b) <= set(AGENCIES) - set(CRAWLED_BEFORE)]
    seen = [b for b in batches if set(b) <= set(CRAWLED_BEFORE)]
    assert len(new) + len(seen) == len(batches)      # never the two kinds in one batch
    assert [len(b) for b in new] == [4, 2]
    larger = 4 * INCREMENTAL_BATCH_FACTOR
    assert [len(b) for b in seen] == [larger, 14 - larger]
    assert sorted(a for b in batches for a in b) == AGENCIES     # each agency once


def test_a_full_night_keeps_the_batch_size_for_every_portal(ws):
    batches = _batches(ws, incremental=False)
    assert [len(b) for b in batches] == [4, 4, 4, 4, 4]
    assert [a for b in batches for a in b] == AGENCIES
