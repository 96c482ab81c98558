"""Named quantities the checklists refer to (declared.*, services.*, children.*, survey.*, observed.*,
peers.max.*).

Each resolves to a number from the scoring context or raises `Unknown` with the reason, so a
criterion that needs it is `not_assessed` rather than scored 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from ..survey.forms import Declaration


# The reason of a figure the agency's report should hold and does not (V.3.1.b's first case).
NOT_IN_REPORT = "has not been recorded from the agency's survey"


class Unknown(Exception):
    """The quantity could not be known; the message says why (in English, for reviewers)."""


@dataclass
class ServiceResult:
    """A declared online service and, once checked, whether it was recognised (Section V.4.2)."""

    name: str
    level: int
    procedures: list[str] = field(default_factory=list)  # catalogue codes it covers
    recognised: bool | None = None  # None: not checked yet, or waiting for a person
    online_dossiers: int | None = None
    total_dossiers: int | None = None
    reason: str | None = None
    id: str | None = None
    check: str | None = None         # journey | report | none (V.4.2.c)
    evidence: list[dict[str, Any]] = field(default_factory=list)  # the last attempt's proof

    def as_metric(self) -> dict[str, Any]:
        """What a finding shows of this service: the inputs of the seed's formulas."""
        return {"id": self.id, "name": self.name, "level": self.level,
                "procedures": list(self.procedures), "recognised": self.recognised,
                "check": self.check, "online_dossiers": self.online_dossiers,
                "total_dossiers": self.total_dossiers,
                "online_share": round(self.online_share(), 4),
                **({"reason": self.reason} if self.reason else {})}

    def online_share(self) -> float:
        if not self.total_dossiers:
            return 0.0
        return min(1.0, (self.online_dossiers or 0) / self.total_dossiers)


@dataclass
class ChildSummary:
    """What a district's score needs to know of one of its communes."""

    id: str
    has_portal: bool | None
    recognised_level3: int | None
    recognised_level4: int | None
    tthc_total: int | None
    services_level12: float | None = None


@dataclass
class Context:
    """Everything the engine may read about one agency. Built by the caller; no I/O here."""

    agency_id: str
    level: str
    tthc_total: int | None
    province_tthc_total: int | None
    services: list[ServiceResult] = field(default_factory=list)  # as declared; recognised once checked
    children: list[ChildSummary] | None = None
    observations: dict[str, dict[str, Any]] = field(default_factory=dict)
    # the largest value of a quantity among the agencies of this level ("peers.max.<name>",
    # for the seed's normalised ratios such as 1B/I/4), None where some agency's is unknown
    peers: dict[str, float | None] = field(default_factory=dict)
    declarations: list[Declaration] = field(default_factory=list)


def _declared(ctx: Context, attr: str, label: str) -> float:
    value = getattr(ctx, attr)
    if value is None:
        raise Unknown(f"{label} is not declared in the register")
    return float(value)


def _checked(ctx: Context) -> list[ServiceResult]:
    pending = [s for s in ctx.services if s.recognised is None]
    if pending:
        raise Unknown(f"{len(pending)} of {len(ctx.services)} declared service(s) still await "
                      "a check or a person: " + "; ".join(
                          s.name + (f" ({s.reason})" if s.reason else " (not checked yet)")
                          for s in pending[:3]))
    return ctx.services


def _procedure_keys(service: ServiceResult) -> list[str]:
    # V.4.2.b: one procedure counts once however many units offer it; a service that bundles
    # several procedures counts as several.
    return service.procedures or [f"name:{service.name}"]


def _recognised(ctx: Context, levels: tuple[int, ...]) -> float:
    keys: set[str] = set()
    for service in _checked(ctx):
        if service.recognised and service.level in levels:
            keys.update(_procedure_keys(service))
    return float(len(keys))


def _mean_share(ctx: Context, level: int) -> float:
    """Tỷ lệ TBHSTT: the mean dossier share over the same units the count counts (procedures:
    a bundle weighs as its procedures; a procedure offered twice counts once, at its best)."""
    shares: dict[str, float] = {}
    for service in _checked(ctx):
        if service.recognised and service.level == level:
            for key in _procedure_keys(service):
                shares[key] = max(shares.get(key, 0.0), service.online_share())
    return sum(shares.values()) / len(shares) if shares else 0.0


def _declared_count(ctx: Context, level: int) -> float:
    return float(sum(1 for s in ctx.services if s.level == level))


def _children(ctx: Context) -> list[ChildSummary]:
    if not ctx.children:
        raise Unknown("no commune of this district is in the register")
    return ctx.children


def _child_count(ctx: Context, predicate: Callable[[ChildSummary], bool | None],
                 what: str) -> float:
    count = 0
    for child in _children(ctx):
        verdict = predicate(child)
        if verdict is None:
            raise Unknown(f"commune {child.id}: {what} is not known yet")
        count += bool(verdict)
    return float(count)


def _child_sum(ctx: Context, attr: str, what: str) -> float:
    total = 0.0
    for child in _children(ctx):
        value = getattr(child, attr)
        if value is None:
            raise Unknown(f"commune {child.id}: {what} is not known yet")
        total += value
    return total


def _level12_full(child: ChildSummary) -> bool | None:
    if child.services_level12 is None or child.tthc_total is None:
        return None
    return child.tthc_total > 0 and child.services_level12 >= child.tthc_total


def _positive(value: int | None) -> bool | None:
    return None if value is None else value > 0


_RESOLVERS: dict[str, Callable[[Context], float]] = {
    "declared.tthc_total": lambda c: _declared(c, "tthc_total", "the agency's TTHC total"),
    "declared.province_tthc_total":
        lambda c: _declared(c, "province_tthc_total", "the province's TTHC total"),
    "declared.services_total": lambda c: float(len(c.services)),
    "declared.services_level3": lambda c: _declared_count(c, 3),
    "declared.services_level4": lambda c: _declared_count(c, 4),
    "services.recognised_level3": lambda c: _recognised(c, (3,)),
    "services.recognised_level4": lambda c: _recognised(c, (4,)),
    "services.recognised_level34": lambda c: _recognised(c, (3, 4)),
    "services.mean_online_share_level3": lambda c: _mean_share(c, 3),
    "services.mean_online_share_level4": lambda c: _mean_share(c, 4),
    "children.count": lambda c: float(len(_children(c))),
    "children.with_portal": lambda c: _child_count(c, lambda ch: ch.has_portal, "its portal"),
    "children.with_level3":
        lambda c: _child_count(c, lambda ch: _positive(ch.recognised_level3), "its services"),
    "children.with_level4":
        lambda c: _child_count(c, lambda ch: _positive(ch.recognised_level4), "its services"),
    "children.with_level12_full":
        lambda c: _child_count(c, _level12_full, "its level 1-2 services (survey)"),
    "children.recognised_level3_sum":
        lambda c: _child_sum(c, "recognised_level3", "its level 3 services"),
    "children.recognised_level4_sum":
        lambda c: _child_sum(c, "recognised_level4", "its level 4 services"),
    "children.tthc_total_sum": lambda c: _child_sum(c, "tthc_total", "its TTHC total"),
}

KNOWN = frozenset(_RESOLVERS)


def peer_names(value: Any) -> set[str]:
    """The "peers.max.*" quantities a rule or input names (the caller computes them)."""
    if isinstance(value, str):
        return {value} if value.startswith("peers.max.") else set()
    if isinstance(value, dict):
        return set().union(*(peer_names(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(peer_names(v) for v in value)) if value else set()
    return set()


def peer_maxima(names: set[str], contexts: list[Context]) -> dict[str, float | None]:
    """For each "peers.max.<q>", the largest <q> among the contexts (agencies of one level),
    or None when some agency's <q> is unknown: a normalised ratio must not be scored against
    a maximum that one missing report could still raise."""
    result: dict[str, float | None] = {}
    for name in names:
        inner = name[len("peers.max."):]
        best: float | None = None
        for ctx in contexts:
            try:
                value = resolve(inner, ctx)
            except Unknown:
                best = None
                break
            best = value if best is None else max(best, value)
        result[name] = best
    return result


def resolve(name: str, ctx: Context) -> float:
    """The value of a named quantity for this agency, or `Unknown` with the reason."""
    if name in _RESOLVERS:
        return _RESOLVERS[name](ctx)
    if name.startswith("peers.max."):
        inner = name[len("peers.max."):]
        if name not in ctx.peers:
            raise Unknown(f"the largest {inner} among the agencies of the level has not been "
                          "computed")
        value = ctx.peers[name]
        if value is None:
            raise Unknown(f"the largest {inner} among the agencies of the level is not known "
                          "while some agency's is not")
        return float(value)
    prefix, _, key = name.partition(".")
    if prefix in ("survey", "observed"):
        obs = ctx.observations.get(f"{prefix}/{key}")
        if obs is None:
            raise Unknown(f"{name} {NOT_IN_REPORT}" if prefix == "survey"
                          else f"{name} has not been recorded from the portal")
        if obs.get("status") == "failed":
            raise Unknown(obs.get("reason") or f"{name} could not be observed")
        value = obs.get("value")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise Unknown(f"{name} is not a number ({value!r})")
        return float(value)
    raise Unknown(f"unknown quantity {name}")
