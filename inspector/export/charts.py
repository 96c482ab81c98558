"""The year's charts as PNG pictures (matplotlib, no display): how ratings spread per category,
where points are lost, and a year beside the one before; the report and the province view
show the same pictures."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from ..model.labels import vn_points
from .rankings import Ranking

# Ratings in the order a reader scans them, with the colour each keeps in every chart.
RATING_COLOURS = {
    "Tốt": "#2e7d32", "Mức I": "#2e7d32",
    "Khá": "#1565c0", "Mức II": "#1565c0",
    "Trung bình": "#f9a825", "Mức III": "#f9a825",
    "Mức IV": "#ef6c00",
    "Dưới Mức IV (không xếp hạng)": "#c62828",
    "Chưa đủ dữ liệu": "#9e9e9e",
}
UNKNOWN = "Chưa đủ dữ liệu"
DPI = 110


@dataclass
class CategoryShare:
    category_id: str
    title: str
    points: float       # summed over the group's agencies whose category is complete
    max_points: float
    agencies: int

    @property
    def share(self) -> float:
        return self.points / self.max_points if self.max_points else 0.0


def category_shares(document: dict[str, Any], group: str) -> list[CategoryShare]:
    """Each category of a group: the points its agencies got against the points they could
    get (complete categories only: an unknown is not a loss)."""
    shares: dict[str, CategoryShare] = {}
    for agency in document["agencies"]:
        if agency["level"] != group:
            continue
        for category in agency["categories"]:
            share = shares.setdefault(category["id"], CategoryShare(
                category["id"], category["title"], 0.0, 0.0, 0))
            if category["complete"] and category["points"] is not None:
                share.points += category["points"]
                share.max_points += category["max_points"]
                share.agencies += 1
    return [shares[k] for k in sorted(shares)]


def short_title(title: str, width: int = 40) -> str:
    """A category's title for an axis: without the leading "Hạng mục", cut at a word."""
    text = title[len("Hạng mục "):] if title.lower().startswith("hạng mục ") else title
    text = text[:1].upper() + text[1:]
    if len(text) <= width:
        return text
    return text[:width].rsplit(" ", 1)[0] + " …"


def _figure(rows: int):
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7.2, max(2.2, 0.42 * rows + 1.3)), dpi=DPI)
    figure.set_layout_engine("constrained")
    return figure


def _png(figure) -> bytes:
    out = io.BytesIO()
    # no timestamp or software in the file: the same year gives the same bytes
    figure.savefig(out, format="png", metadata={"Software": None})
    return out.getvalue()


def rating_chart(rankings: list[Ranking], group: str) -> bytes:
    """Stacked bars, one per category of the group and one for the whole: how many agencies
    have each rating."""
    # a department has no overall rating (the seed rates its categories only)
    rows = [r for r in rankings if r.group == group
            and not (group == "province" and r.category_id == "overall")]
    rows.sort(key=lambda r: (r.category_id == "overall", r.category_id))
    labels = [("Tổng hợp" if r.category_id == "overall" else r.category_id) for r in rows]
    counts: list[dict[str, int]] = []
    for ranking in rows:
        tally: dict[str, int] = {}
        for place in ranking.places:
            key = place.rating if place.rating in RATING_COLOURS else UNKNOWN
            tally[key] = tally.get(key, 0) + 1
        for place in ranking.not_ranked:
            key = place.rating if place.rating in RATING_COLOURS else UNKNOWN
            tally[key] = tally.get(key, 0) + 1
        counts.append(tally)
    order = [k for k in RATING_COLOURS if any(k in c for c in counts)]
    order = list(dict.fromkeys(order)) + sorted({k for c in counts for k in c} - set(order))
    figure = _figure(len(rows))
    axes = figure.add_subplot()
    left = [0] * len(rows)
    for key in order:
        values = [c.get(key, 0) for c in counts]
        if not any(values):
            continue
        axes.barh(labels, values, left=left, label=key,
                  color=RATING_COLOURS.get(key, "#78909c"))
        left = [a + b for a, b in zip(left, values)]
    axes.invert_yaxis()
    axes.set_xlabel("Số cơ quan")
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=min(3, len(order)),
                fontsize=8, frameon=False)
    return _png(figure)


def points_lost_chart(document: dict[str, Any], group: str) -> bytes:
    """Per category, the share of its points the group lost (most lost on top)."""
    shares = [s for s in category_shares(document, group) if s.max_points]
    shares.sort(key=lambda s: s.share)
    figure = _figure(max(1, len(shares)))
    axes = figure.add_subplot()
    if not shares:      # nothing complete: an unknown is not a loss, so say so, draw no bar
        axes.set_axis_off()
        axes.text(0.5, 0.5, "Chưa có hạng mục nào đủ dữ liệu", ha="center", va="center")
        return _png(figure)
    lost = [round(100 * (1 - s.share), 1) for s in shares]
    bars = axes.barh([f"{s.category_id} {short_title(s.title)}" for s in shares], lost,
                     color="#c62828")
    axes.bar_label(bars, labels=[f"{vn_points(v)} %" for v in lost], fontsize=8, padding=2)
    axes.invert_yaxis()
    axes.set_xlim(0, 100)
    axes.set_xlabel("Tỷ lệ điểm bị mất (%)")
    axes.tick_params(axis="y", labelsize=8)
    return _png(figure)


def year_chart(document: dict[str, Any], before: dict[str, Any], group: str,
               year: int, year_before: int) -> bytes:
    """Per category, the share of points the group got this year beside the year before."""
    now = {s.category_id: s for s in category_shares(document, group)}
    then = {s.category_id: s for s in category_shares(before, group)}
    ids = sorted(set(now) | set(then))
    figure = _figure(len(ids) * 2)
    axes = figure.add_subplot()
    positions = list(range(len(ids)))
    height = 0.4

    def shares(table):
        return [round(100 * table[c].share, 1) if c in table and table[c].max_points else 0
                for c in ids]
    axes.barh([p - height / 2 for p in positions], shares(then), height=height,
              label=f"Năm {year_before}", color="#90a4ae")
    axes.barh([p + height / 2 for p in positions], shares(now), height=height,
              label=f"Năm {year}", color="#1565c0")
    axes.set_yticks(positions, ids)
    axes.invert_yaxis()
    axes.set_xlim(0, 100)
    axes.set_xlabel("Tỷ lệ điểm đạt được (%)")
    axes.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=2, fontsize=8,
                frameon=False)
    return _png(figure)
