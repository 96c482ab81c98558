"""The formula rule (the seed's "Điểm = …" written in a checklist) and level-wide maxima."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from inspector.model.checklist import Criterion
from inspector.scoring.engine import score_criterion
from inspector.model.formula import FormulaError, evaluate, parse
from inspector.scoring.quantities import Context, peer_maxima

AS_OF = date(2026, 11, 26)


@pytest.mark.parametrize("expression,values,expected", [
    ("max_points * ratio", {"max_points": 15, "ratio": Fraction(2, 3)}, 10),
    # "80% trở lên đạt điểm tối đa; <80% Điểm = Tỷ lệ x Điểm tối đa" (Phụ lục 1B, II.2)
    ("max_points if share >= 80 else share / 100 * max_points",
     {"max_points": 12, "share": 79}, Fraction(948, 100)),
    ("max_points if share >= 80 else share / 100 * max_points",
     {"max_points": 12, "share": 80}, 12),
    # "20% trở xuống đạt điểm tối đa; >20%: Điểm = 8 – (Tỷ lệ x Điểm tối đa)"
    ("8 if share <= 20 else 8 - share / 100 * 8", {"share": 50}, 4),
    ("min(2, 0.5 * extra)", {"extra": 5}, 2),
    ("floor(7 / 3, 0.5)", {}, 2),
    ("clamp(x, 0, 1)", {"x": 3}, 1),
    ("0.1 + 0.2", {}, Fraction(3, 10)),   # exact: no 0.30000000000000004 at a band edge
])
def test_formulas_evaluate_exactly(expression, values, expected):
    tree = parse(expression, set(values))
    assert evaluate(tree, {k: Fraction(v) for k, v in values.items()}) == expected


@pytest.mark.parametrize("expression,why", [
    ("__import__('os').system('id')", "chỉ được gọi các hàm min, max, floor và clamp"),
    ("ratio.real", "Attribute"),
    ("open", "không có tên 'open'"),
    ("[1, 2][0]", "không được phép"),
    ("ratio ** 1000000", "không được phép"),
    ("lambda: 1", "không được phép"),
    ("'text'", "không được phép"),
    ("1 +", "sai cú pháp"),
])
def test_formulas_refuse_anything_but_arithmetic(expression, why):
    with pytest.raises(FormulaError, match=why):
        parse(expression, {"ratio"})


def criterion(expression: str, values: dict[str, str], max_points: float = 10) -> Criterion:
    return Criterion("T/1", "Thử", max_points, {"kind": "quantities", "values": values},
                     {"type": "formula", "expression": expression}, "Điểm = Tỷ lệ x Điểm tối đa",
                     category_id="T")


def ctx(**survey) -> Context:
    return Context("so-a", "province", None, None,
                   observations={f"survey/{k}": {"value": v} for k, v in survey.items()})


def test_a_formula_finding_shows_its_inputs_and_is_capped():
    rule = criterion("max_points * done / total", {"done": "survey.done", "total": "survey.total"})
    finding = score_criterion(rule, ctx(done=45, total=60), AS_OF)
    assert finding.points == 7.5
    assert finding.metrics["inputs"] == {"survey.done": 45, "survey.total": 60}
    assert score_criterion(rule, ctx(done=90, total=60), AS_OF).points == 10   # capped


def test_a_missing_answer_or_a_zero_denominator_is_not_assessed_never_zero():
    rule = criterion("max_points * done / total", {"done": "survey.done", "total": "survey.total"})
    missing = score_criterion(rule, ctx(done=45), AS_OF)
    assert (missing.status, missing.points) == ("not_assessed", None)
    assert "survey.total" in missing.reason
    zero = score_criterion(rule, ctx(done=0, total=0), AS_OF)
    assert (zero.status, zero.points) == ("not_assessed", None)
    assert "survey.total is 0" in zero.reason


def test_a_normalised_ratio_uses_the_largest_among_the_level():
    # Phụ lục 1B, I.4: "Tỷ lệ chuẩn hóa = (Tỷ lệ … của Tỉnh)/(Tỷ lệ … có giá trị lớn nhất)"
    rule = criterion("max_points * mine / best",
                     {"mine": "survey.bandwidth", "best": "peers.max.survey.bandwidth"}, 15)
    agencies = [ctx(bandwidth=2.0), ctx(bandwidth=8.0), ctx(bandwidth=4.0)]
    maxima = peer_maxima({"peers.max.survey.bandwidth"}, agencies)
    assert maxima == {"peers.max.survey.bandwidth": 8.0}
    for agency in agencies:
        agency.peers = maxima
    assert [score_criterion(rule, a, AS_OF).points for a in agencies] == [3.75, 15, 7.5]


def test_a_normalised_ratio_waits_for_every_agencys_figure():
    agencies = [ctx(bandwidth=2.0), ctx()]
    maxima = peer_maxima({"peers.max.survey.bandwidth"}, agencies)
    assert maxima == {"peers.max.survey.bandwidth": None}
    agencies[0].peers = maxima
    rule = criterion("max_points * mine / best",
                     {"mine": "survey.bandwidth", "best": "peers.max.survey.bandwidth"}, 15)
    finding = score_criterion(rule, agencies[0], AS_OF)
    assert finding.status == "not_assessed" and "some agency's is not" in finding.reason
