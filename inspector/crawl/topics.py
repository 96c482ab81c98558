"""Which topic a section feeds: the topic its name names most specifically, once.

A section's name often carries words of several topics ("Kế hoạch - Lịch công tác tháng",
"Báo cáo tình hình kinh tế - xã hội", "Tài nguyên - Môi trường"). Counting the section for
every topic it mentions lends a work schedule to the development plans and a socio-economic
report to agricultural extension. The rule, for the topics a name carries:
  1. the general news topics (tin tức, tin địa phương) take every section named for them, and
     do not compete with the others;
  2. the other topics compete: the one whose keywords cover most words of the name wins
     ("lịch công tác" over "kế hoạch", "lấy ý kiến … góp ý dự thảo" over "ý kiến góp ý");
  3. topics that cover the very same words share the section (the three report topics of a
     "Thống kê - Báo cáo" section);
  4. different words of the same weight are told apart by the section's posts: the topics
     whose title keywords its posts carry most specifically win; without posts that tell,
     the words that come first win (a Vietnamese name puts its head first: "Báo cáo tình hình
     kinh tế" is a report, not the economy).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from ..model.sections import GENERAL_TOPICS
from ..model.textnorm import fold, has_diacritics, toneless_placement
from .discovery import expand_abbreviations, vocabulary


@dataclass(frozen=True)
class Phrase:
    """The words of a name a topic's keywords cover: which spelling of the name (0: as
    written, 1: abbreviations read out), the positions of the covered words, and the longest
    keyword matched."""

    variant: int
    covered: frozenset[int]
    keyword: str

    @property
    def words(self) -> int:
        return len(self.covered)


@dataclass(frozen=True)
class Assignment:
    """The topics a section feeds, and why: the phrase of its name each one matched, and the
    topics its name also carried that lost (with the phrase that beat them)."""

    topics: tuple[str, ...]
    matched: dict
    competing: tuple[tuple[str, str, str], ...] = ()     # (topic, its keyword, why it lost)

    def explain(self) -> str:
        parts = [f"{t}: {self.matched[t]!r}" for t in self.topics if t in self.matched]
        for topic, keyword, why in self.competing:
            parts.append(f"not {topic} ({keyword!r}: {why})")
        return "; ".join(parts)


def _tokens(text: str, accented: bool) -> list[str]:
    return (toneless_placement(text) if accented else fold(text)).split()


def _find(haystack: list[str], needle: list[str]) -> int:
    n = len(needle)
    for i in range(len(haystack) - n + 1):
        if haystack[i:i + n] == needle:
            return i
    return -1


@functools.lru_cache(maxsize=8192)
def name_phrases(name: str) -> dict[str, Phrase]:
    """Per topic whose section keywords the name carries, the words of the name they cover."""
    variants = [name]
    expanded = expand_abbreviations(name)
    if expanded != name:
        variants.append(expanded)
    found: dict[str, Phrase] = {}
    for index, text in enumerate(variants):
        accented_text = has_diacritics(text)
        words = {True: _tokens(text, True), False: _tokens(text, False)}
        for topic, spec in vocabulary().topics.items():
            covered: set[int] = set()
            longest = ""
            for keyword in spec["section_keywords"]:
                accented = has_diacritics(keyword) and accented_text
                needle = _tokens(keyword, accented)
                if not needle:
                    continue
                start = _find(words[accented], needle)
                if start < 0:
                    continue
                covered.update(range(start, start + len(needle)))
                if len(needle) > len(_tokens(longest, accented)):
                    longest = keyword
            if not covered:
                continue
            phrase = Phrase(index, frozenset(covered), longest)
            best = found.get(topic)
            if best is None or phrase.words > best.words:
                found[topic] = phrase
    return found


def _strength(topic: str, titles: list[str]) -> float:
    """How specifically a section's post titles name a topic: the mean, over the titles, of
    the longest topic keyword each carries (in words; 0 when none)."""
    keywords = vocabulary().topics[topic].get("topic_keywords") or []
    if not titles or not keywords:
        return 0.0
    total = 0
    for title in titles:
        accented_title = has_diacritics(title)
        best = 0
        for keyword in keywords:
            accented = has_diacritics(keyword) and accented_title
            needle = _tokens(keyword, accented)
            if needle and len(needle) > best and _find(_tokens(title, accented), needle) >= 0:
                best = len(needle)
        total += best
    return total / len(titles)


def assign(name: str, titles: list[str] = ()) -> Assignment:
    """The topics a section named ``name`` (whose posts have ``titles``) feeds."""
    phrases = name_phrases(name)
    if not phrases:
        return Assignment((), {})
    matched = {t: p.keyword for t, p in phrases.items()}
    general = [t for t in phrases if t in GENERAL_TOPICS]
    others = {t: p for t, p in phrases.items() if t not in GENERAL_TOPICS}
    competing: list[tuple[str, str, str]] = []
    winners: list[str] = []
    if others:
        most = max(p.words for p in others.values())
        top = {t: p for t, p in others.items() if p.words == most}
        for topic, phrase in others.items():
            if topic not in top:
                beaten_by = next(iter(top.values())).keyword
                competing.append((topic, phrase.keyword, f"{beaten_by!r} names more of it"))
        # topics covering the same words are one group; groups of equal weight are told
        # apart by the posts' titles
        groups: dict[tuple, list[str]] = {}
        for topic, phrase in top.items():
            groups.setdefault((phrase.variant, phrase.covered), []).append(topic)
        if len(groups) > 1 and titles:
            strengths = {key: max(_strength(t, list(titles)) for t in members)
                         for key, members in groups.items()}
            best = max(strengths.values())
            if best > 0:
                for key, members in list(groups.items()):
                    if strengths[key] < best:
                        for topic in members:
                            competing.append((topic, top[topic].keyword,
                                              "the posts' titles name another topic more"))
                        del groups[key]
        if len(groups) > 1:    # still a tie: the name's head (its first words) decides
            first = min(min(key[1]) for key in groups)
            for key, members in list(groups.items()):
                if min(key[1]) != first:
                    for topic in members:
                        competing.append((topic, top[topic].keyword,
                                          "the name's first words name another topic"))
                    del groups[key]
        winners = [t for members in groups.values() for t in members]
    topics = tuple(t for t in vocabulary().topics if t in set(general) | set(winners))
    return Assignment(topics, {t: matched[t] for t in topics}, tuple(competing))
