"""Assemble the sandbox province: which agencies, on which platform, towards which rating, with
which trouble; agencies with a target are regenerated until the expected scores reach it."""

from __future__ import annotations

import random
from datetime import date

from . import vocabulary as V
from .coverage import Scorer, complete_bands
from .generator import (QUALITY, Plan, generate_agency, generate_services, hub_services,
                        make_catalogue)
from .model import PLATFORMS, Agency, Province
from .reports import declare_answers, draw_answers
from .truth import children_summaries, perfect_observations, ratings, score

DEFAULT_AGENCIES = 17
MAX_ATTEMPTS = 400
PORTAL_CATEGORY = {"province": "1B/III", "district": "2B/II/I", "commune": "3B/II/I"}
# Behaviours of services at agencies with a rating target: none needs a person, so the
# category can be scored; the other agencies get every behaviour, captcha included.
TARGET_BEHAVIOURS = ["works", "flaky", "works", "submission_fails", "slow", "dead_link",
                     "no_status_lookup", "registration_broken"]
ALL_BEHAVIOURS = ["works", "captcha", "registration_broken", "flaky", "submission_fails",
                  "no_status_lookup", "dead_link", "slow"]

# The default province: (level, profile, targets, troubles, parent index in its level list).
DEFAULT_PLANS = [
    # 1B/IV cannot reach Tốt (checklists/1B-IV.yaml): the best department is Khá
    ("province", "exemplary", {"1B/III": "Tốt", "1B/IV": "Khá"}, ("dead_link", "duplicate_urls")),
    ("province", "average", {"1B/III": "Khá", "1B/IV": "Khá"}, ("language_loop", "intermittent_503")),
    ("province", "neglected", {"1B/III": "Trung bình", "1B/IV": "Trung bình"}, ()),
    ("province", "broken", {}, ("down",)),
    ("district", "exemplary", {"2B/II/I": "Mức I"}, ("duplicate_urls",)),
    ("district", "average", {"2B/II/I": "Mức III"}, ("https_self_signed",)),
    ("district", "average", {"2B/II/I": "Mức IV"}, ("calendar_trap",)),
    ("district", "neglected", {"2B/II/I": "Dưới Mức IV (không xếp hạng)"}, ("dead_link",)),
    ("commune", "exemplary", {"3B/II/I": "Mức I"}, ()),
    ("commune", "average", {"3B/II/I": "Mức III"}, ("duplicate_urls",)),
    ("commune", "average", {"3B/II/I": "Mức IV"}, ()),
    ("commune", "neglected", {"3B/II/I": "Dưới Mức IV (không xếp hạng)"}, ()),
    ("commune", "broken", {}, ("slow", "intermittent_503")),
    ("commune", "average", {}, ("language_loop",)),
    ("district", "average", {}, ()),
    ("district", "neglected", {}, ()),
    ("province", "average", {}, ("duplicate_urls",)),
]
TARGET_SHARES = {  # rating → (min share, max share) of the category's maximum
    "province": {"Tốt": (0.8, 1.01), "Khá": (0.65, 0.8), "Trung bình": (0.0, 0.65)},
    "district": {"Mức I": (0.9, 1.01), "Mức III": (0.85, 0.9), "Mức IV": (0.8, 0.85),
                 "Dưới Mức IV (không xếp hạng)": (0.0, 0.8)},
    "commune": {"Mức I": (0.9, 1.01), "Mức III": (0.8, 0.9), "Mức IV": (0.7, 0.8),
                "Dưới Mức IV (không xếp hạng)": (0.0, 0.7)},
}


class TargetNotReached(RuntimeError):
    pass


def plans(count: int) -> list[tuple[str, str, dict, tuple]]:
    """The default plans, then (for larger provinces) agencies of every profile in turn. A
    province smaller than the default keeps no district target: a district's rating rests on
    communes the first plans may leave out."""
    result = list(DEFAULT_PLANS[:count])
    if count < len(DEFAULT_PLANS):
        result = [(level, profile, {} if level == "district" else targets, troubles)
                  for level, profile, targets, troubles in result]
    profiles = ["average", "exemplary", "neglected", "average", "broken"]
    levels = ["commune", "commune", "district", "commune", "province"]
    i = 0
    while len(result) < count:
        profile = profiles[i % len(profiles)]
        troubles = ("slow",) if profile == "broken" else ()
        result.append((levels[i % len(levels)], profile, {}, troubles))
        i += 1
    return result


def _identities(level_plans: dict[str, int]) -> dict[str, list[tuple[str, str, str]]]:
    pools = {"province": V.DEPARTMENTS, "district": V.DISTRICTS, "commune": V.COMMUNES}
    result = {}
    for level, n in level_plans.items():
        pool = pools[level]
        result[level] = [pool[i] if i < len(pool) else
                         (f"{pool[i % len(pool)][0]}-{i // len(pool) + 1}",
                          f"{pool[i % len(pool)][1]} {i // len(pool) + 1}",
                          f"{pool[i % len(pool)][2]}{i // len(pool) + 1}") for i in range(n)]
    return result


def _share(result, category: str) -> float | None:
    for c in result.categories:
        if c.id == category:
            return c.points / c.max_points if c.complete else None
    return None


def generate_province(seed: int = 1, agencies: int = DEFAULT_AGENCIES,
                      as_of: date | None = None) -> Province:
    as_of = as_of or date.today()
    catalogue = make_catalogue()
    province = Province(name="Tỉnh An Hòa (mô phỏng)", seed=seed, as_of=as_of,
                        tthc_total=len(catalogue), agencies=[], catalogue=catalogue)
    codes = {p.code for p in catalogue}
    chosen = plans(agencies)
    counts: dict[str, int] = {}
    for level, *_ in chosen:
        counts[level] = counts.get(level, 0) + 1
    idents = _identities(counts)
    districts = [i for i, plan in enumerate(chosen) if plan[0] == "district"]
    used = {level: 0 for level in counts}
    ordered = sorted(range(len(chosen)), key=lambda i: ["commune", "district", "province"]
                     .index(chosen[i][0]))  # communes first: a district's score needs them
    built: dict[int, Agency] = {}
    for index in ordered:
        level, profile, targets, troubles = chosen[index]
        ident = idents[level][sorted(i for i, p in enumerate(chosen) if p[0] == level).index(index)]
        used[level] += 1
        parent = None
        if level == "commune":
            commune_no = sorted(i for i, p in enumerate(chosen) if p[0] == "commune").index(index)
            # the default communes sit one per district; the extra ones (benchmarks) under
            # districts without a target, whose scores may take any value
            pool = list(range(len(districts)))
            if index >= len(DEFAULT_PLANS):
                pool = [k for k, d in enumerate(districts) if not chosen[d][2]] or pool
            parent = idents["district"][pool[commune_no % len(pool)]][0] if districts else None
        platform = PLATFORMS[index % len(PLATFORMS)]
        plan = Plan(level, profile, dict(targets), tuple(troubles))
        children = []
        if level == "district":
            children = children_summaries(ident[0], built.values(), province,
                                          lambda child: perfect_observations(child, codes))
        agency = _build(seed, as_of, ident, plan, parent, platform, catalogue, province, codes,
                        children, service_offset=index)
        built[index] = agency
    province.agencies = [built[i] for i in range(len(chosen))]
    if agencies == len(DEFAULT_PLANS):    # every band of every criterion needs them all
        complete_bands(province, Scorer(lambda a: expected_result(province, a, codes),
                                        lambda a: a.targets))
    declare_reports(province, codes)
    return province


def declare_reports(province: Province, codes: set[str]) -> None:
    """The reports' declared counts, from what each portal and its services finally hold; the
    first neglected agency of each level inflates one (the reviewer's declared-vs-observed
    flag)."""
    liars = {}
    for agency in province.agencies:
        if agency.profile == "neglected" and not agency.has("down"):
            liars.setdefault(agency.level, agency.id)
    for agency in province.agencies:
        agency.survey.update(declare_answers(agency, perfect_observations(agency, codes),
                                             province.as_of,
                                             inflate=liars.get(agency.level) == agency.id))


def expected_result(province: Province, agency: Agency, codes: set[str]):
    """The engine's result on what a perfect inspection of the agency observes."""
    children = None
    if agency.level == "district":
        children = children_summaries(agency.id, province.agencies, province,
                                      lambda child: perfect_observations(child, codes))
    return score(agency, province, perfect_observations(agency, codes), children)


def _build(seed, as_of, ident, plan: Plan, parent, platform, catalogue, province, codes,
           children, service_offset: int) -> Agency:
    q = QUALITY[plan.profile]
    portal_target = plan.targets.get(PORTAL_CATEGORY[plan.level])
    low, high = TARGET_SHARES[plan.level].get(portal_target, (0.0, 1.01))
    step = 0.15
    last = None
    for attempt in range(MAX_ATTEMPTS):
        agency = generate_agency(seed=seed, as_of=as_of, ident=ident, plan=plan, parent=parent,
                                 platform=platform, attempt=attempt, catalogue=catalogue, q=q)
        rng = random.Random(f"{seed}/{ident[0]}/extra/{attempt}")
        if plan.level == "province" and "1B/IV" in plan.targets:
            services, tthc = hub_services(agency, catalogue, seed=seed, attempt=attempt,
                                          target=plan.targets["1B/IV"])
            agency.services, agency.tthc_total = services, tthc
        else:
            agency.services = generate_services(
                agency, catalogue, seed=seed, attempt=attempt, q=q, start=service_offset,
                behaviours=TARGET_BEHAVIOURS[service_offset % 3:] if plan.targets
                else ALL_BEHAVIOURS[service_offset % 8:] + ALL_BEHAVIOURS[:service_offset % 8])
        agency.survey = draw_answers(agency, q, rng, as_of)
        agency.targets = dict(plan.targets)
        if not plan.targets:
            return agency
        result = score(agency, province, perfect_observations(agency, codes), children or None)
        got = ratings(result)
        if all(got.get(cid) == label for cid, label in plan.targets.items()):
            return agency
        share = _share(result, PORTAL_CATEGORY[plan.level])
        if share is not None and portal_target:
            direction = 1 if share < low else -1 if share >= high else 0
            if direction and last is not None and direction != last:
                step = max(0.02, step * 0.6)
            if direction:
                q = min(1.0, max(0.0, q + direction * step))
                last = direction
        last_got = got
    raise TargetNotReached(f"{ident[0]}: no content reached {plan.targets} in {MAX_ATTEMPTS} "
                           f"attempts (last: {last_got})")

