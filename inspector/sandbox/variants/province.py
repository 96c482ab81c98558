"""A province of variant portals: for each seed a small part (a province department, a district
and one of its communes, sometimes published as a sub-site under the district's host), content
from the sandbox's generator, each portal in its own drawn theme.

Seeds policy: develop on 1-50, report on 101-150 (held out; see docs/sandbox.md)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from typing import Iterable

from .. import vocabulary as V
from ..generator import Plan, make_catalogue, needed_topics
from ..model import Agency, Province, Section
from ..portal import slugify
from ..province import _build, declare_reports
from .theme import UNDATED_FORMS, Theme, draw_theme

PROVINCE_NAME = "Tỉnh Đa Dạng (mô phỏng, kho giao diện)"
DEVELOPMENT_SEEDS = tuple(range(1, 51))
HELD_OUT_SEEDS = tuple(range(101, 151))
PROFILES = ("exemplary", "average", "average", "neglected")

# Section names as real portals write them, sharing words with other topics: the section's true
# topic (Section.topics) is the one it was written for, whatever else its name carries.
SHARED_WORD_SECTIONS = {
    "lich-cong-tac": ("Kế hoạch - Lịch công tác tháng", "Lịch công tác và kế hoạch tuần"),
    "bao-cao-ktxh": ("Báo cáo tình hình kinh tế - xã hội",),
    "chi-dao-dieu-hanh": ("Thông báo - Chỉ đạo điều hành",),
    "san-xuat-kinh-doanh": ("Khuyến nông",),
}
# Shared-word sections that exist (in the menu) and hold nothing.
EMPTY_SHARED = ("san-xuat-kinh-doanh",)


@dataclass
class VariantProvince(Province):
    """A Province whose portals are VariantPortals: each agency's theme, and the sub-sites
    (agency id → (host agency id, path prefix)) the server mounts under their host."""

    themes: dict[str, Theme] = field(default_factory=dict)
    mounts: dict[str, tuple[str, str]] = field(default_factory=dict)
    seeds: tuple[int, ...] = ()


def parse_seeds(text: str) -> list[int]:
    """"1-50", "3,7,9", "1-10,101-110" → the seeds, in order, once each."""
    seeds: list[int] = []
    for part in str(text).split(","):
        part = part.strip()
        if not part:
            continue
        low, _, high = part.partition("-")
        numbers = range(int(low), int(high or low) + 1)
        seeds += [n for n in numbers if n not in seeds]
    if not seeds:
        raise ValueError(f"no seed in {text!r}")
    return seeds


def _unique_key(agency: Agency, name: str) -> str:
    key = slugify(name)
    while any(s.key == key for s in agency.sections):
        key += "-1"
    return key


def shared_word_sections(agency: Agency, rng: random.Random) -> list[str]:
    """Give some of the agency's topics a section named with other topics' words too: rename
    the topic's own section, split its posts out of a section it shares, or gather them from
    the general news. "Khuyến nông" is added empty. Returns the names used."""
    used = []
    for topic, names in SHARED_WORD_SECTIONS.items():
        if topic not in needed_topics(agency.level) or rng.random() >= 0.5:
            continue
        name = rng.choice(names)
        placement = rng.choice(["menu", "menu", "submenu", "footer", "sitemap_only"])
        if topic in EMPTY_SHARED:
            if any(s.name == name for s in agency.sections):
                continue   # the generator named the topic's own section so
            agency.sections.append(Section(_unique_key(agency, name), name, [topic], [],
                                           placement=rng.choice(["menu", "submenu"])))
            used.append(name)
            continue
        holders = [s for s in agency.sections if topic in s.topics and not s.general]
        if holders and holders[0].topics == [topic]:
            section = holders[0]
            section.name, section.key = name, _unique_key(agency, name)
        else:
            if holders:  # a section of several topics: this one's posts get a section of their own
                source = [holders[0]]
                holders[0].topics.remove(topic)
            else:        # published among the general news
                source = [s for s in agency.sections if s.general]
            moved = [p for s in source for p in s.posts if p.topic == topic]
            for s in source:
                s.posts = [p for p in s.posts if p.topic != topic]
            moved.sort(key=lambda p: (p.published, p.id), reverse=True)
            agency.sections.append(Section(_unique_key(agency, name), name, [topic], moved,
                                           placement=placement,
                                           listing_dates=rng.random() > 0.15))
        used.append(name)
    return used


def apply_theme(agency: Agency, theme: Theme) -> None:
    """What a theme decides of the content's presentation: one page size for the portal (at
    least 10 for tables of documents and questions), no listing date in undated forms."""
    for section in agency.sections:
        section.page_size = theme.page_size if section.layout == "news" else max(theme.page_size, 10)
        if theme.form_of(section) in UNDATED_FORMS:
            section.listing_dates = False


def generate_variant_province(seeds: Iterable[int], as_of: date) -> VariantProvince:
    """For each seed: a department, a district and a commune of that district (a sub-site of
    it on about two seeds in five), with the generator's content and their own themes."""
    seeds = tuple(seeds)
    catalogue = make_catalogue()
    province = VariantProvince(name=PROVINCE_NAME, seed=seeds[0] if seeds else 0, as_of=as_of,
                               tthc_total=len(catalogue), agencies=[], catalogue=catalogue,
                               seeds=seeds)
    codes = {p.code for p in catalogue}
    for seed in seeds:
        rng = random.Random(f"variant/{seed}/part")
        department, district, commune = (rng.choice(V.DEPARTMENTS), rng.choice(V.DISTRICTS),
                                         rng.choice(V.COMMUNES))
        subsite = rng.random() < 0.4
        district_id = f"v{seed}-{district[0]}"
        part = [("province", department, None), ("district", district, None),
                ("commune", commune, district_id)]
        for k, (level, (base_id, name, site), parent) in enumerate(part):
            agency_id = f"v{seed}-{base_id}"
            plan = Plan(level, rng.choice(PROFILES), {})
            agency = _build(seed, as_of, (agency_id, name, f"{site}{seed}"), plan, parent,
                            "variant", catalogue, province, codes, [],
                            service_offset=seed * 3 + k)
            shared_word_sections(agency, random.Random(f"variant/{seed}/{agency_id}/sections"))
            theme = draw_theme(seed, agency_id)
            if level == "commune" and subsite:
                province.mounts[agency_id] = (district_id, f"/{base_id}")
                theme.subsite = "yes"
            apply_theme(agency, theme)
            province.themes[agency_id] = theme
            province.agencies.append(agency)
    declare_reports(province, codes)
    return province
