"""Match a declared service's name to the approved TTHC catalogue (Section V.4.2.c.i and V.4.2.b)."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any, Callable

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from ..records.registry import catalog
from ..model.textnorm import fold, has_diacritics, nfc, toneless_placement

DEFAULT_THRESHOLD = 85.0
# Two word changes the similarity alone forgives in a long name, though each makes another
# procedure: a qualifier ("cấp lại", "gia hạn"…) in one name only ("Đăng ký lại khai sinh" is
# not "Đăng ký khai sinh"), and a syllable replaced by one that is not a misspelling of it
# ("khai thác khoáng sản" is not "khai thác thủy sản"). Points off per change: a qualifier
# always takes the score below the threshold; a replaced syllable unless the names are long.
QUALIFIER_PENALTY = 20.0
REPLACED_WORD_PENALTY = 10.0
MISSPELLING = 75.0  # fuzz.ratio of two syllables at least this: a typo ("thac"/"thác"), not a change
QUALIFIERS = ["cấp lại", "cấp đổi", "đăng ký lại", "đăng ký thay đổi", "gia hạn", "điều chỉnh",
              "thu hồi", "bổ sung", "chấm dứt", "tạm ngừng", "giải thể", "hủy"]
CODE = re.compile(r"(?<![\d.])\d\.\d{6}(?![\d])")  # a TTHC code: 1.004194, 2.001234

# Wording agencies put around a procedure's name, written folded (no diacritics, lower case);
# `_loose` turns each into a pattern that also matches the accented and upper-case forms.
_LEVEL = r"(?:(?:dich vu cong truc tuyen|dich vu cong|dvctt|dvc truc tuyen|dvc|truc tuyen) )?" \
         r"(?:(?:muc do|muc) [1-4]|toan trinh|mot phan)"
_LEADING = [r"(?:dich vu cong truc tuyen|dich vu cong|dvctt|dvc)(?: (?:muc do|muc) [1-4])?"
            r"(?: (?:toan trinh|mot phan))?",
            r"thu tuc hanh chinh", r"tthc", r"thu tuc", r"(?:muc do|muc) [1-4]",
            r"(?P<code>\d\.\d{6})"]
# (pattern, how the count it names turns into a number of procedures)
_BUNDLES = [(r"(?:gop|gom|lien thong) (?P<n>\d+) (?:thu tuc|tthc)(?: hanh chinh)?", 0),
            (r"va (?P<n>\d+) (?:thu tuc|tthc)(?: hanh chinh)?(?: (?:lien quan|khac|kem theo))?", 1),
            (r"va cac (?:thu tuc|tthc)(?: hanh chinh)? (?:lien quan|khac|kem theo)", None),
            (r"(?P<n>\d+) (?:thu tuc|tthc)", 0)]
_TRAILING = [_LEVEL, r"(?P<code>\d\.\d{6})"]
_OPEN = r"[\s\-–—:,;.|/(\[]"
_CLOSE = r"[\s\-–—:,;.|/)\]]"
_TONES = "\u0300\u0301\u0303\u0309\u0323"
_Y_AFTER_CONSONANT = re.compile(rf"([bcdđghklmnpqrstvx]+)y([{_TONES}]?)")


def _letter_variants() -> dict[str, str]:
    """Each ASCII letter and the Vietnamese letters that fold to it ('d' → 'dđ', 'a' → 'aàá…')."""
    table: dict[str, set[str]] = {}
    for cp in list(range(0xC0, 0x250)) + list(range(0x1EA0, 0x1EFA)):
        ch = chr(cp).lower()
        base = fold(ch)
        if len(base) == 1 and base.isascii() and base.isalpha() and base != ch:
            table.setdefault(base, set()).add(ch)
    return {base: base + "".join(sorted(chars)) for base, chars in table.items()}


_VARIANTS = _letter_variants()


def _loose(folded_pattern: str) -> str:
    """A regex written without diacritics made to match the text with or without them."""
    out, i = [], 0
    while i < len(folded_pattern):
        ch = folded_pattern[i]
        if ch == "\\":
            out.append(folded_pattern[i:i + 2])
            i += 2
            continue
        if ch == "(" and folded_pattern.startswith("(?", i):  # keep group syntax (?:, (?P<n>
            end = folded_pattern.index(">", i) + 1 if folded_pattern.startswith("(?P<", i) else i + 3
            out.append(folded_pattern[i:end])
            i = end
            continue
        out.append(f"[{_VARIANTS[ch]}]" if ch in _VARIANTS else r"\s+" if ch == " " else ch)
        i += 1
    return "".join(out)


def _compile_leading(pattern: str) -> re.Pattern:
    return re.compile(rf"^{_OPEN}*(?:{_loose(pattern)})(?:{_CLOSE}+|$)", re.IGNORECASE)


def _compile_trailing(pattern: str) -> re.Pattern:
    return re.compile(rf"(?:^|{_OPEN}+)(?:{_loose(pattern)}){_CLOSE}*$", re.IGNORECASE)


_LEADING_RE = [_compile_leading(p) for p in _LEADING]
_TRAILING_RE = [_compile_trailing(p) for p in _TRAILING]
_BUNDLE_RE = [(_compile_trailing(p), extra) for p, extra in _BUNDLES]


@dataclass(frozen=True)
class Procedure:
    code: str
    name: str
    field: str | None = None
    level: int | None = None


@dataclass
class CatalogueMatch:
    declared_name: str          # as declared
    core_name: str              # the name without bundle/boilerplate wording: what was compared
    code: str | None            # the best catalogue procedure (None when the catalogue is empty)
    name: str | None            # its catalogue name
    score: float                # 0..100, rounded to 1 decimal
    threshold: float
    matched: bool               # score >= threshold, or the name is just a catalogue code
    procedures: list[str]       # the codes this service counts as (V.4.2.b); [] when not matched
    notes: list[str]            # English, for reviewers

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass
class _Core:
    text: str
    codes: list[str]            # TTHC codes written in the name itself
    bundle: int | None          # the number of procedures the wording says it bundles


def strip_wording(name: str) -> _Core:
    """The procedure's name inside a declared name: leading "Thủ tục", "DVCTT mức độ 4:", a code;
    trailing "- mức độ 4", "(toàn trình)", "(gộp 3 thủ tục)", "và 2 thủ tục liên quan" removed."""
    text = re.sub(r"\s+", " ", nfc(name)).strip()
    codes: list[str] = []
    bundle: int | None = None
    changed = True
    while changed and text:
        changed = False
        for pattern in _LEADING_RE:
            m = pattern.search(text)
            if m and m.end() < len(text):  # never strip the whole name
                if m.groupdict().get("code"):
                    codes.append(m.group("code"))
                text, changed = text[m.end():].strip(), True
                break
        else:
            for pattern, extra in [(p, None) for p in _TRAILING_RE] + _BUNDLE_RE:
                m = pattern.search(text)
                if m and m.start() > 0:
                    groups = m.groupdict()
                    if groups.get("code"):
                        codes.append(groups["code"])
                    if groups.get("n") and extra is not None and bundle is None:
                        bundle = int(groups["n"]) + extra
                    text, changed = text[:m.start()].strip(), True
                    break
    return _Core(text.strip(" -–—:,;.|/") or nfc(name).strip(), codes, bundle)


def _spelling(words: list[str]) -> str:
    # "kí"/"ký", "lí"/"lý", "mĩ"/"mỹ": both spellings are in use after a consonant
    return " ".join(_Y_AFTER_CONSONANT.sub(r"\1i\2", w) if _Y_AFTER_CONSONANT.fullmatch(w) else w
                    for w in words)


def accented_key(text: str) -> str:
    """Lower case, punctuation away, one tone placement, i/y spelling unified; diacritics kept."""
    return _spelling(toneless_placement(text).split())


def folded_key(text: str) -> str:
    return _spelling(fold(text).split())


def similarity(a: str, b: str, **_: Any) -> float:
    """How alike two normalised names are, 0..100, before the penalties of `Catalogue.match`.

    The mean of RapidFuzz's Indel ratio (`fuzz.ratio`) on the characters and on the words
    (syllables). The character ratio forgives a typo or a missing tone inside a syllable; the
    word ratio makes each syllable that differs cost its share, so that a syllable changing the
    procedure does not hide in a long shared stem: `fuzz.ratio` alone gives "Cấp giấy phép hoạt
    động in" / "… hoạt động tôn giáo" 87.0, a false match at 85; the mean gives 81.9. Extra or
    missing words always cost, unlike `partial_ratio` / `token_set_ratio`, which give a name
    contained in another 100 ("Đăng ký hoạt động cơ sở in" within a longer name); word order
    counts, unlike `token_sort_ratio`: reordered syllables are another phrase.
    """
    return (fuzz.ratio(a, b) + fuzz.ratio(a.split(), b.split())) / 2


def _qualifiers(key: str, phrases: dict[str, str]) -> set[str]:
    padded = f" {key} "
    return {phrase for needle, phrase in phrases.items() if f" {needle} " in padded}


_ACCENTED_QUALIFIERS = {accented_key(q): q for q in QUALIFIERS}
_FOLDED_QUALIFIERS = {folded_key(q): q for q in QUALIFIERS}


def _replaced(a: str, b: str) -> list[tuple[str, str]]:
    """Syllables of `a` that, aligned with `b`, stand where `b` has another syllable (not a
    misspelling of it)."""
    wa, wb = a.split(), b.split()
    return [(wa[op.src_pos], wb[op.dest_pos]) for op in Levenshtein.editops(wa, wb)
            if op.tag == "replace" and fuzz.ratio(wa[op.src_pos], wb[op.dest_pos]) < MISSPELLING]


def _display(text: str, key: Callable[[str], str]) -> dict[str, str]:
    """Normalised syllable → the syllable as written, for notes."""
    return {key(word): word.lower() for word in re.findall(r"\w+", nfc(text))}


class Catalogue:
    """The approved TTHC catalogue, matched by name."""

    def __init__(self, procedures: list[Procedure]):
        self._by_code: dict[str, Procedure] = {}
        for procedure in procedures:
            self._by_code.setdefault(procedure.code.strip(), procedure)
        self._procedures = sorted(self._by_code.values(), key=lambda p: p.code)
        self._accented = [accented_key(p.name) for p in self._procedures]
        self._folded = [folded_key(p.name) for p in self._procedures]

    @classmethod
    def from_workspace(cls, ws) -> "Catalogue":
        return cls([Procedure(str(row["code"]), row["name"] or "", row.get("field"), row.get("level"))
                    for row in catalog(ws)])

    def __len__(self) -> int:
        return len(self._procedures)

    def __iter__(self):
        return iter(self._procedures)

    def get(self, code: str) -> Procedure | None:
        return self._by_code.get((code or "").strip())

    def match(self, name: str, declared_codes: list[str] | None = None,
              threshold: float = DEFAULT_THRESHOLD) -> CatalogueMatch:
        """The procedure the declared name stands for. The name's core (`strip_wording`) is
        compared with diacritics (tone placement, case, punctuation and i/y unified), or without
        them when the core has none; the best score wins, ties going to a declared code, then to
        the lower code. A matched service counts as its declared codes that exist, with the
        matched code first when it was not declared; an unmatched one counts as none."""
        core = strip_wording(name)
        notes: list[str] = []
        declared: list[str] = []
        for code in declared_codes or []:
            code = str(code).strip()
            if code in declared:
                continue
            if code in self._by_code:
                declared.append(code)
            else:
                notes.append(f"declared code {code} is not in the catalogue; ignored")
        for code in core.codes:
            notes.append(f"the name carries code {code}"
                         + ("" if code in self._by_code else ", which is not in the catalogue"))

        if not self._procedures:
            notes.append("the catalogue is empty")
            return CatalogueMatch(name, core.text, None, None, 0.0, threshold, False, [], notes)

        if CODE.fullmatch(core.text) and core.text in self._by_code:
            # the agency wrote the procedure's code in the name column: an exact code hit
            best = self._by_code[core.text]
            notes.append(f"the name is the catalogue code {best.code}")
            return self._result(name, core, best, 100.0, threshold, True, declared, notes)

        accented = has_diacritics(core.text)
        key = accented_key if accented else folded_key
        keys = self._accented if accented else self._folded
        phrases = _ACCENTED_QUALIFIERS if accented else _FOLDED_QUALIFIERS
        if not accented:
            notes.append("the name has no diacritics; compared without them")
        query = key(core.text)
        own = _qualifiers(query, phrases)
        ranked = []
        for _, base, index in process.extract(query, keys, scorer=similarity, limit=None):
            differ = own ^ _qualifiers(keys[index], phrases)
            replaced = _replaced(query, keys[index])
            score = round(max(0.0, base - QUALIFIER_PENALTY * len(differ)
                              - REPLACED_WORD_PENALTY * len(replaced)), 1)
            code = self._procedures[index].code
            ranked.append((-score, code not in declared, code, index, differ, replaced))
        negative, _, code, index, differ, replaced = min(ranked)
        best, score = self._by_code[code], -negative
        if differ:
            notes.append(f"{', '.join(repr(q) for q in sorted(differ))} in only one of the names: "
                         f"{QUALIFIER_PENALTY:g} points off each")
        if replaced:
            ours, theirs = _display(core.text, key), _display(best.name, key)
            pairs = ", ".join(f"'{ours.get(a, a)}' for '{theirs.get(b, b)}'" for a, b in replaced)
            notes.append(f"{pairs}: {REPLACED_WORD_PENALTY:g} points off each replaced word")
        return self._result(name, core, best, score, threshold, score >= threshold, declared, notes)

    def _result(self, name: str, core: _Core, best: Procedure, score: float, threshold: float,
                matched: bool, declared: list[str], notes: list[str]) -> CatalogueMatch:
        if not matched:
            if declared:
                notes.append(f"declared codes {', '.join(declared)} but the name matches no "
                             f"procedure; flagged for review")
            return CatalogueMatch(name, core.text, best.code, best.name, score, threshold, False,
                                  [], notes)
        procedures = list(declared)
        if best.code not in procedures:
            procedures.insert(0, best.code)
            if declared:
                notes.append(f"matched code {best.code} was not among the declared codes; added")
        if core.bundle is not None and core.bundle != len(procedures):
            notes.append(f"the name says it bundles {core.bundle} procedures; "
                         f"{len(procedures)} counted")
        return CatalogueMatch(name, core.text, best.code, best.name, score, threshold, True,
                              procedures, notes)
