"""Commands that bring data in: the register, the procedure catalogue, the yearly reports, checklists."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..records import registry as stored_register
from ..model.errors import UserError
from .app import cli, with_workspace


@cli.group()
def registry():
    """The register of agencies, their portals and declared online services."""


@registry.command("import")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(dir_okay=False, path_type=Path))
@with_workspace(creates=True)
def registry_import(ws, files):
    """Import agencies and declared services from YAML, CSV or XLSX files.

    All files are checked first and written in one transaction: on any fault nothing changes.
    Importing the same file again changes nothing.

    Example: inspector registry import register.yaml
    """
    from ..register.importer import import_register

    summary = import_register(ws, list(files))
    click.echo(f"Đã nhập: {summary}")


@cli.group()
def catalog():
    """The approved catalogue of administrative procedures (bộ TTHC)."""


@catalog.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_workspace(creates=True)
def catalog_import(ws, file):
    """Import the approved TTHC catalogue (columns: code, name, field, level, agency).

    Example: inspector catalog import tthc.xlsx
    """
    from ..register.importer import import_catalog

    summary = import_catalog(ws, file)
    click.echo(f"Đã nhập danh mục TTHC: {summary}")


@cli.group()
def survey():
    """The agencies' yearly reports (Phụ lục 1A, 2A, 3A) that feed the other categories."""


@survey.command("template")
@click.option("--level", type=click.Choice(["province", "district", "commune"]),
              help="The form: province 1A, district 2A, commune 3A.")
@click.option("--agency", "agency_id", metavar="ID",
              help="Fill in the agency of the register (a district gets its communes' sheets).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The .xlsx file to write.")
@with_workspace
def survey_template(ws, level, agency_id, output):
    """Write a blank report form as an XLSX workbook an agency fills in.

    Example: inspector survey template --agency huyen-an-phu -o huyen-an-phu.xlsx
    """
    from ..survey.forms import LEVEL_FORMS
    from ..survey.importer import load_forms
    from ..survey.workbook import write_template

    forms = load_forms()
    if agency_id is None and level is None:
        raise UserError("hãy cho --level hoặc --agency")
    entries = []
    if agency_id is not None:
        agency = stored_register.agency(ws, agency_id)
        if agency is None:
            raise UserError(f"không có cơ quan {agency_id!r} trong danh mục (inspector registry "
                            "import)")
        if level is not None and level != agency["level"]:
            raise UserError(f"{agency_id} thuộc cấp {agency['level']}, không phải cấp {level}")
        level = agency["level"]
        entries.append(("", forms[LEVEL_FORMS[level]], agency_id, agency["name"]))
        if level == "district":
            communes = stored_register.communes_of(ws, agency_id)
            for n, commune in enumerate(communes, start=1):
                entries.append((f"X{n}", forms["3A"], commune["id"], commune["name"]))
    else:
        entries.append(("", forms[LEVEL_FORMS[level]], "", ""))
    if output.suffix.lower() != ".xlsx":
        raise UserError(f"{output}: mẫu báo cáo được ghi dạng .xlsx")
    # the register's name in the form's "Tên cơ quan", the rest for the agency to answer
    write_template(entries, output, answers=[{"agency_name": name} if name else {}
                                             for _, _, _, name in entries])
    click.echo(f"Đã ghi {output}: mẫu {entries[0][1].id}"
               + (f" và {len(entries) - 1} báo cáo cấp xã" if len(entries) > 1 else ""))


@survey.command("import")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(dir_okay=False, path_type=Path))
@with_workspace
def survey_import(ws, files):
    """Import filled report workbooks (one per agency, or a district's with its communes).

    Every file is checked first; on any fault (file, sheet, cell, what is wrong) nothing is
    stored. Then run `inspector score`.

    Example: inspector survey import so-tttt.xlsx huyen-an-phu.xlsx
    """
    from ..survey.importer import import_reports

    summary = import_reports(ws, list(files))
    for line in summary.lines():
        click.echo(line)


@cli.group()
def checklist():
    """The seed's criteria as data (checklists/*.yaml)."""


@checklist.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print every category and criterion as JSON.")
def checklist_list(as_json):
    """List the loaded checklists and their points.

    Example: inspector checklist list --json
    """
    from ..model.checklist import items_sum, load_all

    try:
        checklists = load_all()
    except UserError as exc:
        click.echo(f"Lỗi: {exc}", err=True)
        sys.exit(1)
    if as_json:
        click.echo(json.dumps({"categories": [c.as_dict() for c in checklists]},
                              ensure_ascii=False, indent=2))
        return
    for c in checklists:
        click.echo(f"{c.id:<12} {c.level:<9} {len(c.criteria):>3} tiêu chí  "
                   f"{items_sum(c.criteria):>6g}/{c.max_points:g} điểm  {c.title}")
