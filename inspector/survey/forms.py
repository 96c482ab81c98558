"""Load and validate the report forms of Phụ lục 1A, 2A and 3A (checklists/forms/*.yaml).

A form is what an agency fills in once a year: sections (Mục), each one sheet of the workbook,
holding items (one answer each: a count, a percentage, a box to tick…) and tables (rows the
agency adds: its applications, its online services). Every item's id is the name the
checklists read as ``survey.<id>``. Run ``python -m inspector.survey.forms FILE…`` to check
files by hand; the format is in docs/survey.md.
"""

from __future__ import annotations

import functools
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..model.errors import ChecklistError
from ..model.checklist import DEFAULT_DIR as CHECKLISTS_DIR

FORM_SCHEMA = "inspector-form/1"
FORMS_DIR = CHECKLISTS_DIR / "forms"
LEVEL_FORMS = {"province": "1A", "district": "2A", "commune": "3A"}

# type -> what an answer may be (the importer's rules; the template's data validation)
TYPES = {
    "count": "a whole number, 0 or more",
    "number": "a number, 0 or more",
    "money": "an amount in đồng, 0 or more",
    "percent": "a percentage from 0 to 100",
    "yes_no": "Có or Không",
    "tick": "x (ticked) or empty",
    "year": "a year such as 2026",
    "text": "text",
}
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_ITEM_KEYS = {"id", "label", "type", "unit", "required", "note", "declares", "max"}
_DECLARES = {"topic", "services_level", "tthc_total"}


@dataclass(frozen=True)
class Item:
    """One answer of the form: ``survey.<id>`` for the checklists."""

    id: str
    label: str
    type: str
    unit: str | None = None
    required: bool = False
    note: str | None = None
    # what the crawl or the service checks also observe, for declared-vs-observed flags:
    # {"topic": "<posts topic>"} (posts in the year), {"services_level": 3|4}
    declares: dict[str, Any] | None = None
    max: float | None = None  # a ceiling beyond which the answer is refused (e.g. 100 %)


@dataclass(frozen=True)
class Column:
    id: str
    label: str
    type: str
    required: bool = False


@dataclass(frozen=True)
class Table:
    """Rows the agency adds (Bảng 1, 2, 3): stored as ``survey/table.<id>``."""

    id: str
    title: str
    sheet: str
    columns: tuple[Column, ...]
    max_rows: int = 2000


@dataclass(frozen=True)
class Section:
    id: str        # "1" for Mục 1, "I" for Mục I
    title: str
    items: tuple[Item, ...]
    note: str | None = None

    @property
    def sheet(self) -> str:
        return f"Mục {self.id}"


@dataclass(frozen=True)
class Form:
    id: str
    level: str
    title: str
    source: str
    sections: tuple[Section, ...]
    tables: tuple[Table, ...] = ()
    path: Path | None = None
    reading: str | None = None

    @property
    def items(self) -> list[Item]:
        return [item for section in self.sections for item in section.items]

    def item(self, item_id: str) -> Item | None:
        return next((i for i in self.items if i.id == item_id), None)


class _Where:
    def __init__(self, path: Path):
        self.path = path

    def fail(self, where: str, message: str) -> ChecklistError:
        return ChecklistError(f"{self.path}: {where}: {message}")


def _keys(w: _Where, where: str, data: Any, allowed: set[str], required: set[str]) -> None:
    if not isinstance(data, dict):
        raise w.fail(where, f"phải là một mapping, không phải {type(data).__name__}")
    unknown = set(data) - allowed
    if unknown:
        raise w.fail(where, f"khoá {sorted(unknown)[0]!r} không được hỗ trợ (các khoá dùng "
                            f"được: {', '.join(sorted(allowed))})")
    for key in required:
        if data.get(key) in (None, ""):
            raise w.fail(where, f"thiếu khoá bắt buộc {key!r}")


@functools.lru_cache(maxsize=1)
def _known_topics() -> dict[str, Any]:
    from ..model.checklist import load_topics
    return load_topics().topics


def _item(w: _Where, where: str, raw: Any, seen: set[str]) -> Item:
    _keys(w, where, raw, _ITEM_KEYS, {"id", "label", "type"})
    if not _ID.match(str(raw["id"])):
        raise w.fail(f"{where}.id", f"{raw['id']!r} không phải mã dạng lower_case_id")
    if raw["id"] in seen:
        raise w.fail(f"{where}.id", f"{raw['id']!r} được dùng hai lần trong mẫu báo cáo")
    seen.add(raw["id"])
    if raw["type"] not in TYPES:
        raise w.fail(f"{where}.type", f"{raw['type']!r} không phải một trong {', '.join(TYPES)}")
    declares = raw.get("declares")
    if declares is not None:
        if not isinstance(declares, dict) or not declares or set(declares) - _DECLARES:
            raise w.fail(f"{where}.declares", f"phải là một trong {', '.join(sorted(_DECLARES))}")
        if raw["type"] not in ("count", "number"):
            raise w.fail(f"{where}.declares", "chỉ câu hỏi dạng số (count, number) mới so sánh "
                                                 "được với số liệu quan sát")
        if "topic" in declares:
            topics = declares["topic"] if isinstance(declares["topic"], list) \
                else [declares["topic"]]
            known = _known_topics()
            for topic in topics:
                if topic not in known:
                    raise w.fail(f"{where}.declares.topic", f"không có chủ đề {topic!r}")
            declares = {**declares, "topic": topics}
        if "services_level" in declares and declares["services_level"] not in (3, 4):
            raise w.fail(f"{where}.declares.services_level", "phải là 3 hoặc 4")
    maximum = raw.get("max")
    if maximum is not None and (isinstance(maximum, bool) or not isinstance(maximum, (int, float))):
        raise w.fail(f"{where}.max", f"{maximum!r} không phải số")
    if raw["type"] == "percent" and maximum is None:
        maximum = 100
    return Item(str(raw["id"]), str(raw["label"]), raw["type"], raw.get("unit"),
                bool(raw.get("required", False)), raw.get("note"), declares, maximum)


def load_form(path: Path) -> Form:
    """A form file, validated; raises ChecklistError naming the file and key."""
    path = Path(path)
    w = _Where(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ChecklistError(f"{path}: không đọc được mẫu báo cáo: {exc}") from None
    _keys(w, "cấp ngoài cùng", data, {"schema", "id", "level", "title", "source", "sections",
                                 "tables", "reading"},
          {"schema", "id", "level", "title", "source", "sections"})
    if data["schema"] != FORM_SCHEMA:
        raise w.fail("schema", f"phải là {FORM_SCHEMA!r}")
    if data["level"] not in LEVEL_FORMS:
        raise w.fail("level", f"{data['level']!r} không phải province, district hay commune")
    seen: set[str] = set()
    sections = []
    sheets: set[str] = set()
    for i, raw in enumerate(data["sections"] or []):
        where = f"sections[{i}]"
        _keys(w, where, raw, {"id", "title", "items", "note"}, {"id", "title", "items"})
        items = tuple(_item(w, f"{where}.items[{j}]", item, seen)
                      for j, item in enumerate(raw["items"] or []))
        section = Section(str(raw["id"]), str(raw["title"]), items, raw.get("note"))
        if section.sheet in sheets:
            raise w.fail(f"{where}.id", f"mục {section.id!r} xuất hiện hai lần")
        sheets.add(section.sheet)
        sections.append(section)
    if not sections:
        raise w.fail("sections", "mẫu báo cáo cần ít nhất một mục")
    tables = []
    for i, raw in enumerate(data.get("tables") or []):
        where = f"tables[{i}]"
        _keys(w, where, raw, {"id", "title", "sheet", "columns", "max_rows"},
              {"id", "title", "sheet", "columns"})
        if not _ID.match(str(raw["id"])) or raw["id"] in seen:
            raise w.fail(f"{where}.id", f"{raw['id']!r} không phải mã lower_case_id chưa dùng")
        seen.add(raw["id"])
        sheet = str(raw["sheet"])
        if len(sheet) > 31 or sheet in sheets or any(c in sheet for c in "[]:*?/\\"):
            raise w.fail(f"{where}.sheet", f"{sheet!r} không dùng được làm tên trang tính (cần "
                                           "tối đa 31 ký tự, chưa trùng trang nào)")
        sheets.add(sheet)
        columns = []
        for j, col in enumerate(raw["columns"] or []):
            cw = f"{where}.columns[{j}]"
            _keys(w, cw, col, {"id", "label", "type", "required"}, {"id", "label", "type"})
            if not _ID.match(str(col["id"])) or col["type"] not in TYPES:
                raise w.fail(cw, f"mã {col['id']!r} hoặc kiểu {col['type']!r} không hợp lệ")
            columns.append(Column(str(col["id"]), str(col["label"]), col["type"],
                                  bool(col.get("required", False))))
        if not columns:
            raise w.fail(f"{where}.columns", "bảng phải có cột")
        tables.append(Table(str(raw["id"]), str(raw["title"]), sheet, tuple(columns),
                            int(raw.get("max_rows", 2000))))
    return Form(str(data["id"]), data["level"], str(data["title"]), str(data["source"]),
                tuple(sections), tuple(tables), path, data.get("reading"))


def form_for_level(level: str, directory: Path | None = None) -> Form:
    """The form an agency of this level fills in (1A, 2A or 3A); forms are read once."""
    if level not in LEVEL_FORMS:
        raise ChecklistError(f"không có mẫu báo cáo cho cấp {level!r}")
    return _load_cached(Path(directory or FORMS_DIR) / f"{LEVEL_FORMS[level]}.yaml")


@functools.lru_cache(maxsize=16)
def _load_cached(path: Path) -> Form:
    return load_form(path)


@dataclass(frozen=True)
class Declaration:
    """A figure of the agency's report that the inspection also observes (Phụ lục 1A Mục 4
    posts per section, Mục 5 services per level), for declared-vs-observed flags."""

    item: str                      # the form's item id (survey.<item>)
    label: str                     # the form's words
    value: float                   # what the agency declared
    topics: tuple[str, ...] = ()   # posts in the year of these topics …
    services_level: int | None = None  # … or recognised services at this level
    source: str | None = None      # "file: Mục 4!C12"


def declarations(level: str, observations: dict[str, dict[str, Any]]) -> list[Declaration]:
    """The figures of the agency's stored report that the inspection also observes."""
    if level not in LEVEL_FORMS or not (FORMS_DIR / f"{LEVEL_FORMS[level]}.yaml").exists():
        return []
    form = form_for_level(level)
    result = []
    for item in form.items:
        obs = observations.get(f"survey/{item.id}")
        if not item.declares or obs is None or obs.get("status") == "failed":
            continue
        value = obs.get("value")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        source = obs.get("source") or {}
        where = f"{source.get('file')}: {source.get('cell')}" if isinstance(source, dict) \
            and source.get("cell") else None
        result.append(Declaration(item.id, item.label, float(value),
                                  tuple(item.declares.get("topic") or ()),
                                  item.declares.get("services_level"), where))
    return result


def main(argv: list[str]) -> int:
    status = 0
    for name in argv or sorted(str(p) for p in FORMS_DIR.glob("*.yaml")):
        try:
            form = load_form(Path(name))
        except ChecklistError as exc:
            print(f"error: {exc}")
            status = 1
            continue
        print(f"ok: {name}: form {form.id} ({form.level}), {len(form.sections)} sections, "
              f"{len(form.items)} items, {len(form.tables)} tables")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
