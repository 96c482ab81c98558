"""Rankings of Section VI: each group's agencies ordered from high to low, per category and
overall, with their ratings; ties share a place; what cannot be ranked is listed with why.

Groups (VI.3): the province's departments, the districts, the communes. A category ranks the
agencies whose category is complete by its points; its rating is the category's (Tốt / Khá /
Trung bình, or Mức I–IV). Overall, departments rank by their total over every category
(1000 points; the seed gives no overall rating for a department), districts and communes by
their Mức, then their total; one below Mức IV is "không xếp hạng" (V.3.2.a) and is listed
apart, as is any agency whose categories are not all known.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from fractions import Fraction
from typing import Any

GROUPS = (("province", "Nhóm các cơ quan sở, ngành cấp tỉnh"),
          ("district", "Nhóm Ủy ban nhân dân các huyện, thị xã, thành phố"),
          ("commune", "Nhóm Ủy ban nhân dân các xã, phường, thị trấn"))
LEVELS = ("Mức I", "Mức II", "Mức III", "Mức IV")
NOT_RANKED = "Dưới Mức IV (không xếp hạng)"


@dataclass
class Place:
    agency_id: str
    name: str
    points: float | None
    rating: str | None
    rank: int | None = None       # competition ranking: 1, 2, 2, 4
    tied: bool = False
    why_not: str | None = None    # why the agency is not ranked


@dataclass
class Ranking:
    group: str                    # province | district | commune
    group_title: str
    category_id: str              # a category id, or "overall"
    title: str
    max_points: float | None
    places: list[Place] = field(default_factory=list)
    not_ranked: list[Place] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Ranking":
        """Back from ``as_dict`` (a published year keeps its rankings as they were)."""
        fields = {k: v for k, v in data.items() if k not in ("places", "not_ranked")}
        return cls(**fields, places=[Place(**p) for p in data["places"]],
                   not_ranked=[Place(**p) for p in data["not_ranked"]])


def _ranked(places: list[Place], key) -> list[Place]:
    """Order by ``key`` (higher first); equal keys share the place of the first of them."""
    ordered = sorted(places, key=lambda p: p.agency_id)   # ties listed by id
    ordered.sort(key=key, reverse=True)                    # stable: keeps that order
    for index, place in enumerate(ordered):
        same = index > 0 and key(ordered[index - 1]) == key(place)
        place.rank = ordered[index - 1].rank if same else index + 1
        if same:
            place.tied = ordered[index - 1].tied = True
    return ordered


def _exact(value: float) -> Fraction:
    # stored points carry 4 decimals: compare them exactly, not as floats that drift
    return Fraction(str(value))


def rankings(document: dict[str, Any]) -> list[Ranking]:
    """Every group's rankings from the results document (schema inspector-results/1)."""
    result = []
    for group, group_title in GROUPS:
        agencies = [a for a in document["agencies"] if a["level"] == group]
        if not agencies:
            continue
        categories: dict[str, dict[str, Any]] = {}
        for agency in agencies:
            for category in agency["categories"]:
                categories.setdefault(category["id"], category)
        for cid, first in sorted(categories.items()):
            ranking = Ranking(group, group_title, cid, first["title"], first["max_points"])
            ranked = []
            for agency in agencies:
                category = next((c for c in agency["categories"] if c["id"] == cid), None)
                place = Place(agency["id"], agency["name"],
                              category and category["points"], category and category["rating"])
                if category is None or not category["complete"]:
                    missing = (category or {}).get("missing") or []
                    place.why_not = ("chưa đủ dữ liệu: " + ", ".join(missing[:5])
                                     + (" …" if len(missing) > 5 else "")) if missing \
                        else "chưa đủ dữ liệu"
                    ranking.not_ranked.append(place)
                else:
                    ranked.append(place)
            ranking.places = _ranked(ranked, lambda p: _exact(p.points))
            ranking.not_ranked.sort(key=lambda p: p.agency_id)
            result.append(ranking)
        result.append(_overall(group, group_title, agencies))
    return result


def _overall(group: str, group_title: str, agencies: list[dict[str, Any]]) -> Ranking:
    first_total = next((a["overall"]["total"] for a in agencies
                        if a.get("overall", {}).get("total")), {})
    ranking = Ranking(group, group_title, "overall", "Tổng hợp",
                      first_total.get("max_points"))
    ranked = []
    for agency in agencies:
        overall = agency.get("overall") or {}
        total = overall.get("total") or {}
        level = overall.get("level") if group != "province" else None
        place = Place(agency["id"], agency["name"], total.get("points"), level)
        if total.get("points") is None:
            place.why_not = "chưa đủ dữ liệu: " + ", ".join(total.get("missing") or [])
            ranking.not_ranked.append(place)
        elif group != "province" and level not in LEVELS:
            place.why_not = "không xếp hạng (dưới Mức IV)" if level == NOT_RANKED \
                else "chưa xác định mức"
            ranking.not_ranked.append(place)
        else:
            ranked.append(place)
    ranking.not_ranked.sort(key=lambda p: p.agency_id)
    if group == "province":
        ranking.places = _ranked(ranked, lambda p: _exact(p.points))
    else:
        # Mức I before Mức II…, then by total points within a Mức
        ranking.places = _ranked(ranked, lambda p: (-LEVELS.index(p.rating), _exact(p.points)))
    return ranking
