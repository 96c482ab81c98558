"""Ratings from category points: Tốt/Khá/Trung bình (Section VI.1) and Mức I–IV (Section V.3.2)."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml

from ..model.errors import ChecklistError
from ..model.checklist import DEFAULT_DIR

RATINGS_SCHEMA = "inspector-ratings/1"


@dataclass(frozen=True)
class RatingTables:
    data: dict[str, Any]

    @classmethod
    def load(cls, path: Path | None = None) -> "RatingTables":
        path = Path(path or DEFAULT_DIR / "ratings.yaml")
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise ChecklistError(f"{path}: không đọc được các bảng xếp loại: {exc}") from None
        if not isinstance(data, dict) or data.get("schema") != RATINGS_SCHEMA:
            raise ChecklistError(f"{path}: schema: phải là {RATINGS_SCHEMA!r}")
        for key in ("province_rating", "district_level", "commune_level"):
            if key not in data:
                raise ChecklistError(f"{path}: thiếu khoá bắt buộc {key!r}")
        return cls(data)

    def province_rating(self, points: float, max_points: float) -> str:
        share = Fraction(str(points)) / Fraction(str(max_points))
        for band in self.data["province_rating"]["bands"]:
            if share >= Fraction(str(band["min_share"])):
                return band["label"]
        raise AssertionError("the last province band has min_share 0")

    def scheme(self, rating: str) -> dict[str, Any]:
        return self.data[rating]

    def row_for(self, rating: str, category_id: str) -> tuple[str, dict[str, Any]] | None:
        for key, row in self.data[rating]["categories"].items():
            if row["id"] == category_id:
                return key, row
        return None

    def level_index(self, rating: str, row_key: str, points: float) -> int | None:
        """0 for Mức I … 3 for Mức IV; None below Mức IV."""
        row = self.data[rating]["categories"][row_key]
        for index, share in enumerate(row["shares"]):
            if Fraction(str(points)) >= Fraction(str(share)) * Fraction(str(row["max_points"])):
                return index
        return None

    def level_label(self, rating: str, index: int | None) -> str:
        scheme = self.data[rating]
        return scheme["below"] if index is None else scheme["levels"][index]

    def category_rating(self, rating: str, row_key: str, points: float, max_points: float) -> str:
        if rating == "province_rating":
            return self.province_rating(points, max_points)
        return self.level_label(rating, self.level_index(rating, row_key, points))

    def overall(self, rating: str, points: dict[str, float | None]) -> dict[str, Any]:
        """The overall Mức of a district or commune from its category points by row key
        (None where a category is not known). Names what is missing instead of guessing."""
        scheme = self.data[rating]
        result: dict[str, Any] = {"scheme": rating}
        missing = [f"{row['id']} ({row['title']})" for key, row in scheme["categories"].items()
                   if points.get(key) is None]
        best_by_total = {}
        for name, total in scheme["totals"].items():
            rows = total["rows"]
            if any(points.get(r) is None for r in rows):
                best_by_total[name] = None
                result[name] = {"level": None, "points": None}
                continue
            value = sum(Fraction(str(points[r])) for r in rows)
            level = None
            for index, minimum in enumerate(total["minimum"]):
                if value >= Fraction(str(minimum)) and all(
                        (self.level_index(rating, r, points[r]) is not None
                         and self.level_index(rating, r, points[r]) <= index) for r in rows):
                    level = index
                    break
            best_by_total[name] = level
            result[name] = {"level": self.level_label(rating, level), "points": float(value)}
        if missing:
            result["level"] = None
            result["missing"] = missing
            result["note"] = "Chưa xếp hạng: thiếu điểm " + ", ".join(missing)
            return result
        levels = list(best_by_total.values())
        overall = None if any(lv is None for lv in levels) else max(levels)
        result["level"] = self.level_label(rating, overall)
        return result
