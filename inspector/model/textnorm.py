"""Vietnamese text normalisation for comparisons: NFC, case, tone placement, diacritic folding."""

from __future__ import annotations

import functools
import re
import unicodedata

_SPACES = re.compile(r"[\s\u00a0\u200b]+")
_PUNCT = re.compile(r"[-–—_/|,.;:()\[\]\"'“”‘’!?…*+&]+")
# The five tone marks, as combining characters after NFD. Vowel-quality marks (circumflex,
# breve, horn) are not tones and stay where they are.
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_MARKS_OTHER_THAN_TONE = {"\u0302", "\u0306", "\u031b"}


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "")


def _clean(text: str) -> str:
    return _SPACES.sub(" ", _PUNCT.sub(" ", text)).strip()


class _WithoutMarks(dict):
    """A str.translate table that drops nonspacing marks (Unicode category Mn) and keeps every
    other character, filled as characters are met: a page's text is translated in C instead
    of a Python test per character."""

    def __missing__(self, codepoint: int) -> int | None:
        kept = None if unicodedata.category(chr(codepoint)) == "Mn" else codepoint
        self[codepoint] = kept
        return kept


_WITHOUT_MARKS = _WithoutMarks()
_WITHOUT_TONES = {ord(tone): None for tone in _TONES}
_A_TONE = re.compile("[" + "".join(sorted(_TONES)) + "]")


def fold(text: str) -> str:
    """All diacritics away, đ → d: 'Chỉ đạo - Điều hành' → 'chi dao dieu hanh'."""
    text = nfc(text).replace("Đ", "D").replace("đ", "d").lower()
    return _clean(unicodedata.normalize("NFD", text).translate(_WITHOUT_MARKS))


def toneless_placement(text: str) -> str:
    """Lower case with diacritics kept, but each word's tone mark moved to the word's end, so
    that old and new tone placement agree ('hoà' and 'hòa', 'thuỷ' and 'thủy')."""
    # decomposition and composition stay within a word (a space combines with nothing), so
    # the whole text is decomposed and recomposed at once, word by word only for the tone
    decomposed = unicodedata.normalize("NFD", _clean(nfc(text).lower()))
    bases = unicodedata.normalize("NFC", decomposed.translate(_WITHOUT_TONES)).split(" ")
    tones = [found.group() if (found := _A_TONE.search(word)) else ""
             for word in decomposed.split(" ")]
    return " ".join(base + tone for base, tone in zip(bases, tones, strict=True))


def has_diacritics(text: str) -> bool:
    decomposed = unicodedata.normalize("NFD", nfc(text))
    return "đ" in text.lower() or any(
        ch in _TONES or ch in _MARKS_OTHER_THAN_TONE for ch in decomposed)


SHORT_TEXT = 300


# a portal's repeated words are a few hundred texts; 4,096 of at most 300 characters stay
# within about 10 MB
@functools.lru_cache(maxsize=4096)
def _forms(text: str) -> tuple[str, str, bool]:
    return f" {toneless_placement(text)} ", f" {fold(text)} ", has_diacritics(text)


class Matcher:
    """Whole-word keyword matching that respects diacritics when the keyword has them ('quý'
    is not 'quy định', 'năm' is not 'Nam') and falls back to folded text when the keyword or the
    text has none (abbreviations like 'PBGDPL', or a portal written without accents)."""

    def __init__(self, text: str):
        text = text or ""
        # a portal repeats its menus' and boxes' words on every page: short texts are
        # normalised once
        forms = _forms(text) if len(text) <= SHORT_TEXT else _forms.__wrapped__(text)
        self.accented, self.folded, self.text_has_diacritics = forms

    def find(self, keywords: list[str]) -> str | None:
        for keyword in keywords:
            if self.has(keyword):
                return keyword
        return None

    def has(self, keyword: str) -> bool:
        accented, folded = _needles(keyword)
        if accented is not None and self.text_has_diacritics:
            return bool(accented) and f" {accented} " in self.accented
        return bool(folded) and f" {folded} " in self.folded


@functools.lru_cache(maxsize=4096)
def _needles(keyword: str) -> tuple[str | None, str]:
    """A keyword's accented form (None when it has no diacritics) and its folded form; keywords
    come from a few checklists, so they are normalised once."""
    return (toneless_placement(keyword) if has_diacritics(keyword) else None), fold(keyword)


def contains_any(text: str, keywords: list[str]) -> str | None:
    """The first keyword found in the text as whole words, or None."""
    return Matcher(text).find(keywords)
