"""Load and validate the checklist files (the seed's criteria as data) and the topics vocabulary.

Run `python -m inspector.model.checklist FILE…` to check files by hand; the format is in
docs/checklists.md.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml

from .errors import ChecklistError
from .formula import FormulaError, parse
from .periods import Span

CHECKLIST_SCHEMA = "inspector-checklist/1"
TOPICS_SCHEMA = "inspector-topics/1"
DEFAULT_DIR = Path(__file__).resolve().parents[1] / "checklists"
NOT_CHECKLISTS = ("topics.yaml", "ratings.yaml")

LEVELS = ("province", "district", "commune")
RATINGS = ("province_rating", "district_level", "commune_level")
# The quantities the scoring engine computes (scoring/quantities.py resolves exactly these; a
# test holds the two equal); survey.* and observed.* names are free.
COMPUTED_QUANTITIES = frozenset({
    "declared.tthc_total", "declared.province_tthc_total", "declared.services_total",
    "declared.services_level3", "declared.services_level4",
    "services.recognised_level3", "services.recognised_level4", "services.recognised_level34",
    "services.mean_online_share_level3", "services.mean_online_share_level4",
    "children.count", "children.with_portal", "children.with_level3", "children.with_level4",
    "children.with_level12_full", "children.recognised_level3_sum",
    "children.recognised_level4_sum", "children.tthc_total_sum",
})
QUANTITY_PREFIXES = ("declared.", "services.", "children.", "survey.", "observed.", "peers.max.")

_CATEGORY_KEYS = {
    "schema": True, "id": True, "title": True, "level": True, "max_points": True,
    "rating": True, "rating_key": False, "items_total": False, "scale_to_max": False,
    "reading": False, "source": False, "groups": False, "criteria": True, "version": False,
}
_GROUP_KEYS = {"id": True, "title": True, "max_points": True, "items": False,
               "items_total": False, "reading": False}
_CRITERION_KEYS = {"id": True, "title": True, "max_points": True, "update_lag": False,
                   "input": True, "rule": True, "seed": True, "reading": False, "note": False}

# input kind -> {key: required}
_INPUT_KEYS = {
    "posts": {"kind": True, "topic": True, "title_keywords": False, "title_exclude": False,
              "title_despite": False},
    "fields": {"kind": True, "set": True, "required": True},
    "feature": {"kind": True, "name": True},
    "features": {"kind": True, "names": True},
    "quantity": {"kind": True, "value": True},
    "ratio": {"kind": True, "numerator": True, "denominator": True},
    "declared": {"kind": True, "required": True},
    "records": {"kind": True, "set": True, "required": True},
    "quantities": {"kind": True, "values": True},
}

# rule type -> ({param: required}, input kinds it accepts; None = any / its parts decide)
_RULES: dict[str, tuple[dict[str, bool], tuple[str, ...] | None]] = {
    "feature": ({"points": False}, ("feature",)),
    "presence": ({"partial_points": True}, ("posts", "fields", "declared")),
    "completeness": ({"step": True, "period": False}, ("posts", "fields", "ratio")),
    "additions": ({"points": True}, ("features",)),
    "count_bands": ({"bands": True}, ("posts",)),
    "period_bands": ({"period": True, "bands": True}, ("posts",)),
    "cadence": ({"levels": True, "any_points": True}, ("posts",)),
    "recency_bands": ({"bands": True, "older_points": True}, ("posts", "records")),
    "section_own": ({"points": True}, ("posts",)),
    "ratio": ({}, ("ratio",)),
    "ratio_bands": ({"bands": True}, ("ratio",)),
    "quantity_bands": ({"bands": True}, ("quantity",)),
    "record_fields": ({"bands": True, "older_points": True, "missing_field_penalty": True},
                      ("records",)),
    "dvctt_formula": ({"count_term": True, "dossier_term": True, "denominators": False},
                      ("declared",)),
    "sum": ({"parts": True}, None),
    "formula": ({"expression": True}, ("quantities",)),
}


@dataclass(frozen=True)
class Topics:
    """The shared vocabulary: topics (posts), field sets and features."""

    topics: dict[str, dict[str, Any]]
    field_sets: dict[str, dict[str, Any]]
    features: dict[str, str]


@dataclass
class Criterion:
    id: str
    title: str
    max_points: float
    input: dict[str, Any]
    rule: dict[str, Any]
    seed: str
    update_lag: Span | None = None
    reading: str | None = None
    category_id: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "title": self.title, "max_points": self.max_points,
            "update_lag": str(self.update_lag) if self.update_lag else None,
            "input": self.input, "rule": self.rule, "seed": self.seed, "reading": self.reading,
        }


@dataclass
class Group:
    id: str
    title: str
    max_points: float
    items: list[str]
    reading: str | None = None
    items_total: float | None = None  # the seed's items' sum where it differs from max_points


@dataclass
class Checklist:
    """One category of the seed (e.g. 1B/III), with its criteria."""

    id: str
    title: str
    level: str
    max_points: float
    rating: str
    criteria: list[Criterion]
    path: Path
    rating_key: str | None = None
    items_total: float | None = None
    scale_to_max: bool = False
    reading: str | None = None
    source: str | None = None
    groups: list[Group] = field(default_factory=list)
    version: str | None = None

    @property
    def scale(self) -> Fraction:
        """Factor from the sum of item points to category points (1 unless the seed's items
        fall short of its stated total and the checklist reads that as a scale)."""
        if self.scale_to_max and self.items_total:
            return Fraction(str(self.max_points)) / Fraction(str(self.items_total))
        return Fraction(1)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "title": self.title, "level": self.level,
            "max_points": self.max_points, "rating": self.rating, "rating_key": self.rating_key,
            "items_total": items_sum(self.criteria), "scale_to_max": self.scale_to_max,
            "reading": self.reading, "source": self.source, "file": self.path.name,
            "groups": [{"id": g.id, "title": g.title, "max_points": g.max_points,
                        "items_total": g.items_total, "items": g.items, "reading": g.reading}
                       for g in self.groups],
            "criteria": [c.as_dict() for c in self.criteria],
        }


def items_sum(criteria: list[Criterion]) -> float:
    return float(sum(Fraction(str(c.max_points)) for c in criteria))


class _Where:
    """Builds messages that name the file and the key."""

    def __init__(self, path: Path):
        self.path = path

    def fail(self, where: str, message: str) -> ChecklistError:
        return ChecklistError(f"{self.path}: {where}: {message}")


def _check_keys(w: _Where, where: str, data: Any, spec: dict[str, bool]) -> None:
    if not isinstance(data, dict):
        raise w.fail(where, f"phải là một mapping, không phải {type(data).__name__}")
    for key in data:
        if key not in spec:
            raise w.fail(where, f"khoá {key!r} không được hỗ trợ (các khoá dùng được: "
                                f"{', '.join(spec)})")
    for key, required in spec.items():
        if required and (key not in data or data[key] is None or data[key] == ""):
            raise w.fail(where, f"thiếu khoá bắt buộc {key!r}")


def _number(w: _Where, where: str, value: Any, *, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise w.fail(where, f"{value!r} không phải số")
    if value < 0 or (positive and value == 0):
        raise w.fail(where, f"{value!r} phải {'lớn hơn 0' if positive else 'từ 0 trở lên'}")
    return float(value)


def load_topics(path: Path | None = None) -> Topics:
    path = Path(path or DEFAULT_DIR / "topics.yaml")
    w = _Where(path)
    data = _read_yaml(path)
    _check_keys(w, "cấp ngoài cùng", data,
                {"schema": True, "topics": True, "field_sets": True, "features": True})
    if data["schema"] != TOPICS_SCHEMA:
        raise w.fail("schema", f"phải là {TOPICS_SCHEMA!r}, không phải {data['schema']!r}")
    for key, topic in data["topics"].items():
        _check_keys(w, f"topics.{key}", topic,
                    {"title": True, "section_keywords": True, "topic_keywords": False})
    for key, fset in data["field_sets"].items():
        _check_keys(w, f"field_sets.{key}", fset, {"title": True, "fields": True})
    return Topics(data["topics"], data["field_sets"], data["features"])


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ChecklistError(f"{path}: không đọc được tệp: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise ChecklistError(f"{path}: không phải văn bản UTF-8") from None
    try:
        # libyaml's loader where PyYAML was built with it: the checklists load in a tenth of
        # the time, which every crawl worker pays at its start
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"dòng {mark.line + 1}: " if mark else ""
        raise ChecklistError(f"{path}: {line}sai cú pháp YAML: "
                             f"{getattr(exc, 'problem', exc)}") from None


def _check_quantity(w: _Where, where: str, name: Any) -> None:
    if not isinstance(name, str) or not name.startswith(QUANTITY_PREFIXES):
        raise w.fail(where, f"{name!r} không phải tên đại lượng (tên đại lượng bắt đầu bằng "
                            f"một trong {', '.join(QUANTITY_PREFIXES)})")
    if name.startswith("peers.max."):  # the largest value among the agencies of the level
        _check_quantity(w, where, name[len("peers.max."):])
        return
    prefix = name.split(".", 1)[0] + "."
    if prefix in ("declared.", "services.", "children.") and name not in COMPUTED_QUANTITIES:
        raise w.fail(where, f"không có đại lượng {name!r} "
                            f"(các đại lượng có: {', '.join(sorted(COMPUTED_QUANTITIES))})")


def _check_input(w: _Where, where: str, spec: Any, topics: Topics) -> None:
    if not isinstance(spec, dict) or spec.get("kind") not in _INPUT_KEYS:
        kind = spec.get("kind") if isinstance(spec, dict) else spec
        raise w.fail(f"{where}.kind", f"không có loại đầu vào {kind!r} "
                                       f"(các loại dùng được: {', '.join(_INPUT_KEYS)})")
    kind = spec["kind"]
    _check_keys(w, where, spec, _INPUT_KEYS[kind])
    if kind == "posts" and spec["topic"] not in topics.topics:
        raise w.fail(f"{where}.topic", f"không có chủ đề {spec['topic']!r}")
    if kind in ("fields", "records"):
        if spec["set"] not in topics.field_sets:
            raise w.fail(f"{where}.set", f"không có bộ trường {spec['set']!r}")
        known = topics.field_sets[spec["set"]]["fields"]
        for name in spec["required"]:
            if name not in known:
                raise w.fail(f"{where}.required", f"bộ trường {spec['set']!r} không có trường "
                                                      f"{name!r}")
    if kind == "feature" and spec["name"] not in topics.features:
        raise w.fail(f"{where}.name", f"không có tính năng {spec['name']!r}")
    if kind == "features":
        for name in spec["names"]:
            if name not in topics.features:
                raise w.fail(f"{where}.names", f"không có tính năng {name!r}")
    if kind == "quantity":
        _check_quantity(w, f"{where}.value", spec["value"])
    if kind == "quantities":
        if not isinstance(spec["values"], dict) or not spec["values"]:
            raise w.fail(f"{where}.values", "phải là một mapping từ tên tới đại lượng")
        for alias, name in spec["values"].items():
            if not str(alias).isidentifier() or alias == "max_points":
                raise w.fail(f"{where}.values", f"không dùng được {alias!r} làm tên")
            _check_quantity(w, f"{where}.values.{alias}", name)
    if kind == "ratio":
        _check_quantity(w, f"{where}.numerator", spec["numerator"])
        _check_quantity(w, f"{where}.denominator", spec["denominator"])
    if kind == "declared":
        for name in spec["required"]:
            _check_quantity(w, f"{where}.required", name)


def _check_bands(w: _Where, where: str, bands: Any, max_points: float, *, key: str = "min",
                 extra: tuple[str, ...] = ()) -> None:
    if not isinstance(bands, list) or not bands:
        raise w.fail(where, "phải là danh sách khung điểm không rỗng")
    previous = None
    for i, band in enumerate(bands):
        spec = {key: True, "points": True, **{k: False for k in extra}}
        _check_keys(w, f"{where}[{i}]", band, spec)
        points = _number(w, f"{where}[{i}].points", band["points"])
        if points > max_points:
            raise w.fail(f"{where}[{i}].points", f"{points} vượt quá điểm tối đa của tiêu chí "
                                                 f"({max_points})")
        if key == "min":
            edge = _number(w, f"{where}[{i}].min", band["min"])
            if previous is not None and edge >= previous:
                raise w.fail(f"{where}[{i}].min", "các khung điểm phải xếp theo min từ cao xuống "
                                                  "thấp")
            previous = edge
        else:
            Span.parse(band[key])


def _check_rule(w: _Where, where: str, rule: Any, crit_input: dict, max_points: float,
                topics: Topics) -> None:
    if not isinstance(rule, dict) or rule.get("type") not in _RULES:
        kind = rule.get("type") if isinstance(rule, dict) else rule
        raise w.fail(f"{where}.type", f"không có loại quy tắc {kind!r} (các loại dùng được: "
                                       f"{', '.join(_RULES)})")
    params, kinds = _RULES[rule["type"]]
    spec = {"type": True, "input": False, **params}
    _check_keys(w, where, rule, spec)
    rule_input = rule.get("input", crit_input)
    if "input" in rule:
        _check_input(w, f"{where}.input", rule["input"], topics)
    if kinds is not None and rule_input.get("kind") not in kinds:
        raise w.fail(where, f"quy tắc {rule['type']!r} nhận đầu vào loại "
                            f"{' hoặc '.join(kinds)}, không phải {rule_input.get('kind')!r}")
    kind = rule["type"]
    if kind == "presence":
        partial = _number(w, f"{where}.partial_points", rule["partial_points"])
        if partial > max_points:
            raise w.fail(f"{where}.partial_points", f"{partial} vượt quá điểm tối đa {max_points}")
    elif kind == "completeness":
        _number(w, f"{where}.step", rule["step"], positive=True)
        if "period" in rule:
            Span.parse(rule["period"])
        elif rule_input.get("kind") == "posts":
            raise w.fail(where, "completeness trên tin bài cần có 'period'")
    elif kind == "additions":
        if not isinstance(rule["points"], dict):
            raise w.fail(f"{where}.points", "phải là một mapping từ tên tính năng tới số điểm")
        names = rule_input.get("names", [])
        for name, pts in rule["points"].items():
            if name not in names:
                raise w.fail(f"{where}.points", f"{name!r} không có trong các tên của đầu vào")
            _number(w, f"{where}.points.{name}", pts)
    elif kind in ("count_bands", "ratio_bands", "quantity_bands"):
        _check_bands(w, f"{where}.bands", rule["bands"], max_points,
                     extra=("timely",) if kind == "count_bands" else ())
    elif kind == "period_bands":
        Span.parse(rule["period"])
        _check_bands(w, f"{where}.bands", rule["bands"], max_points,
                     extra=("timely", "on_time"))
    elif kind == "cadence":
        _check_cadence(w, where, rule, max_points)
    elif kind in ("recency_bands", "record_fields"):
        _check_bands(w, f"{where}.bands", rule["bands"], max_points, key="within")
        _number(w, f"{where}.older_points", rule["older_points"])
        if kind == "record_fields":
            _number(w, f"{where}.missing_field_penalty", rule["missing_field_penalty"])
    elif kind == "feature" and "points" in rule:
        if _number(w, f"{where}.points", rule["points"]) > max_points:
            raise w.fail(f"{where}.points", f"vượt quá điểm tối đa {max_points}")
    elif kind == "section_own":
        _number(w, f"{where}.points", rule["points"])
    elif kind == "dvctt_formula":
        _check_dvctt_formula(w, where, rule)
    elif kind == "formula":
        try:
            parse(rule["expression"], set(rule_input.get("values", {})) | {"max_points"})
        except FormulaError as exc:
            raise w.fail(f"{where}.expression", str(exc)) from None
    elif kind == "sum":
        if not isinstance(rule["parts"], list) or not rule["parts"]:
            raise w.fail(f"{where}.parts", "phải là danh sách quy tắc không rỗng")
        for i, part in enumerate(rule["parts"]):
            _check_rule(w, f"{where}.parts[{i}]", part, rule_input, max_points, topics)


def _check_cadence(w: _Where, where: str, rule: dict[str, Any], max_points: float) -> None:
    levels = rule["levels"]
    if not isinstance(levels, list) or not levels:
        raise w.fail(f"{where}.levels", "phải là danh sách không rỗng")
    for i, level in enumerate(levels):
        _check_keys(w, f"{where}.levels[{i}]", level, {"every": True, "points": True})
        Span.parse(level["every"])
        if _number(w, f"{where}.levels[{i}].points", level["points"]) > max_points:
            raise w.fail(f"{where}.levels[{i}].points", f"vượt quá điểm tối đa {max_points}")
    _number(w, f"{where}.any_points", rule["any_points"])


def _check_dvctt_formula(w: _Where, where: str, rule: dict[str, Any]) -> None:
    if rule.get("denominators", "as_written") not in ("as_written", "agency_total"):
        raise w.fail(f"{where}.denominators", f"{rule['denominators']!r} không phải as_written "
                                              "hay agency_total")
    for term, keys in (("count_term", {"count": True, "per_service": True, "per": True}),
                       ("dossier_term", {"share": True, "count": True,
                                         "per_service": True, "per": True})):
        _check_keys(w, f"{where}.{term}", rule[term], keys)
        for key in keys:
            if key == "per_service":
                _number(w, f"{where}.{term}.per_service", rule[term][key], positive=True)
            else:
                _check_quantity(w, f"{where}.{term}.{key}", rule[term][key])


def _uses_timely(rule: Any) -> bool:
    if not isinstance(rule, dict):
        return False
    bands = rule.get("bands") if isinstance(rule.get("bands"), list) else []
    return any(isinstance(b, dict) and (b.get("timely") or b.get("on_time"))
               for b in bands) or any(
        _uses_timely(part) for part in rule.get("parts") or [] if isinstance(rule.get("parts"), list))


def load_checklist(path: Path, topics: Topics) -> Checklist:
    path = Path(path)
    w = _Where(path)
    data = _read_yaml(path)
    _check_keys(w, "cấp ngoài cùng", data, _CATEGORY_KEYS)
    if data["schema"] != CHECKLIST_SCHEMA:
        raise w.fail("schema", f"phải là {CHECKLIST_SCHEMA!r}, không phải {data['schema']!r}")
    if data["level"] not in LEVELS:
        raise w.fail("level", f"{data['level']!r} không phải một trong {', '.join(LEVELS)}")
    if data["rating"] not in RATINGS:
        raise w.fail("rating", f"{data['rating']!r} không phải một trong {', '.join(RATINGS)}")
    if data["rating"] != "province_rating" and not data.get("rating_key"):
        raise w.fail("rating_key", f"hạng mục xếp loại theo {data['rating']} cần dòng tương ứng "
                                      "của Mục V.3.2")
    max_points = _number(w, "max_points", data["max_points"], positive=True)
    category_id = str(data["id"])
    criteria: list[Criterion] = []
    seen: set[str] = set()
    if not isinstance(data["criteria"], list):
        raise w.fail("criteria", "phải là một danh sách")
    for i, raw in enumerate(data["criteria"]):
        where = f"criteria[{i}]" + (f" ({raw.get('id')})" if isinstance(raw, dict) else "")
        _check_keys(w, where, raw, _CRITERION_KEYS)
        cid = str(raw["id"])
        if not cid.startswith(category_id + "/"):
            raise w.fail(f"{where}.id", f"{cid!r} không thuộc hạng mục {category_id!r}")
        if cid in seen:
            raise w.fail(f"{where}.id", f"mã tiêu chí {cid!r} bị trùng")
        seen.add(cid)
        cmax = _number(w, f"{where}.max_points", raw["max_points"], positive=True)
        lag = None
        if raw.get("update_lag"):
            try:
                lag = Span.parse(raw["update_lag"])
            except ValueError as exc:
                raise w.fail(f"{where}.update_lag", str(exc)) from None
        _check_input(w, f"{where}.input", raw["input"], topics)
        if lag is None and _uses_timely(raw["rule"]):
            raise w.fail(f"{where}.update_lag", "khung điểm có đánh dấu timely cần update_lag "
                                                "của tiêu chí")
        try:
            _check_rule(w, f"{where}.rule", raw["rule"], raw["input"], cmax, topics)
        except ValueError as exc:  # a malformed span inside the rule
            raise w.fail(f"{where}.rule", str(exc)) from None
        criteria.append(Criterion(cid, str(raw["title"]), cmax, raw["input"], raw["rule"],
                                  str(raw["seed"]), lag, raw.get("reading"), category_id))
    checklist = Checklist(
        id=category_id, title=str(data["title"]), level=data["level"], max_points=max_points,
        rating=data["rating"], criteria=criteria, path=path, rating_key=data.get("rating_key"),
        items_total=data.get("items_total"), scale_to_max=bool(data.get("scale_to_max")),
        reading=data.get("reading"), source=data.get("source"), version=data.get("version"),
    )
    _check_totals(w, checklist, data.get("groups") or [])
    return checklist


def _check_totals(w: _Where, checklist: Checklist, groups: list) -> None:
    by_id = {c.id: c for c in checklist.criteria}
    total = items_sum(checklist.criteria)
    if checklist.items_total is not None:
        if not checklist.reading:
            raise w.fail("reading", "items_total khác max_points: hãy ghi cách hiểu vào reading")
        if abs(total - float(checklist.items_total)) > 1e-9:
            raise w.fail("items_total", f"tổng điểm các tiêu chí là {total:g}, "
                                        f"không phải {checklist.items_total:g} như đã khai")
    elif abs(total - checklist.max_points) > 1e-9:
        raise w.fail("max_points", f"tổng điểm các tiêu chí là {total:g}, không phải "
                                      f"{checklist.max_points:g}")
    for i, raw in enumerate(groups):
        where = f"groups[{i}]"
        _check_keys(w, where, raw, _GROUP_KEYS)
        gid = str(raw["id"])
        items = raw.get("items") or [c for c in by_id if c.startswith(gid + ".")]
        for item in items:
            if item not in by_id:
                raise w.fail(f"{where}.items", f"không có tiêu chí {item!r}")
        if not items:
            raise w.fail(where, f"nhóm {gid!r} không có tiêu chí nào")
        gmax = _number(w, f"{where}.max_points", raw["max_points"], positive=True)
        gsum = items_sum([by_id[item] for item in items])
        expected = raw.get("items_total", gmax)
        if abs(gsum - float(expected)) > 1e-9:
            raise w.fail(f"{where}.max_points", f"tổng điểm các tiêu chí của nhóm {gid!r} là "
                                                f"{gsum:g}, không phải {float(expected):g}")
        if "items_total" in raw and not raw.get("reading"):
            raise w.fail(f"{where}.reading", "items_total khác max_points: hãy ghi cách hiểu vào "
                                             "reading")
        checklist.groups.append(Group(gid, str(raw["title"]), gmax, list(items), raw.get("reading"),
                                      float(expected)))


def load_all(directory: Path | None = None) -> list[Checklist]:
    """Every checklist file in the directory, validated; ids must be unique."""
    directory = Path(directory or DEFAULT_DIR)
    if not directory.is_dir():
        raise ChecklistError(f"{directory}: không có thư mục bộ tiêu chí này")
    topics = load_topics(directory / "topics.yaml")
    checklists = []
    ids: dict[str, Path] = {}
    for path in sorted(directory.glob("*.yaml")):
        if path.name in NOT_CHECKLISTS:
            continue
        checklist = load_checklist(path, topics)
        if checklist.id in ids:
            raise ChecklistError(f"{path}: id: {checklist.id!r} đã được khai báo trong "
                                  f"{ids[checklist.id]}")
        ids[checklist.id] = path
        checklists.append(checklist)
    return checklists


def posts_topics(checklists: list[Checklist], level: str) -> list[str]:
    """The topics the checklists of a level count posts of, in checklist order (what a crawl of
    a portal of that level must find sections for)."""
    seen: list[str] = []
    for checklist in checklists:
        if checklist.level != level:
            continue
        for criterion in checklist.criteria:
            spec = criterion.input
            if spec.get("kind") == "posts" and spec["topic"] not in seen:
                seen.append(spec["topic"])
    return seen


def topics_of_criteria(checklists: list[Checklist]) -> dict[str, str]:
    """Criterion id → the topic its posts come from (for a register's `sections:` override)."""
    return {c.id: c.input["topic"] for checklist in checklists for c in checklist.criteria
            if c.input.get("kind") == "posts"}


def main(argv: list[str]) -> int:
    topics = load_topics()
    status = 0
    for name in argv or [str(p) for p in sorted(DEFAULT_DIR.glob("*.yaml")) if p.name not in NOT_CHECKLISTS]:
        try:
            checklist = load_checklist(Path(name), topics)
        except ChecklistError as exc:
            print(f"error: {exc}")
            status = 1
            continue
        print(f"ok: {name}: {checklist.id} {len(checklist.criteria)} criteria, "
              f"{items_sum(checklist.criteria):g} of {checklist.max_points:g} points")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
