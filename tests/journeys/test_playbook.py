"""Playbooks (docs/playbooks.md): the built-in ones load, a broken file is refused with an error
naming the file and the place, extra folders replace built-ins by name, and the register or the
URL picks the playbook of a service."""

from __future__ import annotations

from pathlib import Path

import pytest

from inspector.model.errors import UserError
from inspector.journeys.playbook import (BUILTIN_DIR, PHASES, Action, Playbook, PlaybookError,
                                         choose_playbook, load_playbook, load_playbooks)

# A small valid playbook; each broken case below replaces one piece of it.
HEAD = """\
schema: inspector-playbook/1
name: {name}
title: Test platform
match: ['{match}']
"""
OPEN = """\
  open:
    - goto: '{service.url}'
    - expect: {role: heading, level: 1}
"""
LOGIN = """\
  login:
    - fill: {label: Mật khẩu, exact: true, value: '{citizen.password}'}
    - click: {role: button, name: Đăng nhập}
"""
SUBMIT = """\
  submit:
    - click: {role: button, name: Nộp hồ sơ}
    - read: {selector: '#ma-ho-so', into: dossier_code}
"""
TRACK = """\
  track:
    - click: {role: link, name: Tra cứu hồ sơ}
    - expect: {text: '{vars.dossier_code}'}
"""


def text(name: str = "test-platform", match: str = "^https?://[^/]+/thu/",
         phases: str | None = None) -> str:
    head = HEAD.replace("{name}", name).replace("{match}", match)
    return head + "phases:\n" + (phases if phases is not None else OPEN + LOGIN + SUBMIT + TRACK)


def write(folder: Path, filename: str, content: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / filename
    path.write_text(content, encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _no_env_playbooks(monkeypatch):
    monkeypatch.delenv("INSPECTOR_PLAYBOOKS", raising=False)


# --- the built-in playbooks ---------------------------------------------------------------

@pytest.mark.parametrize("name", ["dvc-ssr", "dvc-spa"])
def test_builtin_playbook_loads(name):
    book = load_playbook(BUILTIN_DIR / f"{name}.yaml")
    assert book.name == name
    names = [phase for phase, _ in book.phases]
    assert names == sorted(names, key=PHASES.index)
    assert {"open", "register", "confirm", "login", "submit", "track"} <= set(names)
    assert all(actions for _, actions in book.phases)
    assert book.match


def test_load_playbooks_without_extra_gives_the_builtins():
    books = load_playbooks()
    assert set(books) == {"dvc-ssr", "dvc-spa"}
    assert all(b.path.parent == BUILTIN_DIR for b in books.values())


def test_valid_test_playbook_loads(tmp_path):
    book = load_playbook(write(tmp_path, "ok.yaml", text()))
    assert book.name == "test-platform"
    assert [p for p, _ in book.phases] == ["open", "login", "submit", "track"]
    login = dict(book.phases)["login"]
    assert login[0].kind == "fill" and login[0].spec["value"] == "{citizen.password}"


# --- broken files ---------------------------------------------------------------------------

BROKEN = {
    "bad-yaml": (HEAD.replace("{name}", "x").replace("{match}", "a")
                 + "phases:\n  open: [goto: '{service.url}'\n", "dòng"),
    "wrong-schema": (text().replace("inspector-playbook/1", "inspector-playbook/9"), "schema"),
    "unknown-phase": (text(phases=OPEN + "  pay:\n    - click: {role: button, name: Trả}\n"
                           + SUBMIT + TRACK), "phases.pay"),
    "out-of-order": (text(phases=OPEN + SUBMIT + LOGIN + TRACK), "phases:"),
    "missing-open": (text(phases=LOGIN + SUBMIT + TRACK), "phases:"),
    "missing-submit": (text(phases=OPEN + LOGIN + TRACK), "phases:"),
    "missing-track": (text(phases=OPEN + LOGIN + SUBMIT), "phases:"),
    "two-kinds": (text(phases=OPEN + """\
  submit:
    - click: {role: button, name: Tiếp tục}
    - click: {role: button, name: Nộp hồ sơ}
      check: {label: Tôi xin cam đoan}
""" + TRACK), "phases.submit[1]"),
    "role-and-label": (text(phases=OPEN + """\
  submit:
    - click: {role: button, name: Tiếp tục}
    - click: {role: button, label: Nộp hồ sơ}
""" + TRACK), "phases.submit[1]"),
    "unknown-field": (text(phases=OPEN + """\
  login:
    - fill: {label: Tên đăng nhập, value: '{citizen.email}'}
    - fill: {label: Mật khẩu, value: '{citizen.pasword}'}
""" + SUBMIT + TRACK), "phases.login[1]"),
    "bad-regex": (text(phases=OPEN + """\
  submit:
    - click: {role: button, name: Nộp hồ sơ}
    - read: {selector: '#ma-ho-so', into: dossier_code, pattern: '[A-Z0-9'}
""" + TRACK), "phases.submit[1]"),
    "bad-match-regex": (text(match="(unclosed"), "match[0]"),
    "upload-doc": (text(phases=OPEN + """\
  upload:
    - upload: {label: Tệp đính kèm, file: doc}
""" + SUBMIT + TRACK), "phases.upload[0]"),
    "otp-into-and-boxes": (text(phases=OPEN + """\
  confirm:
    - click: {role: button, name: Gửi mã}
    - otp: {subject: Mã xác nhận, into: {label: Mã OTP}, boxes: {label: Ô mã OTP thứ}}
""" + SUBMIT + TRACK), "phases.confirm[1]"),
    "fails-as-not-a-phase": (text(phases=OPEN + """\
  confirm:
    - otp: {subject: Mã xác nhận, into: {label: Mã OTP}}
      fails_as: dang-ky
""" + SUBMIT + TRACK), "phases.confirm[0]"),
    "negative-timeout": (text(phases=OPEN + """\
  submit:
    - click: {role: button, name: Tiếp tục}
    - click: {role: button, name: Nộp hồ sơ}
      timeout: -5
""" + TRACK), "phases.submit[1]"),
    "negative-timeout-in-locator": (text(phases=OPEN + """\
  submit:
    - click: {role: button, name: Tiếp tục}
    - expect: {text: Đã nộp, timeout: -1}
""" + TRACK), "phases.submit[1]"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_playbook_names_file_and_place(tmp_path, case):
    content, place = BROKEN[case]
    path = write(tmp_path, f"{case}.yaml", content)
    with pytest.raises(PlaybookError) as info:
        load_playbook(path)
    message = str(info.value)
    assert isinstance(info.value, UserError)
    assert message.startswith(f"{path}: ")
    rest = message[len(str(path)):]        # the temporary path holds the case's name
    assert place in rest, message
    assert "\n" not in message


@pytest.mark.parametrize("case,words", [
    ("unknown-field", "citizen.pasword"),
    ("upload-doc", "pdf"),
    ("negative-timeout", "timeout"),
    ("fails-as-not-a-phase", "fails_as"),
    ("bad-regex", "[A-Z0-9"),
    ("out-of-order", "thứ tự"),
    ("missing-open", "thiếu open"),
    ("missing-submit", "thiếu submit"),
    ("missing-track", "thiếu track"),
    ("unknown-phase", "pay"),
])
def test_broken_playbook_says_what_is_wrong(tmp_path, case, words):
    path = write(tmp_path, f"{case}.yaml", BROKEN[case][0])
    with pytest.raises(PlaybookError) as info:
        load_playbook(path)
    assert words in str(info.value)[len(str(path)):]


def test_broken_yaml_names_the_line(tmp_path):
    path = write(tmp_path, "bad.yaml", BROKEN["bad-yaml"][0])
    with pytest.raises(PlaybookError) as info:
        load_playbook(path)
    assert "dòng " in str(info.value) and "YAML" in str(info.value)


def test_positive_timeout_and_fails_as_are_kept(tmp_path):
    book = load_playbook(write(tmp_path, "ok.yaml", text(phases=OPEN + """\
  confirm:
    - otp: {subject: Mã xác nhận, into: {label: Mã OTP}, timeout: 30}
      fails_as: register
""" + SUBMIT + TRACK)))
    otp = dict(book.phases)["confirm"][0]
    assert otp.kind == "otp" and otp.fails_as == "register" and otp.timeout == 30.0
    assert otp.spec["pattern"] == r"\b(\d{6})\b"


# --- several folders --------------------------------------------------------------------------

def test_extra_folder_replaces_builtin_of_same_name(tmp_path):
    extra = tmp_path / "more"
    path = write(extra, "my-ssr.yaml", text(name="dvc-ssr", match="^https://ssr[.]example/"))
    write(extra, "other.yaml", text(name="other-platform"))
    books = load_playbooks(extra=[extra])
    assert set(books) == {"dvc-ssr", "dvc-spa", "other-platform"}
    assert books["dvc-ssr"].path == path
    assert books["dvc-ssr"].title == "Test platform"
    assert books["dvc-spa"].path.parent == BUILTIN_DIR


def test_env_folder_is_read_and_extra_wins_over_it(tmp_path, monkeypatch):
    env_dir, extra = tmp_path / "env", tmp_path / "extra"
    write(env_dir, "a.yaml", text(name="shared", match="^env$"))
    path = write(extra, "b.yaml", text(name="shared", match="^extra$"))
    monkeypatch.setenv("INSPECTOR_PLAYBOOKS", str(env_dir))
    books = load_playbooks(extra=[extra])
    assert books["shared"].path == path


def test_two_files_with_same_name_in_one_folder(tmp_path):
    extra = tmp_path / "more"
    first = write(extra, "a.yaml", text(name="twice"))
    second = write(extra, "b.yaml", text(name="twice"))
    with pytest.raises(PlaybookError) as info:
        load_playbooks(extra=[extra])
    message = str(info.value)
    assert "twice" in message and str(first) in message and str(second) in message


def test_missing_folder(tmp_path):
    missing = tmp_path / "nowhere"
    with pytest.raises(PlaybookError) as info:
        load_playbooks(extra=[missing])
    assert str(missing) in str(info.value)


def test_broken_file_in_extra_folder_is_an_error(tmp_path):
    extra = tmp_path / "more"
    path = write(extra, "broken.yaml", BROKEN["upload-doc"][0])
    with pytest.raises(PlaybookError) as info:
        load_playbooks(extra=[extra])
    assert str(path) in str(info.value)


# --- which playbook a service gets --------------------------------------------------------------

@pytest.fixture
def books(tmp_path):
    folder = tmp_path / "books"
    # Both match every /thu/ URL; files are written so that neither file nor dict order is the
    # name order.
    write(folder, "1.yaml", text(name="zeta", match="/thu/"))
    write(folder, "2.yaml", text(name="alpha", match="/thu/"))
    write(folder, "3.yaml", text(name="mid", match="/only-mid/"))
    return load_playbooks(extra=[folder])


def test_named_in_register_wins(books):
    book, reason = choose_playbook(books, "http://127.0.0.1:9/thu/x", "mid")
    assert book is books["mid"]
    assert "register" in reason


def test_named_unknown_gives_none_with_reason(books):
    book, reason = choose_playbook(books, "http://127.0.0.1:9/thu/x", "khong-co")
    assert book is None
    assert "khong-co" in reason


def test_url_match_picks_first_by_name(books):
    shuffled = dict(sorted(books.items(), reverse=True))
    book, reason = choose_playbook(shuffled, "http://127.0.0.1:9/thu/x", None)
    assert book is not None and book.name == "alpha"
    assert "alpha" in reason
    book, _ = choose_playbook(books, "http://127.0.0.1:9/only-mid/x", None)
    assert book.name == "mid"


def test_nothing_matches(books):
    book, reason = choose_playbook(books, "http://127.0.0.1:9/khac/x", None)
    assert book is None and reason
    book, reason = choose_playbook(books, None, None)
    assert book is None and reason


@pytest.mark.parametrize("url,name", [
    ("http://127.0.0.1:8101/dich-vu/cap-giay-phep-xay-dung", "dvc-ssr"),
    ("http://127.0.0.1:8102/#/dich-vu/cap-giay-phep-xay-dung", "dvc-spa"),
    ("http://127.0.0.1:8102/#/nop/1.008137", "dvc-spa"),
    ("http://127.0.0.1:8103/tin-tuc/bai-viet", None),
])
def test_builtin_patterns(url, name):
    book, _ = choose_playbook(load_playbooks(), url, None)
    assert (book.name if book else None) == name


# --- no secret in a description ----------------------------------------------------------------

@pytest.mark.parametrize("value", ["{citizen.password}", "Kt#a1b2&9-literal"])
def test_describe_never_shows_the_fill_value(tmp_path, value):
    book = load_playbook(write(tmp_path, "p.yaml", text(phases=OPEN + f"""\
  login:
    - fill: {{label: Mật khẩu, exact: true, value: '{value}'}}
    - fill: {{selector: '#mat-khau', value: '{value}'}}
    - fill: {{role: textbox, name: Mật khẩu, value: '{value}', timeout: 5, optional: true}}
""" + SUBMIT + TRACK)))
    for action in dict(book.phases)["login"]:
        assert action.spec["value"] == value
        line = action.describe()
        assert line.startswith("fill ")
        assert value not in line
        assert "password" not in line and "Kt#" not in line


def test_describe_direct_action():
    action = Action("fill", {"label": "Mật khẩu", "value": "S3cret!"})
    assert "S3cret!" not in action.describe()
    assert "Mật khẩu" in action.describe()
    assert isinstance(Playbook(name="x", title="x", path=Path("x")).matches("anything"), bool)
