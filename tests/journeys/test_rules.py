"""Rule V.4.2.c.ii as pure functions: which services get the full journey (representative and
sample per group), when a service is due, and what each attempt's outcome does to its state."""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest

from inspector.journeys import rules
from inspector.journeys.rules import (AWAITING_RECHECK, JOURNEY, NEEDS_HUMAN, NONE, NOT_RECOGNISED,
                                      RECOGNISED, REOPENED, REPORT, UNCHECKED, UNMATCHED, Sampling,
                                      State, after_attempt, due, plan_checks, reopen)

T0 = datetime(2026, 11, 26, 8, 0, tzinfo=timezone.utc)
GAP = timedelta(hours=4)


def svc(sid: str, group: str | None = "Hộ tịch", procedures: int = 1, dossiers: int | None = 0):
    return {"id": sid, "name": f"Dịch vụ {sid}", "group_name": group,
            "procedures": [f"1.{i:06d}" for i in range(procedures)], "total_dossiers": dossiers}


def all_matched(services):
    return {s["id"]: True for s in services}


# --- plan_checks ------------------------------------------------------------------------------

def test_unmatched_services_get_none():
    services = [svc("a-01"), svc("a-02"), svc("a-03")]
    plans = plan_checks("so-tp", services, {"a-01": True, "a-02": False}, Sampling(above=10))
    assert plans["a-01"].check == JOURNEY
    assert plans["a-02"].check == NONE and plans["a-03"].check == NONE
    assert "catalogue" in plans["a-02"].reason


@pytest.mark.parametrize("count", [0, 1, 10])
def test_at_most_above_matched_all_get_the_journey(count):
    services = [svc(f"a-{i:02d}") for i in range(count)]
    # unmatched ones do not count towards `above`
    extra = [svc(f"x-{i:02d}") for i in range(5)]
    plans = plan_checks("so-tp", services + extra, all_matched(services), Sampling(above=10))
    assert len(plans) == count + 5
    assert all(plans[s["id"]].check == JOURNEY for s in services)
    assert all(plans[s["id"]].check == NONE for s in extra)


def big_agency():
    services = [
        # Hộ tịch: a-03 has most procedures
        svc("a-01", "Hộ tịch", 1, 900), svc("a-02", "Hộ tịch", 2, 10), svc("a-03", "Hộ tịch", 3, 5),
        svc("a-04", "Hộ tịch", 1, 0), svc("a-05", "Hộ tịch", 1, 7), svc("a-06", "Hộ tịch", 2, 9),
        # Xây dựng: same procedures, b-02 has most dossiers
        svc("b-01", "Xây dựng", 1, 10), svc("b-02", "Xây dựng", 1, 50),
        svc("b-03", "Xây dựng", 1, 3),
        svc("b-04", "Xây dựng", 1, None),
        # Đất đai: a full tie, smallest id wins
        svc("c-03", "Đất đai", 2, 8), svc("c-01", "Đất đai", 2, 8), svc("c-02", "Đất đai", 2, 8),
        # a group of one
        svc("d-01", "Tư pháp", 1, 1),
    ]
    return services


def test_above_threshold_representative_sample_and_report():
    services = big_agency()
    plans = plan_checks("so-tp", services, all_matched(services), Sampling(above=10, per_group=2))
    assert set(plans) == {s["id"] for s in services}
    by_group: dict[str, list] = {}
    for s in services:
        by_group.setdefault(s["group_name"], []).append(s["id"])
    representatives = {"Hộ tịch": "a-03", "Xây dựng": "b-02", "Đất đai": "c-01", "Tư pháp": "d-01"}
    for group, ids in by_group.items():
        rep = representatives[group]
        assert plans[rep].check == JOURNEY
        assert plans[rep].reason.startswith("representative")
        others = [i for i in ids if i != rep]
        counts = Counter(plans[i].check for i in others)
        assert counts[JOURNEY] == min(2, len(others)), (group, counts)
        assert counts[REPORT] == len(others) - min(2, len(others))
        for i in ids:
            assert plans[i].group == group
            assert group in plans[i].reason
        drawn = [i for i in others if plans[i].check == JOURNEY]
        assert all("drawn" in plans[i].reason for i in drawn)
        # exactly one representative per group
        assert sum(plans[i].reason.startswith("representative") for i in ids) == 1


def test_representative_order_procedures_then_dossiers_then_id():
    services = [svc("k-1", "G", 1, 1000), svc("k-2", "G", 2, 0), svc("k-3", "G", 2, 1),
                svc("k-4", "G", 2, 1)] + [svc(f"z-{i}", "H") for i in range(8)]
    plans = plan_checks("ubnd-x", services, all_matched(services), Sampling(above=3, per_group=0))
    assert [s["id"] for s in services[:4] if plans[s["id"]].check == JOURNEY] == ["k-3"]


def test_full_tie_smallest_id_when_one_id_is_a_prefix_of_another():
    services = [svc("s-10", "G", 1, 5), svc("s-1", "G", 1, 5), svc("s-2", "G", 1, 5)]
    plans = plan_checks("ubnd-x", services, all_matched(services), Sampling(above=1, per_group=0))
    assert plans["s-1"].check == JOURNEY and plans["s-1"].reason.startswith("representative")


def test_input_order_does_not_change_the_plan():
    services = big_agency()
    first = plan_checks("so-tp", services, all_matched(services), Sampling(above=10, seed=3))
    shuffled = services[:]
    random.Random(5).shuffle(shuffled)
    second = plan_checks("so-tp", shuffled, all_matched(services), Sampling(above=10, seed=3))
    assert {k: v.check for k, v in first.items()} == {k: v.check for k, v in second.items()}


def drawn(seed: int, services=None) -> frozenset[str]:
    services = services or [svc(f"h-{i:02d}", "Hộ tịch", 1, i) for i in range(20)]
    plans = plan_checks("so-tp", services, all_matched(services),
                        Sampling(above=10, per_group=2, seed=seed))
    return frozenset(k for k, p in plans.items() if p.check == JOURNEY and "drawn" in p.reason)


def test_same_seed_same_draw_other_seed_can_differ():
    assert drawn(7) == drawn(7)
    assert len(drawn(7)) == 2
    base = drawn(0)
    other = next((seed for seed in range(1, 50) if drawn(seed) != base), None)
    assert other is not None, "50 seeds all drew the same two services out of 19"
    assert drawn(other) == drawn(other)


def test_services_without_group_form_one_group():
    services = [svc(f"n-{i:02d}", None if i % 2 else "", 1, i) for i in range(12)]
    plans = plan_checks("ubnd-x", services, all_matched(services), Sampling(above=10, per_group=2))
    groups = {p.group for p in plans.values()}
    assert len(groups) == 1 and None not in groups
    counts = Counter(p.check for p in plans.values())
    assert counts == {JOURNEY: 3, REPORT: 9}
    assert plans["n-11"].check == JOURNEY and plans["n-11"].reason.startswith("representative")


# --- due / after_attempt: the V.4.2.c.ii table ----------------------------------------------------

def test_unchecked_is_due_first():
    assert due(State(), T0)[0] == "first"


def test_unmatched_is_never_due():
    state = State(UNMATCHED, False)
    assert due(state, T0)[0] is None
    assert due(state, T0, again=True, headed=True)[0] is None


def first_failure(at=T0) -> State:
    return after_attempt(State(), "failed", at, GAP)


def test_first_failure_waits_for_recheck():
    state = first_failure()
    assert state.status == AWAITING_RECHECK
    assert state.next_check_at == T0 + GAP
    assert state.first_failure_at == T0
    assert state.recognised is None


@pytest.mark.parametrize("later,expected", [
    (timedelta(0), None), (timedelta(minutes=1), None), (GAP - timedelta(seconds=1), None),
    (GAP, "recheck"), (GAP + timedelta(seconds=1), "recheck"), (timedelta(days=3), "recheck"),
])
def test_recheck_only_after_the_gap(later, expected):
    purpose, why = due(first_failure(), T0 + later)
    assert purpose == expected
    assert why


def test_second_failure_is_not_recognised():
    state = after_attempt(first_failure(), "failed", T0 + GAP, GAP)
    assert state.status == NOT_RECOGNISED
    assert state.recognised is False
    assert "not_recognised" in state.events
    assert due(state, T0 + 10 * GAP)[0] is None


@pytest.mark.parametrize("before", ["unchecked", "awaiting", "awaiting_late", "needs_human"])
def test_ok_at_any_time_is_recognised(before):
    state = {"unchecked": State(), "awaiting": first_failure(),
             "awaiting_late": first_failure(T0 - timedelta(days=2)),
             "needs_human": after_attempt(State(), "needs_human", T0, GAP)}[before]
    after = after_attempt(state, "ok", T0 + timedelta(minutes=5), GAP)
    assert after.status == RECOGNISED and after.recognised is True
    assert after.events == ["recognised"]
    assert after.first_failure_at is None and after.next_check_at is None


def test_needs_human_waits_for_headed_run():
    state = after_attempt(State(), "needs_human", T0, GAP)
    assert state.status == NEEDS_HUMAN
    assert due(state, T0 + timedelta(days=1))[0] is None
    assert due(state, T0 + timedelta(days=1), again=True)[0] is None
    assert due(state, T0, headed=True)[0] == "human"


def test_needs_human_after_a_failure_keeps_the_first_failure():
    state = after_attempt(first_failure(), "needs_human", T0 + GAP, GAP)
    assert state.status == NEEDS_HUMAN and state.first_failure_at == T0
    final = after_attempt(state, "failed", T0 + GAP + timedelta(minutes=10), GAP)
    assert final.status == NOT_RECOGNISED


@pytest.mark.parametrize("status,recognised", [(RECOGNISED, True), (NOT_RECOGNISED, False)])
def test_final_states_not_due_unless_again(status, recognised):
    state = State(status, recognised)
    assert due(state, T0 + timedelta(days=30))[0] is None
    assert due(state, T0, headed=True)[0] is None
    assert due(state, T0, again=True)[0] == "again"


def recognised_state() -> State:
    return after_attempt(State(), "ok", T0, GAP)


def test_reopen_recognised_is_due():
    state = reopen(recognised_state(), T0 + timedelta(days=10))
    assert state.status == REOPENED
    assert state.recognised is True
    assert state.reopened_at == T0 + timedelta(days=10)
    assert "reopened" in state.events
    assert due(state, T0 + timedelta(days=10))[0] == "reopen"


def test_reopened_failure_keeps_recognition_then_revoked():
    at = T0 + timedelta(days=10)
    state = after_attempt(reopen(recognised_state(), at), "failed", at, GAP)
    assert state.status == AWAITING_RECHECK
    assert state.recognised is True
    assert state.next_check_at == at + GAP
    assert due(state, at + GAP - timedelta(seconds=1))[0] is None
    assert due(state, at + GAP)[0] == "recheck"
    final = after_attempt(state, "failed", at + GAP, GAP)
    assert final.status == NOT_RECOGNISED
    assert final.recognised is False
    assert "revoked" in final.events


def test_reopened_ok_is_confirmed():
    at = T0 + timedelta(days=10)
    state = after_attempt(reopen(recognised_state(), at), "ok", at, GAP)
    assert state.status == RECOGNISED and state.recognised is True
    assert "confirmed" in state.events


def test_reopened_failure_then_ok_is_confirmed():
    at = T0 + timedelta(days=10)
    state = after_attempt(reopen(recognised_state(), at), "failed", at, GAP)
    state = after_attempt(state, "ok", at + GAP, GAP)
    assert state.status == RECOGNISED and "confirmed" in state.events


@pytest.mark.parametrize("state", [State(NOT_RECOGNISED, False), State(), first_failure(),
                                   State(NEEDS_HUMAN), State(UNMATCHED, False)],
                         ids=["not_recognised", "unchecked", "awaiting", "needs_human",
                              "unmatched"])
def test_reopen_of_a_service_not_recognised_is_refused(state):
    with pytest.raises(ValueError):
        reopen(state, T0)


def test_the_state_machine_constants():
    assert UNCHECKED == State().status
    assert rules.DEFAULT_RECHECK_AFTER == timedelta(hours=4)
