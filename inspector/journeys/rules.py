"""The rules of Section V.4.2 as pure functions: which check each service gets (c.ii sampling),
when it is due (c.ii re-checks, hậu kiểm), and what an attempt's outcome does to its state."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

JOURNEY, REPORT, NONE = "journey", "report", "none"
# Service check states.
UNCHECKED, AWAITING_RECHECK, RECOGNISED, NOT_RECOGNISED, NEEDS_HUMAN, UNMATCHED, REOPENED = (
    "unchecked", "awaiting_recheck", "recognised", "not_recognised", "needs_human", "unmatched",
    "reopened")
DEFAULT_RECHECK_AFTER = timedelta(hours=4)


@dataclass
class Sampling:
    """V.4.2.c.ii: above ``above`` matched services an agency's services are grouped; each group's
    representative and ``per_group`` others (drawn with ``seed``) get the full journey."""

    above: int = 10
    per_group: int = 2
    seed: int = 0


@dataclass
class Plan:
    check: str          # journey | report | none
    reason: str         # English, for reviewers
    group: str | None = None


def plan_checks(agency_id: str, services: list[dict[str, Any]], matched: dict[str, bool],
                sampling: Sampling) -> dict[str, Plan]:
    """The check each service gets. ``services`` are register rows (id, name, group_name,
    procedures, total_dossiers); ``matched`` tells which names match the approved catalogue."""
    plans: dict[str, Plan] = {}
    candidates = []
    for service in services:
        if matched.get(service["id"]):
            candidates.append(service)
        else:
            plans[service["id"]] = Plan(NONE, "its name matches no procedure of the approved "
                                        "catalogue (V.4.2.c.i): not checked, flagged for review")
    if len(candidates) <= sampling.above:
        for service in candidates:
            plans[service["id"]] = Plan(JOURNEY, f"the agency has {len(candidates)} matched "
                                        f"service(s), at most {sampling.above}: each gets the "
                                        "full journey")
        return plans
    groups: dict[str, list[dict[str, Any]]] = {}
    for service in candidates:
        groups.setdefault(service.get("group_name") or "(không nhóm)", []).append(service)
    for group, members in sorted(groups.items()):
        members = sorted(members, key=lambda s: s["id"])
        # The main representative: the service covering most procedures, then the busiest.
        head = min(members, key=lambda s: (-len(s.get("procedures") or []),
                                           -(s.get("total_dossiers") or 0), s["id"]))
        plans[head["id"]] = Plan(JOURNEY, f"representative of group {group!r} "
                                 f"({len(members)} service(s)); V.4.2.c.ii", group)
        rest = [s for s in members if s is not head]
        rng = random.Random(f"{sampling.seed}/{agency_id}/{group}")
        sample = rng.sample(rest, min(sampling.per_group, len(rest)))
        for service in rest:
            if service in sample:
                plans[service["id"]] = Plan(JOURNEY, f"drawn in group {group!r} (seed "
                                            f"{sampling.seed}, {sampling.per_group} per group); "
                                            "V.4.2.c.ii", group)
            else:
                plans[service["id"]] = Plan(REPORT, f"group {group!r} is checked through its "
                                            "representative and sample; this one by report "
                                            "(V.4.2.c.iii: name in the catalogue, link opens, "
                                            "screenshot for the reviewer)", group)
    return plans


@dataclass
class State:
    status: str = UNCHECKED
    recognised: bool | None = None
    first_failure_at: datetime | None = None
    next_check_at: datetime | None = None
    reopened_at: datetime | None = None
    events: list[str] = field(default_factory=list)


def due(state: State, now: datetime, *, headed: bool = False,
        again: bool = False) -> tuple[str | None, str]:
    """(purpose of the attempt to make now, or None; why)."""
    if state.status == UNMATCHED:
        return None, "not in the catalogue"
    if state.status == REOPENED:
        return "reopen", "reopened by a reviewer (hậu kiểm, V.4.2.c.ii)"
    if state.status == AWAITING_RECHECK:
        if state.next_check_at and now < state.next_check_at:
            return None, f"re-check due at {state.next_check_at.isoformat()}"
        return "recheck", "re-check after a failure (V.4.2.c.ii: at least once, at another time)"
    if state.status == NEEDS_HUMAN:
        if headed:
            return "human", "a person finishes the step in the visible browser"
        return None, "waits for a person (run with --headed)"
    if state.status in (RECOGNISED, NOT_RECOGNISED):
        return ("again", "checked again on request") if again else (None, "final")
    return "first", "not checked yet"


def after_attempt(state: State, outcome: str, at: datetime, recheck_after: timedelta) -> State:
    """The state after an attempt's outcome (ok | failed | needs_human). A failure is final only
    when it repeats at least ``recheck_after`` later; a recognition stands until then."""
    was_recognised = state.recognised is True
    reopened = state.reopened_at
    if outcome == "ok":
        return State(RECOGNISED, True, events=["confirmed" if reopened else "recognised"])
    if outcome == "needs_human":
        return State(NEEDS_HUMAN, True if was_recognised else None,
                     first_failure_at=state.first_failure_at, reopened_at=reopened,
                     events=["needs_human"])
    if state.first_failure_at is None:
        return State(AWAITING_RECHECK, True if was_recognised else None, first_failure_at=at,
                     next_check_at=at + recheck_after, reopened_at=reopened,
                     events=["awaiting_recheck"])
    return State(NOT_RECOGNISED, False,
                 events=["revoked" if was_recognised else "not_recognised"])


def reopen(state: State, at: datetime) -> State:
    """Hậu kiểm: a recognised service is checked again; its recognition stands meanwhile."""
    if state.status != RECOGNISED:
        raise ValueError(f"only a recognised service can be reopened (it is {state.status})")
    return State(REOPENED, True, reopened_at=at, events=["reopened"])
