"""The sandbox agencies' yearly reports (Phụ lục 1A, 2A, 3A): an answer drawn for every item of
the form, the figures the inspection also observes declared as they are (one agency per level
inflates one), and the filled workbooks, with copies carrying the mistakes real ones do."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path
from typing import Any

from ..register.importer import service_id as register_service_id
from ..scoring.declared import observed_posts, tolerance
from ..model.periods import Window
from ..survey.forms import LEVEL_FORMS, Form, form_for_level
from ..survey.workbook import sheet_name, write_template
from .model import Agency, Province

REPORTS_DIR, FAULTY_DIR = "bao-cao", "bao-cao-loi"


def forms() -> dict[str, Form]:
    return {level: form_for_level(level) for level in LEVEL_FORMS}


def draw_answers(agency: Agency, q: float, rng: random.Random, as_of: date) -> dict[str, Any]:
    """Every answer of the agency's form but the declared counts (set from what its portal and
    services hold, once they are final). ``q`` is the agency's quality, 0..1."""
    form = form_for_level(agency.level)
    # first the one figure the district's score reads of its communes, drawn as before
    full = rng.random() < 0.3 + 0.7 * q
    answers: dict[str, Any] = {"services_level12": agency.tthc_total if full
                               else int(agency.tthc_total * rng.uniform(0.4, 0.95))}
    base = {"province": (60, 400), "district": (80, 300), "commune": (15, 40)}[agency.level]
    staff = rng.randint(*base)

    def share() -> float:
        return max(0.0, min(1.0, rng.gauss(0.35 + 0.6 * q, 0.15)))
    for item in form.items:
        if item.id in answers or item.declares:
            continue
        if item.id == "tthc_total":
            answers[item.id] = agency.tthc_total
        elif item.id == "agency_name":
            answers[item.id] = agency.name
        elif item.type == "year":
            answers[item.id] = as_of.year
        elif item.type == "text":
            answers[item.id] = f"{agency.name}: {item.label.split('.')[-1].strip()[:60]}"
        elif item.type in ("yes_no", "tick"):
            answers[item.id] = int(rng.random() < 0.25 + 0.7 * q)
        elif item.type == "percent":
            answers[item.id] = round(100 * share(), 1)
        elif item.type == "money":
            answers[item.id] = rng.randrange(0, 3_000_000_000, 1_000_000)
        elif item.type == "number":
            answers[item.id] = round(rng.uniform(0.5, 20) * (0.3 + q), 2)
        elif "total" in item.id:        # a denominator: never 0, so the shares are defined
            answers[item.id] = rng.randint(max(1, staff // 2), staff)
        else:
            answers[item.id] = round(staff * share())
    if agency.level == "province":      # Tốt-like figures stay below their totals
        answers["staff_total"] = max(answers.get("staff_total", staff), staff)
    return answers


def declare_answers(agency: Agency, observations: dict[str, dict[str, Any]], as_of: date,
                    inflate: bool) -> dict[str, Any]:
    """The declared counts (posts per section in the year, recognised services per level) as
    the agency's portal and services really hold them; with ``inflate``, the first post count
    the agency has anything for is declared three times over plus ten (beyond the tolerance:
    the reviewer sees the flag)."""
    form = form_for_level(agency.level)
    window = Window.ending(as_of)
    answers: dict[str, Any] = {}
    inflated = not inflate
    for item in form.items:
        if not item.declares:
            continue
        if item.declares.get("topic"):
            # what the engine's comparison counts (a down portal's topics count none)
            seen, _ = observed_posts(observations, item.declares["topic"], window) or (0, 0)
            value = seen
            if not inflated and value:
                value = value * 3 + 10
                assert value - seen > tolerance(value)
                inflated = True
            answers[item.id] = value
        elif item.declares.get("services_level"):
            level = item.declares["services_level"]
            codes = set()
            for service in agency.services:
                verdict = observations.get(
                    f"service/{register_service_id(agency.id, service.name)}") or {}
                if service.level == level and verdict.get("recognised"):
                    codes.update(service.procedures or [service.name])
            answers[item.id] = len(codes)
        elif item.declares.get("tthc_total"):
            answers[item.id] = agency.tthc_total
    return answers


def _entries(agency: Agency, province: Province, by_level: dict[str, Form]):
    entries = [("", by_level[agency.level], agency.id, agency.name)]
    answers = [agency.survey]
    if agency.level == "district":
        for n, commune in enumerate([a for a in province.agencies if a.parent == agency.id],
                                    start=1):
            entries.append((f"X{n}", by_level["commune"], commune.id, commune.name))
            answers.append(commune.survey)
    return entries, answers


def write_reports(province: Province, out_dir: Path) -> dict[str, Any]:
    """The filled workbooks (bao-cao/: one per department and district, a district's holding
    its communes, and one per commune without a district), and faulty copies (bao-cao-loi/),
    each with the fault a correct import names. Returns the ground truth's "reports" part."""
    by_level = forms()
    good, bad = Path(out_dir) / REPORTS_DIR, Path(out_dir) / FAULTY_DIR
    good.mkdir(parents=True, exist_ok=True)
    bad.mkdir(parents=True, exist_ok=True)
    districts = {a.id for a in province.agencies if a.level == "district"}
    files: dict[str, list[str]] = {}
    for agency in province.agencies:
        if agency.level == "commune" and agency.parent in districts:
            continue
        entries, answers = _entries(agency, province, by_level)
        path = good / f"{agency.id}.xlsx"
        write_template(entries, path, answers=answers)
        files[path.name] = [e[2] for e in entries]
    faulty = _faulty(province, by_level, bad)
    return {"dir": REPORTS_DIR, "files": files, "faulty_dir": FAULTY_DIR, "faulty": faulty}


def _faulty(province: Province, by_level: dict[str, Form], bad: Path) -> list[dict[str, Any]]:
    """One workbook per mistake, each a copy of a real one with the mistake made; what a correct
    import says of it (file, where, words of the message)."""
    from openpyxl import load_workbook

    department = next(a for a in province.agencies if a.level == "province")
    district = next((a for a in province.agencies if a.level == "district"
                     and any(c.parent == a.id for c in province.agencies)), None)
    result = []

    def answer_cell(book, prefix: str, form: Form, item_id: str) -> tuple[str, Any]:
        section = next(s for s in form.sections if any(i.id == item_id for i in s.items))
        sheet = book[sheet_name(prefix, section.sheet)]
        row = 4 + [i.id for i in section.items].index(item_id)
        return f"{sheet.title}!C{row}", sheet.cell(row=row, column=3)

    form = by_level["province"]
    count_item = next(i.id for i in form.items if i.type == "count" and not i.declares)
    for name, spoil, where, why in (
            ("chu-trong-o-so", "text", None, "không phải số"),
            ("cong-thuc", "formula", None, "công thức"),
            ("thieu-trang", "sheet", "trang 'Mục 3'", "thiếu trang")):
        entries, answers = _entries(department, province, by_level)
        path = bad / f"{department.id}-{name}.xlsx"
        write_template(entries, path, answers=answers)
        book = load_workbook(path)
        if spoil == "sheet":
            book.remove(book["Mục 3"])
        else:
            where, cell = answer_cell(book, "", form, count_item)
            cell.value = "mười hai" if spoil == "text" else "=10*12"
        book.save(path)
        result.append({"file": path.name, "agencies": [department.id], "where": where,
                       "why": why})
    if district is not None:
        entries, answers = _entries(district, province, by_level)
        path = bad / f"{district.id}-thieu-xa.xlsx"
        write_template(entries[:-1], path, answers=answers[:-1])
        result.append({"file": path.name, "agencies": [e[2] for e in entries],
                       "where": "Thông tin", "why": f"thiếu báo cáo của xã '{entries[-1][2]}'"})
    return result
