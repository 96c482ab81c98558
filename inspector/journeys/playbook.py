"""Journey playbooks: load and validate the YAML files of docs/playbooks.md, and pick one per service."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..model.errors import UserError

SCHEMA = "inspector-playbook/1"
BUILTIN_DIR = Path(__file__).with_name("playbooks")
# The steps of a check, in the order a citizen takes them (Section V.4.2.c.iii).
PHASES = ("open", "register", "confirm", "login", "choose", "fill", "upload", "submit", "track")
LOCATOR_KEYS = ("role", "label", "text", "placeholder", "selector")
LOCATOR_OPTIONS = {"name", "level", "exact", "nth", "scope", "reason"}
ACTIONS = {
    # action: (its value is a locator?, required keys, optional keys)
    "goto": (False, set(), set()),
    "click": (True, set(), set()),
    "fill": (True, {"value"}, set()),
    "select": (True, set(), {"option", "index"}),
    "check": (True, set(), set()),
    "upload": (True, {"file"}, set()),
    "otp": (False, {"subject"}, {"pattern", "into", "boxes", "timeout"}),
    "expect": (True, set(), set()),
    "read": (True, {"into"}, {"pattern"}),
    "wait": (False, set(), set()),
    "human": (True, set(), set()),
}
COMMON = {"optional", "timeout", "fails_as"}
FILE_KINDS = ("pdf", "png", "jpg")
TEMPLATE_FIELD = re.compile(r"\{([a-z_]+(?:\.[a-z_]+)?)\}")
TEMPLATE_ROOTS = {
    "service": {"url", "name", "origin", "procedure"},
    "citizen": {"name", "id_number", "phone", "email", "address", "password"},
    "text": {"request"},
}


@dataclass(frozen=True)
class Action:
    kind: str
    spec: dict[str, Any]           # the action's mapping (locator keys and options)
    optional: bool = False
    timeout: float | None = None   # seconds
    fails_as: str | None = None    # the phase charged when this action fails (default: its own)

    def describe(self) -> str:
        """One line for logs and step records; never the value typed (it may be a secret)."""
        if self.kind == "goto":
            return f"goto {self.spec['url']}"
        if self.kind == "wait":
            return f"wait {self.spec['seconds']} s"
        if self.kind == "otp":
            return f"otp from mail '{self.spec['subject']}'"
        return f"{self.kind} {describe_locator(self.spec)}"


@dataclass
class Playbook:
    name: str
    title: str
    path: Path
    match: list[re.Pattern] = field(default_factory=list)
    scope: str | None = None
    fail_on: list[dict[str, Any]] = field(default_factory=list)
    human_on: list[dict[str, Any]] = field(default_factory=list)
    phases: list[tuple[str, list[Action]]] = field(default_factory=list)

    def matches(self, url: str) -> bool:
        return any(p.search(url or "") for p in self.match)


def describe_locator(spec: dict[str, Any]) -> str:
    for key in LOCATOR_KEYS:
        if key in spec:
            extra = f" name={spec['name']!r}" if "name" in spec else ""
            return f"{key}={spec[key]!r}{extra}"
    return "?"


class PlaybookError(UserError):
    """A playbook file that does not follow docs/playbooks.md."""


def _fail(path: Path, where: str, message: str) -> PlaybookError:
    return PlaybookError(f"{path}: {where}: {message}")


def _check_templates(path: Path, where: str, value: Any) -> None:
    if isinstance(value, str):
        for name in TEMPLATE_FIELD.findall(value):
            root, _, leaf = name.partition(".")
            if root == "vars" and leaf:
                continue
            if root not in TEMPLATE_ROOTS or leaf not in TEMPLATE_ROOTS[root]:
                raise _fail(path, where, f"không có biến mẫu {{{name}}}")


def _locator(path: Path, where: str, spec: Any, extra: set[str]) -> dict[str, Any]:
    if not isinstance(spec, dict):
        raise _fail(path, where, "locator phải là một mapping "
                                  "(role/label/text/placeholder/selector)")
    keys = [k for k in LOCATOR_KEYS if k in spec]
    if len(keys) != 1:
        raise _fail(path, where, "locator cần đúng một trong các khoá " + ", ".join(LOCATOR_KEYS))
    unknown = set(spec) - set(LOCATOR_KEYS) - LOCATOR_OPTIONS - extra - COMMON
    if unknown:
        raise _fail(path, where, f"khoá không được hỗ trợ: {', '.join(sorted(unknown))}")
    if "nth" in spec and not isinstance(spec["nth"], int):
        raise _fail(path, where, "nth phải là số nguyên")
    if spec.get("scope") not in (None, "page"):
        raise _fail(path, where, "scope chỉ có thể là 'page'")
    for key, value in spec.items():
        _check_templates(path, f"{where}.{key}", value)
    return dict(spec)


def _action(path: Path, where: str, raw: Any) -> Action:
    if not isinstance(raw, dict) or not raw:
        raise _fail(path, where, "mỗi thao tác là một mapping như {click: {role: button, "
                                  "name: …}}")
    kinds = [k for k in raw if k in ACTIONS]
    if len(kinds) != 1:
        raise _fail(path, where, f"mỗi mục đúng một thao tác, là một trong {', '.join(ACTIONS)}")
    kind = kinds[0]
    is_locator, required, optional = ACTIONS[kind]
    value = raw[kind]
    outer = {k: v for k, v in raw.items() if k != kind}
    unknown_outer = set(outer) - COMMON
    if unknown_outer:
        raise _fail(path, where, f"khoá không được hỗ trợ: {', '.join(sorted(unknown_outer))}")
    if kind == "goto":
        if not isinstance(value, str):
            raise _fail(path, where, "goto nhận một mẫu URL")
        _check_templates(path, where, value)
        spec: dict[str, Any] = {"url": value}
    elif kind == "wait":
        if not isinstance(value, (int, float)) or value < 0 or value > 600:
            raise _fail(path, where, "wait nhận số giây (0-600)")
        spec = {"seconds": float(value)}
    elif is_locator:
        spec = _locator(path, where, value, required | optional)
        missing = required - set(spec)
        if missing:
            raise _fail(path, where, f"{kind} cần {', '.join(sorted(missing))}")
        if kind == "upload" and spec["file"] not in FILE_KINDS:
            raise _fail(path, where, f"file phải là một trong {', '.join(FILE_KINDS)}")
        if kind == "read" and "pattern" in spec:
            _regex(path, where, spec["pattern"])
    else:  # otp
        if not isinstance(value, dict):
            raise _fail(path, where, "otp nhận một mapping {subject, into|boxes, pattern?, "
                                  "timeout?}")
        unknown = set(value) - required - optional
        if unknown or required - set(value):
            raise _fail(path, where, "otp nhận subject, into hoặc boxes, pattern, timeout")
        if ("into" in value) == ("boxes" in value):
            raise _fail(path, where, "otp cần đúng một trong hai: into (một ô nhập) hoặc boxes "
                                  "(mỗi chữ số một ô)")
        spec = dict(value)
        target = "into" if "into" in value else "boxes"
        spec[target] = _locator(path, f"{where}.{target}", value[target], set())
        spec["pattern"] = _regex(path, where, value.get("pattern", r"\b(\d{6})\b")).pattern
    timeout = outer.get("timeout", spec.pop("timeout", None))
    if timeout is not None and (not isinstance(timeout, (int, float)) or timeout <= 0):
        raise _fail(path, where, "timeout phải là số giây lớn hơn 0")
    optional_flag = outer.get("optional", spec.pop("optional", False))
    if not isinstance(optional_flag, bool):
        raise _fail(path, where, "optional phải là true hoặc false")
    fails_as = outer.get("fails_as", spec.pop("fails_as", None))
    if fails_as is not None and fails_as not in PHASES:
        raise _fail(path, where, f"fails_as phải là một giai đoạn: {', '.join(PHASES)}")
    return Action(kind, spec, optional_flag, float(timeout) if timeout else None, fails_as)


def _regex(path: Path, where: str, pattern: Any) -> re.Pattern:
    if not isinstance(pattern, str):
        raise _fail(path, where, "pattern phải là một chuỗi")
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise _fail(path, where, f"pattern {pattern!r} không hợp lệ: {exc}") from None


def load_playbook(path: Path) -> Playbook:
    """Read and validate one playbook; any fault is a PlaybookError naming the file and place."""
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise PlaybookError(f"{path}: không đọc được tệp: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"dòng {mark.line + 1}: " if mark else ""
        raise PlaybookError(f"{path}: {line}không phải YAML hợp lệ") from None
    if not isinstance(doc, dict):
        raise _fail(path, "cấp ngoài cùng", "kịch bản phải là một mapping")
    if doc.get("schema") != SCHEMA:
        raise _fail(path, "schema", f"phải là {SCHEMA}")
    name = doc.get("name")
    if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9][a-z0-9._-]*", name):
        raise _fail(path, "name", "phải là một tên ngắn viết thường không dấu (chữ cái, chữ số, "
                                     ". _ -)")
    unknown = set(doc) - {"schema", "name", "title", "match", "scope", "fail_on", "human_on",
                          "phases"}
    if unknown:
        raise _fail(path, "cấp ngoài cùng", f"khoá không được hỗ trợ: "
                                               f"{', '.join(sorted(unknown))}")
    match = doc.get("match") or []
    if not isinstance(match, list):
        raise _fail(path, "match", "phải là danh sách biểu thức chính quy")
    phases_raw = doc.get("phases")
    if not isinstance(phases_raw, dict) or not phases_raw:
        raise _fail(path, "phases", "phải là một mapping từ tên giai đoạn tới danh sách thao "
                                       "tác")
    order = [p for p in phases_raw]
    for phase in order:
        if phase not in PHASES:
            raise _fail(path, f"phases.{phase}", f"không có giai đoạn này; các giai đoạn là "
                                                f"{', '.join(PHASES)}")
    if order != sorted(order, key=PHASES.index):
        raise _fail(path, "phases", f"các giai đoạn phải theo thứ tự: {', '.join(PHASES)}")
    for needed in ("open", "submit", "track"):
        if needed not in phases_raw:
            raise _fail(path, "phases", f"một hành trình cần ít nhất open, submit và track "
                                       f"(thiếu {needed})")
    phases = []
    for phase in order:
        actions = phases_raw[phase]
        if not isinstance(actions, list) or not actions:
            raise _fail(path, f"phases.{phase}", "phải là danh sách thao tác không rỗng")
        phases.append((phase, [_action(path, f"phases.{phase}[{i}]", a)
                               for i, a in enumerate(actions)]))
    scope = doc.get("scope")
    if scope is not None and not isinstance(scope, str):
        raise _fail(path, "scope", "phải là một bộ chọn CSS (selector)")
    return Playbook(
        name=name, title=str(doc.get("title") or name), path=path,
        match=[_regex(path, f"match[{i}]", m) for i, m in enumerate(match)], scope=scope,
        fail_on=[_locator(path, f"fail_on[{i}]", s, set()) for i, s in enumerate(doc.get("fail_on") or [])],
        human_on=[_locator(path, f"human_on[{i}]", s, set()) for i, s in enumerate(doc.get("human_on") or [])],
        phases=phases)


def playbook_dirs(extra: list[Path] | None = None) -> list[Path]:
    """The built-in folder, then INSPECTOR_PLAYBOOKS, then --playbooks (later ones win)."""
    dirs = [BUILTIN_DIR]
    env = os.environ.get("INSPECTOR_PLAYBOOKS")
    if env:
        dirs += [Path(p) for p in env.split(os.pathsep) if p]
    dirs += list(extra or [])
    return dirs


def load_playbooks(extra: list[Path] | None = None) -> dict[str, Playbook]:
    """Every playbook by name; a later folder's file replaces a built-in one of the same name."""
    books: dict[str, Playbook] = {}
    for folder in playbook_dirs(extra):
        if not folder.is_dir():
            raise PlaybookError(f"{folder}: không có thư mục kịch bản này")
        seen: dict[str, Path] = {}
        for path in sorted(folder.glob("*.y*ml")):
            book = load_playbook(path)
            if book.name in seen:
                raise PlaybookError(f"{path}: tên {book.name!r} đã được dùng ở {seen[book.name]}")
            seen[book.name] = path
            books[book.name] = book
    return books


def choose_playbook(books: dict[str, Playbook], url: str | None,
                    named: str | None) -> tuple[Playbook | None, str]:
    """The playbook for a service and why: named in the register, else the first by name whose
    pattern matches the declared URL."""
    if named:
        if named not in books:
            return None, f"the register names playbook {named!r}, which does not exist"
        return books[named], f"named in the register ({named})"
    for name in sorted(books):
        if books[name].matches(url or ""):
            return books[name], f"its URL matches playbook {name}"
    return None, "no playbook matches its URL"
