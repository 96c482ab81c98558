"""The sandbox province as a perfect inspection would store it: the register and the yearly
reports imported through the CLI, the ground truth's observations in place of the crawl and
the service checks, scored as of the sandbox's date."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

from inspector.scoring.store import score_workspace
from inspector.records.workspace import Workspace, dumps


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "inspector.cli", *args], capture_output=True,
                          text=True, timeout=300)


def perfect_workspace(sandbox, truth: dict[str, Any], root: Path) -> tuple[Workspace, str]:
    """The workspace (open; the caller closes it) and what `survey import` printed."""
    out = sandbox.out_dir
    assert run_cli("registry", "import", "-w", str(root), str(out / "register.yaml")
                   ).returncode == 0
    files = sorted(str(p) for p in (out / truth["reports"]["dir"]).glob("*.xlsx"))
    run = run_cli("survey", "import", "-w", str(root), *files)
    assert run.returncode == 0, run.stderr
    ws = Workspace(root)
    with ws.transaction():
        for agency in truth["agencies"]:
            for key, value in agency["observations"].items():
                if key.startswith("survey/"):
                    continue   # the reports are the only source of the answers
                ws.db["observations"].upsert({
                    "agency_id": agency["id"], "key": key, "status": value.get("status", "ok"),
                    "reason": value.get("reason"), "value": dumps(value), "run_id": "truth",
                    "observed_at": "2026-11-30T00:00:00Z"}, pk=("agency_id", "key"))
    score_workspace(ws, date.fromisoformat(truth["as_of"]))
    return ws, run.stdout


def reviewer_client(ws: Workspace):
    """A werkzeug test client of the review page, logged in as a new reviewer account."""
    import re

    from werkzeug.test import Client

    from inspector.review import accounts
    from inspector.review.app import ReviewApp
    from inspector.review.evidence import EvidenceSigner

    password = "mật-khẩu-đủ-dài-2026"
    accounts.create_user(ws, "duyet", password, accounts.REVIEWER)
    client = Client(ReviewApp(ws.root, EvidenceSigner(b"k" * 32), "http://127.0.0.1:9001"))
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/dang-nhap").text).group(1)
    client.post("/dang-nhap", data={"username": "duyet", "password": password, "csrf": token})
    return client
