"""The sandbox province's yearly reports: imported beside a perfect inspection's observations,
every category, total and Mức equals the ground truth; each faulty workbook is refused with
its sheet and cell, and nothing is stored."""

from __future__ import annotations

import json

import pytest

from inspector.export.rankings import rankings
from inspector.export.results import results_document
from inspector.register.importer import import_register
from inspector.survey.importer import import_reports
from inspector.survey.workbook import SurveyError
from inspector.records.workspace import Workspace
from tests.survey.perfect import perfect_workspace, reviewer_client, run_cli as _cli

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def reported(sandbox, truth, tmp_path_factory):
    """A workspace holding the register, the reports (through the CLI) and, in place of the
    crawl and the service checks, the observations a perfect inspection stores."""
    ws, output = perfect_workspace(sandbox, truth, tmp_path_factory.mktemp("reports-ws"))
    yield ws, output
    ws.close()


def test_every_report_of_the_province_is_imported(reported, truth):
    ws, output = reported
    held = {aid for agencies in truth["reports"]["files"].values() for aid in agencies}
    assert held == {a["id"] for a in truth["agencies"]}
    assert f"Đã nhập báo cáo của {len(held)} cơ quan" in output


def test_every_category_total_and_level_equals_the_ground_truth(reported, truth):
    ws, _ = reported
    compared = 0
    for agency in truth["agencies"]:
        got = {row["category_id"]: row for row in ws.db["categories"].rows_where(
            "agency_id = ?", [agency["id"]])}
        for want in agency["expected"]["categories"]:
            row = got[want["id"]]
            assert (row["points"], row["rating"], bool(row["complete"])) == (
                want["points"], want["rating"], want["complete"]), (agency["id"], want["id"])
            compared += 1
        overall = json.loads(ws.db["overall"].get(agency["id"])["value"])
        assert overall["total"] == agency["expected"]["overall"]["total"], agency["id"]
        assert overall.get("level") == agency["expected"]["overall"].get("level"), agency["id"]
    assert compared == sum(len(a["expected"]["categories"]) for a in truth["agencies"]) >= 100
    # every level's categories: a department's 1000, a district's 1500, a commune's 900
    maxima = {a["level"]: a["expected"]["overall"]["total"]["max_points"]
              for a in truth["agencies"]}
    assert maxima == {"province": 1000, "district": 1500, "commune": 900}
    assert {a["expected"]["overall"].get("level") for a in truth["agencies"]
            if a["level"] != "province"} >= {"Mức II", "Mức III", "Dưới Mức IV (không xếp hạng)"}


def test_every_groups_rankings_equal_the_ground_truth(reported, truth):
    ws, _ = reported
    got = [r.as_dict() for r in rankings(results_document(ws))]
    assert got == truth["rankings"]
    groups = {r["group"] for r in got}
    assert groups == {"province", "district", "commune"}
    overall = {r["group"]: r for r in got if r["category_id"] == "overall"}
    # districts and communes below Mức IV are listed apart, not ranked
    assert any(p["why_not"] == "không xếp hạng (dưới Mức IV)"
               for r in overall.values() for p in r["not_ranked"])
    assert all(p["rank"] for r in got for p in r["places"])


def test_declared_figures_that_differ_are_flagged_as_in_the_ground_truth(reported, truth):
    ws, _ = reported
    want = {(a["id"], c["id"]) for a in truth["agencies"] for c in a["expected"]["criteria"]
            if "declared_vs_observed" in c.get("flags", [])}
    got = {(r["agency_id"], r["criterion_id"]) for r in ws.db["findings"].rows
           if "declared_vs_observed" in (r["flags"] or "")}
    assert got == want and len({aid for aid, _ in want}) == 3   # one agency per level
    agency, criterion = sorted(want)[0]
    row = next(ws.db["findings"].rows_where("agency_id = ? and criterion_id = ?",
                                            [agency, criterion]))
    declared = [d for d in json.loads(row["metrics"])["declared"] if d.get("message")]
    assert declared[0]["message"].startswith("khai báo ")
    assert declared[0]["source"].endswith(".xlsx: " + declared[0]["source"].split(": ")[-1])


@pytest.mark.parametrize("index", range(4))
def test_each_faulty_workbook_is_refused_with_its_sheet_and_cell(sandbox, truth, tmp_path,
                                                                index):
    fault = truth["reports"]["faulty"][index]
    ws = Workspace(tmp_path / "ws")
    try:
        import_register(ws, [sandbox.out_dir / "register.yaml"])
        good = sandbox.out_dir / truth["reports"]["dir"]
        owner = fault["agencies"][0]
        import_reports(ws, [good / f"{owner}.xlsx"])
        before = list(ws.db["observations"].rows_where("key like 'survey/%'",
                                                       order_by="agency_id, key"))
        bad = sandbox.out_dir / truth["reports"]["faulty_dir"] / fault["file"]
        with pytest.raises(SurveyError) as caught:
            import_reports(ws, [bad])
        message = str(caught.value)
        assert f"{fault['file']}: {fault['where']}" in message and fault["why"] in message
        after = list(ws.db["observations"].rows_where("key like 'survey/%'",
                                                      order_by="agency_id, key"))
        assert after == before
    finally:
        ws.close()


def test_the_command_names_the_fault_and_exits_non_zero(sandbox, truth, tmp_path):
    fault = truth["reports"]["faulty"][0]
    assert _cli("registry", "import", "-w", str(tmp_path),
                str(sandbox.out_dir / "register.yaml")).returncode == 0
    run = _cli("survey", "import", "-w", str(tmp_path),
               str(sandbox.out_dir / truth["reports"]["faulty_dir"] / fault["file"]))
    assert run.returncode == 1
    assert fault["where"] in run.stderr and "Traceback" not in run.stderr
    assert "không lưu gì" in run.stderr


def test_the_province_view_shows_the_rankings(reported, truth):
    ws, _ = reported
    page = reviewer_client(ws).get("/toan-tinh").text
    for ranking in truth["rankings"]:
        if ranking["category_id"] != "overall":
            continue
        section = page[page.index(f'id="nhom-{ranking["group"]}"'):]
        names = [p["name"] for p in ranking["places"]]   # in their order
        assert [section.index(n) for n in names] == sorted(section.index(n) for n in names)
    first = next(r for r in truth["rankings"] if r["category_id"] == "overall"
                 and r["group"] == "district")["places"][0]
    points = f"{first['points']:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    assert points.rstrip("0").rstrip(",") in page   # "1.376,26": Vietnamese, two decimals
