"""Read register and catalogue files (YAML, CSV, XLSX) into plain records that know their place.

Every record carries `where` ("file:line N" or "file: sheet S, row N") so that a fault names
the file, the row and the field.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..model.errors import RegisterError


@dataclass
class Record:
    kind: str  # province | agency | service | procedure
    values: dict[str, Any]
    where: str

    def fail(self, field: str, message: str) -> RegisterError:
        return RegisterError(f"{self.where}: field {field!r}: {message}")


class _LineLoader(yaml.SafeLoader):
    """A safe YAML loader that remembers the line of every mapping."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise RegisterError(f"{path}: no such file") from None
    except OSError as exc:
        raise RegisterError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise RegisterError(f"{path}:line {line}: not UTF-8 text (save the file as UTF-8; "
                            "Excel: 'CSV UTF-8')") from None


def _strip_lines(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_lines(v) for k, v in value.items() if k != "__line__"}
    if isinstance(value, list):
        return [_strip_lines(v) for v in value]
    return value


def read_yaml_register(path: Path) -> list[Record]:
    text = read_text(path)
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:line {mark.line + 1}" if mark else str(path)
        raise RegisterError(f"{where}: YAML does not parse: "
                            f"{getattr(exc, 'problem', None) or exc}") from None
    if not isinstance(data, dict):
        raise RegisterError(f"{path}: expected a mapping with 'agencies' (and 'province')")
    unknown = set(data) - {"province", "agencies", "catalog", "__line__"}
    if unknown:
        raise RegisterError(f"{path}:line 1: unknown top-level key(s) {sorted(unknown)} "
                            "(allowed: province, agencies, catalog)")
    records: list[Record] = []
    if data.get("province") is not None:
        province = data["province"]
        if not isinstance(province, dict):
            raise RegisterError(f"{path}: field 'province': expected a mapping")
        records.append(Record("province", _strip_lines(province),
                              f"{path}:line {province['__line__']}"))
    agencies = data.get("agencies")
    if not isinstance(agencies, list):
        raise RegisterError(f"{path}: field 'agencies': expected a list of agencies")
    for agency in agencies:
        if not isinstance(agency, dict):
            raise RegisterError(f"{path}: field 'agencies': each agency must be a mapping")
        where = f"{path}:line {agency['__line__']}"
        services = agency.get("services")
        values = _strip_lines({k: v for k, v in agency.items() if k != "services"})
        values["__has_services__"] = "services" in agency
        records.append(Record("agency", values, where))
        if services is None:
            continue
        if not isinstance(services, list):
            raise RegisterError(f"{where}: field 'services': expected a list")
        for service in services:
            if not isinstance(service, dict):
                raise RegisterError(f"{where}: field 'services': each service must be a mapping")
            values = _strip_lines(service)
            values.setdefault("agency", agency.get("id"))
            records.append(Record("service", values, f"{path}:line {service['__line__']}"))
    for procedure in data.get("catalog") or []:
        if not isinstance(procedure, dict):
            raise RegisterError(f"{path}: field 'catalog': each procedure must be a mapping")
        records.append(Record("procedure", _strip_lines(procedure),
                              f"{path}:line {procedure['__line__']}"))
    return records


# Columns that tell which table a CSV file or XLSX sheet holds.
TABLES = {
    "province": {"required": ["name", "tthc_total"], "optional": []},
    "agency": {"required": ["id", "name", "level", "portal"],
               "optional": ["parent", "tthc_total", "sections", "aliases", "obey_robots",
                            "survey"]},
    "service": {"required": ["agency", "name", "level", "url"],
                "optional": ["group", "online_dossiers", "total_dossiers", "procedures",
                             "playbook"]},
    "procedure": {"required": ["code", "name"], "optional": ["field", "level", "agency"]},
}
SHEETS = {"province": "province", "agencies": "agency", "services": "service",
          "catalog": "procedure", "catalogue": "procedure", "tthc": "procedure"}


def _table_kind(header: list[str], where: str, expected: str | None) -> str:
    columns = set(header)
    if expected:
        kind = expected
    elif "agency" in columns and "url" in columns:
        kind = "service"
    elif "code" in columns:
        kind = "procedure"
    elif "id" in columns or "level" in columns:
        kind = "agency"
    elif columns <= {"name", "tthc_total"}:
        kind = "province"
    else:
        raise RegisterError(f"{where}: cannot tell what this table holds from its columns "
                            f"{header}; see docs/register.md")
    missing = [c for c in TABLES[kind]["required"] if c not in columns]
    if missing:
        raise RegisterError(f"{where}: missing required column {missing[0]!r} "
                            f"(a {kind} table needs {', '.join(TABLES[kind]['required'])})")
    return kind


def _rows_to_records(rows: list[list[Any]], where: str, row_label: str,
                     expected: str | None = None, first_row: int = 1) -> list[Record]:
    if not rows or not any(cell not in (None, "") for cell in rows[0]):
        raise RegisterError(f"{where}: empty: the first row must name the columns")
    header = [str(c).strip().lower() if c is not None else "" for c in rows[0]]
    kind = _table_kind(header, where, expected)
    records = []
    for offset, row in enumerate(rows[1:], start=1):
        if not any(cell not in (None, "") for cell in row):
            continue
        values = {}
        for name, cell in zip(header, row):
            if not name:
                continue
            if isinstance(cell, str):
                cell = cell.strip()
            values[name] = None if cell == "" else cell
        records.append(Record(kind, values, f"{where}, {row_label} {first_row + offset}"))
    return records


def read_csv(path: Path, expected: str | None = None) -> list[Record]:
    text = read_text(path)
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text), dialect))
    return _rows_to_records(rows, str(path), "line", expected)


def read_xlsx(path: Path) -> list[Record]:
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise RegisterError(f"{path}: no such file") from None
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise RegisterError(f"{path}: not a readable XLSX workbook ({exc.__class__.__name__})") \
            from None
    records: list[Record] = []
    try:
        for sheet in book.worksheets:
            kind = SHEETS.get(sheet.title.strip().lower())
            rows = [list(r) for r in sheet.iter_rows(values_only=True)]
            if kind is None and not rows:
                continue
            records += _rows_to_records(rows, f"{path}: sheet {sheet.title!r}", "row", kind)
    except zipfile.BadZipFile:
        raise RegisterError(f"{path}: not a readable XLSX workbook (damaged)") from None
    finally:
        book.close()
    return records


def read_register_file(path: Path) -> list[Record]:
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return read_yaml_register(path)
    if suffix in (".csv", ".tsv", ".txt"):
        return read_csv(path)
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path)
    raise RegisterError(f"{path}: unsupported file type {suffix or '(none)'!r} "
                        "(use .yaml, .csv or .xlsx)")
