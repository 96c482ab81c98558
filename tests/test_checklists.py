"""The checklists as data: the totals the seed states, and a loader that names the bad key."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from inspector.cli import cli
from inspector.model.errors import ChecklistError
from inspector.model.checklist import DEFAULT_DIR, load_all
from inspector.model.textnorm import has_diacritics

# Category id -> (level, stated max, sum of the seed's items). Phụ lục 1B mục III states 100 but
# its items add up to 96, mục II states 400 but its items add up to 415 (the readings are in the
# files); the others add up to their totals.
SEED_TOTALS = {
    "1B/I": ("province", 100, 100),
    "1B/II": ("province", 400, 415),
    "1B/III": ("province", 100, 96),
    "1B/IV": ("province", 200, 200),
    "1B/V": ("province", 100, 100),
    "1B/VI": ("province", 100, 100),
    "2B/I/I": ("district", 300, 300),
    "2B/I/II": ("district", 120, 120),
    "2B/I/III": ("district", 80, 80),
    "2B/II/I": ("district", 400, 400),
    "2B/II/II": ("district", 350, 350),
    "2B/II/III": ("district", 200, 200),
    "2B/II/IV": ("district", 50, 50),
    "3B/I/I": ("commune", 200, 200),
    "3B/I/II": ("commune", 50, 50),
    "3B/I/III": ("commune", 50, 50),
    "3B/II/I": ("commune", 270, 270),
    "3B/II/II": ("commune", 180, 180),
    "3B/II/III": ("commune", 100, 100),
    "3B/II/IV": ("commune", 50, 50),
}
# Section V.3.1.a (a department's 1000 points) and the Mức tables of V.3.2 (a district's 500 +
# 1000, a commune's 300 + 600 by Phụ lục 3B, see ratings.yaml's reading).
LEVEL_TOTALS = {"province": 1000, "district": 1500, "commune": 900}


def test_checklist_list_json_shows_every_category_with_its_totals():
    result = CliRunner().invoke(cli, ["checklist", "list", "--json"])
    assert result.exit_code == 0, result.output
    categories = {c["id"]: c for c in json.loads(result.output)["categories"]}
    assert set(categories) == set(SEED_TOTALS)
    for cid, (level, stated, items) in SEED_TOTALS.items():
        cat = categories[cid]
        assert cat["level"] == level
        assert cat["max_points"] == stated
        assert sum(c["max_points"] for c in cat["criteria"]) == pytest.approx(items)
        assert cat["items_total"] == pytest.approx(items)
        for group in cat["groups"]:
            members = [c for c in cat["criteria"] if c["id"] in group["items"]]
            # the group's stated points, or the sum its reading explains (1B/II item 3)
            assert sum(c["max_points"] for c in members) == pytest.approx(
                group["items_total"] or group["max_points"])
            assert group["items_total"] == group["max_points"] or group["reading"]
    assert categories["1B/III"]["scale_to_max"] is True
    assert "96" in categories["1B/III"]["reading"]
    assert categories["1B/II"]["scale_to_max"] is True
    assert "415" in categories["1B/II"]["reading"]
    for level, total in LEVEL_TOTALS.items():
        assert sum(c["max_points"] for c in categories.values() if c["level"] == level) == total


def test_item_counts_follow_the_seed():
    by_id = {c.id: c for c in load_all()}
    top_items = {c.id.split("/")[-1].split(".")[0] for c in by_id["1B/III"].criteria}
    assert len(top_items) == 19  # "19 criteria" of Phụ lục 1B mục III
    assert {c.id.split("/")[-1].split(".")[0] for c in by_id["2B/II/I"].criteria} == \
        {str(i) for i in range(1, 37)}
    assert {c.id.split("/")[-1] for c in by_id["3B/II/I"].criteria} == \
        {str(i) for i in range(1, 38)}
    assert {c.id.split("/")[-1] for c in by_id["2B/II/III"].criteria} >= \
        {f"1.{i}" for i in range(1, 8)} | {f"2.{i}" for i in range(1, 10)} | {"3"}
    assert {c.id.split("/")[-1] for c in by_id["3B/II/III"].criteria} >= \
        {f"1.{i}" for i in range(1, 8)} | {"2"}


def test_every_criterion_quotes_the_seed_and_has_a_vietnamese_title():
    for checklist in load_all():
        for criterion in checklist.criteria:
            assert criterion.seed.strip(), criterion.id
            assert has_diacritics(criterion.title), criterion.id


@pytest.fixture()
def checklist_dir(tmp_path: Path) -> Path:
    target = tmp_path / "checklists"
    shutil.copytree(DEFAULT_DIR, target)
    return target


def _edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.mark.parametrize("change,fragment", [
    (lambda d: d["criteria"][0].update(wrong_key=1), "khoá 'wrong_key' không được hỗ trợ"),
    (lambda d: d["criteria"][0].pop("max_points"), "thiếu khoá bắt buộc 'max_points'"),
    (lambda d: d["criteria"][0].update(max_points=11), "tổng điểm các tiêu chí là 401"),
    (lambda d: d["criteria"][7]["rule"]["bands"][0].update(points=12), "12.0 vượt quá điểm tối đa"),
    (lambda d: d["criteria"][7]["input"].update(topic="khong-co"), "không có chủ đề 'khong-co'"),
    (lambda d: d["criteria"][7]["rule"].update(type="magic"), "không có loại quy tắc 'magic'"),
    (lambda d: d["criteria"][7].update(update_lag="2 weeks"), "is not a span"),
    (lambda d: d["criteria"][1].update(id="2B/II/I/1"), "mã tiêu chí '2B/II/I/1' bị trùng"),
    (lambda d: d["groups"][0].update(max_points=40), "nhóm '2B/II/I/34' là 30, không phải 40"),
])
def test_loader_names_the_file_and_the_bad_key(checklist_dir: Path, change, fragment):
    _edit(checklist_dir / "2B-II-I.yaml", change)
    with pytest.raises(ChecklistError) as info:
        load_all(checklist_dir)
    message = str(info.value)
    assert "2B-II-I.yaml" in message
    assert fragment in message, message


def test_items_total_without_reading_is_refused(checklist_dir: Path):
    _edit(checklist_dir / "1B-III.yaml", lambda d: d.pop("reading"))
    with pytest.raises(ChecklistError, match="1B-III.yaml: reading: items_total khác max_points"):
        load_all(checklist_dir)


def test_every_survey_figure_a_checklist_reads_is_asked_by_its_levels_form():
    """A checklist reading survey.x scores nothing unless the agency's report asks x: each name
    is a number item (not text) of the form of the checklist's level."""
    import re

    from inspector.survey.forms import form_for_level

    for checklist in load_all():
        form = form_for_level(checklist.level)
        items = {item.id: item for item in form.items}
        for criterion in checklist.criteria:
            text = repr(criterion.input) + repr(criterion.rule)
            for name in re.findall(r"survey\.([a-z0-9_]+)", text):
                assert name in items, (criterion.id, name, form.id)
                assert items[name].type != "text", (criterion.id, name)
