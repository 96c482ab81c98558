"""Rankings of Section VI.3 worked by hand: order from high to low, ties sharing a place, Mức
before points for districts and communes, below Mức IV and incomplete agencies listed apart."""

from __future__ import annotations

import json

from inspector.export.rankings import rankings


def agency(aid: str, level: str, categories: list[tuple], total: float | None = None,
           level_label: str | None = None, missing: list[str] | None = None) -> dict:
    cats = [{"id": cid, "title": cid, "points": pts, "max_points": mx, "rating": rating,
             "complete": complete, **({"missing": ["x/1"]} if not complete else {})}
            for cid, pts, mx, rating, complete in categories]
    overall = {"total": {"points": total, "max_points": sum(c[2] for c in categories),
                         **({"missing": missing} if missing else {})}}
    if level_label is not None:
        overall["level"] = level_label
    return {"id": aid, "name": aid.upper(), "level": level, "categories": cats,
            "overall": overall}


def by(found, group, category):
    return next(r for r in found if r.group == group and r.category_id == category)


def test_departments_rank_per_category_with_ties_and_incomplete_apart():
    # VI.1: "xếp theo thứ tự từ cao đến thấp và xác định mức độ Tốt, Khá, Trung bình"
    doc = {"agencies": [
        agency("so-a", "province", [("1B/III", 86.4583, 100, "Tốt", True)], 86.4583),
        agency("so-b", "province", [("1B/III", 70.0, 100, "Khá", True)], 70.0),
        agency("so-c", "province", [("1B/III", 86.4583, 100, "Tốt", True)], 86.4583),
        agency("so-d", "province", [("1B/III", 40.0, 100, None, False)], None,
               missing=["1B/III"]),
        agency("so-e", "province", [("1B/III", 12.5, 100, "Trung bình", True)], 12.5),
    ]}
    found = rankings(doc)
    portal = by(found, "province", "1B/III")
    assert [(p.agency_id, p.rank, p.tied, p.rating) for p in portal.places] == [
        ("so-a", 1, True, "Tốt"), ("so-c", 1, True, "Tốt"), ("so-b", 3, False, "Khá"),
        ("so-e", 4, False, "Trung bình")]
    assert [(p.agency_id, p.why_not) for p in portal.not_ranked] == [
        ("so-d", "chưa đủ dữ liệu: x/1")]
    overall = by(found, "province", "overall")
    assert [(p.agency_id, p.rank) for p in overall.places] == [
        ("so-a", 1), ("so-c", 1), ("so-b", 3), ("so-e", 4)]
    assert overall.not_ranked[0].why_not == "chưa đủ dữ liệu: 1B/III"


def test_districts_rank_by_level_then_points_and_below_level_iv_is_not_ranked():
    # V.3.2.a: "xếp hạng theo 04 mức độ … Các địa phương đạt điểm dưới Mức IV thì không xếp
    # hạng": a Mức II district with more points still ranks after every Mức I district
    cats = [("2B/II/I", 300.0, 400, "Mức III", True)]
    doc = {"agencies": [
        agency("huyen-a", "district", cats, 1300.0, "Mức II"),
        agency("huyen-b", "district", cats, 1250.0, "Mức I"),
        agency("huyen-c", "district", cats, 1400.0, "Mức II"),
        agency("huyen-d", "district", cats, 900.0, "Dưới Mức IV (không xếp hạng)"),
        agency("huyen-e", "district", cats, 1260.0, "Mức I"),
    ]}
    overall = by(rankings(doc), "district", "overall")
    assert [(p.agency_id, p.rank, p.rating) for p in overall.places] == [
        ("huyen-e", 1, "Mức I"), ("huyen-b", 2, "Mức I"), ("huyen-c", 3, "Mức II"),
        ("huyen-a", 4, "Mức II")]
    assert [(p.agency_id, p.why_not) for p in overall.not_ranked] == [
        ("huyen-d", "không xếp hạng (dưới Mức IV)")]
    assert overall.max_points == 400


def test_groups_stay_apart_and_equal_stored_points_tie():
    # points are stored to four decimals (scoring/engine.py): equal as stored, equal in rank
    below = "Dưới Mức IV (không xếp hạng)"
    doc = {"agencies": [
        agency("xa-b", "commune", [("3B/II/I", round(0.1 + 0.2, 4), 270, below, True)]),
        agency("xa-a", "commune", [("3B/II/I", 0.3, 270, below, True)]),
        agency("xa-c", "commune", [("3B/II/I", 0.2999, 270, below, True)]),
        agency("so-a", "province", [("1B/III", 90.0, 100, "Tốt", True)], 90.0),
    ]}
    found = rankings(doc)
    assert {r.group for r in found} == {"province", "commune"}
    communes = by(found, "commune", "3B/II/I")
    assert [(p.agency_id, p.rank, p.tied) for p in communes.places] == [
        ("xa-a", 1, True), ("xa-b", 1, True), ("xa-c", 3, False)]
    json.dumps([r.as_dict() for r in found], ensure_ascii=False)
