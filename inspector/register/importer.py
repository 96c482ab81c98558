"""Validate register and catalogue records and write them in one transaction.

Nothing is written unless every record of every file is valid; importing the same files again
changes nothing; a changed row updates that row; a service no longer declared is marked
withdrawn, never deleted (its check history stays).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..model.errors import RegisterError
from ..model.textnorm import nfc
from ..records import observations, registry
from ..records.workspace import Workspace, dumps, utcnow
from .reader import Record, read_csv, read_register_file, read_xlsx

LEVELS = ("province", "district", "commune")
SERVICE_LEVELS = {"3": 3, "4": 4, "mức 3": 3, "mức 4": 4, "muc 3": 3, "muc 4": 4,
                  "một phần": 3, "mot phan": 3, "toàn trình": 4, "toan trinh": 4}
_SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_CODE = re.compile(r"^\d+\.\d+$")
_HOST = re.compile(r"^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-fA-F:]+\](:\d{1,5})?$")
_AGENCY_FIELDS = {"id", "name", "level", "parent", "portal", "tthc_total", "sections",
                  "aliases", "obey_robots", "survey", "__has_services__"}
_SURVEY_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_SERVICE_FIELDS = {"agency", "name", "group", "level", "url", "online_dossiers",
                   "total_dossiers", "procedures", "playbook"}


# What the summary line calls each kind of record.
KIND_NAMES = {"agency": "cơ quan", "province": "tỉnh", "service": "dịch vụ",
              "procedure": "thủ tục", "survey figure": "số liệu khảo sát"}


@dataclass
class ImportSummary:
    added: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    withdrawn: int = 0

    def count(self, bucket: str, kind: str) -> None:
        counts = getattr(self, bucket)
        counts[kind] = counts.get(kind, 0) + 1

    def __str__(self) -> str:
        def fmt(counts: dict[str, int]) -> str:
            return ", ".join(f"{n} {KIND_NAMES.get(k, k)}"
                             for k, n in sorted(counts.items())) or "0"
        text = (f"thêm {fmt(self.added)}; cập nhật {fmt(self.updated)}; "
                f"không đổi {fmt(self.unchanged)}")
        return text + (f"; rút {self.withdrawn} dịch vụ" if self.withdrawn else "")


# --- field checks -------------------------------------------------------------------------

def _text(rec: Record, name: str, *, required: bool = True) -> str | None:
    value = rec.values.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise rec.fail(name, "là bắt buộc")
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfc(str(value).strip())


def _count(rec: Record, name: str, *, required: bool = False) -> int | None:
    value = rec.values.get(name)
    if value is None or value == "":
        if required:
            raise rec.fail(name, "là bắt buộc")
        return None
    if isinstance(value, bool):
        raise rec.fail(name, f"{value!r} không phải số")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        cleaned = value.strip().replace(".", "").replace(",", "").replace(" ", "")
        if not re.fullmatch(r"-?\d+", cleaned):
            raise rec.fail(name, f"{value!r} không phải số nguyên")
        value = int(cleaned)
    if not isinstance(value, int):
        raise rec.fail(name, f"{value!r} không phải số nguyên")
    if value < 0:
        raise rec.fail(name, f"{value} là số âm")
    return value


def check_url(rec: Record, name: str, value: Any) -> str:
    from w3lib.url import canonicalize_url

    text = str(value or "").strip()
    scheme, sep, rest = text.partition("://")
    host = rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    if scheme.lower() not in ("http", "https") or not sep or not host or not _HOST.match(host):
        raise rec.fail(name, f"{text!r} không phải URL http(s) hợp lệ")
    if "." not in host and not host.startswith(("localhost", "[")):
        raise rec.fail(name, f"{text!r} không có tên miền hợp lệ")
    return canonicalize_url(text, keep_fragments=False)


def _bool(rec: Record, name: str) -> int | None:
    value = rec.values.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return int(value)
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "có", "co"):
        return 1
    if text in ("0", "false", "no", "không", "khong"):
        return 0
    raise rec.fail(name, f"{value!r} không phải có/không (yes/no)")


def _sections(rec: Record) -> dict[str, list[str]] | None:
    raw = rec.values.get("sections")
    if raw in (None, "", {}):
        return None
    if isinstance(raw, str):  # CSV/XLSX: "1B/III/2=http://a http://b; 1B/III/3.1=http://c"
        parsed: dict[str, list[str]] = {}
        for part in filter(None, (p.strip() for p in raw.split(";"))):
            key, sep, urls = part.partition("=")
            if not sep:
                raise rec.fail("sections", f"{part!r} không đúng dạng MÃ_TIÊU_CHÍ=URL [URL…]")
            parsed[key.strip()] = urls.split()
        raw = parsed
    if not isinstance(raw, dict):
        raise rec.fail("sections", "phải là một mapping từ mã tiêu chí tới các URL")
    result = {}
    for key, urls in raw.items():
        urls = [urls] if isinstance(urls, str) else urls
        if not isinstance(urls, list) or not urls:
            raise rec.fail(f"sections.{key}", "phải là một danh sách URL")
        result[str(key)] = [check_url(rec, f"sections.{key}", u) for u in urls]
    return result


def _aliases(rec: Record) -> list[str] | None:
    """The portal's other addresses (another domain, https, a folder of the district's host):
    its crawl may go there too. A list in YAML, URLs separated by spaces in CSV/XLSX."""
    raw = rec.values.get("aliases")
    if raw in (None, "", []):
        return None
    urls = raw.split() if isinstance(raw, str) else raw
    if not isinstance(urls, list):
        raise rec.fail("aliases", "phải là một danh sách URL")
    return [check_url(rec, "aliases", u) for u in urls]


def survey_values(rec: Record) -> dict[str, float]:
    """The agency's self-reported figures (appendices 2A/3A) the checklists read as survey.*:
    a mapping in YAML, "name=value; name=value" in CSV/XLSX."""
    raw = rec.values.get("survey")
    if raw in (None, "", {}):
        return {}
    if isinstance(raw, str):
        parsed = {}
        for part in filter(None, (p.strip() for p in raw.split(";"))):
            key, sep, value = part.partition("=")
            if not sep:
                raise rec.fail("survey", f"{part!r} không đúng dạng TÊN=SỐ")
            parsed[key.strip()] = value.strip()
        raw = parsed
    if not isinstance(raw, dict):
        raise rec.fail("survey", "phải là một mapping từ tên số liệu báo cáo tới giá trị số")
    result = {}
    for key, value in raw.items():
        if not _SURVEY_NAME.match(str(key)):
            raise rec.fail(f"survey.{key}", "không phải tên số liệu báo cáo (dạng "
                                            "services_level12)")
        try:
            number = float(str(value).replace(",", "."))
        except ValueError:
            raise rec.fail(f"survey.{key}", f"{value!r} không phải số") from None
        if number < 0:
            raise rec.fail(f"survey.{key}", f"{value!r} là số âm")
        result[str(key)] = int(number) if number.is_integer() else number
    return result


def _unknown_fields(rec: Record, allowed: set[str]) -> None:
    for name in rec.values:
        if name not in allowed:
            raise rec.fail(name, f"không hỗ trợ trường này (các trường dùng được: "
                                 f"{', '.join(sorted(allowed - {'__has_services__'}))})")


# --- records to rows ----------------------------------------------------------------------

def agency_row(rec: Record) -> dict[str, Any]:
    _unknown_fields(rec, _AGENCY_FIELDS)
    agency_id = _text(rec, "id")
    if not _SLUG.match(agency_id):
        raise rec.fail("id", f"{agency_id!r} không phải mã hợp lệ (chỉ gồm chữ thường không dấu, "
                              "chữ số, - . _)")
    level = (_text(rec, "level") or "").lower()
    if level not in LEVELS:
        raise rec.fail("level", f"cấp {level!r} không hợp lệ (phải là một trong: "
                                 f"{', '.join(LEVELS)})")
    portal = rec.values.get("portal")
    sections = _sections(rec)
    aliases = _aliases(rec)
    return {
        "id": agency_id, "name": _text(rec, "name"), "level": level,
        "parent": _text(rec, "parent", required=False),
        "portal": check_url(rec, "portal", portal) if portal not in (None, "") else None,
        "tthc_total": _count(rec, "tthc_total"),
        "sections": dumps(sections) if sections else None,
        "aliases": dumps(aliases) if aliases else None,
        "obey_robots": _bool(rec, "obey_robots"),
    }


def service_id(agency_id: str, name: str) -> str:
    digest = hashlib.sha1(f"{agency_id}\n{nfc(name).casefold()}".encode()).hexdigest()[:12]
    return f"{agency_id}:{digest}"


def service_row(rec: Record) -> dict[str, Any]:
    _unknown_fields(rec, _SERVICE_FIELDS)
    agency_id = _text(rec, "agency")
    name = _text(rec, "name")
    level_text = _text(rec, "level").lower()
    if level_text not in SERVICE_LEVELS:
        raise rec.fail("level", f"mức độ dịch vụ {level_text!r} không hợp lệ (3, 4, "
                                "'một phần' hoặc 'toàn trình')")
    online, total = _count(rec, "online_dossiers"), _count(rec, "total_dossiers")
    if online is not None and total is not None and online > total:
        raise rec.fail("online_dossiers", f"{online} lớn hơn total_dossiers ({total})")
    procedures = rec.values.get("procedures")
    if isinstance(procedures, str):
        procedures = [p for p in re.split(r"[\s,;]+", procedures) if p]
    procedures = [str(p) for p in procedures or []]
    for code in procedures:
        if not _CODE.match(code):
            raise rec.fail("procedures", f"{code!r} không phải mã thủ tục (dạng 1.004194)")
    return {
        "id": service_id(agency_id, name), "agency_id": agency_id, "name": name,
        "group_name": _text(rec, "group", required=False), "level": SERVICE_LEVELS[level_text],
        "url": check_url(rec, "url", rec.values.get("url")), "online_dossiers": online,
        "total_dossiers": total, "procedures": dumps(procedures) if procedures else None,
        "playbook": _text(rec, "playbook", required=False),
    }


def procedure_row(rec: Record) -> dict[str, Any]:
    _unknown_fields(rec, {"code", "name", "field", "level", "agency"})
    code = _text(rec, "code")
    if not _CODE.match(code):
        raise rec.fail("code", f"{code!r} không phải mã thủ tục (dạng 1.004194)")
    level = _count(rec, "level")
    if level is not None and not 1 <= level <= 4:
        raise rec.fail("level", f"{level} không phải mức độ dịch vụ 1-4")
    return {"code": code, "name": _text(rec, "name"), "field": _text(rec, "field", required=False),
            "level": level, "agency": _text(rec, "agency", required=False)}


def province_row(rec: Record) -> dict[str, Any]:
    _unknown_fields(rec, {"name", "tthc_total"})
    return {"id": 1, "name": _text(rec, "name"), "tthc_total": _count(rec, "tthc_total")}


# --- import -------------------------------------------------------------------------------

def _upsert(ws: Workspace, table: str, pk: str, row: dict[str, Any], kind: str,
            summary: ImportSummary, source: str, extra_pk: Any = None) -> None:
    current = registry.stored(ws, table, row[pk])
    if current is not None:
        same = all(current.get(k) == v for k, v in row.items())
        if same and not current.get("withdrawn_at"):
            summary.count("unchanged", kind)
            return
        summary.count("updated", kind)
    else:
        summary.count("added", kind)
    registry.upsert(ws, table, {**row, "source": source, "updated_at": utcnow(),
                                **({"withdrawn_at": None} if table == "services" else {})})


def import_register(ws: Workspace, paths: list[Path]) -> ImportSummary:
    records: list[Record] = []
    for path in paths:
        records += read_register_file(Path(path))
    return _import_records(ws, records)


def _import_records(ws: Workspace, records: list[Record]) -> ImportSummary:
    batch = _collect(records)
    _check_links(ws, batch)
    summary = ImportSummary()
    source = ", ".join(sorted({r.file or r.where for r in records}))
    with ws.transaction():
        _write(ws, batch, summary, source)
        if summary.added or summary.updated or summary.withdrawn:
            ws.audit("cli", "registry.import", source, new=str(summary))
    return summary


@dataclass
class _Batch:
    """The rows of the files, by kind, checked for duplicates."""

    provinces: list[tuple[Record, dict[str, Any]]] = field(default_factory=list)
    agencies: dict[str, dict[str, Any]] = field(default_factory=dict)
    agency_where: dict[str, Record] = field(default_factory=dict)
    surveys: dict[str, dict[str, float]] = field(default_factory=dict)
    services: dict[str, tuple[Record, dict[str, Any]]] = field(default_factory=dict)
    replaces_services: set[str] = field(default_factory=set)  # agencies listing their services
    procedures: dict[str, tuple[Record, dict[str, Any]]] = field(default_factory=dict)


def _collect(records: list[Record]) -> _Batch:
    batch = _Batch()
    for rec in records:
        if rec.kind == "province":
            batch.provinces.append((rec, province_row(rec)))
        elif rec.kind == "agency":
            row = agency_row(rec)
            if row["id"] in batch.agencies:
                raise rec.fail("id", f"mã cơ quan {row['id']!r} bị trùng "
                                     f"(đã có ở {batch.agency_where[row['id']].where})")
            batch.agencies[row["id"]] = row
            batch.agency_where[row["id"]] = rec
            batch.surveys[row["id"]] = survey_values(rec)
            if rec.values.get("__has_services__"):
                batch.replaces_services.add(row["id"])
        elif rec.kind == "service":
            row = service_row(rec)
            if row["id"] in batch.services:
                raise rec.fail("name", f"dịch vụ {row['name']!r} được khai báo hai lần cho "
                                       f"cơ quan {row['agency_id']!r}")
            batch.services[row["id"]] = (rec, row)
            batch.replaces_services.add(row["agency_id"])
        elif rec.kind == "procedure":
            row = procedure_row(rec)
            if row["code"] in batch.procedures:
                raise rec.fail("code", f"mã thủ tục {row['code']!r} bị trùng")
            batch.procedures[row["code"]] = (rec, row)
    if len(batch.provinces) > 1:
        raise batch.provinces[1][0].fail("province", "tỉnh được khai báo nhiều hơn một lần")
    if not (batch.provinces or batch.agencies or batch.services or batch.procedures):
        raise RegisterError("không có gì để nhập: các tệp không có tỉnh, cơ quan, dịch vụ hay "
                            "thủ tục nào")
    return batch


def _check_links(ws: Workspace, batch: _Batch) -> None:
    """Parents exist and sit at a level above; services belong to known agencies."""
    existing = {r["id"]: r for r in registry.all_agencies(ws)}
    known = {**existing, **batch.agencies}
    for agency_id, row in batch.agencies.items():
        rec = batch.agency_where[agency_id]
        parent = row["parent"]
        if parent is not None:
            if parent not in known:
                raise rec.fail("parent", f"cơ quan cấp trên {parent!r} không có trong danh mục")
            parent_level = known[parent]["level"]
            allowed = {"commune": ("district", "province"), "district": ("province",),
                       "province": ()}[row["level"]]
            if parent_level not in allowed:
                raise rec.fail("parent", f"cơ quan cấp {row['level']} không thể trực thuộc "
                                         f"{parent!r} (cấp {parent_level})")
        elif row["level"] == "commune" and any(a["level"] == "district" for a in known.values()):
            raise rec.fail("parent", "xã phải có huyện quản lý (parent) khi danh mục có cơ quan "
                                     "cấp huyện")
    for rec, row in batch.services.values():
        if row["agency_id"] not in known:
            raise rec.fail("agency", f"cơ quan {row['agency_id']!r} không có trong danh mục")


def _write(ws: Workspace, batch: _Batch, summary: ImportSummary, source: str) -> None:
    """Inside the caller's transaction."""
    for rec, row in batch.provinces:
        _upsert(ws, "province", "id", row, "province", summary, source)
    # Parents before children, so that the foreign key holds within the transaction.
    for row in sorted(batch.agencies.values(), key=lambda r: LEVELS.index(r["level"])):
        _upsert(ws, "agencies", "id", row, "agency", summary, source)
    for agency_id, figures in batch.surveys.items():
        for name, value in figures.items():
            key = f"survey/{name}"
            current = observations.get(ws, agency_id, key)
            if current is None or current.value.get("value") != value:
                observations.put(ws, agency_id, key, {"value": value, "source": source},
                                 run_id="register")
                summary.count("updated" if current else "added", "survey figure")
    for rec, row in batch.services.values():
        _upsert(ws, "services", "id", row, "service", summary, source)
    for agency_id in batch.replaces_services:
        for service in registry.services(ws, agency_id):
            if service["id"] not in batch.services:
                registry.withdraw_service(ws, service["id"])
                summary.withdrawn += 1
    for rec, row in batch.procedures.values():
        _upsert(ws, "catalog", "code", row, "procedure", summary, source)


def import_catalog(ws: Workspace, path: Path) -> ImportSummary:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv", ".txt"):
        records = read_csv(path, expected="procedure")
    elif suffix in (".xlsx", ".xlsm"):
        records = [r for r in read_xlsx(path) if r.kind == "procedure"]
        if not records:
            raise RegisterError(f"{path}: không có trang tính danh mục thủ tục (đặt tên một trang "
                                "tính là 'catalog' hoặc cho nó các cột code, name, field, "
                                "level, agency)")
    else:
        raise RegisterError(f"{path}: không hỗ trợ loại tệp {suffix or '(không có)'!r} "
                            "(hãy dùng .csv hoặc .xlsx)")
    return _import_records(ws, records)
