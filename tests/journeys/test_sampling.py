"""V.4.2.c.ii on the sandbox: an agency with many services is checked by group (representative
and a seeded sample by journey, the rest by report), each service saying which check it got and
why; the same seed draws the same services."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

pytestmark = [pytest.mark.slow, pytest.mark.browser]

AGENCY = "so-nong-nghiep"
CLI = [sys.executable, "-m", "inspector.cli"]


def _cli(*args: str) -> str:
    run = subprocess.run(CLI + list(args), capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, (args[0], run.stdout[-3000:], run.stderr[-3000:])
    return run.stdout


def _one_group_register(sandbox, tmp_path: Path) -> Path:
    """The sandbox register with every service of AGENCY declared in one group."""
    doc = yaml.safe_load((sandbox.out_dir / "register.yaml").read_text(encoding="utf-8"))
    for agency in doc["agencies"]:
        if agency["id"] == AGENCY:
            for service in agency["services"]:
                service["group"] = "Một nhóm"
    path = tmp_path / "register.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def _plan(ws: Path, seed: int) -> list[list[str]]:
    out = _cli("check-services", "-w", str(ws), "--agency", AGENCY, "--dry-run",
               "--sample-above", "2", "--sample-size", "1", "--seed", str(seed))
    return [line.split("\t") for line in out.splitlines()]


def test_the_plan_draws_by_group_and_by_seed(sandbox, truth, tmp_path):
    ws = tmp_path / "ws"
    _cli("registry", "import", "-w", str(ws), str(_one_group_register(sandbox, tmp_path)))
    plan = _plan(ws, 3)
    assert plan == _plan(ws, 3)                       # deterministic for a seed
    assert any(_plan(ws, seed) != plan for seed in range(4, 20))   # the seed draws
    checks = [row[1] for row in plan]
    services = next(a for a in truth["agencies"] if a["id"] == AGENCY)["services"]
    unmatched = sum(1 for s in services if not s["procedures"])
    assert checks.count("none") == unmatched >= 1
    assert checks.count("journey") == 2               # the representative and one drawn
    assert checks.count("report") == len(services) - unmatched - 2
    representative = next(row for row in plan if row[6].startswith("representative"))
    most = max((s for s in services if s["procedures"]), key=lambda s: len(s["procedures"]))
    assert representative[5] == most["name"]
    assert all("Một nhóm" in row[6] for row in plan if row[1] != "none")
    # a dry run changes nothing
    conn = sqlite3.connect(ws / "inspector.db")
    assert conn.execute("select count(*) from service_checks").fetchone()[0] == 0
    conn.close()


def test_services_checked_by_report_are_flagged_for_the_reviewer(sandbox, truth, tmp_path):
    ws = tmp_path / "ws"
    _cli("registry", "import", "-w", str(ws), str(_one_group_register(sandbox, tmp_path)))
    _cli("check-services", "-w", str(ws), "--agency", AGENCY, "--sample-above", "2",
         "--sample-size", "0", "--seed", "3", "--citizen", str(sandbox.out_dir / "citizen.yaml"),
         "--step-timeout", "20", "--mail-timeout", "8")
    by_name = {s["name"]: s for a in truth["agencies"] if a["id"] == AGENCY
               for s in a["services"]}
    conn = sqlite3.connect(ws / "inspector.db")
    rows = conn.execute("select s.name, c.plan, c.plan_reason, c.status, o.value from services s "
                        "join service_checks c on c.service_id = s.id join observations o on "
                        "o.key = 'service/' || s.id where s.agency_id = ?", [AGENCY]).fetchall()
    attempts = {name: (kind, outcome, failed_step, json.loads(steps)) for name, kind, outcome,
                failed_step, steps in conn.execute(
                    "select s.name, a.kind, a.outcome, a.failed_step, a.steps from "
                    "service_attempts a join services s on s.id = a.service_id")}
    conn.close()
    reported = [r for r in rows if r[1] == "report"]
    assert len(reported) >= 3
    for name, plan, reason, status, value in reported:
        value = json.loads(value)
        assert "by report" in reason and value["check"] == "report"
        kind, outcome, failed_step, steps = attempts[name]
        assert kind == "report" and len(steps) == 1 and steps[0]["screenshot"]
        opens = by_name[name]["behaviour"] not in ("dead_link",) and not (
            by_name[name]["behaviour"] == "flaky" and by_name[name]["platform"] == "spa")
        if opens:
            # c.iii: name in the catalogue and the link opens — recognised, for a person to judge
            assert (outcome, status, value["recognised"]) == ("ok", "recognised", True)
            assert any(flag.startswith("recognised_by_report") for flag in value["review"])
        else:
            assert (outcome, failed_step, status) == ("failed", "open", "awaiting_recheck")
    journeys = [r for r in rows if r[1] == "journey"]
    assert len(journeys) == 1 and "representative" in journeys[0][2]
