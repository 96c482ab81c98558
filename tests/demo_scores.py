"""The scores of an `inspector export` document, without what differs between two runs of the
same inspection (ports, ids, times, evidence paths): what the demo must give the same twice."""

from __future__ import annotations

from typing import Any


def scores_of(document: dict[str, Any]) -> dict[str, Any]:
    return {
        "as_of": document["as_of"],
        "agencies": {agency["id"]: {
            "categories": [{k: c.get(k) for k in ("id", "points", "rating", "complete")}
                           for c in agency["categories"]],
            "overall": agency["overall"],
            "criteria": {c["id"]: [c["status"], c["points"], c["auto_points"]]
                         for c in agency["criteria"]},
            "services": sorted([s["name"], s["status"], s["recognised"]]
                               for s in agency["services"]),
        } for agency in document["agencies"]}}
