"""The crawl shared through a Redis list (scrapy-redis) by two crawl processes, as
`inspector nightly --redis` runs it, gives the same results as one process crawling alone."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time

import pytest

from inspector.sandbox.province import generate_province
from inspector.sandbox.server import Sandbox
from tests.conftest import AS_OF, SEED
from tests.nightly.projection import db, results

pytestmark = [pytest.mark.slow, pytest.mark.browser]

AGENCIES = 3


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    """A Redis server of its own on loopback, no persistence, stopped at the end."""
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is not installed (.ci/run installs Debian's)")
        pytest.skip("redis-server is not installed here (apt-get install redis-server)")
    redis = pytest.importorskip("redis")
    port = _free_port()
    server = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no"], cwd=tmp_path_factory.mktemp("redis"),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url)
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def _cli(*args: str) -> subprocess.CompletedProcess:
    run = subprocess.run([sys.executable, "-m", "inspector.cli", *args], capture_output=True,
                         text=True, timeout=900)
    assert run.returncode == 0, (args, run.stdout[-3000:], run.stderr[-3000:])
    return run


@pytest.fixture(scope="module")
def crawled(tmp_path_factory, redis_url):
    root = tmp_path_factory.mktemp("distributed")
    province = generate_province(SEED, AGENCIES, as_of=AS_OF)
    sandbox = Sandbox(province, root / "sandbox", base_port=0, slow_seconds=0.2,
                      service_slow_seconds=0.2).start()
    day = AS_OF.isoformat()
    try:
        alone, shared = root / "alone", root / "shared"
        for ws in (alone, shared):
            _cli("registry", "import", "-w", str(ws), str(root / "sandbox" / "register.yaml"))
        _cli("crawl", "-w", str(alone), "--as-of", day, "--no-screenshots", "--delay", "0")
        _cli("score", "-w", str(alone), "--as-of", day)
        nightly = _cli("nightly", "-w", str(shared), "--as-of", day, "--no-screenshots",
                       "--delay", "0", "--full", "--redis", redis_url, "--workers", "2",
                       "--batch", "1")
        yield alone, shared, nightly.stdout
    finally:
        sandbox.stop()


def test_two_processes_shared_the_queue(crawled):
    _, shared, output = crawled
    conn = db(shared)
    try:
        runs = [json.loads(r["counts"]) for r in
                conn.execute("select counts from runs where command = 'crawl'")]
        marked = conn.execute("select count(*) from run_agencies where stage = 'crawl' and "
                              "status = 'done'").fetchone()[0]
        nightly_ids = [r[0] for r in conn.execute("select id from runs where command = 'nightly'")]
    finally:
        conn.close()
    taken = [set(run["agencies"]) for run in runs]
    assert len(taken) == 2 and all(taken), taken          # each process crawled some agencies
    assert not taken[0] & taken[1]                         # no agency crawled twice
    assert len(taken[0] | taken[1]) == AGENCIES == marked
    assert f"{AGENCIES}/{AGENCIES} cổng đã thu thập" in output
    # each crawl process's record names the nightly run it worked for
    assert len(nightly_ids) == 1 and {run.get("nightly_run") for run in runs} == set(nightly_ids)


def test_the_shared_crawl_equals_one_process_alone(crawled):
    alone, shared, _ = crawled
    want, got = results(alone), results(shared)
    assert got["posts"] == want["posts"]
    assert got["statuses"] == want["statuses"]
    assert got["findings"] == want["findings"]
    assert want["html"] <= got["html"]
