"""Read register and catalogue files (YAML, CSV, XLSX) into plain records that know their place.

Every record carries `where` ("file:dòng N" or "file: trang tính S, dòng N") so that a fault names
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
    where: str          # file and line (or sheet and row), for messages
    file: str = ""      # the file alone (the source recorded with what it gave)

    def fail(self, field: str, message: str) -> RegisterError:
        return RegisterError(f"{self.where}: trường {field!r}: {message}")


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
        raise RegisterError(f"{path}: không có tệp này") from None
    except OSError as exc:
        raise RegisterError(f"{path}: không đọc được tệp: {exc.strerror}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise RegisterError(f"{path}:dòng {line}: không phải văn bản UTF-8 (hãy lưu tệp dạng "
                            "UTF-8; trong Excel: 'CSV UTF-8')") from None


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
        where = f"{path}:dòng {mark.line + 1}" if mark else str(path)
        raise RegisterError(f"{where}: sai cú pháp YAML: "
                            f"{getattr(exc, 'problem', None) or exc}") from None
    if not isinstance(data, dict):
        raise RegisterError(f"{path}: phải là một mapping có khoá 'agencies' (và 'province')")
    unknown = set(data) - {"province", "agencies", "catalog", "__line__"}
    if unknown:
        raise RegisterError(f"{path}:dòng 1: khoá ngoài cùng không được hỗ trợ {sorted(unknown)} "
                            "(các khoá dùng được: province, agencies, catalog)")
    records: list[Record] = []
    if data.get("province") is not None:
        province = data["province"]
        if not isinstance(province, dict):
            raise RegisterError(f"{path}: trường 'province': phải là một mapping")
        records.append(Record("province", _strip_lines(province),
                              f"{path}:dòng {province['__line__']}", str(path)))
    agencies = data.get("agencies")
    if not isinstance(agencies, list):
        raise RegisterError(f"{path}: trường 'agencies': phải là danh sách các cơ quan")
    for agency in agencies:
        if not isinstance(agency, dict):
            raise RegisterError(f"{path}: trường 'agencies': mỗi cơ quan phải là một mapping")
        where = f"{path}:dòng {agency['__line__']}"
        services = agency.get("services")
        values = _strip_lines({k: v for k, v in agency.items() if k != "services"})
        values["__has_services__"] = "services" in agency
        records.append(Record("agency", values, where, str(path)))
        if services is None:
            continue
        if not isinstance(services, list):
            raise RegisterError(f"{where}: trường 'services': phải là một danh sách")
        for service in services:
            if not isinstance(service, dict):
                raise RegisterError(f"{where}: trường 'services': mỗi dịch vụ phải là một mapping")
            values = _strip_lines(service)
            values.setdefault("agency", agency.get("id"))
            records.append(Record("service", values, f"{path}:dòng {service['__line__']}",
                                  str(path)))
    for procedure in data.get("catalog") or []:
        if not isinstance(procedure, dict):
            raise RegisterError(f"{path}: trường 'catalog': mỗi thủ tục phải là một mapping")
        records.append(Record("procedure", _strip_lines(procedure),
                              f"{path}:dòng {procedure['__line__']}", str(path)))
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
        raise RegisterError(f"{where}: không nhận ra bảng này chứa gì từ các cột {header}; "
                            "xem docs/register.md")
    missing = [c for c in TABLES[kind]["required"] if c not in columns]
    if missing:
        raise RegisterError(f"{where}: thiếu cột bắt buộc {missing[0]!r} "
                            f"(bảng {kind} cần các cột {', '.join(TABLES[kind]['required'])})")
    return kind


def _rows_to_records(rows: list[list[Any]], where: str, row_label: str,
                     expected: str | None = None, first_row: int = 1, *,
                     file: str = "") -> list[Record]:
    if not rows or not any(cell not in (None, "") for cell in rows[0]):
        raise RegisterError(f"{where}: trống: dòng đầu tiên phải ghi tên các cột")
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
        records.append(Record(kind, values, f"{where}, {row_label} {first_row + offset}",
                              file or where))
    return records


def read_csv(path: Path, expected: str | None = None) -> list[Record]:
    text = read_text(path)
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text), dialect))
    return _rows_to_records(rows, str(path), "dòng", expected, file=str(path))


def read_xlsx(path: Path) -> list[Record]:
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise RegisterError(f"{path}: không có tệp này") from None
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise RegisterError(f"{path}: không đọc được bảng tính XLSX này "
                            f"({exc.__class__.__name__})") \
            from None
    records: list[Record] = []
    try:
        for sheet in book.worksheets:
            kind = SHEETS.get(sheet.title.strip().lower())
            rows = [list(r) for r in sheet.iter_rows(values_only=True)]
            if kind is None and not rows:
                continue
            records += _rows_to_records(rows, f"{path}: trang tính {sheet.title!r}", "dòng", kind,
                                        file=str(path))
    except zipfile.BadZipFile:
        raise RegisterError(f"{path}: không đọc được bảng tính XLSX này (tệp hỏng)") from None
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
    raise RegisterError(f"{path}: không hỗ trợ loại tệp {suffix or '(không có)'!r} "
                        "(hãy dùng .yaml, .csv hoặc .xlsx)")
