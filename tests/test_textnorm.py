"""Vietnamese text normalisation (model/textnorm.py): folding and tone placement give what the
character-by-character rule gives, on a table of strings, on every text of the pages saved
here and on those of the real NukeViet 4.5 and Liferay captures (when beside the checkout)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import lxml.html
import pytest

from inspector.model.textnorm import _TONES, _clean, fold, nfc, toneless_placement

REAL = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "real"
SAVED = Path(__file__).parent / "crawl" / "pages"


def fold_char_by_char(text: str) -> str:
    text = nfc(text).replace("Đ", "D").replace("đ", "d").lower()
    decomposed = unicodedata.normalize("NFD", text)
    return _clean("".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn"))


def toneless_word_by_word(text: str) -> str:
    words = []
    for word in _clean(nfc(text).lower()).split(" "):
        decomposed = unicodedata.normalize("NFD", word)
        tones = [ch for ch in decomposed if ch in _TONES]
        base = "".join(ch for ch in decomposed if ch not in _TONES)
        words.append(unicodedata.normalize("NFC", base) + "".join(tones[:1]))
    return " ".join(words)


@pytest.mark.parametrize("text, folded, toneless", [
    ("Chỉ đạo - Điều hành", "chi dao dieu hanh", "chi\u0309 đao\u0323 điêu\u0300 hanh\u0300"),
    ("Hoà giải", "hoa giai", "hoa\u0300 giai\u0309"),          # old tone placement
    ("Hòa giải", "hoa giai", "hoa\u0300 giai\u0309"),          # new: the same
    ("THUỶ LỢI", "thuy loi", "thuy\u0309 lơi\u0323"),
    ("Ủy ban nhân dân", "uy ban nhan dan", "uy\u0309 ban nhân dân"),
    ("Tin\u00a0tức\u200b–sự kiện", "tin tuc su kien", "tin tưc\u0301 sư\u0323 kiên\u0323"),
    ("PBGDPL", "pbgdpl", "pbgdpl"),
    ("", "", ""),
    ("  ", "", ""),
    ("a\u0301\u0300", "a", "a\u0301"),                      # two tones: the first is kept
    ("\u0301 ", "", "\u0301"),                              # a tone on nothing
    ("नमस्ते café", "नमसत cafe", "नमस्ते cafe\u0301"),      # other scripts' marks fold away
])
def test_a_table_of_strings(text, folded, toneless):
    assert fold(text) == folded == fold_char_by_char(text)
    assert toneless_placement(text) == toneless == toneless_word_by_word(text)


def _texts(pages: list[Path]) -> list[str]:
    texts = []
    for page in pages:
        doc = lxml.html.document_fromstring(page.read_bytes())
        texts.append(doc.text_content())                     # a whole page
        texts += [e.text_content() for e in doc.iter("a", "h1", "h2", "h3", "li", "td")][:200]
    return texts


def _check(texts: list[str]) -> None:
    for text in texts:
        assert fold(text) == fold_char_by_char(text)
        assert toneless_placement(text) == toneless_word_by_word(text)


def test_every_text_of_the_saved_pages():
    # the platforms' pages and Debian's real WordPress, saved in this repository
    texts = _texts(sorted(SAVED.rglob("*.html")))
    assert len(texts) > 1000
    _check(texts)


def test_every_text_of_the_real_captures():
    if not REAL.is_dir():
        pytest.skip(f"the real captures are not here (no ../shared beside the checkout): {REAL}")
    texts = _texts(sorted(REAL.rglob("*.html"))[:60])
    assert len(texts) > 1000
    _check(texts)
