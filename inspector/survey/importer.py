"""Import filled report workbooks into the workspace: all files checked first, then one
transaction; on any fault nothing is stored. Answers become ``survey/<item>`` observations."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..records import observations, registry
from ..records.workspace import Workspace
from .forms import LEVEL_FORMS, Form, form_for_level
from .workbook import Report, SurveyError, read_workbook

RUN_ID = "survey"


@dataclass
class SurveySummary:
    reports: list[str] = field(default_factory=list)     # "agency (form, N answers)"
    answers_changed: int = 0
    answers_unchanged: int = 0
    answers_removed: int = 0

    def lines(self) -> list[str]:
        return [f"Đã nhập báo cáo của {len(self.reports)} cơ quan: " + ", ".join(self.reports),
                f"{self.answers_changed} câu trả lời mới hoặc thay đổi, "
                f"{self.answers_unchanged} không đổi, {self.answers_removed} bị bỏ trống "
                "so với lần nhập trước."]


def load_forms() -> dict[str, Form]:
    return {LEVEL_FORMS[level]: form_for_level(level) for level in LEVEL_FORMS}


def import_reports(ws: Workspace, paths: list[Path],
                   forms: dict[str, Form] | None = None) -> SurveySummary:
    forms = forms or load_forms()
    reports: list[Report] = []
    faults: list[str] = []
    for path in paths:
        try:
            found, problems = read_workbook(Path(path), forms)
        except SurveyError as exc:
            faults += exc.faults
            continue
        faults += problems
        reports += found
        faults += _check_against_register(ws, Path(path).name, found, forms)
    seen: dict[str, str] = {}
    for report in reports:
        if report.agency_id in seen:
            faults.append(f"{report.file}: {report.agency_id}: báo cáo này đã có trong "
                          f"{seen[report.agency_id]}")
        seen.setdefault(report.agency_id, report.file)
    if faults:
        raise SurveyError(faults)
    return _store(ws, reports, forms)


def _check_against_register(ws: Workspace, file: str, reports: list[Report],
                            forms: dict[str, Form]) -> list[str]:
    """Each report's agency is in the register at the form's level; a district's workbook
    holds every one of its communes' reports and no other agency's."""
    faults = []
    agencies = {row["id"]: row for row in registry.all_agencies(ws)}
    owner = reports[0] if reports else None
    for report in reports:
        agency = agencies.get(report.agency_id)
        form = forms[report.form_id]
        if agency is None:
            faults.append(f"{file}: Thông tin: cơ quan '{report.agency_id}' không có trong sổ "
                          "đăng ký (inspector registry import)")
            continue
        if agency["level"] != form.level:
            faults.append(f"{file}: Thông tin: {report.agency_id} là cấp {agency['level']}, "
                          f"mẫu {form.id} dành cho cấp {form.level}")
    if owner is None or owner.agency_id not in agencies:
        return faults
    if agencies[owner.agency_id]["level"] == "district":
        communes = {a for a, row in agencies.items()
                    if row["parent"] == owner.agency_id and row["level"] == "commune"}
        held = {r.agency_id for r in reports[1:]}
        for missing in sorted(communes - held):
            faults.append(f"{file}: Thông tin: thiếu báo cáo của xã '{missing}' thuộc "
                          f"{owner.agency_id} (UBND cấp xã báo cáo qua UBND cấp huyện)")
        for stranger in sorted(held - communes):
            if stranger in agencies:
                faults.append(f"{file}: Thông tin: '{stranger}' không phải xã thuộc "
                              f"{owner.agency_id}")
    elif len(reports) > 1:
        faults.append(f"{file}: Thông tin: chỉ bảng tính của UBND cấp huyện được chứa báo cáo "
                      "của các xã")
    return faults


def _store(ws: Workspace, reports: list[Report], forms: dict[str, Form]) -> SurveySummary:
    summary = SurveySummary()
    with ws.transaction():
        for report in reports:
            form = forms[report.form_id]
            current = {key: obs.value for key, obs in observations.of_agency(
                ws, report.agency_id, "survey/").items()}
            for item in form.items:
                key = f"survey/{item.id}"
                if item.id in report.answers:
                    value = {"value": report.answers[item.id], "form": form.id,
                             "source": {"file": report.file, "cell": report.cells[item.id]}}
                    if current.get(key, {}).get("value") == value["value"] and \
                            current.get(key, {}).get("form") == form.id:
                        summary.answers_unchanged += 1
                        continue
                    observations.put(ws, report.agency_id, key, value, run_id=RUN_ID)
                    summary.answers_changed += 1
                elif key in current and current[key].get("form") == form.id:
                    # answered in an earlier report, empty in this one: the newest report
                    # stands, so the answer is no longer declared
                    observations.delete(ws, report.agency_id, key)
                    summary.answers_removed += 1
            for table in form.tables:
                if table.id in report.tables:
                    observations.put(ws, report.agency_id, f"survey/table.{table.id}",
                                     {"rows": report.tables[table.id], "form": form.id,
                                      "source": {"file": report.file}}, run_id=RUN_ID)
            summary.reports.append(f"{report.agency_id} ({form.id}, "
                                   f"{len(report.answers)} câu trả lời)")
        ws.audit("cli", "survey.import", ", ".join(sorted({r.file for r in reports})),
                 new="; ".join(summary.reports))
    return summary
