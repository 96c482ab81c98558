"""What two runs over the same sandbox must have in common: findings, posts, observation
statuses, service verdicts and saved pages (order-dependent details left out)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path


def db(ws: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(ws / "inspector.db")
    conn.row_factory = sqlite3.Row
    return conn


def results(ws: Path) -> dict:
    conn = db(ws)
    try:
        findings = {(r["agency_id"], r["criterion_id"]): (r["points"], r["status"])
                    for r in conn.execute("select * from findings")}
        posts = {}
        for row in conn.execute("select agency_id, key, status, value from observations "
                                "where key like 'posts/%'"):
            value = json.loads(row["value"] or "{}") or {}
            urls = [p["url"] for p in value.get("posts", [])]
            posts[(row["agency_id"], row["key"])] = (row["status"], sorted(urls), len(urls))
        statuses = {(r["agency_id"], r["key"]): r["status"]
                    for r in conn.execute("select agency_id, key, status from observations")}
        services = {r["service_id"]: r["status"]
                    for r in conn.execute("select service_id, status from service_checks")}
        html = {r["sha256"] for r in conn.execute("select sha256 from evidence "
                                                  "where kind = 'html'")}
    finally:
        conn.close()
    return {"findings": findings, "posts": posts, "statuses": statuses, "services": services,
            "html": html}
